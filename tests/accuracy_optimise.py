#!/usr/bin/env python3
"""Accuracy of `dyssync optimise` against synthetic patients with a known
optimum (`dyssync synth --settings`).

For each configuration (settings effect, beats per recording, noise) and
each of N seeds, synth writes one patient at 8 device settings (an AV sweep
at VV 0, a VV sweep at AV 120; AV 120 / VV 0 the reference) whose S' spread
is least at one setting drawn as the true optimum, 1 - effect times the
heart's there, and optimise ranks them by ts_sd_12_ms.

Reported per configuration: how often the best ranked setting is the true
optimum; how often optimise says the best beats the reference by more than
noise ("beyond"); among those, how often the best is the true optimum or a
setting whose true Yu index is within 10 % of the optimum's ("right when
beyond"), and how often its true Yu index is below the reference's (what
"beyond noise" claims); and how often the true optimum is the reference itself.  With
effect 0 every setting is the same heart, so every "beyond" is a false
positive: their rate is what the Bonferroni-adjusted test should hold near
or below 5 %.

Checked (exit 1 when missed): with effect 0 at most 10 % "beyond" over the
seeds (5 % plus room for N = 40 draws); with effect 0.6 and 8 beats the
true optimum ranked first in at least 80 % and "right when beyond" at least
90 %; in every configuration the best truly better than the reference in
at least 90 % of the "beyond" verdicts.

usage: python3 tests/accuracy_optimise.py [--dyssync build/cli/dyssync] [--n N] [--out FILE]
Python 3 standard library only.
"""
import argparse
import csv
import glob
import json
import os
import subprocess
import sys
import tempfile

CONFIGS = [  # (effect, beats, noise cm/s)
    (0.0, 8, 0.5),
    (0.0, 4, 0.5),
    (0.2, 8, 0.5),
    (0.4, 8, 0.5),
    (0.6, 8, 0.5),
    (0.6, 4, 1.0),
    (0.6, 3, 0.5),
]


def run(dys, effect, beats, noise, seed, tmp):
    d = os.path.join(tmp, f"s{seed}_{effect}_{beats}_{noise}")
    subprocess.run([dys, "synth", "-o", d, "--settings", "8", "--settings-effect", str(effect),
                    "--beats", str(beats), "--noise", str(noise), "--seed", str(seed)],
                   check=True, stdout=subprocess.DEVNULL)
    truth = list(csv.DictReader(open(os.path.join(d, "truth_settings.csv"))))
    out = subprocess.run([dys, "optimise", "--format", "json"] +
                         sorted(glob.glob(os.path.join(d, "synth_*.csv"))),
                         check=True, capture_output=True, text=True).stdout
    o = json.loads(out)
    best = [s for s in o["settings"] if s["rank"] == 1][0]["study_id"]
    true_sd = {t["study_id"]: float(t["true_ts_sd_12_ms"]) for t in truth}
    opt = [t["study_id"] for t in truth if t["optimum"] == "1"][0]
    ref = [t["study_id"] for t in truth if t["reference"] == "1"][0]
    near = true_sd[best] <= 1.10 * true_sd[opt]
    return {"best_is_opt": best == opt, "beyond": o["verdict"] == "beyond_noise",
            "near": near, "truly_better": true_sd[best] < true_sd[ref], "opt_is_ref": opt == ref, "within_all": o["within_noise"]}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--dyssync", default="build/cli/dyssync")
    ap.add_argument("--n", type=int, default=40)
    ap.add_argument("--out")
    a = ap.parse_args()
    dys = os.path.abspath(a.dyssync)
    rows, failures = [], []
    with tempfile.TemporaryDirectory(prefix="dyssync_accopt_") as tmp:
        for effect, beats, noise in CONFIGS:
            rs = [run(dys, effect, beats, noise, seed, tmp) for seed in range(1, a.n + 1)]
            n = len(rs)
            first = sum(r["best_is_opt"] for r in rs)
            beyond = [r for r in rs if r["beyond"]]
            right = sum(r["best_is_opt"] or r["near"] for r in beyond)
            better = sum(r["truly_better"] for r in beyond)
            row = {
                "effect": effect, "beats": beats, "noise": noise, "n": n,
                "first": 100.0 * first / n,
                "beyond": 100.0 * len(beyond) / n,
                # with effect 0 there is no optimum to be right about: every
                # "beyond" is a false positive, and the truth's differences
                # are only its beats' jitter
                "right_beyond": 100.0 * right / len(beyond) if beyond and effect else float("nan"),
                "better_beyond": 100.0 * better / len(beyond) if beyond and effect else float("nan"),
                "within_all": 100.0 * sum(r["within_all"] for r in rs) / n,
                "opt_is_ref": 100.0 * sum(r["opt_is_ref"] for r in rs) / n,
            }
            rows.append(row)
            if effect == 0 and row["beyond"] > 10:
                failures.append(f"effect 0, {beats} beats: {row['beyond']:.0f} % beyond noise "
                                "(false positives; want <= 10 %)")
            if effect > 0 and beyond and row["better_beyond"] < 90:
                failures.append(f"effect {effect}, {beats} beats: the best truly better than "
                                f"the reference in {row['better_beyond']:.0f} % of the beyond "
                                "verdicts (want >= 90 %)")
            if effect == 0.6 and beats == 8:
                if row["first"] < 80:
                    failures.append(f"effect 0.6: true optimum first in {row['first']:.0f} % "
                                    "(want >= 80 %)")
                if beyond and row["right_beyond"] < 90:
                    failures.append(f"effect 0.6: right when beyond {row['right_beyond']:.0f} % "
                                    "(want >= 90 %)")
    lines = [
        "| effect | beats | noise cm/s | patients | true optimum ranked first | "
        "beyond noise | right when beyond | truly better than the reference when beyond | "
        "all within noise | optimum is the reference |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        rb = "-" if r["right_beyond"] != r["right_beyond"] else f"{r['right_beyond']:.0f} %"
        bb = "-" if r["better_beyond"] != r["better_beyond"] else f"{r['better_beyond']:.0f} %"
        lines.append(f"| {r['effect']:.1f} | {r['beats']} | {r['noise']:.1f} | {r['n']} | "
                     f"{r['first']:.0f} % | {r['beyond']:.0f} % | {rb} | {bb} | "
                     f"{r['within_all']:.0f} % | {r['opt_is_ref']:.0f} % |")
    table = "\n".join(lines) + "\n"
    print(table, end="")
    if a.out:
        head = open(a.out).read().split("<!-- table -->")[0] if os.path.exists(a.out) else ""
        with open(a.out, "w") as f:
            f.write(head + "<!-- table -->\n" + table)
    for msg in failures:
        print("FAIL:", msg, file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
