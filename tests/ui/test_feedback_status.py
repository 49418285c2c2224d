"""The status bar says what just happened: save, export, relink, every assist action."""

from __future__ import annotations

from dataclasses import replace

from annotator.model import Role


def test_save_says_so_in_the_status_bar(make_window, synthetic_case, qtbot):
    w = make_window(case=synthetic_case, size=(1200, 800))
    film = w.document.case.roots[0].films[0]
    tip = film.first(Role.TIP)
    w.document.update_annotation(film.id, replace(tip, points=((120.0, 101.0),)))
    w.statusBar().clearMessage()
    w.actions_by_key["save"].trigger()
    qtbot.wait(50)
    message = w.statusBar().currentMessage()
    assert "Saved" in message and "case.json" in message, message
    assert not w.document.dirty
    # hovering any toolbar button replaces a temporary message by its status tip; the save
    # state stays in the status bar's permanent part until the next edit
    from PyQt6.QtCore import QCoreApplication
    from PyQt6.QtGui import QStatusTipEvent

    QCoreApplication.sendEvent(w, QStatusTipEvent(""))
    assert w.statusBar().currentMessage() == ""
    assert w.save_state.isVisible() and w.save_state.text().startswith("Saved at ")
    w.document.update_annotation(film.id, replace(tip, points=((121.0, 101.0),)))
    assert w.save_state.text() == "Unsaved changes"


def test_every_assist_action_says_what_it_did(make_window, sample_copy, qtbot):
    w = make_window(case=sample_copy / "right_L5_on_target", size=(1600, 1000))
    assist = w.assist_toolbar.assist
    said = {}
    for key, act in assist.actions.items():
        w.statusBar().clearMessage()
        act.trigger()
        qtbot.wait(20)
        said[key] = w.statusBar().currentMessage()
        if act.isCheckable() and act.isChecked():
            act.trigger()  # back off again
    assert all(said.values()), said


def test_relink_says_so(make_window, synthetic_case, tmp_path):
    import shutil

    w = make_window(case=synthetic_case)
    film = w.document.case.roots[0].films[0]
    moved = tmp_path / "moved.png"
    shutil.copy(synthetic_case.parent / film.path, moved)
    w.statusBar().clearMessage()
    assert w.case_panel.relink_film(film.id, moved)
    assert "relinked" in w.statusBar().currentMessage()
