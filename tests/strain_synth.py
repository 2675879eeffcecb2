"""Synthetic longitudinal strain studies with a known time to peak strain.

An independent generator (it shares no code or model with `dyssync synth`)
for tests/accuracy.py's strain rows.  Python 3 standard library only.

The model, one beat per study, time from QRS onset (t = 0) to the end of
the RR interval:
  - Study: heart rate 55-95 bpm, AVO 60-120 ms, LVET from Weissler's
    regression (413 - 1.7 HR) +- 12 ms, clipped to 240-330 ms.
  - Segment: strain in % (shortening negative) = -(main + flash + post +
    atrial), each a smooth bump (never a kink):
      main: S = 10-25 % at the target time T, rising with sigma 60-120 ms
        (at most T / 2.5, so that strain starts near 0 at QRS onset) and
        relaxing with sigma 40-80 ms, the width changing smoothly (tanh)
        at T, so that the bump's only maximum is at T;
      flash (30 % of the segments): +-0.5-2 % (shortening or stretch),
        sigma 15-30 ms, in the isovolumic contraction period or early
        ejection (AVO - 40 to AVO + 40 ms);
      post-systolic shortening (30 %): 0.1-0.4 S, sigma 20-40 ms,
        centred 20-90 ms after AVC;
      atrial: 0.1-0.2 S, sigma 25-40 ms, 120 ms before the end of the RR.
    T is drawn by quarters of the segments: early (the first third of the
    ejection window), mid, late (its last third) and after AVC (up to 80
    ms: post-systolic peaks).
  - Sampling: frames from 0 at 1 / fps with a clock jitter of +-10 % of a
    frame, to the end of the RR; white Gaussian noise of SD `noise` (in
    % strain); written with 4 decimals.
  - Truth: the time of the most negative strain of the noise-free
    composite over [0, RR]: a 0.5 ms scan refined by golden section.  A
    segment is drawn again unless that minimum is at least 15 ms from both
    ends of the cycle and every other local minimum is shallower than 0.85
    of it.
"""
import math
import os
import random

SEGMENTS = [
    "basal_anterior", "basal_anteroseptal", "basal_inferoseptal", "basal_inferior",
    "basal_inferolateral", "basal_anterolateral", "mid_anterior", "mid_anteroseptal",
    "mid_inferoseptal", "mid_inferior", "mid_inferolateral", "mid_anterolateral",
]
POSITIONS = ["early", "mid", "late", "after AVC"]


def bump(t, centre, amp, s1, s2=None):
    """amp * exp(-u^2 / 2), u = (t - centre) / s, s from s1 (before) to s2 (after)."""
    if s2 is None:
        s = s1
    else:
        s = s1 + (s2 - s1) * 0.5 * (1.0 + math.tanh((t - centre) / (0.6 * s1)))
    u = (t - centre) / s
    return 0.0 if u * u > 1400 else amp * math.exp(-0.5 * u * u)


class Segment:
    def __init__(self, rng, avo, avc, rr, position):
        lvet = avc - avo
        lo, hi = {
            "early": (avo + 40, avo + lvet / 3),
            "mid": (avo + lvet / 3, avo + 2 * lvet / 3),
            "late": (avo + 2 * lvet / 3, avc),
            "after AVC": (avc, avc + 80),
        }[position]
        self.t_target = rng.uniform(lo, hi)
        self.size = rng.uniform(10, 25)
        self.rise = max(25.0, min(rng.uniform(60, 120), self.t_target / 2.5))
        self.relax = rng.uniform(40, 80)
        self.parts = []
        if rng.random() < 0.3:
            self.parts.append((rng.uniform(avo - 40, avo + 40),
                               rng.choice((-1, 1)) * rng.uniform(0.5, 2), rng.uniform(15, 30)))
        if rng.random() < 0.3:
            self.parts.append((avc + rng.uniform(20, 90), rng.uniform(0.1, 0.4) * self.size,
                               rng.uniform(20, 40)))
        self.parts.append((rr - 120, rng.uniform(0.1, 0.2) * self.size, rng.uniform(25, 40)))

    def strain(self, t):
        v = bump(t, self.t_target, self.size, self.rise, self.relax)
        for centre, amp, sigma in self.parts:
            v += bump(t, centre, amp, sigma)
        return -v


def truth(seg, rr):
    """Time of the most negative strain in [0, rr], or None when not acceptable."""
    h = 0.5
    n = int(rr / h)
    vals = [seg.strain(k * h) for k in range(n + 1)]
    k = min(range(n + 1), key=vals.__getitem__)
    if k * h < 15 or (n - k) * h < 15:
        return None
    deepest = vals[k]
    for j in range(1, n):
        if j != k and vals[j] < vals[j - 1] and vals[j] <= vals[j + 1] \
                and abs(j - k) * h > 5 and vals[j] < 0.85 * deepest:
            return None  # another minimum almost as deep
    a, b = (k - 1) * h, (k + 1) * h
    g = (math.sqrt(5) - 1) / 2
    for _ in range(40):
        c, d = b - g * (b - a), a + g * (b - a)
        if seg.strain(c) < seg.strain(d):
            b = d
        else:
            a = c
    return 0.5 * (a + b)


def hearts(n, seed):
    """The n studies' hearts and truth; they depend on (seed, study) only, so
    every frame rate and noise level samples the same curves."""
    out = []
    for i in range(n):
        rng = random.Random("%d-%d" % (seed, i))
        hr = rng.randint(55, 95)
        rr = 60000.0 / hr
        avo = rng.randint(60, 120)
        lvet = min(330, max(240, 413 - 1.7 * hr + rng.gauss(0, 12)))
        avc = round(avo + lvet)
        segs, ttp, pos = [], [], []
        for s in range(len(SEGMENTS)):
            position = POSITIONS[(i + s) % 4]
            for _ in range(50):
                seg = Segment(rng, avo, avc, rr, position)
                t = truth(seg, rr)
                if t is not None:
                    break
            else:
                raise RuntimeError("study %d segment %d: no acceptable draw" % (i, s))
            segs.append(seg)
            ttp.append(t)
            pos.append(position)
        out.append({"id": "strain_%04d" % (i + 1), "hr": hr, "rr": rr, "avo": avo,
                    "avc": avc, "segs": segs, "ttp": ttp, "pos": pos})
    return out


def write_studies(directory, studies, seed, fps, noise):
    """Write the studies (from hearts()) sampled at fps with noise (% SD) into
    directory; return {study_id: {"path", "ttp": [12], "pos": [12]}}."""
    out = {}
    for i, st in enumerate(studies):
        nrng = random.Random("%d-%d-noise-%g-%g" % (seed, i, fps, noise))
        path = os.path.join(directory, st["id"] + ".csv")
        frame = 1000.0 / fps
        lines = ["# study_id: %s" % st["id"], "# trace: strain", "# avo_ms: %d" % st["avo"],
                 "# avc_ms: %d" % st["avc"], "# hr_bpm: %d" % st["hr"],
                 "# frame_rate_hz: %g" % fps, "time_ms," + ",".join(SEGMENTS)]
        k = 0
        while True:
            t = k * frame + (nrng.uniform(-0.1, 0.1) * frame if k else 0.0)
            if t > st["rr"]:
                break
            t = round(t, 3)
            lines.append("%.3f," % t + ",".join(
                "%.4f" % (seg.strain(t) + nrng.gauss(0, noise)) for seg in st["segs"]))
            k += 1
        with open(path, "w", encoding="utf-8") as f:
            f.write("\n".join(lines) + "\n")
        out[st["id"]] = {"path": path, "ttp": st["ttp"], "pos": st["pos"]}
    return out
