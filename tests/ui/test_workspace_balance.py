"""Pane widths: films side by side at equal width, an empty slot narrower, the user's drag kept."""

from __future__ import annotations

import pytest

from annotator.ui.dialogs import ScriptedPrompter
from annotator.ui.main_window import MainWindow


@pytest.fixture
def win(qtbot, synthetic_case):
    w = MainWindow(prompter=ScriptedPrompter(), restore_layout=False)
    qtbot.addWidget(w)
    w.open_case(synthetic_case)  # AP and lateral films, no oblique
    avail = w.screen().availableGeometry()
    w.resize(avail.width(), avail.height())
    w.show()
    qtbot.waitExposed(w)
    qtbot.wait(30)
    return w


def widths(ws):
    return dict(zip(("AP", "lateral", "oblique"), ws.splitter.sizes()))


def test_films_share_the_width_and_the_empty_slot_is_narrower(win, qtbot):
    ws = win.workspace
    assert ws.pane_weights() == {"AP": 4, "lateral": 4, "oblique": 1}
    ws.setParent(None)  # on its own, wider than the small offscreen screen
    qtbot.addWidget(ws)
    ws.resize(1500, 700)
    ws.show()
    qtbot.waitExposed(ws)
    ws.balance()
    w = widths(ws)
    assert abs(w["AP"] - w["lateral"]) <= max(8, 0.05 * w["AP"])
    assert w["oblique"] < 0.5 * w["AP"]


def test_a_dragged_divider_is_kept(win):
    ws = win.workspace
    ws.splitter.setSizes([100, 100, 100])
    ws.splitter.splitterMoved.emit(100, 1)  # what a drag of the first divider emits
    before = ws.splitter.sizes()
    ws.balance()
    assert ws.splitter.sizes() == before


def test_clearing_rebalances_to_equal_empty_panes(win, qtbot):
    ws = win.workspace
    ws.clear()
    assert ws.pane_weights() == {"AP": 1, "lateral": 1, "oblique": 1}
