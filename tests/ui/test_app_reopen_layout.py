"""Opening a case in a window already on screen keeps the films' width (the docks do not re-flow)."""

from __future__ import annotations

import shutil

import pytest

from annotator.ui.dialogs import ScriptedPrompter
from annotator.ui.main_window import DOCK_WIDTH, MainWindow


@pytest.fixture
def shown(qtbot):
    w = MainWindow(prompter=ScriptedPrompter(), restore_layout=False)
    qtbot.addWidget(w)
    w.resize(1600, 1000)
    w.show()
    qtbot.waitExposed(w)
    qtbot.wait(50)
    yield w
    w.autosaver.timer.stop()
    w.hide()


def widths(w) -> tuple[int, int]:
    return w.workspace.width(), w.docks["case"].width()


def test_opening_cases_in_a_shown_window_keeps_the_workspace_width(shown, qtbot, synthetic_case, tmp_path):
    w = shown
    before_ws, before_dock = widths(w)
    assert w.width() >= 1000  # the window really is wide (the offscreen screen is 800 px)
    assert before_ws >= w.width() - DOCK_WIDTH - 60, (before_ws, before_dock, w.width())
    second = tmp_path / "second"
    shutil.copytree(synthetic_case.parent, second)
    for path in (synthetic_case, second / "case.json"):
        assert w.open_case(path, ask_unsaved=False)
        qtbot.wait(50)
        ws, dock = widths(w)
        assert abs(ws - before_ws) <= 4, (ws, dock, before_ws, before_dock)
        assert abs(dock - before_dock) <= 4, (ws, dock, before_ws, before_dock)


def test_new_case_and_drop_paths_share_the_persistent_central_holder(shown, synthetic_case):
    """Every way to open a case goes through ``set_document``: the central widget is never replaced."""
    w = shown
    holder = w.centralWidget()
    w.open_case(synthetic_case, ask_unsaved=False)
    first = w.workspace
    w.open_case(synthetic_case, ask_unsaved=False)
    assert w.centralWidget() is holder
    assert holder.current is w.workspace and w.workspace is not first


def test_language_switch_clears_the_status_message(shown, synthetic_case):
    from annotator.ui import i18n

    w = shown
    w.open_case(synthetic_case, ask_unsaved=False)
    assert w.statusBar().currentMessage().startswith("Opened")
    i18n.set_language("zh", remember=False)
    assert w.statusBar().currentMessage() == ""


def test_empty_viewport_hint_fits_the_narrow_empty_panes(shown, qtbot, synthetic_case):
    """The synthetic case has no oblique film: that pane is the narrow one and its hint stays inside it."""
    w = shown
    w.open_case(synthetic_case, ask_unsaved=False)
    canvas = w.workspace.viewport("oblique").canvas
    assert hasattr(canvas, "hint_rect"), "the canvas reports where it paints the empty hint"
    qtbot.waitUntil(lambda: canvas.width() < 300)  # narrow: an empty slot gets a quarter of a film's share
    canvas.repaint()
    assert canvas.hint_rect is not None
    assert 0 <= canvas.hint_rect.left() and canvas.hint_rect.right() <= canvas.width()
