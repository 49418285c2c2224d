"""Regenerate every sample case: ``python -m sample_images.generate [case ...]``.

Writes, under ``sample_images/cases/<case>/``, per film: ``<film>.dcm``
(X-Ray Angiographic Image Storage, JPEG-LS lossless, 12-bit MONOCHROME2,
dense = dark), ``<film>.png`` (8-bit display copy through the file's window
2000/3600; for a cine run, its key frame = last frame) and
``<film>.truth.json`` (ground truth in pixel coordinates, see
:mod:`sample_images.phantom`, plus the intended verdict under ``expected``).
Then ``case.json`` (the ready case, via ``annotator.io.casefile.save_case``)
when that codec exists. Deterministic: fixed seeds, derived UIDs.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np
from PIL import Image

from sample_images.dicom_writer import ERMF, write_film
from sample_images.phantom import PhantomFilm, PhantomParams, render_cine, render_film
from sample_images.scenarios import BLUSH_FRAMES, CASES, CaseSpec, FilmSpec
from sample_images.verdicts import expected_verdict

HERE = Path(__file__).resolve().parent
CASES_DIR = HERE / "cases"
WINDOW = (2000.0, 3600.0)


def film_params(case: CaseSpec, film: FilmSpec) -> PhantomParams:
    kw = dict(seed=case.seed, view=film.view, level=case.level, side=case.side)
    kw.update(case.params)
    kw.update(film.params)
    return PhantomParams(**kw)


def render(case: CaseSpec, film: FilmSpec) -> PhantomFilm:
    p = film_params(case, film)
    if film.cine_frames:
        return render_cine(p, frames=film.cine_frames, blush_frames=BLUSH_FRAMES)
    return render_film(p)


def display_png(pixels: np.ndarray) -> np.ndarray:
    """8-bit display copy through the default window (linear VOI)."""
    c, w = WINDOW
    v = (pixels.astype(np.float64) - (c - 0.5 - (w - 1) / 2)) / (w - 1)
    return np.clip(np.round(v * 255), 0, 255).astype(np.uint8)


def write_film_files(case: CaseSpec, index: int, film: FilmSpec, out: Path) -> dict:
    """Render film number ``index`` (1-based) of ``case`` and write its .dcm, .png and .truth.json into ``out``."""
    out.mkdir(parents=True, exist_ok=True)
    ph = render(case, film)
    truth = annotate_truth(ph.truth, case, film)
    d = truth["directions"]
    write_film(
        out / f"{film.name}.dcm", ph.pixels, case=case.name,
        study_desc="selective nerve root study 选择性神经根造影 (phantom)", series_number=index,
        instance_number=index, view=film.view, angle_deg=truth["angle_deg"], patient_orientation=(d["x"], d["y"]),
        spacing_mm=truth["spacing_mm"], acquired=case.date + film.time,
        description=f"{case.side} {case.level} {film.phase.replace('_', ' ')}",
        frame_time_ms=66.7 if film.cine_frames else None,
    )
    key = ph.pixels[-1] if ph.pixels.ndim == 3 else ph.pixels
    Image.fromarray(display_png(key)).save(out / f"{film.name}.png", optimize=True)
    _write_truth(out / f"{film.name}.truth.json", truth)
    return truth


_ANNOTATION_KEYS = ("case", "film", "phase", "figure", "unmarked", "expected", "dicom")


def annotate_truth(truth: dict, case: CaseSpec, film: FilmSpec) -> dict:
    """Add the scenario's record to a rendered film's ground truth: names, unmarked landmarks, intended verdict."""
    for key in _ANNOTATION_KEYS:
        truth.pop(key, None)
    truth["case"] = case.name
    truth["film"] = film.name
    truth["phase"] = film.phase
    truth["figure"] = film.figure
    if film.unmarked:
        truth["unmarked"] = list(film.unmarked)
    truth["expected"] = expected_verdict(truth)
    # safety warnings the rules should raise for this film (domain.md §5): W3 for intravascular uptake
    truth["expected"]["warnings"] = ["W3"] if any(f["code"] == "intravascular" for f in case.findings) else []
    truth["dicom"] = {
        "ImagerPixelSpacing_mm": round(truth["spacing_mm"] * ERMF, 6),
        "EstimatedRadiographicMagnificationFactor": ERMF,
        "patient_plane_spacing_mm": truth["spacing_mm"],
    }
    return truth


def _write_truth(path: Path, truth: dict) -> None:
    path.write_text(json.dumps(truth, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


def refresh_case_truths(case: CaseSpec, out: Path) -> list[dict]:
    """Re-apply the scenario record (unmarked landmarks, intended verdicts) to the existing truth files.

    The pixels and the rendered geometry stay as they are; gives the same bytes as a full regeneration.
    """
    truths = []
    for film in case.films:
        path = out / f"{film.name}.truth.json"
        truth = annotate_truth(json.loads(path.read_text(encoding="utf-8")), case, film)
        _write_truth(path, truth)
        truths.append(truth)
    return truths


def write_case_films(case: CaseSpec, out: Path) -> list[dict]:
    return [write_film_files(case, i, film, out) for i, film in enumerate(case.films, start=1)]


def write_case_json(case: CaseSpec, out: Path) -> bool:
    """Write case.json when the case-file codec is available; return whether it was written."""
    try:
        from annotator.io.casefile import save_case
    except ImportError:
        return False
    from sample_images.cases_build import build_case

    target = out / "case.json"
    target.unlink(missing_ok=True)  # a fresh file: no .bak of the previous generation
    save_case(build_case(case.name, out), target)
    for stale in out.glob("case.json.bak"):
        stale.unlink()
    return True


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("cases", nargs="*", help="case names (default: all)")
    ap.add_argument("--out", type=Path, default=CASES_DIR)
    ap.add_argument("--no-case-json", action="store_true")
    ap.add_argument("--truth-only", action="store_true",
                    help="keep the films; re-apply the scenario record to the truth files and rewrite case.json")
    args = ap.parse_args(argv)
    from sample_images import bilateral

    names = args.cases or [c.name for c in CASES] + [bilateral.NAME]
    if bilateral.NAME in names:  # two roots, one shared AP film: its own builder
        out = args.out / bilateral.NAME
        truths = bilateral.write_films(out)
        if not args.no_case_json:
            bilateral.write_case_json(out)
        verdicts = ", ".join(f"{t['film']}: {t['expected'].get('rule')} {t['expected'].get('status')}" for t in truths)
        print(f"{bilateral.NAME}: {len(truths)} film(s) — {verdicts}")
    for case in CASES:
        if case.name not in names:
            continue
        out = args.out / case.name
        truths = refresh_case_truths(case, out) if args.truth_only else write_case_films(case, out)
        wrote = False if args.no_case_json else write_case_json(case, out)
        verdicts = ", ".join(f"{t['film']}: {t['expected'].get('rule')} {t['expected'].get('status')}" for t in truths)
        print(f"{case.name}: {len(truths)} film(s){' + case.json' if wrote else ''} — {verdicts}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
