"""Wrong-side safety (issue #9, domain.md §4 "Side and root of every mark").

Every situation of the issue, through ``fluoro-annotator-cli check`` in-process
and through the rules API: both sides' landmarks on one film (in both orders),
both sides, midline marked or not, flipped films, ambiguous marks, shared films.

Geometry (0.5 mm/px, a 512 x 512 AP film, default directions: +x = patient
left): the right L5 pedicle lower margin runs (140, 200) → (100, 200) with its
6 o'clock target T_R = (120, 200); the left one (372, 200) → (412, 200) with
T_L = (392, 200); the midline is x = 256.
"""

from __future__ import annotations

import json

import pytest

from annotator.cli import main
from annotator.geometry import Directions
from annotator.io.casefile import save_case
from annotator.model import Annotation, Case, MarkSide, Role, Root, ShapeKind, Side, View
from annotator.model.mark_side import infer_side
from annotator.rules import Status, evaluate_case, evaluate_film
from tests.unit.test_rules_builders import film, sheath

R, L, U = MarkSide.RIGHT, MarkSide.LEFT, MarkSide.UNKNOWN


def margin(side: MarkSide | None, x_medial: float, x_lateral: float, y: float = 200, level: str = "L5") -> Annotation:
    return Annotation(Role.PEDICLE_MARGIN, ShapeKind.LINE, [(x_medial, y), (x_lateral, y)], level=level, side=side)


def right_margin(side: MarkSide | None = R) -> Annotation:
    return margin(side, 140, 100)


def left_margin(side: MarkSide | None = L) -> Annotation:
    return margin(side, 372, 412)


def tip(x: float, y: float, root_id: str | None = None) -> Annotation:
    return Annotation(Role.TIP, ShapeKind.POINT, [(x, y)], root_id=root_id)


def sap(side: MarkSide | None, x: float, y: float) -> Annotation:
    return Annotation(Role.SAP_MARGIN, ShapeKind.POINT, [(x, y)], level="S1", side=side)


def s1(side: MarkSide | None, cx: float) -> Annotation:
    return Annotation(Role.S1_FORAMEN, ShapeKind.ELLIPSE, [(cx, 300)], radii=(10, 12), side=side)


MIDLINE = Annotation(Role.MIDLINE, ShapeKind.LINE, [(256, 0), (256, 512)])


def ap(*anns: Annotation, **kw) -> object:
    kw.setdefault("columns", 512)
    kw.setdefault("rows", 512)
    return film(View.AP, *anns, **kw)


def verdict(f, side: Side = Side.RIGHT, level: str = "L5"):
    return evaluate_film(f, Root(level, side, films=[f])).verdict


def check(tmp_path, capsys, *roots: Root, args=()) -> tuple[int, str, str]:
    folder = tmp_path / "case"
    folder.mkdir(exist_ok=True)
    save_case(Case(roots=list(roots)), folder / "case.json")
    code = main(["check", str(folder), *args])
    out, err = capsys.readouterr()
    return code, out, err


# ----------------------------------------------------------------------------- the situations


@pytest.mark.parametrize("order", ["right_first", "left_first"])
def test_tip_1mm_below_the_right_target_is_on_target_beside_the_left_margin(tmp_path, capsys, order):
    marks = [right_margin(), left_margin()] if order == "right_first" else [left_margin(), right_margin()]
    f = ap(tip(120, 202), *marks)
    r = Root("L5", Side.RIGHT, films=[f], findings=[sheath()])
    code, out, _ = check(tmp_path, capsys, r, args=["--json"])
    v = json.loads(out)["roots"][0]["films"][0]["verdict"]
    assert code == 0
    assert v["status"] == "on_target" and v["distance"] == pytest.approx(1.0)
    assert not json.loads(out)["roots"][0]["films"][0]["warnings"]  # no false W1


@pytest.mark.parametrize("order", ["right_first", "left_first"])
def test_tip_on_the_left_target_of_a_right_root_is_never_on_target(tmp_path, capsys, order):
    marks = [right_margin(), left_margin()] if order == "right_first" else [left_margin(), right_margin()]
    r = Root("L5", Side.RIGHT, films=[ap(tip(392, 202), *marks)], findings=[sheath()])
    code, out, _ = check(tmp_path, capsys, r)
    assert code == 1
    assert "R-AP off" in out and "WRONG SIDE" in out


@pytest.mark.parametrize("root_side", [Side.LEFT, Side.RIGHT])
def test_both_sides_each_use_their_own_margin(root_side):
    target_x = 392 if root_side is Side.LEFT else 120
    for marks in ([right_margin(), left_margin()], [left_margin(), right_margin()]):
        v = verdict(ap(tip(target_x, 202), *marks), root_side)
        assert v.status is Status.ON_TARGET and v.distance == pytest.approx(1.0)
        assert v.offset("medial") == pytest.approx(0.0)


@pytest.mark.parametrize("order", ["right_first", "left_first"])
def test_two_sap_margins_the_other_sides_does_not_make_a_correct_tip_too_caudal(tmp_path, capsys, order):
    # the left SAP sits higher (y 196) than the right tip; the right SAP lower (y 210)
    saps = [sap(R, 120, 210), sap(L, 392, 196)]
    if order == "left_first":
        saps.reverse()
    r = Root("L5", Side.RIGHT, films=[ap(tip(120, 202), right_margin(), left_margin(), *saps)], findings=[sheath()])
    code, out, _ = check(tmp_path, capsys, r)
    assert code == 0 and "R-AP on_target" in out and "too caudal" not in out


@pytest.mark.parametrize("order", ["right_first", "left_first"])
def test_two_s1_foramina(order):
    foramina = [s1(R, 120), s1(L, 392)]
    if order == "left_first":
        foramina.reverse()
    inside_right = verdict(ap(tip(121, 301), *foramina), Side.RIGHT, "S1")
    assert inside_right.status is Status.ON_TARGET and inside_right.distance == 0.0
    inside_left = verdict(ap(tip(391, 301), *foramina), Side.RIGHT, "S1")
    assert inside_left.status is Status.OFF and "wrong_side" in inside_left.reasons
    assert verdict(ap(tip(391, 301), *foramina), Side.LEFT, "S1").status is Status.ON_TARGET


# ----------------------------------------------------------------------------- wrong side, any landmark


@pytest.mark.parametrize("midline", [True, False])
def test_wrong_side_tip_with_only_an_unknown_landmark_is_off(midline):
    # a single margin of unknown side is used (single-sided legacy film) but the tip's side is known
    anns = [tip(392, 202), left_margin(None)] + ([MIDLINE] if midline else [])
    v = verdict(ap(*anns), Side.RIGHT)
    assert v.status is Status.OFF and v.reasons[0] == "wrong_side"
    assert "WRONG SIDE" in v.explain("en") and "侧别错误" in v.explain("zh")


def test_without_midline_or_image_size_a_tip_side_is_unknown_and_the_single_margin_is_used():
    f = ap(tip(392, 202), left_margin(None), columns=None, rows=None)
    assert verdict(f, Side.RIGHT).status is Status.ON_TARGET  # nothing can tell the side: as before


def test_midline_wins_over_the_image_centre():
    # the spine is off-centre: the midline at x = 450 makes x = 392 the patient's right
    off_centre = Annotation(Role.MIDLINE, ShapeKind.LINE, [(450, 0), (450, 512)])
    f = ap(tip(400, 202), margin(None, 420, 380), off_centre)
    assert infer_side(f, (400, 202)) is R
    assert verdict(f, Side.RIGHT).status is Status.ON_TARGET


@pytest.mark.parametrize(("x_letter", "right_x"), [("L", 120), ("R", 392)])
def test_flipped_films(x_letter, right_x):
    """PatientOrientation L\\F (patient right on image left) vs R\\F (patient right on image right)."""
    d = Directions(x_letter, "F", "PatientOrientation")
    right = margin(None, right_x + (20 if x_letter == "L" else -20), right_x - (20 if x_letter == "L" else -20))
    for with_midline in (True, False):
        extra = [MIDLINE] if with_midline else []
        f = ap(tip(right_x, 202), right, *extra, directions=d)
        assert infer_side(f, (right_x, 202)) is R
        assert verdict(f, Side.RIGHT).status is Status.ON_TARGET
        wrong = ap(tip(512 - right_x, 202), right, *extra, directions=d)
        v = verdict(wrong, Side.RIGHT)
        assert v.status is Status.OFF and "wrong_side" in v.reasons


def test_lateral_film_has_no_side():
    f = film(View.LATERAL, tip(175, 120), columns=512, rows=512)
    assert infer_side(f, (10, 10)) is U and infer_side(f, (500, 10)) is U


# ----------------------------------------------------------------------------- ambiguous


def test_unknown_margin_beside_another_is_ambiguous_and_named(tmp_path, capsys):
    r = Root("L5", Side.RIGHT, films=[ap(tip(120, 202), right_margin(), left_margin(None))], findings=[sheath()])
    code, out, _ = check(tmp_path, capsys, r)
    assert code == 1
    assert "R-AP ambiguous" in out and "set the side of the pedicle lower margin of L5" in out
    code, out, _ = check(tmp_path, capsys, r, args=["--lang", "zh"])
    assert code == 1 and "请设定L5 椎弓根下缘的侧别" in out


def test_two_margins_of_the_roots_side_are_ambiguous():
    v = verdict(ap(tip(120, 202), right_margin(), margin(R, 150, 110, y=190)))
    assert v.status is Status.AMBIGUOUS and v.ambiguity == (("same_side", "pedicle_margin"),)
    assert "two right marks of the pedicle lower margin of L5" in v.explain("en")
    assert len(v.details["ambiguous_marks"]) == 2


def test_two_unknown_margins_are_ambiguous_even_when_one_is_at_the_tip():
    v = verdict(ap(tip(120, 202), right_margin(None), left_margin(None)))
    assert v.status is Status.AMBIGUOUS


def test_two_tips_of_one_root_are_ambiguous(tmp_path, capsys):
    r = Root("L5", Side.RIGHT, films=[ap(tip(120, 202), tip(125, 230), right_margin())], findings=[sheath()])
    code, out, _ = check(tmp_path, capsys, r)
    assert code == 1 and "R-AP ambiguous" in out and "two needle tips of the right L5 root" in out


def test_other_sides_margin_alone_is_missing_not_used():
    v = verdict(ap(tip(120, 202), left_margin()), Side.RIGHT)
    assert v.status is Status.INSUFFICIENT and v.missing == ("pedicle_margin",)


def test_ambiguous_ranks_like_insufficient_and_blocks_the_confirmation():
    assert Status.AMBIGUOUS.rank == Status.INSUFFICIENT.rank > Status.OFF.rank
    f = ap(tip(120, 202), right_margin(), left_margin(None))
    s = evaluate_case(Case(roots=[Root("L5", Side.RIGHT, films=[f], findings=[sheath()])]))
    assert not s.all_on_target and not s.roots[0].position_confirmed
    assert "set the side" in s.roots[0].position_text("en")


# ----------------------------------------------------------------------------- one film, two roots


def bilateral_case(right_tip=(120, 202), left_tip=(396, 210)) -> Case:
    right = Root("L5", Side.RIGHT, id="rR", findings=[sheath()])
    left = Root("L5", Side.LEFT, id="rL", findings=[sheath()], shared_film_ids=["apf"])
    shared = ap(tip(*right_tip, root_id="rR"), tip(*left_tip, root_id="rL"), left_margin(), right_margin(), id="apf")
    right.films.append(shared)
    return Case(roots=[right, left])


def test_a_shared_film_gives_each_root_its_own_verdict(tmp_path, capsys):
    case = bilateral_case()
    assert [f.id for f in case.films_of(case.roots[1])] == ["apf"]
    assert [r.id for r in case.roots_of("apf")] == ["rR", "rL"]
    s = evaluate_case(case)
    (vr,), (vl,) = ([f.verdict for f in r.films] for r in s.roots)
    assert vr.status is Status.ON_TARGET and vr.distance == pytest.approx(1.0)
    assert vl.status is Status.NEAR and vl.distance == pytest.approx(((4 ** 2 + 10 ** 2) ** 0.5) / 2)
    folder = tmp_path / "case"
    folder.mkdir()
    save_case(case, folder / "case.json")
    assert main(["check", str(folder)]) == 1
    out = capsys.readouterr().out
    assert "Root right L5" in out and "Root left L5" in out and "R-AP near" in out


def test_a_tip_without_root_counts_for_the_owning_root_only():
    case = bilateral_case()
    owner_film = case.roots[0].films[0]
    owner_film.annotations[1] = tip(396, 210)  # the left root's tip lost its root_id
    s = evaluate_case(case)
    assert s.roots[0].films[0].verdict.status is Status.AMBIGUOUS  # two tips now count for the owner
    assert s.roots[1].films[0].verdict.missing == ("tip",)


def test_an_unknown_unlabelled_margin_beside_the_other_sides_labelled_one_is_ambiguous():
    # the left L5 margin is labelled; an unlabelled margin of unknown side sits on the left too:
    # without a midline or image size nothing tells the tip's side, so it must not be used
    unlabelled = Annotation(Role.PEDICLE_MARGIN, ShapeKind.LINE, [(372, 200), (412, 200)], side=None)
    f = ap(tip(392, 202), left_margin(), unlabelled, columns=None, rows=None)
    assert verdict(f, Side.RIGHT).status is Status.AMBIGUOUS


def test_a_margin_of_another_level_does_not_compete():
    l4 = margin(R, 140, 100, y=120, level="L4")
    assert verdict(ap(tip(120, 202), right_margin(None), l4)).status is Status.ON_TARGET
