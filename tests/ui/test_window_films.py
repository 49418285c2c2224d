"""The window and its films: the selected film's viewport is the active one; a film whose file
is missing says so in its viewport and in the status bar."""

from __future__ import annotations

import pytest
from PyQt6.QtCore import Qt


@pytest.fixture
def shown(make_window):
    return lambda case_path: make_window(case_path, size=(1400, 900))


def click_film(qtbot, w, film_id):
    tree = w.case_panel.tree
    item = w.case_panel._find_item("film", film_id)
    rect = tree.visualItemRect(item)
    qtbot.mouseClick(tree.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def test_the_selected_films_viewport_is_active(shown, qtbot, synthetic_case):
    w = shown(synthetic_case)
    ap, lat = w.document.case.roots[0].films
    assert w.film_id == ap.id
    assert w.workspace.active_key == "AP"  # was the last viewport filled (lateral)
    click_film(qtbot, w, lat.id)
    assert w.film_id == lat.id and w.workspace.active_key == "lateral"
    click_film(qtbot, w, ap.id)
    assert w.workspace.active_key == "AP"
    w.actions_by_key["single_view"].trigger()
    assert w.workspace.single == "AP"


def test_a_missing_film_file_says_so_in_its_viewport_and_the_status_bar(shown, qtbot, synthetic_case):
    (synthetic_case.parent / "ap.png").unlink()
    w = shown(synthetic_case)
    canvas = w.workspace.viewport("AP").canvas
    expected = "film file not found: ap.png — relink or remove it"
    assert canvas.hint_text() == expected
    assert expected in w.statusBar().currentMessage()
    assert w.statusBar().currentMessage().startswith("Opened case")
    qtbot.wait(50)
    img = canvas.grab().toImage()
    rect = canvas.hint_rect
    assert rect is not None and rect.width() > 100
    pixels = [img.pixelColor(x, y) for x in range(int(rect.left()), int(rect.right()), 2)
              for y in range(int(rect.top()), int(rect.bottom()))]
    assert any(c.red() > 200 and 120 < c.green() < 200 and c.blue() < 100 for c in pixels)  # amber text
    # the other film is shown as usual, and clicking into the broken viewport adds nothing
    assert w.workspace.viewport("lateral").canvas.display is not None
    w.tool_actions["tip"][0].trigger()
    before = len(w.document.film(canvas.film_id).annotations)
    qtbot.mouseClick(canvas, Qt.MouseButton.LeftButton, pos=canvas.rect().center())
    assert len(w.document.film(canvas.film_id).annotations) == before


def test_a_missing_film_is_marked_in_the_tree_and_can_be_relinked(shown, qtbot, synthetic_case, monkeypatch):
    from PyQt6.QtGui import QContextMenuEvent
    from PyQt6.QtWidgets import QApplication, QFileDialog

    folder = synthetic_case.parent
    (folder / "moved").mkdir()
    (folder / "ap.png").rename(folder / "moved" / "ap.png")
    w = shown(synthetic_case)
    ap = w.document.case.roots[0].films[0]
    panel = w.case_panel
    item = panel._find_item("film", ap.id)
    assert item.foreground(0).color().red() > 150 and "not found" in item.toolTip(0)
    monkeypatch.setattr(QFileDialog, "getOpenFileName",
                        staticmethod(lambda *a, **k: (str(folder / "moved" / "ap.png"), "")))
    tree = panel.tree
    pos = tree.visualItemRect(item).center()
    qtbot.mouseClick(tree.viewport(), Qt.MouseButton.RightButton, pos=pos)
    # the context-menu event a right click makes (QTest's click does not synthesise it)
    QApplication.sendEvent(tree.viewport(), QContextMenuEvent(QContextMenuEvent.Reason.Mouse, pos,
                                                              tree.viewport().mapToGlobal(pos)))
    qtbot.waitUntil(lambda: QApplication.activePopupWidget() is not None)
    menu = QApplication.activePopupWidget()
    [relink] = [a for a in menu.actions() if a.text() == "Relink film…"]
    qtbot.mouseClick(menu, Qt.MouseButton.LeftButton, pos=menu.actionGeometry(relink).center())
    assert w.document.film(ap.id).path == "moved/ap.png"
    canvas = w.workspace.viewport("AP").canvas
    assert canvas.display is not None and canvas.error is None  # the film shows now
    assert "not found" not in panel._find_item("film", ap.id).toolTip(0)
    w.actions_by_key["undo"].trigger()
    assert w.document.film(ap.id).path == "ap.png" and canvas.error is not None
