"""The verdict panel keeps the reader's place: an edit re-renders it without jumping to the top."""

from __future__ import annotations

from PyQt6.QtCore import QPoint, QPointF, Qt
from PyQt6.QtGui import QWheelEvent
from PyQt6.QtWidgets import QApplication

from annotator.model import Role
from annotator.ui.dialogs import ScriptedPrompter
from annotator.ui.main_window import MainWindow


def test_an_edit_keeps_the_verdict_scroll_position(qtbot, sample_copy):
    w = MainWindow(prompter=ScriptedPrompter(), restore_layout=False)
    qtbot.addWidget(w)
    w.resize(1280, 720)
    w.show()
    qtbot.waitExposed(w)
    assert w.open_case(sample_copy / "right_L5_on_target")
    body = w.verdict_panel.body
    bar = body.verticalScrollBar()
    assert bar.maximum() > 100, "the verdicts need scrolling at this size"
    view = body.viewport()
    for _ in range(30):  # the user scrolls down with the wheel
        centre = QPointF(view.rect().center())
        QApplication.sendEvent(view, QWheelEvent(centre, QPointF(view.mapToGlobal(centre.toPoint())),
                                                 QPoint(0, 0), QPoint(0, -120), Qt.MouseButton.NoButton,
                                                 Qt.KeyboardModifier.NoModifier, Qt.ScrollPhase.NoScrollPhase,
                                                 False))
    at = bar.value()
    assert at > 100
    before = w.verdict_panel.plain_text()
    # drag the AP tip a little: the verdicts are re-rendered
    canvas = w.workspace.viewport("AP").canvas
    ap = canvas.film
    tip = ap.first(Role.TIP).points[0]
    start = QPoint(*(round(v) for v in canvas.transform.to_widget(*tip)))
    qtbot.mousePress(canvas, Qt.MouseButton.LeftButton, pos=start)
    qtbot.mouseMove(canvas, start + QPoint(6, 4))
    qtbot.mouseRelease(canvas, Qt.MouseButton.LeftButton, pos=start + QPoint(6, 4))
    assert w.document.film(ap.id).first(Role.TIP).points[0] != tip
    assert w.verdict_panel.plain_text() != before
    assert bar.value() == at
    w.autosaver.timer.stop()
    w.hide()
