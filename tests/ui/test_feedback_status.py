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
