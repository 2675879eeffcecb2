#!/usr/bin/env python3
"""Regenerate the bundled studies in testdata/ from `dyssync synth`.

The studies are synthetic (known truth, no patient data) but written the way
real exports arrive: a comma CSV, a view directory with semicolons, decimal
commas and mm/s, a European single file with gaps and no valve events,
GE EchoPAC "Local Traces" exports (velocity, and strain for `dyssync info`),
a three-view study of several beats with an ECG, an ectopic beat and
neither QRS onsets nor valve events given, and an 18-segment strain study
in EchoPAC's "Segmental Traces" variant (testdata/info/strain18_segmental).

usage: python3 testdata/make_testdata.py [--dyssync build/cli/dyssync]
Then review the outputs and refresh testdata/expected/ (tests/cli_test.sh
--update does that).
"""
import argparse
import csv
import math
import os
import shutil
import subprocess
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))


def retitle(text, study_id):
    out = []
    for line in text.splitlines(keepends=True):
        if line.lower().startswith("# study") and ":" in line:
            eol = "\r\n" if line.endswith("\r\n") else "\n"
            line = line.split(":")[0] + ": " + study_id + eol
        out.append(line)
    return "".join(out)


def read_plain(path):
    """Metadata dict and rows of a comma CSV written by synth (plain format)."""
    meta, rows = {}, []
    with open(path, encoding="utf-8-sig") as f:
        for line in f:
            if line.startswith("#"):
                k, _, v = line[1:].partition(":")
                meta[k.strip()] = v.strip()
            else:
                rows.append(line.strip().split(","))
    return meta, rows


def ecg(t_ms, rr):
    """A plausible ECG shape in display units (QRS at 0, T wave at 300 ms)."""
    t = t_ms % rr
    return (120 + 90 * math.exp(-0.5 * ((t - 40) / 12) ** 2)
            - 30 * math.exp(-0.5 * ((t - 70) / 10) ** 2)
            + 25 * math.exp(-0.5 * ((t - 300) / 45) ** 2))


def echopac(meta, rows, kind, unit, values):
    """Write an EchoPAC Local Traces export from plain synth rows."""
    head = rows[0]
    col = {n: i for i, n in enumerate(head)}
    names = [("basSept", "basal_inferoseptal"), ("midSept", "mid_inferoseptal"),
             ("midLat", "mid_anterolateral"), ("basLat", "basal_anterolateral")]
    rr = 60000.0 / float(meta["hr_bpm"])
    data = [r for r in rows[1:] if float(r[0]) >= 0]
    lines = ["Local Traces %s in %s" % (kind, unit),
             "Number of Frames %d" % len(data),
             "FR= %s Left Marker Time=%.6f Right Marker Time=%.6f ES Time=%.6f"
             % (meta["frame_rate_hz"], 0.0, rr / 1000.0, float(meta["avc_ms"]) / 1000.0),
             "Time (s)  " + "  ".join("%16s" % n for n, _ in names) + "  apSept  GLOBAL  ECG : "]
    for r in data:
        t = float(r[0])
        vals = [values(float(r[col[c]]), t) for _, c in names]
        glob = sum(vals) / len(vals)
        lines.append("%g        " % (t / 1000.0) + "    ".join("%.7g" % v for v in vals)
                     + "    %.7g    %.7g    %d" % (0.8 * glob, glob, round(ecg(t, rr))))
    return "\r\n".join(lines) + "\r\n"


# An 18-segment strain study (three apical views, six segments each), in
# the "Segmental Traces" variant of the EchoPAC export: tab-separated, an
# empty second column, "ECG :" last, no trace kind on the first line.  Time
# to peak strain per segment, ms from QRS onset (an LBBB-like pattern: the
# septum early, the lateral and posterior walls late, some after AVC), and
# the peak strain (%), by view in the export's column order.
STRAIN18 = {
    "a4c": (70, 0.385, [("basSept", 300, -15.0), ("midSept", 310, -16.5), ("apSept", 330, -18.0),
                        ("apLat", 420, -19.0), ("midLat", 440, -17.5), ("basLat", 460, -16.0)]),
    "a2c": (72, 0.380, [("basInf", 360, -16.0), ("midInf", 350, -17.0), ("apInf", 345, -19.5),
                        ("apAnt", 390, -18.5), ("midAnt", 400, -17.0), ("basAnt", 410, -15.5)]),
    "aplax": (68, 0.390, [("basPost", 450, -14.5), ("midPost", 430, -16.0),
                          ("apPost", 400, -18.0), ("apAntSept", 335, -18.5),
                          ("midAntSept", 320, -17.0), ("basAntSept", 315, -15.0)]),
}


def strain_curve(t, ttp, peak, rr, relax=260.0):
    """Shortening to `peak` at `ttp` ms after each QRS onset (sin^2 down,
    cos^2 back, flat after): its most negative value is exactly at ttp."""
    t = t % rr
    if t <= ttp:
        return peak * math.sin(0.5 * math.pi * t / ttp) ** 2
    if t <= ttp + relax:
        return peak * math.cos(0.5 * math.pi * (t - ttp) / relax) ** 2
    return 0.0


def segmental(hr, es_s, cols, fps=60):
    """One view as EchoPAC's Segmental Traces export writes it (CRLF)."""
    rr = 60000.0 / hr
    n = int((rr + 60.0) / (1000.0 / fps)) + 1
    lines = ["Segmental Traces",
             "Number of Frames %d" % n,
             "FR=%d Left Marker Time=%.6f Right Marker Time=%.6f ES Time=%.6f"
             % (fps, 0.0, rr / 1000.0, es_s),
             "\t".join(["Time (s) ", ""] + [c for c, _, _ in cols] + ["ECG :"])]
    for i in range(n):
        t = i * 1000.0 / fps
        cells = ["%.6f" % (t / 1000.0), ""]
        cells += ["%.4f" % (strain_curve(t, ttp, peak, rr) + 0.0) for _, ttp, peak in cols]
        cells.append("%d" % round(ecg(t, rr)))
        lines.append("\t".join(cells))
    return "\r\n".join(lines) + "\r\n"


def write_anatomy(studies, anatomy):
    """LBBB-01 again with scar, veins and the implanted lead: by keys
    (lbbb_keys.csv) and by a segment table (lbbb_table.csv, whose table
    leaves no admissible segment)."""
    os.makedirs(anatomy, exist_ok=True)
    with open(os.path.join(studies, "lbbb_single.csv"), newline="") as f:
        lines = f.read().splitlines(keepends=True)
    body = [l for l in lines if not l.startswith("# study_id:")]
    keys = ("# study_id: LBBB-01-KEYS\n"
            "# scar: basal_anterolateral=transmural, basal_inferolateral=35%\n"
            "# vein_segments: basal_inferolateral, mid_anterolateral, mid_inferolateral\n"
            "# lead_segment: mid_inferolateral\n"
            "# tapse_mm: 15\n# rv_s_prime_cm_s: 11\n"
            "# aetiology: ischaemic\n# rhythm: sinus\n")
    with open(os.path.join(anatomy, "lbbb_keys.csv"), "w", newline="") as f:
        f.write(keys + "".join(body))
    table = ("# study_id: LBBB-01-TABLE\n# segment_table: lbbb_table_segments.csv\n"
             "# lead_segment: basal_anterolateral\n# rhythm: af\n")
    with open(os.path.join(anatomy, "lbbb_table.csv"), "w", newline="") as f:
        f.write(table + "".join(body))
    with open(os.path.join(anatomy, "lbbb_table_segments.csv"), "w", newline="") as f:
        f.write("# scar from late enhancement, veins from venography\n"
                "segment,scar,vein\n"
                "basal_anterolateral,transmural,yes\n"
                "basal_inferolateral,60 %,yes\n"
                "mid_anterolateral,,no\n")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--dyssync", default=os.path.join(HERE, "..", "build", "cli", "dyssync"))
    a = ap.parse_args()
    studies, info = os.path.join(HERE, "studies"), os.path.join(HERE, "info")
    with tempfile.TemporaryDirectory() as tmp:
        varied, plain = os.path.join(tmp, "v"), os.path.join(tmp, "p")
        subprocess.run([a.dyssync, "synth", "-o", varied, "-n", "4", "--seed", "31",
                        "--noise", "0.15", "--fps", "120", "--views", "2", "--vary-format"],
                       check=True)
        subprocess.run([a.dyssync, "synth", "-o", plain, "-n", "4", "--seed", "31",
                        "--noise", "0.1", "--fps", "150"], check=True)
        shutil.rmtree(studies, ignore_errors=True)
        os.makedirs(studies)
        os.makedirs(info, exist_ok=True)

        # 1. LBBB-like, one comma file.
        with open(os.path.join(varied, "synth_0001.csv"), newline="") as f:
            text = retitle(f.read(), "LBBB-01")
        with open(os.path.join(studies, "lbbb_single.csv"), "w", newline="") as f:
            f.write(text)
        write_anatomy(studies, os.path.join(os.path.dirname(studies), "anatomy"))
        # 2. View directory, three views on their own beats.
        dst = os.path.join(studies, "lbbb_views")
        os.makedirs(dst)
        for name in sorted(os.listdir(os.path.join(varied, "synth_0002"))):
            with open(os.path.join(varied, "synth_0002", name), newline="",
                      encoding="utf-8-sig") as f:
                text = retitle(f.read(), "LBBB-02")
            with open(os.path.join(dst, name), "w", newline="") as f:
                f.write(text)
        # 3. Tabs, decimal commas, m/s, gaps, valve events not measured.
        with open(os.path.join(varied, "synth_0003.csv"), newline="",
                  encoding="utf-8-sig") as f:
            lines = retitle(f.read(), "EU-03").splitlines(keepends=True)
        text = "".join(l for l in lines
                       if not l.lower().startswith(("# avo", "# avc")))
        # blank three samples of the fourth column (a dropped-out ROI)
        rows = text.splitlines(keepends=True)
        hdr = next(i for i, r in enumerate(rows) if not r.startswith("#"))
        sep = "\t" if "\t" in rows[hdr] else (";" if ";" in rows[hdr] else ",")
        for i in range(hdr + 20, hdr + 23):
            eol = "\r\n" if rows[i].endswith("\r\n") else "\n"
            cells = rows[i].rstrip("\r\n").split(sep)
            cells[3] = ""
            rows[i] = sep.join(cells) + eol
        with open(os.path.join(studies, "eu_tab_decimal_comma.csv"), "w", newline="") as f:
            f.write("".join(rows))
        # 4. EchoPAC velocity export of an A4C view.
        meta, rows = read_plain(os.path.join(plain, "synth_0004.csv"))
        with open(os.path.join(studies, "echopac_a4c_velocity.txt"), "w", newline="") as f:
            f.write(echopac(meta, rows, "V", "cm/s", lambda v, t: v))
        # 5. EchoPAC strain export (read and shown by info; not analysed).
        meta, rows = read_plain(os.path.join(plain, "synth_0003.csv"))

        def strain(v, t):
            # a shortening curve shaped like the velocity (%), for display
            return -0.12 * v * (1 + t / 400.0)
        with open(os.path.join(info, "echopac_a4c_strain.txt"), "w", newline="") as f:
            f.write(echopac(meta, rows, "SL", "%", strain))
        # 6. Several beats per view, each view with its own ECG and no QRS
        #    onsets given (found on the ECG), an ectopic beat, no valve events
        #    (AVC from the curves, AVO from heart rate).
        multi = os.path.join(tmp, "m")
        subprocess.run([a.dyssync, "synth", "-o", multi, "-n", "1", "--seed", "41",
                        "--noise", "0.1", "--fps", "110", "--views", "1", "--beats", "4",
                        "--ecg", "--no-qrs-metadata", "--ectopic", "0.2", "--no-events"],
                       check=True)
        dst = os.path.join(studies, "multibeat_ecg")
        os.makedirs(dst)
        for name in sorted(os.listdir(os.path.join(multi, "synth_0001"))):
            with open(os.path.join(multi, "synth_0001", name), newline="") as f:
                text = retitle(f.read(), "MB-06")
            with open(os.path.join(dst, name), "w", newline="") as f:
                f.write(text)
        # 7. An 18-segment strain study of three Segmental Traces exports
        #    (the apical ring included): the 18-segment mechanical
        #    dispersion, and the reader's variant (tests/cli_test.sh).
        dst = os.path.join(info, "strain18_segmental")
        shutil.rmtree(dst, ignore_errors=True)
        os.makedirs(dst)
        for view, (hr, es_s, cols) in STRAIN18.items():
            with open(os.path.join(dst, view + ".txt"), "w", newline="") as f:
                f.write(segmental(hr, es_s, cols))
        shutil.copy(os.path.join(multi, "truth.csv"), os.path.join(HERE, "truth_multibeat.csv"))
        shutil.copy(os.path.join(multi, "truth_beats.csv"),
                    os.path.join(HERE, "truth_multibeat_beats.csv"))
        shutil.copy(os.path.join(varied, "truth.csv"), os.path.join(HERE, "truth_varied.csv"))
        shutil.copy(os.path.join(plain, "truth.csv"), os.path.join(HERE, "truth_plain.csv"))


if __name__ == "__main__":
    main()
