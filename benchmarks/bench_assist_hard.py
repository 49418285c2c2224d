"""Needle proposals on films the detector was not tuned to (issue 14), with a reliability table.

Films: ``FILMS`` renders of ``benchmarks.hard_films`` -- an independent
generator (own anatomy, needle model, noise and display curve; see its
docstring): needles in every orientation, hub inside the field or the shaft
running out of it, one or two needles (bilateral), 512/1024/2048 px, MONOCHROME1,
strong and weak noise, contrast leaving the tip or none.

``SEED`` (60413) was picked and written down before any evaluation on it
(commit "benchmarks: hard_films ..."); the end call and the confidence were
developed on seeds 11, 12 and 13 only (``--seed``). The rows of
``bench_assist`` (the tuning phantom) are kept beside these for comparison.

Per true needle: "found" = a proposal whose shaft lies on it (both proposed ends
within 1.5 mm of the true shaft line, axes within 5 deg); tip error = distance
from that proposal's tip to the true tip (999 mm when nothing was found);
"wrong end" = found, and its tip nearer the true shaft's hub end than the true
tip. Reliability: proposals (matched to a true needle) by confidence bin, with
the share more than 3 mm off the true tip. Side: the named patient side of
each proposal against the truth (AP films).

``FRESH_SEED`` (511190) was picked and written down before issue 14's third round,
after 60413 had been evaluated three times: ``--seed 511190``; it was then looked at
twice during the round, so ``FINAL_SEED`` (410242) was picked once the round's code
was final and run once: ``--seed 410242``.

``python -m benchmarks.bench_assist_hard --seed N --films N`` (development seeds: 11-15).
"""

from __future__ import annotations

import math
import statistics
import sys
import time

import numpy as np

from benchmarks import hard_films
from benchmarks.timing import seeded_main, table

SEED = 60413  # picked before any evaluation on it; tuning used 11, 12, 13
FRESH_SEED = 511190  # picked (secrets.randbelow) before issue 14's third round; never evaluated while tuning
FINAL_SEED = 410242  # picked (secrets.randbelow) once the third round's code was final, for one run
FILMS = 120
BINS = (0.0, 0.5, 0.7, 0.8, 0.9, 0.95, 1.0001)
FAR_MM = 3.0
HIGH = 0.9
MISSED_MM = 999.0  # tip error counted for a needle nothing was proposed on


def _calibration(s: float):
    from annotator.geometry import Calibration
    from annotator.geometry.calibration import CalibrationSource

    return Calibration(s, s, CalibrationSource.PIXEL_SPACING)


def _on_shaft(prop, tip, end, s: float) -> bool:
    tip, end = np.asarray(tip, float), np.asarray(end, float)
    u = (tip - end) / np.linalg.norm(tip - end)
    n = np.array([-u[1], u[0]])
    ends = [np.asarray(p, float) for p in prop.shaft]
    if max(abs(float((e - end) @ n)) * s for e in ends) > 1.5:
        return False
    v = ends[1] - ends[0]
    ang = math.degrees(math.acos(min(1.0, abs(float(v @ u)) / (np.linalg.norm(v) or 1))))
    return ang <= 5.0


def evaluate(seed: int, count: int) -> list[dict]:
    """One record per true needle: found, error (mm), wrong end, confidence, kind, side ok."""
    from annotator.assist.needle import propose_needles
    from annotator.geometry.directions import Directions

    out = []
    for i in range(count):
        pixels, truth = hard_films.render(seed, i)
        s = truth["spacing_mm"]
        d = truth["directions"]
        t0 = time.perf_counter()
        props = propose_needles(pixels, _calibration(s), invert=truth["monochrome1"],
                                directions=Directions(d["x"], d["y"]), view=truth["view"])
        ms = (time.perf_counter() - t0) * 1e3
        used: set[int] = set()
        for nd in truth["needles"]:
            match = next((k for k, p in enumerate(props) if k not in used and _on_shaft(p, nd["tip"], nd["end"], s)),
                         None)
            rec = {"film": i, "size": truth["size"], "noise": truth["noise"], "mono1": truth["monochrome1"],
                   "view": truth["view"], "count": len(truth["needles"]), "ms": ms, **{k: nd[k] for k in (
                       "hub_inside", "contrast", "orientation", "side")}}
            if match is None:
                rec.update(found=False, err=MISSED_MM, wrong=False, conf=0.0, side_ok=None, disagree=())
            else:
                used.add(match)
                p = props[match]
                err = math.dist(p.tip, nd["tip"]) * s
                wrong = math.dist(p.tip, nd["end"]) < math.dist(p.tip, nd["tip"])
                rec.update(found=True, err=err, wrong=wrong, conf=p.confidence, disagree=p.disagree, cues=p.cues,
                           side_ok=None if p.side is None else p.side == nd["side"])
            out.append(rec)
        for k, p in enumerate(props):  # a proposal on no true needle
            if k not in used:
                out.append({"film": i, "false": True, "conf": p.confidence})
    return out


def _pct(v: float) -> str:
    return f"{100 * v:.0f} %"


def reliability(conf: np.ndarray, err: np.ndarray) -> list[list[str]]:
    rows = []
    for lo, hi in zip(BINS[:-1], BINS[1:]):
        sel = (conf >= lo) & (conf < hi)
        if not sel.any():
            rows.append([f"{lo:.2f}-{min(hi, 1):.2f}", "0", "-", "-", "-"])
            continue
        e = err[sel]
        rows.append([f"{lo:.2f}-{min(hi, 1):.2f}", str(int(sel.sum())), f"{float(np.median(e)):.2f}",
                     _pct(float(np.mean(e <= 2.0))), _pct(float(np.mean(e > FAR_MM)))])
    return rows


def run(seed: int = SEED, films: int = FILMS) -> str:
    recs = evaluate(seed, films)
    real = [r for r in recs if not r.get("false")]
    false = [r for r in recs if r.get("false")]
    found = np.array([r["found"] for r in real])
    err = np.array([r["err"] for r in real])
    conf = np.array([r["conf"] for r in real])
    wrong = np.array([r["wrong"] for r in real])
    med, p95 = float(np.median(err)), float(np.percentile(err, 95))
    high = found & (conf >= HIGH)
    far_high = float(np.mean(err[high] > FAR_MM)) if high.any() else 0.0
    wrong_high = int(np.sum(wrong & (conf >= HIGH)))
    sides = [r["side_ok"] for r in real if r.get("side_ok") is not None]
    bilateral = [r for r in real if r["count"] == 2]
    times = [r["ms"] for r in real]

    def row(name, target, measured, ok):
        return [name, target, measured, "pass" if ok else "FAIL"]

    rows = [
        row("needle found", ">= 95 %", f"{_pct(float(found.mean()))} ({int(found.sum())}/{len(found)})",
            found.mean() >= 0.95),
        row("tip error, median", "<= 0.5 mm", f"{med:.2f} mm", med <= 0.5),
        row("tip error, 95th percentile", "<= 1.5 mm", f"{p95:.2f} mm", p95 <= 1.5),
        row("tip within 2 mm", "(info)", _pct(float(np.mean(err <= 2.0))), True),
        row("tip error on found needles: median, 95th pct", "(info)",
            f"{float(np.median(err[found])):.2f} mm, {float(np.percentile(err[found], 95)):.2f} mm"
            if found.any() else "-", True),
        row("tip error, found and right end: 95th pct", "(info)",
            f"{float(np.percentile(err[found & ~wrong], 95)):.2f} mm" if (found & ~wrong).any() else "-", True),
        row("wrong end called", "(info)", f"{int(wrong.sum())}/{int(found.sum())}", True),
        row(f"wrong-end calls with confidence >= {HIGH}", "0", str(wrong_high), wrong_high == 0),
        row(f"confidence >= {HIGH}: share > {FAR_MM:.0f} mm off", "<= 2 %",
            f"{_pct(far_high)} ({int(np.sum(err[high] > FAR_MM))}/{int(high.sum())})", far_high <= 0.02),
        row("end cues disagree (flagged)", "(info)", f"{sum(1 for r in real if r['disagree'])}/{int(found.sum())}",
            True),
        row("bilateral films: both needles found", "(info)",
            f"{sum(r['found'] for r in bilateral)}/{len(bilateral)} needles", True),
        row("patient side named right (AP)", "(info)", f"{sum(sides)}/{len(sides)}", True),
        row("proposals on no needle", "(info)", f"{len(false)} (max confidence "
            f"{max((r['conf'] for r in false), default=0):.2f})", True),
        row("proposal time per film (median)", "(info)", f"{statistics.median(times):.0f} ms", True),
    ]

    def groups(key, label):
        g: dict[str, list[float]] = {}
        for r in real:
            g.setdefault(f"{label} {r[key]}", []).append(r["err"])
        return [[k, len(v), f"{float(np.median(v)):.2f}", f"{float(np.percentile(v, 95)):.2f}",
                 _pct(float(np.mean(np.array(v) <= 2.0))),
                 str(sum(1 for r in real if f"{label} {r[key]}" == k and r["wrong"]))]
                for k, v in sorted(g.items())]

    by = []
    for key, label in (("orientation", "orientation"), ("hub_inside", "hub inside"), ("contrast", "contrast"),
                       ("size", "size"), ("noise", "noise"), ("mono1", "MONOCHROME1"), ("count", "needles"),
                       ("view", "view")):
        by += groups(key, label)
    note = f"{films} films from hard_films, seed {seed}; {len(real)} needles."
    return "\n\n".join([
        table(["metric", "target", "measured", "result"], rows),
        "Reliability (proposals on a true needle; missed needles left out):\n\n"
        + table(["confidence", "proposals", "median error mm", "within 2 mm", f"> {FAR_MM:.0f} mm off"],
                reliability(conf[found], err[found])),
        "Tip error by kind of film (mm):\n\n"
        + table(["films of", "needles", "median", "95th pct", "within 2 mm", "wrong end"], by),
        note,
    ])


def _main(argv: list[str]) -> int:
    return seeded_main(argv, "needle proposals on independent films (other seeds: development)", "needle", evaluate, run, SEED, FILMS)


if __name__ == "__main__":
    sys.exit(_main(sys.argv[1:]))
