"""Verdict, warning and "cannot be judged" texts are readable (≥ 4.5:1 against the panel's
background, not light grey that looks disabled), and a rule's source is said in words."""

from __future__ import annotations

import re
from dataclasses import replace

from annotator.model import Role
from tests.ui.contrast import AA, qrgb, ratio


def colours_in(html: str) -> set[str]:
    return set(re.findall(r"color:\s*(#[0-9a-fA-F]{6})", html))


def test_every_coloured_text_in_the_verdict_panel_meets_aa(make_window, synthetic_case):
    w = make_window(case=synthetic_case)
    doc = w.document
    panel = w.verdict_panel
    base = qrgb(panel.body.palette().color(panel.body.palette().ColorRole.Base))
    seen: set[str] = set()
    seen |= colours_in(panel._html)  # on target (green), position confirmed
    ap, lat = doc.case.roots[0].films
    doc.update_annotation(ap.id, replace(ap.first(Role.TIP), points=((230.0, 20.0),)))  # off target
    seen |= colours_in(panel._html)
    doc.remove_annotation(lat.id, lat.first(Role.FORAMEN).id)  # lateral: cannot be judged -> not confirmed
    seen |= colours_in(panel._html)
    text = panel.plain_text()
    assert "cannot be judged" in text or "not confirmed" in text, text
    assert len(seen) >= 3, seen
    low = {c: round(ratio(qrgb(c), base), 2) for c in seen if ratio(qrgb(c), base) < AA}
    assert not low, low


def test_warnings_are_readable(make_window, synthetic_case):
    w = make_window(case=synthetic_case)
    panel = w.verdict_panel
    base = qrgb(panel.body.palette().color(panel.body.palette().ColorRole.Base))

    class W:
        code = "W9"

        def __init__(self, severity):
            self.severity = severity

        def message(self, lang):
            return "a warning"

    for severity in ("info", "warning", "strong", "danger"):
        (colour,) = colours_in(panel._warning_html(W(severity), "en"))
        assert ratio(qrgb(colour), base) >= AA, (severity, colour)


def test_the_rule_source_is_said_in_words(make_window, synthetic_case):
    from annotator.ui import i18n

    w = make_window(case=synthetic_case)
    text = w.verdict_panel.plain_text()
    assert "(seed)" not in text and "R-AP (from the source article)" in text
    i18n.set_language("zh", remember=False)
    assert "(原文)" not in w.verdict_panel.plain_text() and "依据原始文献" in w.verdict_panel.plain_text()


def test_the_foreign_marks_action_says_what_it_shows(make_window, synthetic_case):
    w = make_window(case=synthetic_case)
    act = w.assist_toolbar.assist.actions["show_foreign"]
    assert act.text() == "Other software's marks" and "PR" not in act.text()
    assert "other software" in act.toolTip()
