#!/usr/bin/env python3
"""make bench: dyssync batch against the SciPy peer and against cat.

Builds a corpus with `dyssync synth` (single-file studies, 5 beats, ECG,
0.1 cm/s noise; the format the peer reads), then times, alternately in one
run and ROUNDS times: `dyssync batch -j 1`, `dyssync batch -j 2`, `dyssync
batch -j 1 --lowpass 25` (the peer's fixed filter, like for like), the peer
(../shared/peer/ref_dyssync.py with /usr/bin/python3, when present) and
`cat` of the same bytes.  Reports medians, the ratios the issue asks for,
and the peak RSS of `batch -j 1` on the corpus and on a tenth of it (memory
must stay flat as the batch grows).  Writes docs/benchmarks.md with the
machine's description.  Ratios from one run on a shared machine, never
absolute promises.

usage: python3 tests/bench.py [--dyssync build/cli/dyssync] [--n 2000] [--rounds 2] [--out FILE]
"""
import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time


def run(cmd, stdout=subprocess.DEVNULL):
    """Wall time and peak RSS (kB) of one child."""
    t0 = time.monotonic()
    p = subprocess.Popen(cmd, stdout=stdout, stderr=subprocess.DEVNULL)
    _, status, ru = os.wait4(p.pid, 0)
    dt = time.monotonic() - t0
    return dt, ru.ru_maxrss, os.waitstatus_to_exitcode(status)


def corpus(dyssync, d, n, seed):
    subprocess.run([dyssync, "synth", "-o", d, "-n", str(n), "--seed", str(seed), "--views", "0",
                    "--beats", "5", "--ecg", "--noise", "0.1"], check=True,
                   stdout=subprocess.DEVNULL)
    for t in ("truth.csv", "truth_beats.csv"):  # not studies: keep them out of the inputs
        os.rename(os.path.join(d, t), os.path.join(os.path.dirname(d), os.path.basename(d) + "_" + t))
    return sorted(os.path.join(d, f) for f in os.listdir(d))


def machine():
    model = "unknown CPU"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    mem = ""
    try:
        with open("/proc/meminfo") as f:
            mem = f.readline().split(":", 1)[1].strip()
    except OSError:
        pass
    return "%s, %d logical CPUs, %s RAM, %s %s, Python %s" % (
        model, os.cpu_count() or 0, mem, platform.system(), platform.release(),
        platform.python_version())


def main():
    repo = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    ap = argparse.ArgumentParser()
    ap.add_argument("--dyssync", default=os.path.join(repo, "build", "cli", "dyssync"))
    ap.add_argument("--peer", default=os.path.join(repo, "..", "shared", "peer", "ref_dyssync.py"))
    ap.add_argument("--n", type=int, default=2000)
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--out")
    a = ap.parse_args()
    dys = os.path.abspath(a.dyssync)
    peer = os.path.abspath(a.peer) if os.path.exists(a.peer) and os.path.exists("/usr/bin/python3") else None
    with tempfile.TemporaryDirectory(prefix="dyssync_bench_") as tmp:
        files = corpus(dys, os.path.join(tmp, "big"), a.n, 2026)
        small = corpus(dys, os.path.join(tmp, "small"), max(1, a.n // 10), 2027)
        nbytes = sum(os.path.getsize(f) for f in files)
        times = {"batch -j 1": [], "batch -j 2": [], "batch -j 1 --lowpass 25": [], "peer": [],
                 "cat": []}
        rss = {}
        for r in range(a.rounds):
            out = os.path.join(tmp, "o%d" % r)
            dt, m, rc = run([dys, "batch", "-q", "-j", "1", "-o", out + "a", os.path.join(tmp, "big")])
            times["batch -j 1"].append(dt)
            rss["big"] = max(rss.get("big", 0), m)
            dt, _, _ = run([dys, "batch", "-q", "-j", "2", "-o", out + "b", os.path.join(tmp, "big")])
            times["batch -j 2"].append(dt)
            # like for like: the peer's fixed 25 Hz filter instead of the
            # per-segment cut-off search
            dt, _, _ = run([dys, "batch", "-q", "-j", "1", "--lowpass", "25", "-o", out + "c",
                            os.path.join(tmp, "big")])
            times["batch -j 1 --lowpass 25"].append(dt)
            if peer:
                dt, _, _ = run(["/usr/bin/python3", peer] + files)
                times["peer"].append(dt)
            with open(os.devnull, "w") as null:
                dt, _, _ = run(["cat"] + files, stdout=null)
            times["cat"].append(dt)
            shutil.rmtree(out + "a")
            shutil.rmtree(out + "b")
            shutil.rmtree(out + "c")
        _, rss["small"], _ = run([dys, "batch", "-q", "-j", "1", "-o", os.path.join(tmp, "os"),
                                  os.path.join(tmp, "small")])
    med = {k: statistics.median(v) for k, v in times.items() if v}
    lines = ["# Benchmarks", "",
             "Measured by `make bench` (`tests/bench.py`) in one run on: %s." % machine(), "",
             "Corpus: %d single-file studies from `dyssync synth` (5 beats, ECG, 0.1 cm/s noise), "
             "%.1f MB. Each command ran %d times, alternately; medians. Ratios within one run "
             "(the machine is shared and noisy; absolute times are not claims)." % (
                 a.n, nbytes / 1e6, a.rounds), "",
             "| command | median wall time (s) |", "|---|---|"]
    for k, v in med.items():
        lines.append("| %s | %.2f |" % (k, v))
    lines += ["", "| ratio | measured | target |", "|---|---|---|"]
    if "peer" in med:
        r1 = med["peer"] / med["batch -j 1"]
        lines.append("| SciPy peer / batch -j 1 | %.1fx | >= 50x (aim 100x) |" % r1)
        r1f = med["peer"] / med["batch -j 1 --lowpass 25"]
        lines.append("| SciPy peer / batch -j 1 --lowpass 25 (the peer's fixed filter) | %.1fx | - |"
                     % r1f)
    r2 = med["batch -j 1"] / med["cat"]
    lines.append("| batch -j 1 / cat | %.1fx | <= 4x |" % r2)
    r3 = med["batch -j 1"] / med["batch -j 2"]
    lines.append("| batch -j 1 / batch -j 2 | %.2fx | >= 1.6x |" % r3)
    r4 = rss["big"] / rss["small"]
    lines.append("| peak RSS, %d studies / %d | %.2fx (%d / %d kB) | <= 1.5x |" % (
        a.n, max(1, a.n // 10), r4, rss["big"], rss["small"]))
    lines += ["", "Reproduce: `make bench` (N and rounds: `python3 tests/bench.py --n N --rounds R`)."]
    text = "\n".join(lines) + "\n"
    sys.stdout.write(text)
    if a.out:
        with open(a.out, "w") as f:
            f.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
