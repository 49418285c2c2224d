"""Assisted marking: needle, snap, live wire, cutoff and vascular cue on phantom films with ground truth.

Films: ``FILMS`` randomised 1024 x 1024 renders (``benchmarks.assist_films``:
``PhantomParams.random`` -- views, noise 0.3-2, contrast 0.3-1.2, needle angles
5-30 deg, tip offsets -- plus extra cutoffs, normal roots filling 12-50 mm and
normal roots traced only part of their way) and ``CINES`` randomised 512 x 512
cine runs of 24 frames (half with a venous blush of random strength starting at
a random frame, half without), all from ``SEED``. The seed was picked once,
before any evaluation on it, and the assist code was not changed after looking
at its results; the algorithms were tuned on other seeds only (development
seeds 4242, 9191, 1357, and 6061, the benchmark seed before). Renders are
cached on disk (``assist_films.cache_dir()``): the first run renders for a few
minutes, later runs take well under one.

- Needle "found": the proposed shaft lies on the true one (both proposed ends
  within 1.5 mm of the true shaft line, axes within 5 deg). Tip error: distance
  from the proposed to the true tip over ALL films (a missed film counts with
  its error, or infinity when nothing was proposed). "Flagged": confidence below
  0.9, where the GUI says "low confidence -- check the tip".
- Snap: a click 1.5 mm from the true tip in a random direction, snap radius 5 mm
  (the GUI's); improved = the snapped point is nearer the true tip than the click.
- Live wire: anchors = the ends of the traced path (the true tip and the true end
  of the contrast, or where a partial trace stops); distance = symmetric mean
  distance between the traced and true paths. Update time = one ``LiveWire.path``
  call with the cost map cached (as while dragging).
- Cutoff: ``analyse_path`` (the profile runs on 6 mm past the path's end) on the
  true path, and on the live wire between the true anchors (what a user gets).
  Location error on films with a cutoff; false suggestions on films without,
  split into normal roots that end before 30 mm of filled course, those that
  end later, and roots traced only part of their way (the contrast goes on).
- Vascular cue: ``vascular_cue`` on each cine run with the true contrast path,
  and on the multi-frame sample case ``cine_venous_blush``.

``python -m benchmarks.bench_assist --seed N --films N --cines N`` runs the same
measurements on another seed (development seeds only).
"""

from __future__ import annotations

import math
import statistics
import sys
import time
from pathlib import Path

import numpy as np

from benchmarks import assist_films
from benchmarks.timing import table

FILMS = 100
CINES = 20
SEED = 5309  # picked once, before evaluating; never used while tuning (see the docstring)
SIZE = 1024
SNAP_MM = 5.0  # the GUI's snap radius
CLICK_MM = 1.5
LOW_CONFIDENCE = 0.9  # the GUI's "check the tip" threshold
BAD_TIP_MM = 1.5
ROOT = Path(__file__).resolve().parent.parent


def _calibration(truth):
    from annotator.geometry import Calibration
    from annotator.geometry.calibration import CalibrationSource

    s = truth["spacing_mm"]
    return Calibration(s, s, CalibrationSource.PIXEL_SPACING)


def _seg_dist(p: np.ndarray, poly: np.ndarray) -> float:
    best = math.inf
    for a, b in zip(poly[:-1], poly[1:]):
        ab = b - a
        t = float(np.clip(np.dot(p - a, ab) / max(float(np.dot(ab, ab)), 1e-12), 0, 1))
        best = min(best, float(np.linalg.norm(p - (a + t * ab))))
    return best


def _dense(poly, step: float = 1.0) -> np.ndarray:
    poly = np.asarray(poly, float)
    out = [poly[0]]
    for a, b in zip(poly[:-1], poly[1:]):
        n = max(1, int(np.linalg.norm(b - a) / step))
        out += [a + (b - a) * k / n for k in range(1, n + 1)]
    return np.array(out)


def path_distance_px(path, truth_path) -> float:
    """Symmetric mean distance (px) between two polylines."""
    p, q = _dense(path), _dense(truth_path)
    pa, qa = np.asarray(path, float), np.asarray(truth_path, float)
    d1 = [_seg_dist(x, qa) for x in p]
    d2 = [_seg_dist(x, pa) for x in q]
    return 0.5 * (float(np.mean(d1)) + float(np.mean(d2)))


def _length_mm(path, spacing: float) -> float:
    return sum(math.dist(a, b) for a, b in zip(path[:-1], path[1:])) * spacing


def _shaft_found(prop, truth) -> bool:
    hub, tip = (np.asarray(v, float) for v in truth["shaft"])
    u = (tip - hub) / np.linalg.norm(tip - hub)
    n = np.array([-u[1], u[0]])
    s = truth["spacing_mm"]
    ends = [np.asarray(p, float) for p in prop.shaft]
    if max(abs(float((e - hub) @ n)) * s for e in ends) > 1.5:
        return False
    v = ends[1] - ends[0]
    ang = math.degrees(math.acos(min(1.0, abs(float(v @ u)) / (np.linalg.norm(v) or 1))))
    return ang <= 5.0


def tip_clipped(pixels: np.ndarray, truth) -> bool:
    """True when most pixels within 1.5 mm of the true tip are clipped to black (stored 0)."""
    r = 1.5 / truth["spacing_mm"]
    x, y = truth["tip"]
    yy, xx = np.mgrid[0:pixels.shape[0], 0:pixels.shape[1]]
    disc = (xx + 0.5 - x) ** 2 + (yy + 0.5 - y) ** 2 <= r * r
    return float(np.mean(pixels[disc] <= 0)) >= 0.5


def tip_blind(pixels: np.ndarray, truth) -> bool:
    """True when the needle's end cannot be seen at all: black (stored 0) on the axis past the
    tip AND on both sides of the last 1.5 mm of shaft and the 1.5 mm beyond (more than half of
    each), so that neither the steel nor its surroundings mark where it ends."""
    from scipy import ndimage

    s = truth["spacing_mm"]
    hub, tip = (np.asarray(v, float) for v in truth["shaft"])
    u = (tip - hub) / np.linalg.norm(tip - hub)
    n = np.array([-u[1], u[0]])
    black = (pixels <= 0).astype(float)

    def share(off_mm: float, t0: float, t1: float) -> float:
        ts = np.arange(t0, t1 + 1e-9, 0.25) / s
        offs = off_mm / s + np.arange(-0.5, 0.51, 0.25)
        pts = tip[None, None] + ts[:, None, None] * u + offs[None, :, None] * n
        return float(ndimage.map_coordinates(black, [pts[..., 1] - 0.5, pts[..., 0] - 0.5], order=0).mean())

    return min(share(1.5, -1.5, 1.5), share(-1.5, -1.5, 1.5)) > 0.5 and share(0.0, 0.5, 2.0) > 0.5


def _pct(v: float) -> str:
    return f"{100 * v:.0f} %"


def _row(name: str, target: str, measured: str, ok: bool) -> list[str]:
    return [name, target, measured, "pass" if ok else "FAIL"]


def _cutoff(pairs):
    return next((a.points[0] for f, a in pairs if f.code == "contrast_cutoff"), None)


def run(seed: int = SEED, films: int = FILMS, cines: int = CINES) -> str:
    from annotator.assist.livewire import LiveWire
    from annotator.assist.needle import propose_needle, snap_tip
    from annotator.assist.suggest import analyse_path
    from annotator.geometry.directions import Directions

    paths = assist_films.films(seed, films)
    needle, snap, views, vis = [], [], {}, {}
    lw_update, lw_build, path_mm = [], [], []
    cut = {"true path": ([], [], []), "live wire": ([], [], [])}  # (errors, missed, false kinds)
    normals: dict[str, int] = {}
    warm = assist_films.load(paths[0])
    propose_needle(warm[0], _calibration(warm[1]))  # imports and first-call costs out of the timing
    for k, path in enumerate(paths):
        pixels, truth = assist_films.load(path)
        cal = _calibration(truth)
        s = truth["spacing_mm"]
        d = truth["directions"]  # what a film in a case carries: its view and patient directions
        t0 = time.perf_counter()
        prop = propose_needle(pixels, cal, directions=Directions(d["x"], d["y"]), view=truth["view"])
        ms = (time.perf_counter() - t0) * 1e3
        err = math.dist(prop.tip, truth["tip"]) * s if prop is not None else math.inf
        needle.append((prop is not None and _shaft_found(prop, truth), err, ms,
                       prop.confidence if prop is not None else 0.0))
        views.setdefault(truth["view"], []).append(err)
        kind = ("tip blind (black axis and sides)" if tip_blind(pixels, truth)
                else "tip clipped, sides visible" if tip_clipped(pixels, truth) else "tip visible")
        vis.setdefault(kind, []).append(err)
        # snap: a click CLICK_MM off the true tip, in a direction drawn from the film's index
        ang = np.random.default_rng([seed, k, 2]).uniform(0, 2 * math.pi)
        tx, ty = truth["tip"]
        click = (tx + CLICK_MM / s * math.cos(ang), ty + CLICK_MM / s * math.sin(ang))
        t0 = time.perf_counter()
        snapped = snap_tip(pixels, click, SNAP_MM / s, cal)
        snap_ms = (time.perf_counter() - t0) * 1e3
        after = math.dist(snapped, (tx, ty)) * s if snapped is not None else CLICK_MM
        snap.append((snapped is not None, after, snap_ms))
        traced = truth["traced_path"]
        if not traced or len(traced) < 2:
            continue
        t0 = time.perf_counter()
        lw = LiveWire(pixels, cal)
        lw_build.append((time.perf_counter() - t0) * 1e3)
        t0 = time.perf_counter()
        wire = lw.path([tuple(traced[0]), tuple(traced[-1])])
        lw_update.append((time.perf_counter() - t0) * 1e3)
        path_mm.append(path_distance_px(wire, traced) * s)
        if truth["cutoff"] is None:
            length = _length_mm(truth["contrast_path"], s)
            group = ("traced part of the way" if truth["trace_fraction"] is not None
                     else "ending before 30 mm" if length < 30 else "ending at 30 mm or later")
            normals[group] = normals.get(group, 0) + 1
        for name, p in (("true path", traced), ("live wire", wire)):
            found = _cutoff(analyse_path(pixels, p, cal)[1])
            errors, missed, false = cut[name]
            if truth["cutoff"] is not None:
                if found is None:
                    missed.append(1)
                else:
                    errors.append(math.dist(found, truth["cutoff"]) * s)
            elif found is not None:
                false.append(group)

    rows = _needle_rows(needle, snap)
    lw_med = statistics.median(lw_update) if lw_update else math.nan
    lw_p95 = float(np.percentile(lw_update, 95)) if lw_update else math.nan
    pm = float(np.mean(path_mm)) if path_mm else math.nan
    rows += [
        _row("live-wire update (cached cost)", "<= 50 ms", f"{lw_med:.1f} ms (95th pct {lw_p95:.1f})", lw_p95 <= 50),
        _row("live-wire cost map per frame", "(info)", f"{statistics.median(lw_build):.0f} ms", True),
        _row("path mean distance to truth", "<= 0.5 mm",
             f"{pm:.2f} mm mean, {float(np.median(path_mm)):.2f} median (n={len(path_mm)})", pm <= 0.5),
    ]
    rows += _cutoff_rows(cut, normals)
    rows += _cine_rows(seed, cines)
    note = (f"{films} films, {SIZE} x {SIZE}, seed {seed}; {sum(1 for n in needle if n[1] < math.inf)} proposals; "
            f"{len(path_mm)} films with contrast ({sum(normals.values())} normal, "
            f"{len(path_mm) - sum(normals.values())} with a cutoff); {cines} cine runs.")

    def stats(groups):
        return [[v, len(e), f"{float(np.median(e)):.2f}", f"{float(np.percentile(e, 95)):.2f}",
                 _pct(float(np.mean(np.array(e) <= 2.0)))] for v, e in sorted(groups.items())]

    return "\n\n".join([
        table(["metric", "target", "measured", "result"], rows),
        "Tip error by view and by what marks the tip (mm):\n\n"
        + table(["films of", "films", "median", "95th pct", "within 2 mm"], stats(views) + stats(vis)),
        note,
    ])


def _needle_rows(needle, snap) -> list[list[str]]:
    found = [n[0] for n in needle]
    errs = np.array([n[1] for n in needle])
    times = [n[2] for n in needle]
    conf = np.array([n[3] for n in needle])
    rate = float(np.mean(found))
    med = float(np.median(errs))
    p95 = float(np.percentile(errs, 95))
    t_med = statistics.median(times)
    bad = errs > BAD_TIP_MM
    low = conf < LOW_CONFIDENCE
    snapped = sum(1 for s in snap if s[0])
    after = np.array([s[1] for s in snap])
    improved = int(np.sum(after < CLICK_MM - 1e-9))
    farther = int(np.sum(after > CLICK_MM + 1e-9))
    return [
        _row("needle found", ">= 95 %", f"{_pct(rate)} ({sum(found)}/{len(found)})", rate >= 0.95),
        _row("tip error, median", "<= 0.5 mm", f"{med:.2f} mm", med <= 0.5),
        _row("tip error, 95th percentile", "<= 1.5 mm", f"{p95:.2f} mm", p95 <= 1.5),
        _row("tip within 2 mm", "(info)", _pct(float(np.mean(errs <= 2.0))), True),
        _row(f"tips > {BAD_TIP_MM} mm off flagged (confidence < {LOW_CONFIDENCE})", "(info)",
             f"flagged {int(np.sum(bad & low))} of {int(np.sum(bad))}; good ones flagged "
             f"{int(np.sum(~bad & low))} of {int(np.sum(~bad))}", True),
        _row("needle proposal time (1024 x 1024)", "<= 300 ms", f"{t_med:.0f} ms (max {max(times):.0f})",
             t_med <= 300),
        _row(f"snap, click {CLICK_MM} mm off the tip (radius {SNAP_MM:.0f} mm)", "(info)",
             f"improved {improved}/{len(snap)}, snapped {snapped}, moved farther {farther}; "
             f"distance after: median {float(np.median(after)):.2f} mm, 90th pct {float(np.percentile(after, 90)):.2f}",
             True),
        _row("snap time", "(info)", f"{statistics.median(s[2] for s in snap):.0f} ms", True),
    ]


def _cutoff_rows(cut, normals: dict[str, int]) -> list[list[str]]:
    rows = []
    for name in ("true path", "live wire"):
        errors, missed, false = cut[name]
        n_cut = len(errors) + len(missed)
        ce = max(errors) if errors else math.nan
        med = statistics.median(errors) if errors else math.nan
        where = "true path + 6 mm" if name == "true path" else "live wire between true anchors"
        rows += [
            _row(f"cutoff location error, found ones ({where})", "<= 2 mm",
                 f"median {med:.2f}, max {ce:.2f} mm, {sum(e <= 2.0 for e in errors)}/{len(errors)} within 2 mm",
                 ce <= 2.0),
            _row(f"cutoffs found ({where})", "(info)", f"{len(errors)}/{n_cut}", True),
            _row(f"false cutoff on normal roots ({where})", "0",
                 f"{len(false)}/{sum(normals.values())}: "
                 + ", ".join(f"{g} {false.count(g)}/{normals[g]}" for g in sorted(normals)), not false),
        ]
    return rows


def _cine_rows(seed: int, count: int) -> list[list[str]]:
    from annotator.assist.cine import vascular_cue

    hits = within = missed = outside = false = blush_runs = plain = 0
    ms = []
    for path in assist_films.cines(seed, count):
        run, truth = assist_films.load(path)
        t0 = time.perf_counter()
        cue = vascular_cue(run, truth["contrast_path"], _calibration(truth))
        ms.append((time.perf_counter() - t0) * 1e3)
        blush = truth["venous_blush"]
        if blush is None:
            plain += 1
            false += cue.first_frame is not None
            continue
        blush_runs += 1
        if cue.first_frame is None:
            missed += 1
            continue
        hits += cue.first_frame == blush["first_frame"]
        within += abs(cue.first_frame - blush["first_frame"]) <= 1
        outside += any(f not in blush["frames"] for f in cue.frames)
    rows = [
        _row("vascular cue, first blush frame (random cines)", "(info)",
             f"exact {hits}/{blush_runs}, within 1 frame {within}/{blush_runs}, missed {missed}; "
             f"runs with cue frames outside the blush {outside}", True),
        _row("vascular cue on runs without a blush", "0", f"{false}/{plain}", false == 0),
    ]
    rows.append(_sample_cine_row(vascular_cue, statistics.median(ms) if ms else math.nan))
    return rows


def _sample_cine_row(vascular_cue, random_ms: float) -> list[str]:
    import json

    from annotator.io import open_image

    folder = ROOT / "sample_images" / "cases" / "cine_venous_blush"
    image = open_image(folder / "01_ap_run.dcm")
    truth = json.loads((folder / "01_ap_run.truth.json").read_text())
    run = np.stack([image.stored_frame(i) for i in range(image.info.frames)])
    t0 = time.perf_counter()
    cue = vascular_cue(run, truth["contrast_path"], image.info.calibration)
    ms = (time.perf_counter() - t0) * 1e3
    want = truth["venous_blush"]["first_frame"]
    return _row("vascular cue frame (cine sample)", f"frame {want}",
                f"frame {cue.first_frame} ({ms:.0f} ms for {len(run)} frames; random runs {random_ms:.0f} ms)",
                cue.first_frame == want)


def _main(argv: list[str]) -> int:
    import argparse

    p = argparse.ArgumentParser(description="assist benchmark (other seeds: development only)")
    p.add_argument("--seed", type=int, default=SEED)
    p.add_argument("--films", type=int, default=FILMS)
    p.add_argument("--cines", type=int, default=CINES)
    a = p.parse_args(argv)
    print(run(a.seed, a.films, a.cines))
    return 0


if __name__ == "__main__":
    sys.exit(_main(sys.argv[1:]))
