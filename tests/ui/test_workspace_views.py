"""The three-view workspace: films go to the viewport of their view; single-view mode."""

from __future__ import annotations

import pytest
from PyQt6.QtCore import QPoint, Qt

from annotator.model import Film, View
from annotator.ui.workspace import VIEWS, Workspace, slot_for
from tests.ui.test_viewport_support import MemoryImage, make_case, ramp


@pytest.fixture
def ws(qtbot, tmp_path):
    doc, root, ap, lat = make_case(tmp_path)
    w = Workspace(doc)
    qtbot.addWidget(w)
    w.resize(1200, 420)
    w.show()
    qtbot.waitExposed(w)
    return w, doc, root, ap, lat


def test_films_go_to_the_viewport_of_their_view(ws):
    w, doc, root, ap, lat = ws
    assert w.show_film(root.id, ap.id, MemoryImage(ramp())) is w.viewport("AP")
    w.show_film(root.id, lat.id, MemoryImage(ramp()))
    assert w.viewport("AP").film_id == ap.id and w.viewport("lateral").film_id == lat.id
    assert w.active_viewport() is w.viewport("lateral")
    unknown = Film(path="x.png", view=View.UNKNOWN)
    doc.add_film(root.id, unknown)
    w.show_film(root.id, unknown.id, MemoryImage(ramp()))
    assert w.viewport("oblique").film_id == unknown.id
    assert slot_for("unknown") == "oblique" and slot_for(View.AP) == "AP"


def test_single_view_mode_by_method_and_by_double_click(ws, qtbot):
    w, _doc, root, ap, _lat = ws
    w.set_single("lateral")
    assert w.single == "lateral"
    assert [k for k in VIEWS if w.viewport(k).isVisible()] == ["lateral"]
    w.set_single(None)
    assert all(w.viewport(k).isVisible() for k in VIEWS)
    w.show_film(root.id, ap.id, MemoryImage(ramp()))
    canvas = w.viewport("AP").canvas
    empty = QPoint(*(round(v) for v in canvas.transform.to_widget(20, 240)))  # nothing drawn there
    with qtbot.waitSignal(w.single_changed, timeout=1000):
        qtbot.mouseDClick(canvas, Qt.MouseButton.LeftButton, pos=empty)
    assert w.single == "AP" and not w.viewport("lateral").isVisible()
    qtbot.mouseDClick(canvas, Qt.MouseButton.LeftButton, pos=empty)
    assert w.single is None


def test_set_tool_reaches_every_viewport_and_clicks_activate(ws, qtbot):
    w, _doc, _root, _ap, _lat = ws
    w.set_tool("ruler")
    assert all(w.viewport(k).canvas.tool.name == "ruler" for k in VIEWS)
    with qtbot.waitSignal(w.active_changed, timeout=1000):
        qtbot.mouseClick(w.viewport("oblique").canvas, Qt.MouseButton.LeftButton, pos=QPoint(30, 30))
    assert w.active_key == "oblique"


def test_removed_film_empties_its_viewport(ws):
    w, doc, root, ap, _lat = ws
    w.show_film(root.id, ap.id, MemoryImage(ramp()))
    doc.remove_film(ap.id)
    assert w.viewport("AP").film_id is None


def test_a_deleted_workspace_stops_listening_to_the_document(qtbot, tmp_path):
    import gc

    from annotator.model import Annotation, Role, ShapeKind

    doc, root, ap, _lat = make_case(tmp_path)
    w = Workspace(doc)
    w.show_film(root.id, ap.id, MemoryImage(ramp()))
    w.deleteLater()
    qtbot.wait(10)
    del w
    gc.collect()
    doc.add_annotation(ap.id, Annotation(Role.TIP, ShapeKind.POINT, ((1.0, 1.0),)))  # must not raise
    assert doc.film(ap.id).first(Role.TIP) is not None
