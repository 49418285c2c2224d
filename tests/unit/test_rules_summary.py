"""Root summary (position confirmed, gaps), block conclusions and the case summary."""

from __future__ import annotations

import pytest

from annotator.model import BlockResult, Case, Concordance, Finding, Side, View
from annotator.rules import Status, evaluate_case, evaluate_root
from tests.unit.test_rules_builders import FORAMEN, L5_MARGIN, film, root, sheath, tip


def on_target_films():
    # AP: 2 mm from T (on target); lateral: posterior third (on target)
    return film(View.AP, tip(120, 204), L5_MARGIN, figure_label="7C"), film(View.LATERAL, tip(175, 120), FORAMEN)


def test_position_confirmed_needs_all_on_target_and_sheath():
    ap, lat = on_target_films()
    s = evaluate_root(root("L5", Side.RIGHT, ap, lat, findings=[sheath()], block_result=BlockResult.COMPLETE))
    assert s.position_confirmed and s.gaps == () and s.all_on_target
    assert s.conclusion == "responsible" and s.cautions == ()
    assert s.position_text("en") == "needle position confirmed"
    assert s.conclusion_text("en") == "right L5: complete block → responsible root confirmed"
    assert s.conclusion_text("zh") == "右 L5：完全阻滞 → 确认为责任神经根"


def test_missing_sheath_and_near_film_are_listed():
    ap = film(View.AP, tip(126, 208), L5_MARGIN, figure_label="7C")  # 5 mm: near
    lat = film(View.LATERAL, tip(175, 120), FORAMEN)
    s = evaluate_root(root("L5", Side.RIGHT, ap, lat))
    assert not s.position_confirmed and not s.all_on_target
    assert [g.kind for g in s.gaps] == ["film_status", "tip_in_sheath"]
    text = s.position_text("en")
    assert "Fig 7C (AP): near the target" in text and "sheath" in text
    assert "图 7C（正位）：接近靶点" in s.position_text("zh")


def test_suggested_sheath_does_not_confirm():
    ap, lat = on_target_films()
    s = evaluate_root(root("L5", Side.RIGHT, ap, lat, findings=[Finding("tip_in_sheath", suggested=True)]))
    assert not s.position_confirmed and [g.kind for g in s.gaps] == ["tip_in_sheath"]


def test_no_film_with_a_rule_is_a_gap():
    s = evaluate_root(root("L5", Side.RIGHT, film(View.OBLIQUE, tip(1, 1)), findings=[sheath()]))
    assert [g.kind for g in s.gaps] == ["no_rule_film"] and not s.position_confirmed
    assert s.films[0].verdict is None
    assert s.all_on_target  # vacuous: nothing to judge


def test_insufficient_film_is_a_gap():
    s = evaluate_root(root("L5", Side.RIGHT, film(View.AP, L5_MARGIN), findings=[sheath()]))
    assert s.films[0].verdict.status is Status.INSUFFICIENT
    assert [g.kind for g in s.gaps] == ["film_status"]
    assert s.gaps[0].text("en") == "AP film 1: cannot be judged (mark the needle tip)"
    assert s.gaps[0].text("zh") == "正位片 1：无法判断（请标记针尖）"


@pytest.mark.parametrize(
    ("block", "conclusion", "en"),
    [
        (BlockResult.NONE, "not_responsible", "not the responsible root"),
        (BlockResult.PARTIAL, "possibly_responsible", "possibly one of the responsible roots; check the others"),
        (BlockResult.COMPLETE, "responsible", "responsible root confirmed"),
        (BlockResult.NOT_ASSESSED, "no_conclusion", "no conclusion"),
    ],
)
def test_block_result_conclusions(block, conclusion, en):
    ap, lat = on_target_films()
    s = evaluate_root(root("L5", Side.RIGHT, ap, lat, findings=[sheath()], block_result=block))
    assert s.conclusion == conclusion
    assert s.conclusion_text("en").endswith(en)


def test_concordance_no_adds_check_the_level():
    ap, lat = on_target_films()
    s = evaluate_root(root("L5", Side.RIGHT, ap, lat, findings=[sheath()], block_result=BlockResult.COMPLETE,
                           concordance=Concordance.NO))
    assert s.cautions == ("check_level",)
    assert "check the level" in s.conclusion_text("en") and "请核对节段" in s.conclusion_text("zh")


def test_block_on_unconfirmed_position_adds_caution():
    s = evaluate_root(root("L5", Side.RIGHT, block_result=BlockResult.COMPLETE))
    assert s.cautions == ("position_unconfirmed",)
    s = evaluate_root(root("L5", Side.RIGHT))  # not assessed: no caution
    assert s.cautions == ()


def test_case_summary_names_the_responsible_levels():
    ap, lat = on_target_films()
    l5 = root("L5", Side.RIGHT, ap, lat, findings=[sheath()], block_result=BlockResult.COMPLETE)
    l4 = root("L4", Side.RIGHT, block_result=BlockResult.PARTIAL)
    s1 = root("S1", Side.RIGHT, block_result=BlockResult.NONE)
    summary = evaluate_case(Case(roots=[l4, l5, s1]))
    assert summary.responsible == (l5.id,) and summary.possible == (l4.id,)
    assert summary.headline("en") == "Responsible level(s): right L5. Possibly responsible: right L4."
    assert summary.headline("zh") == "责任节段：右 L5。可能的责任节段：右 L4。"
    lines = summary.text("en").splitlines()
    assert lines[0].startswith("right L4: partial block") and lines[2].startswith("right S1: no block")
    assert len(lines) == 4


def test_case_summary_without_responsible_level():
    s = evaluate_case(Case(roots=[root("L5", Side.LEFT, block_result=BlockResult.NONE)]))
    assert s.headline("en") == "No responsible level confirmed."
    assert evaluate_case(Case()).headline("zh") == "未检查任何神经根。"


def test_film_names_never_use_the_file_name():
    f = film(View.AP, tip(120, 204), L5_MARGIN)
    f.path = "ZHANG_San_19450101.dcm"
    s = evaluate_root(root("L5", Side.RIGHT, f, film(View.AP, tip(120, 204), L5_MARGIN)))
    assert [r.name("en") for r in s.films] == ["AP film 1", "AP film 2"]
    assert "ZHANG" not in evaluate_case(Case(roots=[root("L5", Side.RIGHT, f)])).text("en")
