"""A film two roots share (bilateral): each root gets -- and is measured on -- its own needle."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from annotator.assist.case_assist import assist_case, root_needle
from annotator.assist.evaluate import evaluate_cases
from annotator.assist.needle import NeedleProposal
from annotator.io.casefile import load_case
from annotator.model import Role
from annotator.model.case import Root, Side
from annotator.model.document import CaseDocument

BILATERAL = Path(__file__).resolve().parents[2] / "sample_images" / "cases" / "bilateral_L5"


def _prop(x: float, side: str | None) -> NeedleProposal:
    return NeedleProposal(tip=(x, 100.0), shaft=((x, 10.0), (x, 100.0)), confidence=0.9, side=side)


def test_root_needle_is_the_roots_side_on_a_shared_film_and_never_a_guess():
    right, left, right_l4 = Root(level="L5", side=Side.RIGHT), Root(level="L5", side=Side.LEFT), \
        Root(level="L4", side=Side.RIGHT)
    best_left, then_right = _prop(300, "left"), _prop(100, "right")
    assert root_needle([best_left, then_right], right, [right]) is best_left  # one root: the best
    assert root_needle([best_left, then_right], right, [right, left]) is then_right
    assert root_needle([best_left, then_right], left, [right, left]) is best_left
    assert root_needle([best_left], right, [right, left]) is None  # its side's needle not found
    assert root_needle([_prop(1, None), _prop(2, None)], left, [right, left]) is None  # sides unknown
    # two roots of one side on the film: the side does not tell whose needle it is
    assert root_needle([then_right, _prop(120, "right")], right, [right, right_l4, left]) is None
    assert root_needle([], right, [right]) is None


@pytest.fixture
def bilateral(tmp_path) -> Path:
    if not BILATERAL.is_dir():
        pytest.skip("sample cases not generated")
    shutil.copytree(BILATERAL, tmp_path / "case")
    return tmp_path / "case" / "case.json"


def test_assist_case_gives_each_root_its_own_needle_on_the_shared_film(bilateral):
    case = load_case(bilateral)
    right, left = case.roots
    (ap_id,) = left.shared_film_ids
    film = next(f for f in case.films() if f.id == ap_id)
    truth = {a.root_id: a.points[0] for a in film.annotations if a.role is Role.TIP and not a.suggested}
    film.annotations = [a for a in film.annotations if a.role not in (Role.TIP, Role.SHAFT)]  # unmarked
    doc = CaseDocument(case, bilateral.parent)
    assist_case(doc, cine=False, path_findings=False)
    tips = [a for a in doc.film(ap_id).annotations if a.role is Role.TIP and a.suggested]
    assert sorted(a.root_id for a in tips) == sorted([right.id, left.id])
    for a in tips:
        assert abs(a.points[0][0] - truth[a.root_id][0]) < 8 and abs(a.points[0][1] - truth[a.root_id][1]) < 8


def test_evaluate_measures_each_root_on_the_shared_film_against_its_own_tip(bilateral):
    before = bilateral.read_bytes()
    report = evaluate_cases([bilateral])
    ap = [f for f in report.films if f.film == "01_ap.dcm"]
    assert sorted(f.root for f in ap) == ["left L5", "right L5"]
    assert all(f.proposed and f.tip_error is not None and f.tip_error < 2.0 for f in ap), ap
    assert bilateral.read_bytes() == before
    assert json.loads(json.dumps(report.to_json()))["films"]  # the per-film list carries the root


def test_assist_case_gives_each_root_the_findings_of_its_own_path_on_the_shared_film(bilateral):
    case = load_case(bilateral)
    right, left = case.roots
    (ap_id,) = left.shared_film_ids
    doc = CaseDocument(case, bilateral.parent)
    assist_case(doc, needle=False, cine=False, force=True)
    film = doc.film(ap_id)
    for root in (right, left):
        (finding,) = [f for f in root.findings if f.suggested and f.film_id == ap_id]
        mark = film.annotation(finding.annotation_id)
        assert mark.root_id == root.id
        (path,) = [a for a in film.annotations if a.role is Role.CONTRAST_PATH and a.root_id == root.id]
        assert min(abs(mark.points[0][0] - x) + abs(mark.points[0][1] - y) for x, y in path.points) < 3
