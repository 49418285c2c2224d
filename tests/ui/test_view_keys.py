"""The viewport keys work from anywhere in the main window (on the active viewport), the five
window presets have names, and typing in the record panel still types."""

from __future__ import annotations

import pytest
from PyQt6.QtCore import Qt

from annotator.model import Resistance
from annotator.ui.dialogs import ScriptedPrompter
from annotator.ui.main_window import MainWindow


@pytest.fixture
def win(qtbot, sample_copy):
    w = MainWindow(prompter=ScriptedPrompter(), restore_layout=False)
    qtbot.addWidget(w)
    w.resize(1600, 1000)
    w.show()
    qtbot.waitExposed(w)
    assert w.open_case(sample_copy / "right_L5_on_target")
    yield w
    w.autosaver.timer.stop()
    w.hide()


def _focus_tree_on_ap(qtbot, w):
    """Click the 1B AP film in the case tree: the focus stays in the tree."""
    ap = next(f for f in w.document.case.roots[0].films if f.path == "02_ap.dcm")
    tree = w.case_panel.tree
    rect = tree.visualItemRect(w.case_panel._find_item("film", ap.id))
    qtbot.mouseClick(tree.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert w.workspace.active_key == "AP" and tree.hasFocus()
    return tree, w.workspace.viewport("AP").canvas


def test_view_keys_act_on_the_active_viewport_from_the_case_tree(win, qtbot):
    tree, canvas = _focus_tree_on_ap(qtbot, win)
    other = win.workspace.viewport("lateral").canvas
    qtbot.keyClick(tree, Qt.Key.Key_I)
    assert canvas.display.invert and not other.display.invert
    qtbot.keyClick(tree, Qt.Key.Key_H)
    qtbot.keyClick(tree, Qt.Key.Key_V)
    qtbot.keyClick(tree, Qt.Key.Key_R)
    t = canvas.transform
    assert (t.flip_h, t.flip_v, t.quarter_turns) == (True, True, 1)
    fitted = t.zoom
    t.zoom *= 2
    qtbot.keyClick(tree, Qt.Key.Key_Space)
    assert t.zoom == pytest.approx(fitted)
    assert "Inverted" in canvas.corner_text()["top_right"]


def test_five_named_window_presets(win, qtbot):
    tree, canvas = _focus_tree_on_ap(qtbot, win)
    assert canvas.corner_text()["bottom_left"][0] == "[1] PHANTOM DEFAULT"
    windows = []
    names = []
    for n, key in enumerate((Qt.Key.Key_1, Qt.Key.Key_2, Qt.Key.Key_3, Qt.Key.Key_4, Qt.Key.Key_5), start=1):
        qtbot.keyClick(tree, key)
        message = win.statusBar().currentMessage()
        assert message.startswith(f"Window [{n}] "), message
        windows.append(canvas.window())
        names.append(canvas.corner_text()["bottom_left"][0])
    assert names == ["[1] PHANTOM DEFAULT", "[2] Automatic", "[3] Full range", "[4] High contrast",
                     "[5] Low contrast"]
    assert len({(round(c), round(w)) for c, w in windows}) == 5  # five different windows
    (c3, w3), (c4, w4), (c5, w5) = windows[2:]
    assert w4 < windows[1][1] < w5 and w3 >= w4  # high contrast narrower, low contrast wider than automatic
    # a drag on the window leaves the presets: no name any more
    canvas.set_window(c3 + 10, w3)
    assert not canvas.corner_text()["bottom_left"][0].startswith("[")


def test_typing_in_the_record_panel_is_not_taken_by_the_view_keys(win, qtbot):
    _tree, canvas = _focus_tree_on_ap(qtbot, win)
    win.docks["record"].raise_()
    caption = next(b.widget for b in win.record_panel.bindings if b.attr == "caption")
    caption.clear()
    qtbot.keyClicks(caption, "ih vr 3 m")
    assert caption.text() == "ih vr 3 m"
    t = canvas.transform
    assert not canvas.display.invert and (t.flip_h, t.flip_v, t.quarter_turns) == (False, False, 0)
    assert not canvas.magnifier and canvas.corner_text()["bottom_left"][0] == "[1] PHANTOM DEFAULT"
    resistance = next(b.widget for b in win.record_panel.bindings if b.attr == "resistance")
    resistance.setFocus()
    qtbot.keyClick(resistance, Qt.Key.Key_M)  # type-ahead in the box, not the magnifier
    assert win.document.case.roots[0].resistance in (Resistance.MILD, Resistance.MARKED)
    assert not canvas.magnifier
    tool = win.tool_actions["tip"][0]
    qtbot.keyClick(resistance, Qt.Key.Key_T)  # nor the tip tool's letter
    assert not tool.isChecked()


def test_a_key_closes_the_help_overlay_without_acting_on_the_film(win, qtbot):
    _tree, canvas = _focus_tree_on_ap(qtbot, win)
    win.actions_by_key["help"].trigger()
    assert win.help_overlay.isVisible()
    qtbot.keyClick(win.help_overlay, Qt.Key.Key_I)
    assert not win.help_overlay.isVisible() and not canvas.display.invert


def test_the_film_menu_lists_the_keys(win):
    texts = {a.text(): a.shortcut().toString() for a in win.film_menu.actions()}
    assert texts["Invert"] == "I" and texts["Fit the film"] == "Space" and texts["Window preset 3"] == "3"


def test_typing_in_a_floating_record_dock_is_not_taken_by_the_view_keys(win, qtbot):
    _tree, canvas = _focus_tree_on_ap(qtbot, win)
    dock = win.docks["record"]
    dock.setFloating(True)
    dock.show()
    qtbot.waitExposed(dock)
    dock.activateWindow()
    resistance = next(b.widget for b in win.record_panel.bindings if b.attr == "resistance")
    resistance.setFocus()
    qtbot.waitUntil(resistance.hasFocus)
    assert resistance.window() is dock  # a floating dock is its own window
    qtbot.keyClick(resistance, Qt.Key.Key_M)  # type-ahead in the box, not the magnifier
    assert win.document.case.roots[0].resistance in (Resistance.MILD, Resistance.MARKED)
    assert not canvas.magnifier
    qtbot.keyClick(resistance, Qt.Key.Key_I)
    qtbot.keyClick(resistance, Qt.Key.Key_T)
    assert not canvas.display.invert
    assert not win.tool_actions["tip"][0].isChecked()


@pytest.mark.parametrize("key, mods", [(Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier),
                                       (Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier),
                                       (Qt.Key.Key_F1, Qt.KeyboardModifier.NoModifier),
                                       (Qt.Key.Key_Escape, Qt.KeyboardModifier.NoModifier)])
def test_a_shortcut_under_the_help_overlay_only_closes_it(win, qtbot, key, mods):
    _tree, canvas = _focus_tree_on_ap(qtbot, win)
    doc = win.document
    film = next(f for f in doc.case.roots[0].films if f.path == "02_ap.dcm")
    doc.remove_annotation(film.id, film.annotations[0].id)
    count = len(film.annotations)
    win.actions_by_key["help"].trigger()
    overlay = win.help_overlay
    qtbot.waitUntil(overlay.hasFocus)
    qtbot.keyClick(overlay, key, mods)
    assert not overlay.isVisible()
    assert len(doc.case.roots[0].film(film.id).annotations) == count and doc.can_undo  # nothing undone
    assert doc.dirty  # Ctrl+S did not save
