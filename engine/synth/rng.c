/*
 * rng.c - random numbers for the generator: splitmix64 seeding, one
 * xoshiro256** stream per study and purpose (synth_internal.h, Determinism).
 */
#include "synth_internal.h"

static uint64_t mix64(uint64_t z)
{
    z += 0x9e3779b97f4a7c15ULL;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

void syn_rng_init(syn_rng *r, uint64_t seed, uint64_t study, uint64_t stream)
{
    uint64_t k = mix64(mix64(mix64(seed) ^ study) ^ (stream + 0x5851f42d4c957f2dULL));
    for (int j = 0; j < 4; j++) {
        k += 0x9e3779b97f4a7c15ULL;
        r->s[j] = mix64(k);
    }
    if (!(r->s[0] | r->s[1] | r->s[2] | r->s[3]))
        r->s[0] = 1;
}

static uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

static uint64_t rng_next(syn_rng *r)
{
    uint64_t *s = r->s;
    uint64_t out = rotl(s[1] * 5, 7) * 9;
    uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return out;
}

/* Uniform in [0, 1). */
double syn_rng_unif(syn_rng *r) { return (double)(rng_next(r) >> 11) * 0x1.0p-53; }

double syn_rng_range(syn_rng *r, double lo, double hi)
{
    return lo + (hi - lo) * syn_rng_unif(r);
}

/* Uniform integer in lo..hi. */
int syn_rng_int(syn_rng *r, int lo, int hi)
{
    return lo + (int)(syn_rng_unif(r) * (double)(hi - lo + 1));
}

/* Standard normal (Box-Muller, one value per call). */
double syn_rng_gauss(syn_rng *r)
{
    double u1 = 1.0 - syn_rng_unif(r); /* (0, 1] */
    double u2 = syn_rng_unif(r);
    return sqrt(-2.0 * log(u1)) * cos(2.0 * SYN_PI * u2);
}
