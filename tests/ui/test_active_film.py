"""Which film am I editing? Each viewport's title names its film as the case panel does, and the
record panel and case tree follow the viewport the user works in."""

from __future__ import annotations

from PyQt6.QtCore import QPoint, Qt


def test_viewport_titles_name_view_figure_label_and_file(make_window, synthetic_case):
    w = make_window(case=synthetic_case, size=(1400, 900))
    panes = w.workspace._panes
    assert panes["AP"].title.text() == "AP — 7C · after contrast · ap.png"
    assert panes["lateral"].title.text() == "Lateral — 7A · after contrast · lat.png"
    assert panes["oblique"].title.text() == "Oblique"  # no film there
    ap = w.document.case.roots[0].films[0]
    w.document.update_film(ap.id, figure_label="7D")
    assert panes["AP"].title.text() == "AP — 7D · after contrast · ap.png"


def test_the_record_panel_and_tree_follow_the_viewport_clicked(make_window, synthetic_case, qtbot):
    w = make_window(case=synthetic_case, size=(1400, 900))
    ap, lat = w.document.case.roots[0].films
    w.case_panel.select_film(ap.id)
    assert w.record_panel.film_id == ap.id
    canvas = w.workspace.viewport("lateral").canvas
    qtbot.mouseClick(canvas, Qt.MouseButton.LeftButton, pos=QPoint(canvas.width() - 5, canvas.height() - 5))
    assert w.workspace.active_key == "lateral"
    assert w.film_id == lat.id and w.record_panel.film_id == lat.id
    assert w.case_panel.tree.currentItem().text(0).startswith("7A")
    w.record_panel.refresh()
    assert not w.document.dirty  # following the viewport edits nothing
