"""Record panel: the drug table (readable at the dock's width, numbers checked), plausibility
warnings, and the root's findings list (add, edit, remove through the undo stack)."""

from __future__ import annotations

import pytest
from PyQt6.QtCore import QPoint, Qt
from PyQt6.QtWidgets import QComboBox

from annotator.ui import i18n


@pytest.fixture
def record(qtbot, sample_copy, make_window):
    def make(case="right_L5_on_target"):
        w = make_window(sample_copy / case, size=(1600, 1000))
        w.docks["record"].raise_()
        qtbot.wait(20)
        return w

    return make


def _cell_pos(table, row, col) -> QPoint:
    return table.visualRect(table.model().index(row, col)).center()


def _type_in_cell(qtbot, table, row, col, text):
    pos = _cell_pos(table, row, col)
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=pos)
    qtbot.mouseDClick(table.viewport(), Qt.MouseButton.LeftButton, pos=pos)
    editor = table.viewport().focusWidget() if table.viewport().focusWidget() is not table.viewport() else None
    editor = editor or table.focusWidget()
    editor.selectAll()
    qtbot.keyClicks(editor, text)
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: table.state() != table.State.EditingState)  # Qt commits the cell queued
    qtbot.wait(10)


def _root(w):
    return w.document.case.roots[0]


def test_drug_columns_fit_the_default_dock(record):
    w = record()
    table = w.record_panel.drug_table.table
    fm = table.fontMetrics()
    header = table.horizontalHeader()
    for c in range(table.columnCount()):
        text = table.horizontalHeaderItem(c).text()
        assert header.sectionSize(c) >= fm.horizontalAdvance(text) + 8, text
    for r in range(table.rowCount()):
        combo = table.cellWidget(r, 0)
        assert combo.width() >= fm.horizontalAdvance(combo.currentText()) + 24, combo.currentText()
        for c in (1, 2, 3):
            item = table.item(r, c)
            assert table.columnWidth(c) >= fm.horizontalAdvance(item.text()) + 8
    assert table.viewport().height() >= sum(table.rowHeight(r) for r in range(table.rowCount()))  # rows not cut


def test_text_in_a_number_cell_is_refused_and_the_cell_reverts(record, qtbot):
    w = record()
    drugs = w.record_panel.drug_table
    before = list(_root(w).drugs)
    assert before[0].volume_ml == 2.0
    _type_in_cell(qtbot, drugs.table, 0, 3, "abc")
    assert list(_root(w).drugs) == before  # nothing stored
    assert drugs.table.item(0, 3).text() == "2"  # the cell shows the recorded value again
    assert drugs.message.isVisible() and "not a number" in drugs.message.text() and "abc" in drugs.message.text()
    _type_in_cell(qtbot, drugs.table, 0, 1, "150")
    assert _root(w).drugs[0].concentration_pct == 0.5 and "100 %" in drugs.message.text()
    _type_in_cell(qtbot, drugs.table, 0, 3, "3")
    assert _root(w).drugs[0].volume_ml == 3.0 and not drugs.message.isVisible()


def test_implausible_amounts_are_stored_with_a_warning(record, qtbot):
    w = record()
    drugs = w.record_panel.drug_table
    _type_in_cell(qtbot, drugs.table, 0, 3, "50")
    assert _root(w).drugs[0].volume_ml == 50.0
    assert drugs.message.isVisible() and "50 ml" in drugs.message.text() and "check" in drugs.message.text()
    volume = next(b.widget for b in w.record_panel.bindings if b.attr == "contrast_volume_ml")
    note = w.record_panel.notes["root.contrast_volume_ml"]
    assert not note.isVisible()
    volume.lineEdit().selectAll()
    qtbot.keyClicks(volume, "500")
    qtbot.keyClick(volume, Qt.Key.Key_Return)
    assert _root(w).contrast_volume_ml == 500.0
    assert note.isVisible() and "500 ml" in note.text()
    from tests.ui.contrast import AA, widget_text_contrast

    for label in (note, drugs.message):  # warnings read as warnings, not as disabled grey
        assert widget_text_contrast(label) >= AA, (label.text(), widget_text_contrast(label))
    w.actions_by_key["undo"].trigger()
    assert _root(w).contrast_volume_ml == 2.0 and not note.isVisible()


def test_age_cannot_be_typed_above_the_models_limit(record, qtbot):
    w = record()
    age = next(b.widget for b in w.record_panel.bindings if b.attr == "age")
    age.lineEdit().selectAll()
    qtbot.keyClicks(age, "999")
    qtbot.keyClick(age, Qt.Key.Key_Return)
    assert w.document.case.age is not None and w.document.case.age <= 120
    assert "must be" not in w.statusBar().currentMessage()


def test_root_findings_are_listed_by_name_and_removed_through_undo(record, qtbot):
    w = record()
    findings = w.record_panel.findings
    names = [row["name"].text() for row in findings.rows.values()]
    assert names == ["tip confirmed in the root sheath", "root outlined up to its axilla",
                     "distal spread along the sleeve", "injection resistance"]
    assert "needle position confirmed" in w.verdict_panel.plain_text()
    sheath = next(f for f in _root(w).findings if f.code == "tip_in_sheath")
    qtbot.mouseClick(findings.rows[sheath.id]["remove"], Qt.MouseButton.LeftButton)
    assert "tip_in_sheath" not in [f.code for f in _root(w).findings]
    assert "not tagged" in w.verdict_panel.plain_text()  # the root summary follows
    assert w.actions_by_key["undo"].text() == "&Undo Remove finding: tip confirmed in the root sheath"
    w.actions_by_key["undo"].trigger()
    assert "tip_in_sheath" in [f.code for f in _root(w).findings]
    assert len(findings.rows) == 4


def test_a_finding_is_added_from_the_vocabulary_and_its_value_edited(record, qtbot):
    w = record()
    findings = w.record_panel.findings
    choice = findings.choice
    codes = [choice.itemData(i) for i in range(choice.count())]
    assert "l5_course" in codes  # an L5 root: the L5-only findings are offered
    choice.setCurrentIndex(codes.index("intravascular"))
    qtbot.mouseClick(findings.add_button, Qt.MouseButton.LeftButton)
    added = _root(w).findings[-1]
    assert added.code == "intravascular" and added.film_id is None
    assert w.verdict_panel.banner.isVisible()  # W3
    combo = findings.rows[added.id]["value"]
    assert isinstance(combo, QComboBox) and [combo.itemText(i) for i in range(combo.count())] == \
        ["—", "arterial", "venous"]
    combo.setCurrentIndex(2)
    assert _root(w).finding(added.id).value == "venous"
    w.actions_by_key["undo"].trigger()
    assert _root(w).finding(added.id).value is None and combo.currentIndex() == 0
    w.actions_by_key["undo"].trigger()
    assert added.id not in [f.id for f in _root(w).findings] and not w.verdict_panel.banner.isVisible()


def test_removing_a_marked_finding_takes_its_marker_along(record, qtbot):
    w = record("left_L5_cutoff")
    findings = w.record_panel.findings
    cutoff = next(f for f in _root(w).findings if f.code == "contrast_cutoff")
    row = findings.rows[cutoff.id]
    assert "marked on" in row["name"].text()
    assert row["site"].currentText() == "pedicle / lateral recess"
    film = w.document.film(cutoff.film_id)
    assert film.annotation(cutoff.annotation_id) is not None
    qtbot.mouseClick(row["remove"], Qt.MouseButton.LeftButton)
    assert cutoff.id not in [f.id for f in _root(w).findings]
    assert cutoff.annotation_id not in [a.id for a in w.document.film(film.id).annotations]
    w.actions_by_key["undo"].trigger()  # one step brings both back
    assert cutoff.id in [f.id for f in _root(w).findings]
    assert cutoff.annotation_id in [a.id for a in w.document.film(film.id).annotations]


def test_findings_list_in_chinese(record, qtbot):
    w = record()
    w.language_actions["zh"].trigger()
    findings = w.record_panel.findings
    names = [row["name"].text() for row in findings.rows.values()]
    assert names[0] == "针尖确认" and findings.add_button.text() == "添加所见"
    assert i18n.current_language() == "zh"
    w.language_actions["en"].trigger()
