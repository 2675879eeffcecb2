#!/usr/bin/env python3
"""make bench: dyssync batch against the project's SciPy baseline and against cat.

Builds a corpus with `dyssync synth` (single-file studies, 5 beats, ECG,
0.1 cm/s noise; the plain format the baseline reads), then times, alternately
in one run and ROUNDS times: `dyssync batch -j 1`, `dyssync batch -j 2`,
`dyssync batch -j 1 --lowpass 25` (the baseline's fixed filter), the same
with `--indices ts` (and the Ts family only: like for like), `dyssync batch
-j 1` on the same studies without their QRS onsets (synth
--no-qrs-metadata: found on the ECG), the baseline
(bench/baseline_scipy.py: the conventional method as a researcher writes it
with NumPy and SciPy; tests/baseline.py finds the interpreter) and `cat` of
the same bytes, and `dyssync validate` of the same studies (reading only:
read and checked, not analysed).  Reports medians of wall time and of CPU
time (user + system) per study, the ratios the issues ask for, and the peak RSS of
`batch -j 1` on the corpus and on a tenth of it (memory must stay flat as
the batch grows).  With --before OLD_DYSSYNC, the two `batch -j 1` runs are
also timed with that build in the same rounds, and the CPU per study is
compared.  Writes docs/benchmarks.md with the machine's description.
Ratios from one run on a shared machine, never absolute promises.

Without NumPy and SciPy, or when any timed command fails, it stops with
status 2 and writes nothing; --no-baseline (a quick look at the engine's own
ratios) cannot be combined with --out, so the written table always has the
baseline's rows.

usage: python3 tests/bench.py [--dyssync build/cli/dyssync] [--n 2000] [--rounds 2]
                              [--before OLD_DYSSYNC [--before-label TEXT]]
                              [--no-baseline | --out FILE]
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

import baseline


class BenchError(Exception):
    pass


def run(cmd, stdout=subprocess.DEVNULL):
    """Wall time, peak RSS (kB) and CPU time (user + system, s) of one child;
    BenchError unless it exits 0."""
    t0 = time.monotonic()
    with tempfile.TemporaryFile() as err:
        p = subprocess.Popen(cmd, stdout=stdout, stderr=err)
        _, status, ru = os.wait4(p.pid, 0)
        dt = time.monotonic() - t0
        rc = os.waitstatus_to_exitcode(status)
        if rc != 0:
            err.seek(0)
            tail = err.read().decode("utf-8", "replace").strip().splitlines()[-3:]
            raise BenchError("%s ... exited with status %d%s" % (
                " ".join(cmd[:4]), rc, "".join("\n  " + line for line in tail)))
    return dt, ru.ru_maxrss, ru.ru_utime + ru.ru_stime


def corpus(dyssync, d, n, seed, onsets=True):
    """The studies' paths; onsets=False leaves their QRS onsets out (found on the ECG)."""
    subprocess.run([dyssync, "synth", "-o", d, "-n", str(n), "--seed", str(seed), "--views", "0",
                    "--beats", "5", "--ecg", "--noise", "0.1"]
                   + ([] if onsets else ["--no-qrs-metadata"]), check=True,
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
    ap.add_argument("--n", type=int, default=2000, help="studies in the corpus (2000)")
    ap.add_argument("--rounds", type=int, default=2, help="times each command runs (2)")
    ap.add_argument("--no-baseline", action="store_true",
                    help="do not time bench/baseline_scipy.py (not with --out)")
    ap.add_argument("--out", help="also write the Markdown to this file (needs the baseline)")
    ap.add_argument("--before", help="an older dyssync: its batch -j 1 runs are timed too")
    ap.add_argument("--before-label", default="",
                    help="what the older build is, for the text (a commit)")
    a = ap.parse_args()
    if a.no_baseline and a.out:
        ap.error("--out needs the baseline's rows: drop --no-baseline")
    if a.n < 10 or a.rounds < 1:
        ap.error("--n must be at least 10 and --rounds at least 1")
    dys = os.path.abspath(a.dyssync)
    if not os.access(dys, os.X_OK):
        print("error: %s: not an executable (build first, or pass --dyssync)" % dys,
              file=sys.stderr)
        return 2
    if a.before:
        a.before = os.path.abspath(a.before)
        if not os.access(a.before, os.X_OK):
            print("error: %s: not an executable" % a.before, file=sys.stderr)
            return 2
    left = "\n%s is left as it was." % a.out if a.out else ""
    base_cmd = None
    if not a.no_baseline:
        try:
            base_cmd = baseline.command()
        except baseline.BaselineMissing as e:
            print("error: %s%s" % (e, left), file=sys.stderr)
            return 2
    try:
        text = measure(a, dys, base_cmd)
    except (BenchError, OSError, subprocess.CalledProcessError) as e:
        print("error: %s%s" % (e, left), file=sys.stderr)
        return 2
    sys.stdout.write(text)
    if a.out:  # whole or not at all
        with open(a.out + ".tmp", "w") as f:
            f.write(text)
        os.replace(a.out + ".tmp", a.out)
    return 0


# Where the time goes: perf's samples of one `batch -j 1` grouped into the
# pipeline's stages by function name (the engine's functions are named by
# what they do; a library or the kernel counts as its own stage).  First
# match wins; the patterns are prefixes or substrings of symbol names.
STAGES = [
    ("reading (files, CSV cells, metadata)",
     ("dys_read_", "read_row", "read_rows", "read_one", "next_cell", "dys_parse_", "dys_text_",
      "utf8", "meta_", "dys_meta", "check_unit", "dys_study_read", "finish", "cell_")),
    ("plausibility checks (units, spikes)",
     ("median", "drop_samples", "dys_check_plausible", "amplitude", "spike", "name_drop")),
    ("noise estimate", ("dys_noise_sd", "dd_weights", "dd_z", "noise_from", "dys_quantile",
                        "dys_select", "dys_axis", "dys_median_interval")),
    ("cut-off search and low-pass (DCT, FFTW)",
     ("sure_risk", "apply_gain", "dct_", "dys_choose_lowpass", "dys_lowpass", "fftw", "gain")),
    ("splines (fit, evaluation)", ("dys_spline_init", "dys_spline_eval", "piece_eval",
                                   "find_interval", "dys_curve_init")),
    ("peaks, Ts and To", ("dys_measure_beat", "dys_spline_", "spline_extremum",
                          "piece_stationary", "local_", "refine_noisy_peak", "dys_curve_refine",
                          "peak_sample", "poly_argmax", "interp_poly", "uncertain_timing",
                          "samples_above_half", "longest_gap", "systolic_onset")),
    ("cycle, phase and cross-correlation", ("dys_segment_cycle", "dys_cycle_", "phase_",
                                            "harmonic_table", "sincos", "dys_xcorr",
                                            "dys_circular_xcorr", "pair_delays", "__sin",
                                            "__cos")),
    ("indices, eligibility, warnings", ("dys_index", "indices", "dys_eligib", "eligib",
                                        "dys_classify", "dys_strlist", "measure_recording",
                                        "dys_analyze")),
    ("writing tables and journal (JSON, CSV, checksums)",
     ("write_", "dys_write", "dys_format_fixed", "record_", "hash_file", "fnv", "json",
      "printf", "_IO_", "fmt_", "journal")),
]


def profile(dys, src, tmp):
    """The stage table (Markdown lines) of `perf record` on `batch -j 1` of src,
    or one line saying why there is none (perf missing or not permitted)."""
    perf = shutil.which("perf")
    if not perf:
        return ["No stage profile: `perf` (Debian package linux-perf) is not installed."]
    data = os.path.join(tmp, "perf.data")
    rec = subprocess.run([perf, "record", "-q", "-F", "2000", "-o", data, dys, "batch", "-q",
                          "-j", "1", "-o", os.path.join(tmp, "oprof"), src],
                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    rep = subprocess.run([perf, "report", "-i", data, "--stdio", "--no-children",
                          "--sort", "dso,sym", "-q"], stdout=subprocess.PIPE,
                         stderr=subprocess.DEVNULL, text=True) if rec.returncode == 0 else None
    if rec.returncode != 0 or rep is None or rep.returncode != 0 or not rep.stdout.strip():
        why = (rec.stderr.strip().splitlines() or ["no samples"])[-1]
        return ["No stage profile: `perf record` did not run here (%s)." % why]
    share = {}
    for line in rep.stdout.splitlines():
        f = line.split()
        if len(f) < 4 or not f[0].endswith("%"):
            continue
        pct, dso, kind, sym = float(f[0][:-1]), f[1], f[2], " ".join(f[3:])
        if kind == "[k]":
            stage = "kernel (files, memory, system calls)"
        else:
            stage = next((name for name, pats in STAGES
                          if any(pat in sym or pat in dso for pat in pats)), None)
            if stage is None:
                stage = ("C library (memory, strings)" if dso.startswith("libc")
                         else "other engine and CLI functions" if "dyssync" in dso
                         else "other libraries")
        share[stage] = share.get(stage, 0.0) + pct
    out = ["| stage | share of CPU samples |", "|---|---|"]
    for k, v in sorted(share.items(), key=lambda kv: -kv[1]):
        out.append("| %s | %.1f %% |" % (k, v))
    return out


def measure(a, dys, base_cmd):
    """Build the corpora, time the commands; the Markdown text."""
    load0 = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="dyssync_bench_") as tmp:
        files = corpus(dys, os.path.join(tmp, "big"), a.n, 2026)
        # the same studies without their QRS onsets: found on the ECG
        corpus(dys, os.path.join(tmp, "det"), a.n, 2026, onsets=False)
        small = corpus(dys, os.path.join(tmp, "small"), max(1, a.n // 10), 2027)
        nbytes = sum(os.path.getsize(f) for f in files)
        big, det = os.path.join(tmp, "big"), os.path.join(tmp, "det")
        # (label, command without -o, input): batch rows are timed for CPU too
        cmds = [("batch -j 1", [dys, "batch", "-q", "-j", "1"], big),
                ("batch -j 2", [dys, "batch", "-q", "-j", "2"], big),
                # like for like: the baseline's fixed 25 Hz filter instead
                # of the per-segment cut-off search
                ("batch -j 1 --lowpass 25", [dys, "batch", "-q", "-j", "1", "--lowpass", "25"], big),
                # and the Ts family only, as the baseline computes (issue 17)
                ("batch -j 1 --lowpass 25 --indices ts",
                 [dys, "batch", "-q", "-j", "1", "--lowpass", "25", "--indices", "ts"], big),
                ("batch -j 1, onsets found on the ECG", [dys, "batch", "-q", "-j", "1"], det)]
        if a.before:
            cmds += [("before: batch -j 1", [a.before, "batch", "-q", "-j", "1"], big),
                     ("before: batch -j 1, onsets found on the ECG",
                      [a.before, "batch", "-q", "-j", "1"], det)]
        times = {k: [] for k, _, _ in cmds}
        cpu = {k: [] for k, _, _ in cmds}
        times.update({"SciPy baseline": [], "cat": [], "reading only (validate)": []})
        rss = {}
        for r in range(a.rounds):
            for i, (k, cmd, src) in enumerate(cmds):
                out = os.path.join(tmp, "o%d_%d" % (r, i))
                dt, m, c = run(cmd + ["-o", out, src])
                times[k].append(dt)
                cpu[k].append(c)
                if k == "batch -j 1":
                    rss["big"] = max(rss.get("big", 0), m)
                shutil.rmtree(out)
            if base_cmd:
                dt, _, _ = run(base_cmd + files)
                times["SciPy baseline"].append(dt)
            with open(os.devnull, "w") as null:
                dt, _, _ = run(["cat"] + files, stdout=null)
            times["cat"].append(dt)
            # reading only: every study read and checked, nothing analysed
            dt, _, _ = run([dys, "validate", "-q", big])
            times["reading only (validate)"].append(dt)
        _, rss["small"], _ = run([dys, "batch", "-q", "-j", "1", "-o", os.path.join(tmp, "os"),
                                  os.path.join(tmp, "small")])
        stages = profile(dys, os.path.join(tmp, "small"), tmp)
    load1 = os.getloadavg()[0]
    med = {k: statistics.median(v) for k, v in times.items() if v}
    cpu_ms = {k: 1000.0 * statistics.median(v) / a.n for k, v in cpu.items() if v}
    # the ratio of two batches in the same round, then the median over rounds
    def paired(k1, k2):
        return statistics.median(x / y for x, y in zip(cpu[k1], cpu[k2]))
    lines = ["# Benchmarks", "",
             "Measured by `make bench` (`tests/bench.py`) in one run on: %s." % machine(), "",
             "Corpus: %d single-file studies from `dyssync synth` (5 beats, ECG, 0.1 cm/s noise), "
             "%.1f MB, and the same studies without their QRS onsets (`--no-qrs-metadata`: "
             "found on the ECG). Each command ran %d times, alternately; medians. Ratios "
             "within one run (the machine is shared and noisy; absolute times are not "
             "claims)." % (a.n, nbytes / 1e6, a.rounds), "",
             "Load average (1 min) when the run began and ended: %.1f and %.1f on %d logical "
             "CPUs (above that count, other work shared the machine and slowed the threaded "
             "run most)." % (load0, load1, os.cpu_count() or 0), "",
             "| command | median wall time (s) | median CPU per study (ms) |", "|---|---|---|"]
    for k, v in med.items():
        lines.append("| %s | %.2f | %s |" % (k, v, "%.2f" % cpu_ms[k] if k in cpu_ms else "-"))
    lines += ["", "| ratio | measured | target |", "|---|---|---|"]
    if "SciPy baseline" in med:
        r1 = med["SciPy baseline"] / med["batch -j 1"]
        lines.append("| SciPy baseline / batch -j 1 | %.1fx | >= 8x |" % r1)
        r1f = med["SciPy baseline"] / med["batch -j 1 --lowpass 25"]
        lines.append("| SciPy baseline / batch -j 1 --lowpass 25 (the baseline's fixed filter) "
                     "| %.1fx | - |" % r1f)
        lines.append("| SciPy baseline / batch -j 1 --lowpass 25 --indices ts (like for like: "
                     "the fixed filter, the Ts family only) | %.1fx | >= 20x |"
                     % (med["SciPy baseline"] / med["batch -j 1 --lowpass 25 --indices ts"]))
    r2 = med["batch -j 1"] / med["cat"]
    lines.append("| batch -j 1 / cat | %.1fx | - |" % r2)
    lines.append("| reading only (validate) / cat | %.1fx | <= 4x |" %
                 (med["reading only (validate)"] / med["cat"]))
    r3 = med["batch -j 1"] / med["batch -j 2"]
    lines.append("| batch -j 1 / batch -j 2 | %.2fx | >= 1.8x |" % r3)
    r4 = rss["big"] / rss["small"]
    lines.append("| peak RSS, %d studies / %d | %.2fx (%d / %d kB) | <= 1.5x |" % (
        a.n, max(1, a.n // 10), r4, rss["big"], rss["small"]))
    lines.append("| CPU, batch -j 1: onsets found on the ECG / given | %.2fx | <= 1.5x |" %
                 paired("batch -j 1, onsets found on the ECG", "batch -j 1"))
    if a.before:
        lines.append("| CPU, batch -j 1 before / now, onsets given | %.2fx | - |" %
                     paired("before: batch -j 1", "batch -j 1"))
        lines.append("| CPU, batch -j 1 before / now, onsets found on the ECG | %.2fx | - |" %
                     paired("before: batch -j 1, onsets found on the ECG",
                            "batch -j 1, onsets found on the ECG"))
        lines.append("| CPU, before: onsets found on the ECG / given | %.2fx | - |" %
                     paired("before: batch -j 1, onsets found on the ECG", "before: batch -j 1"))
    lines += ["", "Where the time goes: `batch -j 1` of the %d smaller studies under "
              "`perf record`, its samples grouped into stages by function (tests/bench.py, "
              "STAGES):" % max(1, a.n // 10), ""] + stages
    lines += ["", "CPU ratios are the median over rounds of the two batches' ratio in the same "
              "round (user + system time of the process)."]
    if a.before:
        lines += ["", "\"before\": `%s`%s, timed in the same rounds." % (
            os.path.basename(a.before), " (%s)" % a.before_label if a.before_label else "")]
    if base_cmd:
        lines += ["", "SciPy baseline: `bench/baseline_scipy.py`, the conventional method as a "
                  "researcher writes it (NumPy/SciPy: linear resampling to 1 kHz, zero-phase "
                  "4th-order Butterworth at a fixed 25 Hz, the largest velocity in [AVO, AVC] "
                  "of each beat refined by a parabola, the Yu index), run with `%s`." % base_cmd[0]]
    lines += ["", "Reproduce: `make bench` (N and rounds: `make bench BENCH_N=N BENCH_ROUNDS=R`; "
              "against an older build: `python3 tests/bench.py --before OLD/cli/dyssync`)."]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.exit(main())
