"""``assist_case``/``assist_film`` do not re-suggest confirmed work (a confirmed tip, a confirmed finding code)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from annotator.assist.case_assist import assist_case, assist_film
from annotator.io.casefile import load_case
from annotator.model.annotations import Role
from annotator.model.document import CaseDocument

CASES = Path(__file__).resolve().parents[2] / "sample_images" / "cases"


@pytest.fixture
def doc(tmp_path):
    dst = tmp_path / "l5"
    shutil.copytree(CASES / "left_L5_cutoff", dst)
    path = dst / "case.json"
    return CaseDocument(load_case(path), dst, path)


def _suggested(doc):
    anns = [(f.id, a.role) for f in doc.case.films() for a in f.annotations if a.suggested]
    codes = [(f.film_id, f.code) for r in doc.case.roots for f in r.findings if f.suggested]
    return anns, codes


def test_confirmed_tip_and_finding_are_not_suggested_again(doc):
    root = doc.case.roots[0]
    assert "contrast_cutoff" in {f.code for f in root.findings if not f.suggested}
    assert all(f.first(Role.TIP, frame=f.key_frame) is not None for f in doc.case.films())
    reports = assist_case(doc)
    anns, codes = _suggested(doc)
    assert not [a for a in anns if a[1] in (Role.TIP, Role.SHAFT)]
    assert "contrast_cutoff" not in {c for _, c in codes}
    for r in reports:
        assert r.needle is None
        assert "needle" in r.skipped and "contrast_cutoff" in r.skipped
        assert "contrast_cutoff" not in r.findings


def test_force_suggests_everything(doc):
    reports = assist_case(doc, force=True)
    anns, codes = _suggested(doc)
    films = {f.id for f in doc.case.films()}
    assert {fid for fid, role in anns if role is Role.TIP} == films
    assert {fid for fid, c in codes if c == "contrast_cutoff"} == films
    assert all(not r.skipped for r in reports)


def test_film_without_confirmed_tip_still_gets_the_needle(doc):
    film = doc.case.films()[0]
    for a in list(film.annotations):
        if a.role in (Role.TIP, Role.SHAFT):
            doc.remove_annotation(film.id, a.id)
    report = assist_film(doc, film.id)
    assert report.needle is not None and "needle" not in report.skipped
    assert any(a.role is Role.TIP and a.suggested for a in doc.film(film.id).annotations)
