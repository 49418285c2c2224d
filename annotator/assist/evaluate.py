"""How well the assist does on a department's own films: proposals against user-confirmed marks.

``evaluate_cases(case_files)`` opens every case read-only and, for every root
on every film it uses with the root's own confirmed needle ``TIP``
(``suggested=False``; ``rules.mark_choice.choose_tip``), runs the needle
proposals with all the film tells (``case_assist.film_needles``: calibration,
view, patient directions, the cine's first frame), takes the root's needle
among them (``case_assist.root_needle``: on a film two roots share, the one
named on the root's side) and compares:

- tip error (mm; pixels on an uncalibrated film, kept apart) from the proposed
  to the confirmed tip;
- wrong end: the proposal lies on the confirmed needle but its tip is nearer
  the confirmed shaft's hub end (or, without a confirmed shaft, its other end
  lies within ``WRONG_END_MM`` of the confirmed tip);
- path distance: the live wire between the ends of a confirmed contrast path
  against that path (symmetric mean distance, mm);
- cutoff agreement: a cutoff suggested along the confirmed path
  (``suggest.analyse_path``) against a confirmed ``contrast_cutoff`` finding on
  the film (both absent, or both present within ``CUTOFF_MM``);
- confidence reliability: proposals by confidence bin, with their errors.

Nothing is written: case files and images are only read (``load_case``,
``open_image``).
"""

from __future__ import annotations

import math
import statistics
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

from annotator.model.annotations import Role

WRONG_END_MM = 3.0
FAR_MM = 3.0  # the reliability table's "far off"
CUTOFF_MM = 3.0
BINS = (0.0, 0.5, 0.7, 0.8, 0.9, 0.95, 1.0001)


@dataclass
class FilmResult:
    """One film with a confirmed tip: what the proposal did."""

    case: str  # the case file's folder name (no patient data: folder names are the user's)
    film: str  # the image file name
    frame: int
    unit: str  # "mm" or "px"
    proposed: bool
    tip_error: float | None = None  # in ``unit``; None when nothing was proposed
    confidence: float | None = None
    wrong_end: bool | None = None  # None without a way to tell
    path_distance_mm: float | None = None
    cutoff_agree: bool | None = None  # None without a confirmed path
    error: str | None = None  # the film could not be evaluated (one line)
    root: str = ""  # the root whose tip this is ("right L5"): a film two roots share appears once for each


@dataclass
class Report:
    films: list[FilmResult] = field(default_factory=list)
    cases: int = 0
    skipped_cases: list[str] = field(default_factory=list)  # "name: reason"

    @property
    def evaluated(self) -> list[FilmResult]:
        return [f for f in self.films if f.error is None]

    def summary(self) -> dict:
        films = self.evaluated
        mm = [f for f in films if f.unit == "mm"]
        errs = [f.tip_error if f.tip_error is not None else math.inf for f in mm]
        finite = [e for e in errs if math.isfinite(e)]
        wrong = [f for f in films if f.wrong_end]
        paths = [f.path_distance_mm for f in films if f.path_distance_mm is not None]
        cut = [f.cutoff_agree for f in films if f.cutoff_agree is not None]
        return {
            "cases": self.cases,
            "films": len(films),
            "films_uncalibrated": len(films) - len(mm),
            "proposed": sum(1 for f in films if f.proposed),
            "tip_error_median_mm": _r(statistics.median(errs)) if errs else None,
            "tip_error_p95_mm": _r(_p95(errs)) if errs else None,
            "tip_within_2mm": _r(sum(e <= 2.0 for e in errs) / len(errs)) if errs else None,
            "tip_error_max_mm": _r(max(finite)) if finite else None,
            "wrong_end": len(wrong),
            "wrong_end_confidence_ge_0_9": sum(1 for f in wrong if (f.confidence or 0) >= 0.9),
            "path_distance_mean_mm": _r(float(np.mean(paths))) if paths else None,
            "paths": len(paths),
            "cutoff_agreement": _r(sum(cut) / len(cut)) if cut else None,
            "cutoff_films": len(cut),
            "reliability": self.reliability(),
        }

    def reliability(self) -> list[dict]:
        rows = []
        films = [f for f in self.evaluated if f.proposed and f.unit == "mm" and f.tip_error is not None]
        for lo, hi in zip(BINS[:-1], BINS[1:]):
            sel = [float(f.tip_error or 0.0) for f in films if f.confidence is not None and lo <= f.confidence < hi]
            rows.append({"confidence": f"{lo:.2f}-{min(hi, 1.0):.2f}", "proposals": len(sel),
                         "median_error_mm": _r(statistics.median(sel)) if sel else None,
                         "far_off": _r(sum(e > FAR_MM for e in sel) / len(sel)) if sel else None})
        return rows

    def worst(self, n: int = 5) -> list[FilmResult]:
        def key(f: FilmResult) -> float:
            return math.inf if not f.proposed else (f.tip_error or 0.0)
        return sorted(self.evaluated, key=key, reverse=True)[:n]

    def to_json(self) -> dict:
        return {"summary": self.summary(), "films": [asdict(f) for f in self.films],
                "skipped_cases": self.skipped_cases}


def _r(v: float) -> float:
    return round(float(v), 3) if math.isfinite(v) else v


def _p95(values: list[float]) -> float:
    s = sorted(values)
    k = (len(s) - 1) * 0.95
    lo, hi = int(math.floor(k)), int(math.ceil(k))
    if not math.isfinite(s[hi]):
        return s[hi]
    return s[lo] + (s[hi] - s[lo]) * (k - lo)


def _seg_dist(p: np.ndarray, poly: np.ndarray) -> float:
    a, b = poly[:-1], poly[1:]
    ab = b - a
    t = np.clip(((p - a) * ab).sum(1) / np.maximum((ab * ab).sum(1), 1e-12), 0, 1)
    return float(np.min(np.linalg.norm(p - (a + t[:, None] * ab), axis=1)))


def _dense(poly: np.ndarray, step: float = 1.0) -> np.ndarray:
    out = [poly[0]]
    for a, b in zip(poly[:-1], poly[1:]):
        n = max(1, int(np.linalg.norm(b - a) / step))
        out += [a + (b - a) * k / n for k in range(1, n + 1)]
    return np.array(out)


def path_distance_px(path, other) -> float:
    """Symmetric mean distance (px) between two polylines."""
    p, q = np.asarray(path, float), np.asarray(other, float)
    if len(p) < 2 or len(q) < 2:
        return math.inf
    d1 = [_seg_dist(x, q) for x in _dense(p)]
    d2 = [_seg_dist(x, p) for x in _dense(q)]
    return 0.5 * (float(np.mean(d1)) + float(np.mean(d2)))


def _on_line(p, a, b, tol: float) -> bool:
    a, b, p = (np.asarray(v, float) for v in (a, b, p))
    u = b - a
    n = float(np.linalg.norm(u)) or 1.0
    return abs(float(u[0] * (p - a)[1] - u[1] * (p - a)[0])) / n <= tol


def evaluate_film(case_dir: Path, case_name: str, film, root, roots=None) -> FilmResult | None:
    """The result for ``root`` on one film it uses (``roots``: every root using the film; the
    root alone when not given), or None when the root has no confirmed tip there (or two)."""
    from annotator.assist.case_assist import film_needles, root_needle
    from annotator.assist.livewire import LiveWire
    from annotator.assist.suggest import analyse_path
    from annotator.errors import AnnotatorError
    from annotator.io import open_image
    from annotator.rules.mark_choice import choose_tip, root_marks

    tip = choose_tip(film, root).mark
    if tip is None:
        return None
    cal = film.effective_calibration()
    scale = cal.mean_mm_per_px() if cal.is_mm else 1.0
    res = FilmResult(case_name, Path(film.path).name, tip.frame, "mm" if cal.is_mm else "px", False,
                     root=root.label)
    try:
        image = open_image(case_dir / film.path)
        if image.is_color:
            res.error = "colour image: the assist works on grey films only"
            return res
        frame = min(tip.frame, image.info.frames - 1)
        prop = root_needle(film_needles(image, film, frame), root, roots or [root])
        true_tip = tip.points[0]
        if prop is not None:
            res.proposed = True
            res.confidence = round(prop.confidence, 3)
            res.tip_error = round(math.dist(prop.tip, true_tip) * scale, 3)
            shaft = next((a for a in root_marks(film, root, Role.SHAFT)
                          if a.frame == tip.frame and len(a.points) == 2), None)
            if shaft is not None:
                hub = shaft.points[0] if math.dist(shaft.points[0], true_tip) > math.dist(shaft.points[1], true_tip) \
                    else shaft.points[1]
                on = all(_on_line(p, hub, true_tip, 1.5 / scale) for p in prop.shaft)
                res.wrong_end = on and math.dist(prop.tip, hub) < math.dist(prop.tip, true_tip)
            else:
                res.wrong_end = (math.dist(prop.other_end, true_tip) * scale <= WRONG_END_MM
                                 and res.tip_error > WRONG_END_MM)
        path = next((a for a in root_marks(film, root, Role.CONTRAST_PATH) if len(a.points) >= 2), None)
        if path is not None:
            pframe = image.stored_frame(min(path.frame, image.info.frames - 1))
            calibration = cal if cal.is_mm else None
            wire = LiveWire(pframe, calibration, invert=image.invert).path([path.points[0], path.points[-1]])
            res.path_distance_mm = round(path_distance_px(wire, path.points) * scale, 3)
            _, found = analyse_path(pframe, path.points, calibration, film.effective_directions(), root.level,
                                    film.id, path.frame, image.invert)
            cut = next((a.points[0] for f, a in found if f.code == "contrast_cutoff"), None)
            truth = _confirmed_cutoff(film, root)
            if truth is False:
                res.cutoff_agree = cut is None
            elif truth is not None:
                res.cutoff_agree = cut is not None and (truth is True or math.dist(cut, truth) * scale <= CUTOFF_MM)
    except (AnnotatorError, OSError, ValueError) as exc:
        res.error = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return res


def _confirmed_cutoff(film, root):
    """The confirmed cutoff's point on the film, True when confirmed without a point, False when
    there is none."""
    for f in root.findings:
        if f.code == "contrast_cutoff" and not f.suggested and f.film_id in (None, film.id):
            ann = next((a for a in film.annotations if a.id == f.annotation_id), None)
            return ann.points[0] if ann is not None and ann.points else True
    return False


def case_files(paths: list[Path]) -> list[Path]:
    """Case files named by ``paths``: a case file, a case folder, or a folder of cases (searched
    below it). FileNotFoundError names the first path that is none of these."""
    from annotator.io.casefile import CASE_FILE_NAME

    out: list[Path] = []
    for p in paths:
        if p.is_file():
            out.append(p)
        elif (p / CASE_FILE_NAME).is_file():
            out.append(p / CASE_FILE_NAME)
        elif p.is_dir():
            out += sorted(p.rglob(CASE_FILE_NAME))
        else:
            raise FileNotFoundError(str(p))
    seen: set[Path] = set()
    return [f for f in out if not (f.resolve() in seen or seen.add(f.resolve()))]  # type: ignore[func-returns-value]


def evaluate_cases(files: list[Path]) -> Report:
    """Evaluate every film with a confirmed tip in the case files (read-only)."""
    from annotator.errors import AnnotatorError
    from annotator.io.casefile import load_case

    report = Report()
    for path in files:
        try:
            case = load_case(path)
        except (AnnotatorError, OSError, ValueError) as exc:
            report.skipped_cases.append(f"{path.parent.name}: {str(exc).splitlines()[0] if str(exc) else exc!r}")
            continue
        report.cases += 1
        for root in case.roots:
            for film in case.films_of(root):  # a film two roots share is evaluated for each
                res = evaluate_film(path.parent, path.parent.name, film, root, case.roots_of(film.id))
                if res is not None:
                    report.films.append(res)
    return report
