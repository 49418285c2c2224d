"""Scrolling the record panel with the mouse wheel changes no value: combo and spin boxes take the
wheel only while they have the keyboard focus (``ui.wheel_guard``); without it the event goes on
to the scroll area."""

from __future__ import annotations

from PyQt6.QtCore import QPoint, QPointF, Qt
from PyQt6.QtGui import QWheelEvent
from PyQt6.QtWidgets import QAbstractSpinBox, QApplication, QComboBox

from annotator.ui.wheel_guard import is_guarded


def _wheel(widget, steps=-1) -> QWheelEvent:
    """One wheel notch (down for ``steps`` < 0) over the middle of ``widget``; returns the event."""
    pos = QPointF(widget.rect().center())
    event = QWheelEvent(pos, QPointF(widget.mapToGlobal(pos.toPoint())), QPoint(0, 0), QPoint(0, 120 * steps),
                        Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier, Qt.ScrollPhase.NoScrollPhase, False)
    QApplication.sendEvent(widget, event)
    return event


def _state(doc):
    root = doc.case.roots[0]
    return ([(f.code, f.site, f.value, f.angle_deg) for f in root.findings], [d.drug for d in root.drugs],
            root.resistance, root.contrast_volume_ml, doc.case.age)


def _record(qtbot, sample_copy, make_window):
    w = make_window(sample_copy / "right_L5_on_target", size=(1600, 1000))
    w.docks["record"].raise_()
    qtbot.wait(20)
    return w


def test_the_wheel_over_unfocused_boxes_changes_nothing_and_goes_on_to_the_panel(qtbot, sample_copy, make_window):
    w = _record(qtbot, sample_copy, make_window)
    doc, panel = w.document, w.record_panel
    rows = panel.findings.rows
    finding_value = next(r["value"] for r in rows.values() if "value" in r)
    drug = panel.drug_table.table.cellWidget(0, 0)
    fields = [next(b.widget for b in panel.bindings if b.attr == a) for a in ("resistance", "contrast_volume_ml", "age")]
    before = _state(doc)
    panel.setFocus()
    for box in (finding_value, drug, *fields):
        assert not box.hasFocus()
        for steps in (-1, 1, -1):
            event = _wheel(box, steps)
            assert not event.isAccepted(), box.objectName()  # ignored: Qt offers it to the scroll area
    assert _state(doc) == before
    assert not doc.dirty and not doc.can_undo


def test_a_focused_box_still_takes_the_wheel(qtbot, sample_copy, make_window):
    w = _record(qtbot, sample_copy, make_window)
    doc = w.document
    drug = w.record_panel.drug_table.table.cellWidget(0, 0)
    drug.setFocus()
    qtbot.waitUntil(drug.hasFocus)
    first = doc.case.roots[0].drugs[0].drug
    _wheel(drug, -1)
    assert doc.case.roots[0].drugs[0].drug != first and doc.dirty
    volume = next(b.widget for b in w.record_panel.bindings if b.attr == "contrast_volume_ml")
    volume.setFocus()
    qtbot.waitUntil(volume.hasFocus)
    shown = volume.value()
    _wheel(volume, 1)
    assert volume.value() != shown


def test_every_combo_and_spin_box_of_the_record_panel_is_guarded(qtbot, sample_copy, make_window):
    w = _record(qtbot, sample_copy, make_window)
    panel = w.record_panel
    panel.findings.choice.setCurrentIndex(panel.findings.choice.findData("l5_tilt")
                                          if panel.findings.choice.findData("l5_tilt") >= 0 else 0)
    panel.findings.add_chosen()
    panel.drug_table.add_row()
    boxes = panel.findChildren(QComboBox) + panel.findChildren(QAbstractSpinBox)
    assert len(boxes) > 15
    assert not [b.objectName() or type(b).__name__ for b in boxes if not is_guarded(b)]
