"""The F1 overlay lists every tool, the Assist actions and keys, and the cine keys, in both languages."""

from __future__ import annotations

import pytest
from PyQt6.QtGui import QTextDocument

from annotator.ui import i18n
from annotator.ui.dialogs import ScriptedPrompter
from annotator.ui.help_overlay import help_html
from annotator.ui.main_window import MainWindow

tools = pytest.importorskip("annotator.ui.tools")


@pytest.fixture
def win(qtbot):
    w = MainWindow(prompter=ScriptedPrompter(), restore_layout=False)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    yield w
    w.autosaver.timer.stop()
    w.hide()


def overlay_text(w) -> str:
    """The plain text the F1 overlay shows now (opened afresh so it is in the current language)."""
    if w.help_overlay.isVisible():
        w.help_overlay.hide()
    w.actions_by_key["help"].trigger()
    assert w.help_overlay.isVisible()
    doc = QTextDocument()
    doc.setHtml(w.help_overlay.label.text())
    return doc.toPlainText()


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_overlay_lists_every_tool_and_assist_action(win, lang):
    i18n.set_language(lang, remember=False)
    text = overlay_text(win)
    for spec in tools.TOOLS + tools.ASSIST_TOOLS:
        assert spec.tr_label() in text, spec.name
        assert spec.tr_help() in text, spec.name
    assert win.assist_toolbar is not None, "the assist toolbar is installed"
    labels = [act.text() for act in win.assist_toolbar.assist.actions.values()]
    assert len(labels) == 5
    for label in labels:
        assert label in text
    assert i18n.tr("Assist") in text
    if lang == "zh":
        assert "Propose needle" not in text and "识别穿刺针" in text


def test_overlay_tells_the_enter_esc_and_cine_keys(win):
    text = overlay_text(win)
    lines = text.splitlines()

    def row(key: str) -> str:  # a table row reads as two lines: the key cell, then its text
        i = next(i for i, line in enumerate(lines) if line.startswith(key))
        return lines[i] + " " + lines[i + 1]

    assert "accept the selected suggestion" in row("Enter")
    assert "reject the selected suggestion" in row("Esc")
    assert "frame of a cine" in row("← / →") and ", / ." in row("← / →")
    assert "no key" in row("Play / Pause")  # the cine bar's buttons have no key: the help says so
    assert "key frame" in row("Key frame button")
    for heading in ("Tools", "Assist", "View", "Cine", "Edit"):
        assert heading in lines


def test_help_html_without_a_window_lists_the_assist_tools():
    text = help_html()
    for spec in tools.ASSIST_TOOLS:
        assert spec.label in text


def test_overlay_text_wraps_inside_the_window(win):
    win.resize(700, 600)
    overlay_text(win)
    assert win.help_overlay.label.wordWrap()
    assert win.help_overlay.label.sizeHint().width() <= win.width()
