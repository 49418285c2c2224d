"""A viewport re-evaluates its film when its own items or its root change, not for another film's edit."""

from __future__ import annotations

from PyQt6.QtCore import QPoint, Qt

from annotator.model import Role
from annotator.rules import Status
from annotator.ui.dialogs import ScriptedPrompter
from annotator.ui.main_window import MainWindow


def test_an_edit_on_one_film_leaves_the_others_alone_but_a_root_change_reaches_them(qtbot, sample_copy):
    w = MainWindow(prompter=ScriptedPrompter(), restore_layout=False)
    qtbot.addWidget(w)
    w.resize(1280, 800)
    w.show()
    qtbot.waitExposed(w)
    assert w.open_case(sample_copy / "right_L5_on_target")
    ap, lat = w.workspace.viewport("AP").canvas, w.workspace.viewport("lateral").canvas
    lat_result = lat.result
    assert lat_result.verdict.status is Status.ON_TARGET
    tip = ap.film.first(Role.TIP).points[0]
    start = QPoint(*(round(v) for v in ap.transform.to_widget(*tip)))
    qtbot.mousePress(ap, Qt.MouseButton.LeftButton, pos=start)
    qtbot.mouseMove(ap, start + QPoint(40, 30))
    qtbot.mouseRelease(ap, Qt.MouseButton.LeftButton, pos=start + QPoint(40, 30))
    assert ap.film.first(Role.TIP).points[0] != tip
    assert lat.result is lat_result  # the lateral film was not re-evaluated for the AP edit
    # the root's level is read by every film's rules: L4 has no marked foramen on the lateral film
    w.document.update_root(ap.root_id, level="L4")
    assert lat.result is not lat_result and lat.result.verdict.status is Status.INSUFFICIENT
    w.document.undo()
    assert lat.result.verdict.status is Status.ON_TARGET
    w.autosaver.timer.stop()
    w.document.mark_saved()
