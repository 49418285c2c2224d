"""The bilateral sample case (issue #9): one shared AP film, each root judged on its own tip and side."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from annotator.io.casefile import load_case
from annotator.model import ROOTED_ROLES, SIDED_ROLES, MarkSide
from annotator.rules import evaluate_case
from sample_images import bilateral

CASE = Path(__file__).resolve().parents[2] / "sample_images" / "cases" / bilateral.NAME

pytestmark = pytest.mark.skipif(not CASE.is_dir(), reason="run `python -m sample_images.generate` first")


def test_the_ap_film_is_stored_once_and_shared():
    case = load_case(CASE / "case.json")
    right, left = case.roots
    assert (right.label, left.label) == ("right L5", "left L5")
    assert [f.path for f in case.films()] == ["01_ap.dcm", "02_lateral_right.dcm", "03_lateral_left.dcm"]
    assert left.shared_film_ids == [right.films[0].id]
    assert [f.path for f in case.films_of(left)] == ["03_lateral_left.dcm", "01_ap.dcm"]
    for film in case.films():
        for a in film.annotations:
            if a.role in ROOTED_ROLES:
                assert a.root_id in (right.id, left.id)
            if a.role in SIDED_ROLES:
                assert a.side in (MarkSide.LEFT, MarkSide.RIGHT)


def test_each_root_gets_the_verdicts_its_truth_intends():
    case = load_case(CASE / "case.json")
    summary = evaluate_case(case)
    for root, rs in zip(case.roots, summary.roots, strict=True):
        for fr in rs.films:
            path = next(f.path for f in case.films() if f.id == fr.film_id)
            truth = json.loads((CASE / path).with_suffix(".truth.json").read_text(encoding="utf-8"))
            expected = truth["roots"][root.side.value]["expected"] if "roots" in truth else truth["expected"]
            assert (fr.verdict.rule_id, fr.verdict.status.value) == (expected["rule"], expected["status"]), path
            assert fr.verdict.distance == pytest.approx(expected["distance_mm"], abs=0.02)
    statuses = {r.label("en"): [f.verdict.status.value for f in r.films] for r in summary.roots}
    assert statuses == {"right L5": ["on_target", "on_target"], "left L5": ["on_target", "near"]}


@pytest.mark.slow
def test_the_committed_files_match_the_generator(tmp_path):
    """Regenerate the case into tmp_path: every film, truth and the case file are byte-identical."""
    bilateral.write_films(tmp_path)
    bilateral.write_case_json(tmp_path)
    for name in [f"{f.name}{s}" for f in bilateral.FILMS for s in (".dcm", ".png", ".truth.json")] + ["case.json"]:
        assert (tmp_path / name).read_bytes() == (CASE / name).read_bytes(), f"{name} differs: run `make samples`"
