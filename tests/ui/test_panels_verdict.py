"""The verdict panel: W3 as a red banner, position confirmed, conclusion, both languages."""

from __future__ import annotations

import pytest

from annotator.model import BlockResult, Finding
from annotator.ui import i18n
from annotator.ui.dialogs import ScriptedPrompter
from annotator.ui.main_window import MainWindow


@pytest.fixture
def win(qtbot, synthetic_case):
    w = MainWindow(prompter=ScriptedPrompter())
    qtbot.addWidget(w)
    assert w.open_case(synthetic_case)
    return w


def test_w3_shows_a_red_banner_and_undo_removes_it(win):
    panel = win.verdict_panel
    assert panel.banner.isHidden()
    root = win.document.case.roots[0]
    win.document.add_finding(root.id, Finding("intravascular", film_id=root.films[0].id))
    assert not panel.banner.isHidden()
    assert "intravascular" in panel.banner.text().lower()
    assert "#c62020" in panel.banner.styleSheet()
    assert panel.plain_text().startswith(panel.banner.text())  # at the top
    i18n.set_language("zh", remember=False)
    assert "入血" in panel.banner.text()
    win.document.undo()
    assert panel.banner.isHidden()


def test_root_summary_and_conclusion_follow_the_record(win):
    panel = win.verdict_panel
    root = win.document.case.roots[0]
    assert "not confirmed" in panel.plain_text()
    win.document.add_finding(root.id, Finding("tip_in_sheath"))
    assert "position confirmed" in panel.plain_text().lower()
    win.document.update_root(root.id, block_result=BlockResult.COMPLETE)
    text = panel.plain_text()
    assert "responsible" in text.lower()
    assert "right L5" in text
