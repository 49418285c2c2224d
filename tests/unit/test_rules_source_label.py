"""The source tag of a rule or warning is translated in Chinese output (seed → 原文, ext → 扩展)."""

from __future__ import annotations

from annotator.rules.messages import source_label
from annotator.rules.report import verdict_to_dict, warning_to_dict
from annotator.rules.verdict import RuleWarning, Status, Verdict


def test_source_labels_in_both_languages():
    assert [source_label(s, "en") for s in ("seed", "ext", "department")] == ["seed", "ext", "department"]
    assert [source_label(s, "zh") for s in ("seed", "ext", "department")] == ["原文", "扩展", "科室"]
    assert source_label("other", "zh") == "other"


def test_verdicts_and_warnings_carry_the_translated_tag():
    v = Verdict("R-OBL", "ext", Status.NEAR)
    w = RuleWarning("W3", "danger", "ext", "ref", {"en": "x", "zh": "x"})
    assert v.source_text("zh") == "扩展" and w.source_text("zh") == "扩展"
    assert Verdict("R-AP", "seed", Status.ON_TARGET).source_text("zh") == "原文"
    assert verdict_to_dict(v, "zh")["source_label"] == "扩展" and verdict_to_dict(v, "zh")["source"] == "ext"
    assert warning_to_dict(w, "zh")["source_label"] == "扩展"
    assert verdict_to_dict(v, "en")["source_label"] == "ext"
