"""Case panel (tree, view badge, drag and drop, roots) and record panel (edits become commands)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from PyQt6.QtCore import QMimeData, QPointF, Qt, QUrl
from PyQt6.QtGui import QDropEvent

from annotator.model import DrugDose, Resistance, Side, View
from annotator.ui.dialogs import ScriptedPrompter
from annotator.ui.main_window import MainWindow


@pytest.fixture
def win(qtbot, synthetic_case):
    w = MainWindow(prompter=ScriptedPrompter())
    qtbot.addWidget(w)
    assert w.open_case(synthetic_case)
    return w


def _films(doc):
    return doc.case.roots[0].films


def _drop(tree, paths):
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    event = QDropEvent(QPointF(5, 5), Qt.DropAction.CopyAction, mime, Qt.MouseButton.NoButton,
                       Qt.KeyboardModifier.NoModifier)
    tree.dropEvent(event)


def test_drop_files_and_folder_adds_films_and_reports_bad_ones(win, tmp_path):
    new = tmp_path / "incoming"
    (new / "sub").mkdir(parents=True)
    Image.fromarray(np.zeros((64, 64), np.uint8)).save(new / "a.png")
    Image.fromarray(np.full((64, 64), 9, np.uint8)).save(new / "sub" / "b.png")
    (new / "broken.dcm").write_bytes(b"not an image at all")
    messages = []
    win.case_panel.status_message.connect(messages.append)
    before = len(_films(win.document))
    _drop(win.case_panel.tree, [new])
    films = _films(win.document)
    assert len(films) == before + 2
    assert {f.path.rsplit("/", 1)[-1] for f in films[before:]} == {"a.png", "b.png"}
    assert films[-1].view is View.UNKNOWN  # plain images carry no view
    assert len(messages) == 1 and "broken.dcm" in messages[0] and "\n" not in messages[0]
    win.document.undo()  # one drop, one undo step
    assert len(_films(win.document)) == before
    # the same file again is not added twice
    win.document.redo()
    _drop(win.case_panel.tree, [new / "a.png"])
    assert len(_films(win.document)) == before + 2


def test_view_badge_corrects_the_view_in_one_step(win, qtbot):
    from PyQt6.QtWidgets import QApplication

    win.show()
    qtbot.waitExposed(win)
    panel = win.case_panel
    film = _films(win.document)[0]
    tree = panel.tree
    item = panel._find_item("film", film.id)
    badge = tree.visualItemRect(item)
    badge.setLeft(tree.header().sectionPosition(1))  # the view badge: column 1
    qtbot.mouseClick(tree.viewport(), Qt.MouseButton.LeftButton, pos=badge.center())
    qtbot.waitUntil(lambda: QApplication.activePopupWidget() is not None)
    menu = QApplication.activePopupWidget()
    [oblique] = [a for a in menu.actions() if a.text() == "oblique"]
    qtbot.mouseClick(menu, Qt.MouseButton.LeftButton, pos=menu.actionGeometry(oblique).center())
    assert win.document.film(film.id).view is View.OBLIQUE
    root_item = panel.tree.topLevelItem(0)
    groups = [root_item.child(i).text(0) for i in range(root_item.childCount())]
    assert "oblique" in groups
    win.document.undo()
    assert win.document.film(film.id).view is View.AP
    win.hide()


def test_add_and_remove_root(win):
    panel = win.case_panel
    rid = panel.add_root("L4", Side.RIGHT)
    assert [r.level for r in win.document.case.roots] == ["L5", "L4"]
    assert panel.tree.topLevelItemCount() == 2
    assert panel.selected_root_id() == rid
    panel.remove_button.click()
    assert [r.level for r in win.document.case.roots] == ["L5"]


def test_selecting_a_film_edits_its_caption(win, qtbot):
    film = _films(win.document)[1]
    win.case_panel.select_film(film.id)
    caption = next(b.widget for b in win.record_panel.bindings if b.attr == "caption")
    qtbot.keyClicks(caption, "contrast along the sheath")
    assert win.document.film(film.id).caption == "contrast along the sheath"
    assert win.record_panel.groups["film"].isEnabled()


def test_record_edits_become_commands_and_follow_undo(win):
    panel = win.record_panel
    root = win.document.case.roots[0]
    res = next(b.widget for b in panel.bindings if b.attr == "resistance")
    res.setCurrentIndex(list(Resistance).index(Resistance.MARKED))
    assert win.document.root(root.id).resistance is Resistance.MARKED
    win.document.undo()
    assert win.document.root(root.id).resistance is Resistance.NOT_RECORDED
    assert res.currentIndex() == list(Resistance).index(Resistance.NOT_RECORDED)  # refreshed from the model
    vol = next(b.widget for b in panel.bindings if b.attr == "contrast_volume_ml")
    vol.setValue(2.0)
    assert win.document.root(root.id).contrast_volume_ml == 2.0
    vol.setValue(vol.minimum())
    assert win.document.root(root.id).contrast_volume_ml is None
    age = next(b.widget for b in panel.bindings if b.attr == "age")
    assert age.value() == 70
    win.document.update_case(age=71)  # model -> widget
    assert age.value() == 71


def test_drug_table_edits_and_warnings(win):
    table = win.record_panel.drug_table
    root = win.document.case.roots[0]
    table.add_button.click()
    drugs = win.document.root(root.id).drugs
    assert len(drugs) == 1 and drugs[0].drug == table.drug_ids()[0]
    win.document.update_root(root.id, drugs=[DrugDose("bupivacaine", concentration_pct=0.5)])
    assert table.table.rowCount() == 1
    assert table.table.item(0, 1).text() == "0.5"
    assert table.warnings.isVisibleTo(win.record_panel) and table.warnings.text()  # above the 0.15 % maximum
    table.table.item(0, 1).setText("0.1")
    assert win.document.root(root.id).drugs[0].concentration_pct == 0.1
    table.table.selectRow(0)
    table.remove_button.click()
    assert win.document.root(root.id).drugs == []


def test_a_typing_burst_is_one_undo_step(win, qtbot):
    panel = win.record_panel
    needle = next(b.widget for b in panel.bindings if b.attr == "needle_type")
    root = win.document.case.roots[0]
    needle.clear()
    qtbot.keyClicks(needle, "Quincke")
    assert win.document.root(root.id).needle_type == "Quincke"
    win.document.undo()
    assert win.document.root(root.id).needle_type == ""
    assert needle.text() == ""


def test_drop_on_the_window_opens_a_case_or_adds_films(win, tmp_path, synthetic_case):
    img = tmp_path / "extra.png"
    Image.fromarray(np.zeros((32, 32), np.uint8)).save(img)
    before = len(_films(win.document))
    _drop_on(win, [img])
    assert len(_films(win.document)) == before + 1
    win.document.mark_saved()
    other = tmp_path / "other_case"
    import shutil

    shutil.copytree(synthetic_case.parent, other)
    _drop_on(win, [other])
    assert Path(win.document.path) == (other / "case.json").resolve()  # the dropped case is open
    assert win.case_panel.tree.topLevelItem(0).text(0) == "right L5"
    assert win.statusBar().currentMessage() == "Opened other_case"


def _drop_on(win, paths):
    # Qt delivers real drops only during a drag session; hand the event to the window's filter
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    event = QDropEvent(QPointF(5, 5), Qt.DropAction.CopyAction, mime, Qt.MouseButton.NoButton,
                       Qt.KeyboardModifier.NoModifier)
    assert win.drop_filter.eventFilter(win, event)
