"""The bilateral sample case ``bilateral_L5``: both L5 roots tested in one session (issue #9).

One AP film shows both needles (stored once, owned by the right root and
shared by the left one: ``Root.shared_film_ids``), and each side has its own
lateral film. The right root is on target; the left needle sits a few
millimetres lateral and caudal of its target: ``near`` on the AP film.

The AP film is the two single-needle phantom renders of the same scene (same
seed, same noise) joined pixel by pixel: the darker value wins (dense is dark),
so both needles and both contrast columns show over the one spine. Its truth
file keeps the right root's geometry at the top level (as every sample film
does) and both roots' under ``roots``, each with its intended verdict.

``python -m sample_images.generate bilateral_L5`` writes the films, truths and
case.json; ``build_bilateral_case(folder)`` is the ready case.
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import numpy as np
from PIL import Image

from annotator.model import ROOTED_ROLES, SIDED_ROLES, Case, CheckResult, DrugDose, MarkSide, Root
from sample_images.scenarios import CaseSpec, FilmSpec

NAME = "bilateral_L5"
_DRUGS = ({"drug": "lidocaine", "concentration_pct": 0.5, "volume_ml": 2.0},)
AP = FilmSpec("01_ap", "AP", "after_contrast", "6A",
              "Fig 6A (intraoperative AP film): both L5 roots in one session — the right tip at the 6 o'clock "
              "position of the right L5 pedicle, the left tip lateral and caudal of the left one", "093000")
RIGHT = CaseSpec(
    name=NAME, title="Bilateral L5 root study in one session: one AP film, one lateral film per side (phantom)",
    level="L5", side="right", seed=606, params={},
    films=(AP, FilmSpec("02_lateral_right", "lateral", "after_contrast", "6B",
                        "Fig 6B (intraoperative lateral film, right needle): tip in the posterior third of the "
                        "L5/S1 foramen", "093100")),
    age=66, sex="F", symptoms="Bilateral leg pain, right worse than left; L5/S1 stenosis on MRI",
    findings=({"code": "tip_in_sheath"}, {"code": "injection_resistance", "value": "none"}),
    resistance="none", block_result="complete", concordance="yes", drugs=_DRUGS,
)
LEFT = replace(
    RIGHT, side="left", params={"tip_offset_mm": (3.0, 2.5, 0.0)},
    films=(AP, FilmSpec("03_lateral_left", "lateral", "after_contrast", "6C",
                        "Fig 6C (intraoperative lateral film, left needle): tip at the posterior edge of the L5/S1 "
                        "foramen", "093130")),
    findings=({"code": "injection_resistance", "value": "mild"},), resistance="mild", block_result="none",
    concordance="no",
)
SIDES = (RIGHT, LEFT)
FILMS = (AP, RIGHT.films[1], LEFT.films[1])


def _root_truth(truth: dict) -> dict:
    keys = ("tip", "shaft", "contrast_path", "pedicle_margin", "target", "sap_margin", "s1_foramen", "expected")
    return {k: truth.get(k) for k in keys}


def write_films(out: Path) -> list[dict]:
    """Render the three films into ``out``: .dcm, .png and .truth.json each."""
    from sample_images.dicom_writer import write_film
    from sample_images.generate import _write_truth, annotate_truth, display_png, render

    out.mkdir(parents=True, exist_ok=True)
    truths = []
    for index, film in enumerate(FILMS, start=1):
        if film is AP:
            right, left = render(RIGHT, AP), render(LEFT, AP)
            pixels = np.minimum(right.pixels, left.pixels)
            truth = annotate_truth(right.truth, RIGHT, AP)
            left_truth = annotate_truth(dict(left.truth), LEFT, AP)
            truth["roots"] = {"right": _root_truth(truth), "left": _root_truth(left_truth)}
            description = "right and left L5 after contrast"
        else:
            spec = RIGHT if film in RIGHT.films else LEFT
            ph = render(spec, film)
            pixels, truth = ph.pixels, annotate_truth(ph.truth, spec, film)
            description = f"{spec.side} L5 {film.phase.replace('_', ' ')}"
        d = truth["directions"]
        write_film(out / f"{film.name}.dcm", pixels, case=NAME,
                   study_desc="selective nerve root study 选择性神经根造影 (phantom)", series_number=index,
                   instance_number=index, view=film.view, angle_deg=truth["angle_deg"],
                   patient_orientation=(d["x"], d["y"]), spacing_mm=truth["spacing_mm"],
                   acquired=RIGHT.date + film.time, description=description)
        Image.fromarray(display_png(pixels)).save(out / f"{film.name}.png", optimize=True)
        _write_truth(out / f"{film.name}.truth.json", truth)
        truths.append(truth)
    return truths


def _mine(anns: list, side: str, root_id: str) -> list:
    """A side's marks with their root (needle marks) and side (bilateral landmarks) set."""
    out = []
    for a in anns:
        if a.role in ROOTED_ROLES:
            a = replace(a, root_id=root_id)
        if a.role in SIDED_ROLES:
            a = replace(a, side=MarkSide(side))
        out.append(a)
    return out


def build_bilateral_case(folder: Path) -> Case:
    """The ready case from the truth files in ``folder`` (ids derived from the case name)."""
    from sample_images.cases_build import _annotations, _film, _findings, _Ids

    ids = _Ids(NAME)
    truths = {f.name: json.loads((folder / f"{f.name}.truth.json").read_text(encoding="utf-8")) for f in FILMS}
    roots = []
    for spec in SIDES:
        root_id = ids("root", spec.side)
        films = {}
        for fs in spec.films:
            if fs is AP and spec is LEFT:
                continue  # stored once, under the right root
            t = truths[fs.name]
            film = _film(spec, fs, t, ids)
            film.annotations = _mine(film.annotations, spec.side, root_id)
            film.columns, film.rows = t["size"]
            if fs is AP:  # the left root's needle and landmarks on the same film
                left_t = {**t, **t["roots"]["left"], "midline": None, "iliac_crest": None, "level_labels": []}
                left_ids = _Ids(f"{NAME}/left")
                film.annotations += _mine(_annotations(left_t, LEFT, left_ids, fs.name, film.key_frame), "left",
                                          ids("root", "left"))
            films[fs.name] = film
        findings = _findings(spec, films, truths, _Ids(f"{NAME}/{spec.side}"))
        roots.append(Root(
            level="L5", side=spec.side, id=root_id, technique="both", approach=spec.approach,
            needle_type="No. 7 spinal needle (0.7 mm)", needle_gauge="22G", contrast_agent="iohexol 300 mgI/ml",
            contrast_volume_ml=1.5, resistance=spec.resistance, flash=CheckResult.NEGATIVE,
            aspiration=CheckResult.NEGATIVE, drugs=[DrugDose(**d) for d in spec.drugs],
            concordance=spec.concordance, block_result=spec.block_result, block_assessed_min=15.0,
            films=list(films.values()), findings=findings,
            shared_film_ids=[ids(AP.name)] if spec is LEFT else [],
        ))
    return Case(
        title=RIGHT.title, id=ids("case"), age=RIGHT.age, sex=RIGHT.sex, symptoms=RIGHT.symptoms,
        iodine_allergy_test_done=True, planned_roots=["right L5", "left L5"],
        notes="Synthetic phantom case generated by sample_images; not a patient.", roots=roots,
    )


def write_case_json(out: Path) -> None:
    from annotator.io.casefile import save_case

    target = out / "case.json"
    target.unlink(missing_ok=True)
    save_case(build_bilateral_case(out), target)
    for stale in out.glob("case.json.bak"):
        stale.unlink()
