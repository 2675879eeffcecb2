#!/usr/bin/env python3
"""Write synthetic GE EchoPAC myocardial-work workbooks (Excel 2003 XML).

The layout is EchoPAC's (docs/format.md, "GE EchoPAC myocardial-work
workbook"): 13 sheets on one line, General, Segments, Strain Traces - 2CH,
4CH and APLAX, Work Traces and Fibre Stress Traces of the same views,
Pressure Trace and Global Traces.  The numbers are synthetic, made here
from closed-form curves, no patient's:

- strain: each segment shortens along a half cosine from MVC to its own
  peak and lengthens back along another; an LBBB-like pattern, the septum
  peaking early (then stretched by the late lateral wall: wasted work in
  systole) and the lateral wall late, after AVC (post-systolic shortening:
  wasted work in relaxation); one cycle from t = 0 at about 60 frames/s,
  with each view's own frame times, as EchoPAC writes them;
- LV pressure: a smooth curve peaking at the cuff systolic pressure;
- the "EchoPAC" values (Segments, General's global indices, Work Traces)
  computed the way EchoPAC's file shows it computes them: strain and
  pressure resampled every 10 ms from t = 0, the work summed step by step
  and each step's sum stamped at the middle of the step.  dyssync computes
  the same integral exactly, so its numbers differ from these by the
  10 ms resampling only, as they do from EchoPAC's.

usage: python3 testdata/make_workbook.py [--out DIR]
writes DIR/studies/work_lbbb.xml (with the Pressure Trace sheet) and
DIR/info/work_lbbb_nopressure.xml (without it: dyssync then estimates the
pressure from the cuff systolic pressure).  Then refresh
testdata/expected/ (tests/cli_test.sh --update) and review the diff.
"""
import argparse
import math
import os

HERE = os.path.dirname(os.path.abspath(__file__))

HR = 68
RR = 60000.0 / HR
MVC, AVO, AVC, MVO = 40.0, 95.0, 380.0, 470.0
BP_SYS, BP_DIA = 128.0, 76.0

# view, the sheet's segment names (EchoPAC's), frames per second
VIEWS = [
    ("2CH", ["Basal Inferior", "Basal Anterior", "Mid Inferior", "Mid Anterior",
             "Apical Inferior", "Apical Anterior"], 61.0),
    ("4CH", ["Basal Septal", "Basal Lateral", "Mid Septal", "Mid Lateral",
             "Apical Septal", "Apical Lateral"], 59.0),
    ("APLAX", ["Basal Anteroseptal", "Basal Posterior", "Mid Anteroseptal",
               "Mid Posterior", "Apical Anteroseptal", "Apical Posterior"], 57.0),
]
# Segments sheet order (EchoPAC's)
SEGMENTS_ORDER = ["Basal Inferior", "Basal Posterior", "Basal Lateral", "Basal Anterior",
                  "Basal Anteroseptal", "Basal Septal", "Mid Inferior", "Mid Posterior",
                  "Mid Lateral", "Mid Anterior", "Mid Anteroseptal", "Mid Septal",
                  "Apical Inferior", "Apical Posterior", "Apical Lateral", "Apical Anterior",
                  "Apical Anteroseptal", "Apical Septal"]

# per segment: peak strain (%), time of the peak (ms), early septal dip
SHAPE = {
    "Basal Septal": (-9.0, 300.0), "Mid Septal": (-12.0, 290.0), "Apical Septal": (-18.0, 320.0),
    "Basal Lateral": (-20.0, 470.0), "Mid Lateral": (-19.0, 450.0), "Apical Lateral": (-21.0, 420.0),
    "Basal Anteroseptal": (-10.0, 310.0), "Mid Anteroseptal": (-14.0, 320.0),
    "Apical Anteroseptal": (-19.0, 340.0),
    "Basal Posterior": (-19.0, 455.0), "Mid Posterior": (-18.0, 440.0),
    "Apical Posterior": (-20.0, 410.0),
    "Basal Inferior": (-16.0, 380.0), "Mid Inferior": (-17.0, 370.0),
    "Apical Inferior": (-19.0, 360.0),
    "Basal Anterior": (-15.0, 400.0), "Mid Anterior": (-16.0, 390.0),
    "Apical Anterior": (-20.0, 370.0),
}


def strain(name, t):
    """Strain (%) of a segment at t ms: 0 until MVC, a half cosine down to
    its peak, then back up to 0 by 250 ms after the peak."""
    peak, tp = SHAPE[name]
    if t <= MVC:
        return 0.0
    if t <= tp:
        return peak * 0.5 * (1 - math.cos(math.pi * (t - MVC) / (tp - MVC)))
    back = 250.0
    if t <= tp + back:
        return peak * 0.5 * (1 + math.cos(math.pi * (t - tp) / back))
    return 0.0


def pressure(t):
    """LV pressure (mmHg): 9 at end-diastole, the isovolumic rise from MVC,
    a dome peaking at BP_SYS 40 % into ejection, the fall through
    relaxation to 9 at MVO."""
    base = 9.0
    if t <= MVC or t >= MVO + 150:
        return base
    if t <= AVO:
        u = (t - MVC) / (AVO - MVC)
        return base + (BP_DIA - base) * (0.5 - 0.5 * math.cos(math.pi * u))
    pk = AVO + 0.4 * (AVC - AVO)
    if t <= pk:
        u = (t - AVO) / (pk - AVO)
        return BP_DIA + (BP_SYS - BP_DIA) * math.sin(0.5 * math.pi * u)
    if t <= AVC:
        u = (t - pk) / (AVC - pk)
        return BP_SYS - (BP_SYS - 98.0) * u * u
    if t <= MVO:
        u = (t - AVC) / (MVO - AVC)
        return base + (98.0 - base) * (0.5 + 0.5 * math.cos(math.pi * u))
    return base


def lerp(xs, ys, x):
    if x <= xs[0]:
        return ys[0]
    if x >= xs[-1]:
        return ys[-1]
    lo, hi = 0, len(xs) - 1
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if xs[mid] <= x:
            lo = mid
        else:
            hi = mid
    return ys[lo] + (ys[hi] - ys[lo]) * (x - xs[lo]) / (xs[hi] - xs[lo])


def echopac_work(ts, es, tp, ps):
    """EchoPAC's way: every 10 ms from 0, linear resampling, the work of
    each step stamped at its middle; and the segment's values over
    MVC..MVO on that grid (systole MVC..AVC, relaxation AVC..MVO)."""
    grid = [10.0 * i for i in range(101)]
    e = [lerp(ts, es, g) for g in grid]
    p = [lerp(tp, ps, g) for g in grid]
    stamps, work, w = [0.0], [0.0], 0.0
    parts = {"cw": 0.0, "ww": 0.0, "wi": 0.0}
    for i in range(100):
        dw = -0.5 * (p[i] + p[i + 1]) * (e[i + 1] - e[i])
        w += dw
        stamps.append(grid[i] + 5.0)
        work.append(w)
        mid = grid[i] + 5.0
        if MVC <= mid < MVO:
            parts["wi"] += dw
            systole = mid < AVC
            if (dw > 0) == systole:
                parts["cw"] += abs(dw)
            else:
                parts["ww"] += abs(dw)
    return stamps, work, parts


def cell(v):
    if isinstance(v, str):
        return '<Cell><Data ss:Type="String">%s</Data></Cell>' % v
    return '<Cell><Data ss:Type="Number">%s</Data></Cell>' % ("%.6g" % v)


def row(values):
    return "<Row>" + "".join(cell(v) for v in values) + "</Row>"


def sheet(name, rows):
    return ('<ss:Worksheet ss:Name="%s"><Table>' % name + "".join(rows) +
            "</Table></ss:Worksheet>")


def workbook(with_pressure):
    tp = [-50.0 + 10.0 * i for i in range(106)]
    ps = [round(pressure(t), 3) for t in tp]
    strain_sheets, work_sheets, fibre_sheets = [], [], []
    seg = {}
    for view, names, fps in VIEWS:
        n = int(RR / 1000.0 * fps) + 1
        ts = [1000.0 * i / fps for i in range(n)]
        cols = {nm: [round(strain(nm, t), 4) for t in ts] for nm in names}
        for nm in names:  # drift-free: the last frame is back at 0, as EchoPAC's
            cols[nm][-1] = 0.0
        strain_sheets.append(sheet("Strain Traces - " + view,
                                   [row(["Time"] + names)] +
                                   [row([ts[i] / 1000.0] + [cols[nm][i] for nm in names])
                                    for i in range(n)]))
        works = {}
        for nm in names:
            stamps, work, parts = echopac_work(ts, cols[nm], tp, ps)
            works[nm] = work
            seg[nm] = parts
        work_sheets.append(sheet("Work Traces - " + view,
                                 [row(["Time"] + names)] +
                                 [row([stamps[i] / 1000.0] + [round(works[nm][i], 3)
                                                              for nm in names])
                                  for i in range(len(stamps))]))
        fibre_sheets.append(sheet("Fibre Stress Traces - " + view,
                                  [row(["Time"] + names)] +
                                  [row([i / 100.0] + [0.0] * 6) for i in range(3)]))
    cw = sum(seg[nm]["cw"] for nm in SEGMENTS_ORDER) / 18
    ww = sum(seg[nm]["ww"] for nm in SEGMENTS_ORDER) / 18
    wi = sum(seg[nm]["wi"] for nm in SEGMENTS_ORDER) / 18
    general = sheet("General", [
        row(["ID", "SYN-MW-01"]), row(["Name", "SYNTHETIC"]), row(["HR", HR]),
        row(["BP", BP_SYS, BP_DIA]), row(["MVC", MVC, "ms"]), row(["AVO", AVO, "ms"]),
        row(["AVC", AVC, "ms"]), row(["MVO", MVO, "ms"]),
        row(["GWE", round(cw / (cw + ww), 2)]), row(["GWI", round(wi)]),
        row(["GCW", round(cw)]), row(["GWW", round(ww)]), row(["EF", 0.31])])
    segments = sheet("Segments", [
        row([""] + SEGMENTS_ORDER),
        row(["MW"] + [round(seg[nm]["wi"]) for nm in SEGMENTS_ORDER]),
        row(["MWE"] + [round(100 * seg[nm]["cw"] / (seg[nm]["cw"] + seg[nm]["ww"]))
                       for nm in SEGMENTS_ORDER]),
        row(["ConsW"] + [round(seg[nm]["cw"]) for nm in SEGMENTS_ORDER]),
        row(["WastedW"] + [round(seg[nm]["ww"]) for nm in SEGMENTS_ORDER])])
    press = sheet("Pressure Trace", [row(["Time", "LVP"])] +
                  [row([tp[i] / 1000.0, ps[i]]) for i in range(len(tp))])
    glob = sheet("Global Traces", [row(["Time", "Global strain", ""]),
                                   row([0, 0, ""]), row([0.5, -15.0, ""])])
    sheets = ([general, segments] + strain_sheets + work_sheets + fibre_sheets +
              ([press] if with_pressure else []) + [glob])
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            '<?mso-application progid="Excel.Sheet"?><Workbook '
            'xmlns="urn:schemas-microsoft-com:office:spreadsheet" '
            'xmlns:ss="urn:schemas-microsoft-com:office:spreadsheet">' +
            "".join(sheets) + "</Workbook>")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", default=HERE)
    a = ap.parse_args()
    for sub, name, with_p in (("studies", "work_lbbb.xml", True),
                              ("info", "work_lbbb_nopressure.xml", False)):
        os.makedirs(os.path.join(a.out, sub), exist_ok=True)
        with open(os.path.join(a.out, sub, name), "w", encoding="utf-8", newline="\n") as f:
            f.write(workbook(with_p))


if __name__ == "__main__":
    main()
