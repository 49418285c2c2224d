"""The canvas driven like a user: mouse clicks and drags, keys, wheel (pytest-qt, offscreen)."""

from __future__ import annotations

import pytest
from PyQt6.QtCore import QPoint, QPointF, Qt
from PyQt6.QtGui import QWheelEvent
from PyQt6.QtWidgets import QApplication

from annotator.model import Role
from annotator.ui.viewport import Viewport
from annotator.ui.viewport.overlay import tip_item
from annotator.ui.viewport.palette import status_rgba
from tests.ui.test_viewport_support import MemoryImage, make_case, ramp

L = Qt.MouseButton.LeftButton


@pytest.fixture
def ap_view(qtbot, tmp_path):
    doc, root, ap, _lat = make_case(tmp_path)
    vp = Viewport(doc)
    qtbot.addWidget(vp)
    vp.resize(420, 420)
    vp.show()
    qtbot.waitExposed(vp)
    vp.set_film(root.id, ap.id, MemoryImage(ramp()))
    return doc, root, ap, vp


def widget_pos(canvas, x, y) -> QPoint:
    sx, sy = canvas.transform.to_widget(x, y)
    return QPoint(round(sx), round(sy))


def stored_tip(doc, film_id):
    tip = doc.film(film_id).first(Role.TIP)
    return None if tip is None else tip.points[0]


def near(a, b, tol):
    return abs(a[0] - b[0]) <= tol and abs(a[1] - b[1]) <= tol


def pixel(canvas, x, y):
    sx, sy = canvas.transform.to_widget(x, y)
    c = canvas.grab().toImage().pixelColor(round(sx), round(sy))
    return c.red(), c.green(), c.blue()


def test_click_places_the_tip_in_image_coordinates_with_the_verdict_colour(ap_view, qtbot):
    doc, _root, ap, vp = ap_view
    c = vp.canvas
    vp.set_tool("tip")
    qtbot.mouseClick(c, L, pos=widget_pos(c, 121, 103))
    tol = 1.0 / c.transform.zoom
    assert near(stored_tip(doc, ap.id), (121, 103), tol)
    green = status_rgba("on_target")
    assert tip_item(c.overlay_items()).color == green
    r, g, b = pixel(c, *stored_tip(doc, ap.id))
    assert (r, g, b) == pytest.approx(green[:3], abs=40)


def test_dragging_the_tip_is_one_undo_step_and_recolours_it(ap_view, qtbot):
    doc, _root, ap, vp = ap_view
    c = vp.canvas
    vp.set_tool("tip")
    qtbot.mouseClick(c, L, pos=widget_pos(c, 121, 103))
    qtbot.mousePress(c, L, pos=widget_pos(c, 121, 103))
    for y in (115, 130, 150, 175):
        qtbot.mouseMove(c, pos=widget_pos(c, 121, y))
    assert c.result.verdict.status == "off"  # live verdict during the drag
    qtbot.mouseRelease(c, L, pos=widget_pos(c, 121, 175))
    assert near(stored_tip(doc, ap.id), (121, 175), 1.0 / c.transform.zoom)
    red = status_rgba("off")
    assert tip_item(c.overlay_items()).color == red
    assert pixel(c, 121, 175) == pytest.approx(red[:3], abs=40)
    doc.undo()
    assert near(stored_tip(doc, ap.id), (121, 103), 1.0 / c.transform.zoom)
    assert tip_item(c.overlay_items()).color == status_rgba("on_target")


def test_foramen_polygon_by_clicks_and_enter_on_the_lateral_film(qtbot, tmp_path):
    doc, root, _ap, lat = make_case(tmp_path)
    vp = Viewport(doc)
    qtbot.addWidget(vp)
    vp.resize(400, 400)
    vp.show()
    vp.set_film(root.id, lat.id, MemoryImage(ramp()))
    c = vp.canvas
    vp.set_tool("foramen")
    corners = [(100, 100), (160, 100), (160, 160), (100, 160)]
    for x, y in corners:
        qtbot.mouseClick(c, L, pos=widget_pos(c, x, y))
    assert doc.film(lat.id).first(Role.FORAMEN) is None  # not closed yet
    qtbot.keyClick(c, Qt.Key.Key_Return)
    poly = doc.film(lat.id).first(Role.FORAMEN)
    assert poly is not None and len(poly.points) == 4
    for p, q in zip(poly.points, corners):
        assert near(p, q, 1.0 / c.transform.zoom)
    assert c.result.verdict.status == "insufficient"  # no tip yet: the rule names it


@pytest.fixture
def window_ap(qtbot, synthetic_case):
    """The real main window on the synthetic case, its AP viewport (Ctrl+Z is the window's Undo action)."""
    from annotator.ui.dialogs import ScriptedPrompter
    from annotator.ui.main_window import MainWindow

    w = MainWindow(prompter=ScriptedPrompter(), restore_layout=False)
    qtbot.addWidget(w)
    w.resize(1400, 900)
    w.show()
    qtbot.waitExposed(w)
    assert w.open_case(synthetic_case)
    ap = w.document.case.roots[0].films[0]
    yield w, ap, w.workspace.viewport("AP").canvas
    w.autosaver.timer.stop()
    w.hide()


def test_undo_redo_keys(window_ap, qtbot):
    w, ap, c = window_ap
    doc = w.document
    w.tool_actions["tip"][0].trigger()
    qtbot.mouseClick(c, L, pos=widget_pos(c, 121, 103))
    qtbot.mouseClick(c, L, pos=widget_pos(c, 130, 140))
    first, second = (121, 103), (130, 140)
    tol = 1.0 / c.transform.zoom
    ctrl = Qt.KeyboardModifier.ControlModifier
    qtbot.keyClick(c, Qt.Key.Key_Z, ctrl)
    assert near(stored_tip(doc, ap.id), first, tol)
    qtbot.keyClick(c, Qt.Key.Key_Z, ctrl | Qt.KeyboardModifier.ShiftModifier)
    assert near(stored_tip(doc, ap.id), second, tol)
    qtbot.keyClick(c, Qt.Key.Key_Z, ctrl)
    qtbot.keyClick(c, Qt.Key.Key_Z, ctrl)
    assert near(stored_tip(doc, ap.id), (121, 102), tol)  # the case's own tip again
    qtbot.keyClick(c, Qt.Key.Key_Y, ctrl)
    assert near(stored_tip(doc, ap.id), first, tol)


def test_ctrl_z_during_a_shape_takes_back_its_last_point_only(window_ap, qtbot):
    w, ap, c = window_ap
    doc = w.document
    w.tool_actions["tip"][0].trigger()
    qtbot.mouseClick(c, L, pos=widget_pos(c, 125, 104))  # an edit before the shape
    moved = stored_tip(doc, ap.id)
    w.tool_actions["contrast_path"][0].trigger()
    for xy in ((60, 60), (80, 90), (100, 130)):
        qtbot.mouseClick(c, L, pos=widget_pos(c, *xy))
    assert c.tool.busy and len(c.tool.sketches()[0].points) >= 3
    ctrl = Qt.KeyboardModifier.ControlModifier
    qtbot.keyClick(c, Qt.Key.Key_Z, ctrl)
    assert c.tool.busy and [len(s.points) for s in c.tool.sketches()][0] in (2, 3)  # 2 points (+ cursor)
    assert stored_tip(doc, ap.id) == moved and "needle tip" in w.actions_by_key["undo"].text()
    qtbot.keyClick(c, Qt.Key.Key_Z, ctrl)
    qtbot.keyClick(c, Qt.Key.Key_Z, ctrl)
    assert not c.tool.busy and stored_tip(doc, ap.id) == moved
    assert doc.film(ap.id).first(Role.CONTRAST_PATH) is None
    qtbot.keyClick(c, Qt.Key.Key_Z, ctrl)  # no shape in progress: the tip move is undone
    assert stored_tip(doc, ap.id) == (121.0, 102.0)


def test_right_drag_sets_width_horizontally_and_level_vertically(ap_view, qtbot):
    _doc, _root, _ap, vp = ap_view
    c = vp.canvas
    c0, w0 = c.window()
    R = Qt.MouseButton.RightButton
    qtbot.mousePress(c, R, pos=QPoint(200, 200))
    qtbot.mouseMove(c, pos=QPoint(260, 200))
    qtbot.mouseRelease(c, R, pos=QPoint(260, 200))
    c1, w1 = c.window()
    assert w1 > w0 and c1 == pytest.approx(c0)
    qtbot.mousePress(c, R, pos=QPoint(200, 200))
    qtbot.mouseMove(c, pos=QPoint(200, 240))
    qtbot.mouseRelease(c, R, pos=QPoint(200, 240))
    c2, w2 = c.window()
    assert c2 > c1 and w2 == pytest.approx(w1)
    assert "C/W" in " ".join(c.corner_text()["bottom_left"])


def test_multi_frame_steps_plays_and_sets_the_key_frame(qtbot, tmp_path):
    doc, root, ap, _lat = make_case(tmp_path)
    vp = Viewport(doc)
    qtbot.addWidget(vp)
    vp.resize(400, 440)
    vp.show()
    vp.set_film(root.id, ap.id, MemoryImage(ramp(frames=4), frame_time_ms=20.0))
    c = vp.canvas
    assert vp.cine.isVisible()
    before = c.grab().toImage().pixelColor(widget_pos(c, 60, 60))
    qtbot.keyClick(c, Qt.Key.Key_Period)
    assert c.frame == 1 and vp.cine.slider.value() == 1
    after = c.grab().toImage().pixelColor(widget_pos(c, 60, 60))
    assert after.red() > before.red()  # the blob of frame 2 shows
    qtbot.keyClick(c, Qt.Key.Key_Comma)
    assert c.frame == 0
    vp.cine.slider.setValue(2)
    assert c.frame == 2
    assert "Frame 3/4" in c.corner_text()["top_left"]
    vp.cine.set_key_frame()
    assert doc.film(ap.id).key_frame == 2
    doc.undo()
    assert doc.film(ap.id).key_frame == 0
    vp.cine.set_playing(True)
    qtbot.waitUntil(lambda: c.frame != 2, timeout=2000)
    vp.cine.set_playing(False)
    assert not vp.cine.playing


def test_subtraction_shows_the_new_blob_and_cancels_the_background(qtbot, tmp_path):
    doc, root, ap, _lat = make_case(tmp_path)
    vp = Viewport(doc)
    qtbot.addWidget(vp)
    vp.set_film(root.id, ap.id, MemoryImage(ramp(frames=3)))
    c = vp.canvas
    c.set_frame(2)
    c.set_mask(0)
    buf = c.display.buffer()
    assert buf[60, 60] > 200  # uptake: bright
    assert abs(int(buf[200, 30]) - 128) <= 2  # unchanged background: mid-grey (window symmetric about 0)
    assert any("Subtracted" in s for s in c.corner_text()["top_right"])
    c.set_mask(None)
    assert not c.display.subtracting


def test_escape_cancels_the_shape_in_progress(ap_view, qtbot):
    doc, _root, ap, vp = ap_view
    c = vp.canvas
    vp.set_tool("contrast_path")
    qtbot.mouseClick(c, L, pos=widget_pos(c, 50, 50))
    qtbot.mouseClick(c, L, pos=widget_pos(c, 80, 90))
    assert c.tool.busy
    qtbot.keyClick(c, Qt.Key.Key_Escape)
    assert not c.tool.busy
    qtbot.keyClick(c, Qt.Key.Key_Return)
    assert doc.film(ap.id).first(Role.CONTRAST_PATH) is None


def test_delete_removes_the_selected_shape(ap_view, qtbot):
    doc, _root, ap, vp = ap_view
    c = vp.canvas
    vp.set_tool("select")
    qtbot.mouseClick(c, L, pos=widget_pos(c, 120, 100))  # on the pedicle margin
    assert c.selection.annotation_id == doc.film(ap.id).first(Role.PEDICLE_MARGIN).id
    qtbot.keyClick(c, Qt.Key.Key_Delete)
    assert doc.film(ap.id).first(Role.PEDICLE_MARGIN) is None
    qtbot.keyClick(c, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert doc.film(ap.id).first(Role.PEDICLE_MARGIN) is not None


def _wheel(widget, pos: QPointF, steps: int) -> None:
    ev = QWheelEvent(pos, widget.mapToGlobal(pos), QPoint(0, 0), QPoint(0, 120 * steps), Qt.MouseButton.NoButton,
                     Qt.KeyboardModifier.NoModifier, Qt.ScrollPhase.NoScrollPhase, False)
    QApplication.sendEvent(widget, ev)


def test_wheel_zooms_about_the_cursor(ap_view):
    _doc, _root, _ap, vp = ap_view
    c = vp.canvas
    pos = QPointF(97.0, 301.0)
    under = c.transform.to_image(pos.x(), pos.y())
    z0 = c.transform.zoom
    _wheel(c, pos, 2)
    assert c.transform.zoom == pytest.approx(z0 * 1.44)
    assert c.transform.to_image(pos.x(), pos.y()) == pytest.approx(under)


def test_flips_and_rotation_never_change_stored_coordinates(ap_view, qtbot):
    doc, _root, ap, vp = ap_view
    c = vp.canvas
    before = [a.points for a in doc.film(ap.id).annotations]
    for key in (Qt.Key.Key_H, Qt.Key.Key_V, Qt.Key.Key_R, Qt.Key.Key_I, Qt.Key.Key_Space):
        qtbot.keyClick(c, key)
    assert [a.points for a in doc.film(ap.id).annotations] == before
    assert (c.transform.flip_h, c.transform.flip_v, c.transform.quarter_turns) == (True, True, 1)
    vp.set_tool("tip")
    qtbot.mouseClick(c, L, pos=widget_pos(c, 121, 103))  # a click on the flipped, rotated view
    assert near(stored_tip(doc, ap.id), (121, 103), 1.0 / c.transform.zoom)
    letters = c.transform.edge_letters(doc.film(ap.id).effective_directions())
    assert letters["right"] in ("H", "F")  # rotated: the head-feet axis runs across the screen


def test_window_presets_and_scale_bar(qtbot, tmp_path):
    doc, root, ap, _lat = make_case(tmp_path)
    from annotator.io.image import WindowPreset

    vp = Viewport(doc)
    qtbot.addWidget(vp)
    vp.resize(400, 400)
    vp.set_film(root.id, ap.id, MemoryImage(ramp(), spacing_mm=0.2, windows=(WindowPreset(300, 200),)))
    c = vp.canvas
    qtbot.keyClick(c, Qt.Key.Key_1)
    assert c.window() == pytest.approx((300, 200))
    qtbot.keyClick(c, Qt.Key.Key_2)  # the automatic window comes after the file's
    assert c.window() != pytest.approx((300, 200))
    from annotator.ui.viewport.painting import scale_bar

    mm, px = scale_bar(0.2, c.transform.zoom)
    assert mm in (1, 2, 5, 10, 20, 50) and 0 < px <= 140
    assert scale_bar(None, 1.0) is None


def test_language_switch_changes_the_viewport_strings(ap_view):
    from annotator.ui import i18n

    _doc, _root, _ap, vp = ap_view
    english = vp.canvas.corner_text()["bottom_left"][-1]
    i18n.set_language("zh", remember=False)
    assert vp.canvas.corner_text()["bottom_left"][-1] != english
    assert vp.cine.key_button.text() == i18n.tr("Key frame") != "Key frame"


def test_middle_drag_pans_and_m_toggles_the_magnifier(ap_view, qtbot):
    _doc, _root, _ap, vp = ap_view
    c = vp.canvas
    M = Qt.MouseButton.MiddleButton
    before = c.transform.to_image(200, 200)
    qtbot.mousePress(c, M, pos=QPoint(200, 200))
    qtbot.mouseMove(c, pos=QPoint(230, 180))
    qtbot.mouseRelease(c, M, pos=QPoint(230, 180))
    assert c.transform.to_image(230, 180) == pytest.approx(before)  # the image followed the pointer
    qtbot.keyClick(c, Qt.Key.Key_M)
    assert c.magnifier
    qtbot.keyClick(c, Qt.Key.Key_M)
    assert not c.magnifier


def test_marks_of_other_frames_are_faint_and_not_editable(qtbot, tmp_path):
    doc, root, ap, _lat = make_case(tmp_path, tip=(120.0, 104.0))  # everything on frame 0
    vp = Viewport(doc)
    qtbot.addWidget(vp)
    vp.resize(400, 400)
    vp.set_film(root.id, ap.id, MemoryImage(ramp(frames=3)))
    c = vp.canvas
    c.set_frame(1)
    items = c.overlay_items()
    assert tip_item(items) is None
    ghosts = [it for it in items if it.layer == "ghost"]
    assert {it.role for it in ghosts} == {"ghost_tip", "ghost_pedicle_margin"}
    assert all(it.color[3] < 128 and not it.label for it in ghosts)
    vp.set_tool("select")
    qtbot.mouseClick(c, L, pos=widget_pos(c, 120, 100))
    assert c.selection.annotation_id is None
