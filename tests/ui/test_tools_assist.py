"""Assisted tools driven with the mouse: live-wire contrast path, snap tip (pytest-qt, offscreen)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from PyQt6.QtCore import QPoint, Qt

from annotator.model import Case, Film, Role, Root, Side, View
from annotator.model.document import CaseDocument
from annotator.ui.viewport import Viewport
from tests.ui.test_viewport_support import MemoryImage

pytest.importorskip("skimage")
L = Qt.MouseButton.LeftButton


def band_y(x):
    """Centre line of the curved band (image px)."""
    return 128.0 + 35.0 * np.sin(np.asarray(x, dtype=float) / 38.0)


def curved_band(size: int = 256) -> np.ndarray:
    """Dense (dark) 8 px-wide band along ``band_y`` on a noisy background with a distracting straight edge."""
    from scipy import ndimage

    rng = np.random.default_rng(1)
    yy, xx = np.mgrid[0:size, 0:size].astype(float)
    band = np.exp(-0.5 * ((yy - band_y(xx)) / (8.0 / 2.355)) ** 2)
    img = 3000.0 - 1200.0 * band
    img[200:, :] -= 300.0  # a bone edge
    img = ndimage.gaussian_filter(img, 1.0) + rng.normal(0, 25, (size, size))
    return np.clip(img, 0, 4095).astype(np.uint16)


def open_view(qtbot, tmp_path, pixels, spacing=0.25):
    film = Film(path="film.dcm", view=View.AP)
    root = Root(level="L4", side=Side.LEFT, films=[film])
    doc = CaseDocument(Case(title="synthetic", roots=[root]), tmp_path)
    vp = Viewport(doc)
    qtbot.addWidget(vp)
    vp.resize(520, 560)
    vp.show()
    qtbot.waitExposed(vp)
    vp.set_film(root.id, film.id, MemoryImage(pixels, spacing_mm=spacing))
    return doc, film, vp.canvas, vp


def at(canvas, x, y) -> QPoint:
    sx, sy = canvas.transform.to_widget(x, y)
    return QPoint(round(sx), round(sy))


def mean_distance_to_band(points) -> float:
    """Mean vertical distance of a densely resampled polyline to the band's centre line (px)."""
    pts = np.asarray(points, dtype=float)
    seg = np.linalg.norm(np.diff(pts, axis=0), axis=1)
    cum = np.concatenate([[0], np.cumsum(seg)])
    s = np.linspace(0, cum[-1], 400)
    xs, ys = np.interp(s, cum, pts[:, 0]), np.interp(s, cum, pts[:, 1])
    return float(np.mean(np.abs(ys - band_y(xs))))


def test_livewire_path_follows_the_band_and_ends_with_enter(qtbot, tmp_path):
    doc, film, c, vp = open_view(qtbot, tmp_path, curved_band())
    vp.set_tool("livewire")
    anchors = [(20.0, float(band_y(20))), (120.0, float(band_y(120))), (235.0, float(band_y(235)))]
    qtbot.mouseClick(c, L, pos=at(c, *anchors[0]))
    # the rubber band to the cursor follows the band as the pointer moves
    qtbot.mouseMove(c, at(c, 100.0, float(band_y(100))))
    sketch = [s for s in c.tool.sketches() if len(s.points) >= 2][0]
    assert len(sketch.points) > 10 and mean_distance_to_band(sketch.points) < 2.0
    assert c.tool.last_update_ms is not None and c.tool.last_update_ms < 200
    for a in anchors[1:]:
        qtbot.mouseClick(c, L, pos=at(c, *a))
    qtbot.keyClick(c, Qt.Key.Key_Return)
    paths = [a for a in doc.film(film.id).annotations if a.role is Role.CONTRAST_PATH]
    assert len(paths) == 1 and not paths[0].suggested and not c.tool.busy
    pts = paths[0].points
    assert math.dist(pts[0], anchors[0]) < 1.0 and math.dist(pts[-1], anchors[-1]) < 1.0
    assert mean_distance_to_band(pts) < 1.5
    assert mean_distance_to_band(anchors) > 3 * mean_distance_to_band(pts)  # straight lines would miss it


def test_livewire_double_click_ends_backspace_and_escape(qtbot, tmp_path):
    doc, film, c, vp = open_view(qtbot, tmp_path, curved_band())
    vp.set_tool("livewire")
    qtbot.mouseClick(c, L, pos=at(c, 20.0, float(band_y(20))))
    qtbot.mouseClick(c, L, pos=at(c, 90.0, float(band_y(90))))
    qtbot.keyClick(c, Qt.Key.Key_Backspace)  # drops the second anchor
    qtbot.keyClick(c, Qt.Key.Key_Escape)  # drops the path
    assert not c.tool.busy and doc.film(film.id).annotations == []
    qtbot.mouseClick(c, L, pos=at(c, 20.0, float(band_y(20))))
    qtbot.mouseDClick(c, L, pos=at(c, 150.0, float(band_y(150))))
    paths = [a for a in doc.film(film.id).annotations if a.role is Role.CONTRAST_PATH]
    assert len(paths) == 1 and mean_distance_to_band(paths[0].points) < 1.5


@pytest.fixture(scope="module")
def phantom():
    from sample_images.phantom import PhantomParams, render_film

    film = render_film(PhantomParams(seed=3, size=512))
    return film.pixels, film.truth


def test_snap_tip_moves_a_nearby_click_onto_the_needle_tip(qtbot, tmp_path, phantom):
    pixels, truth = phantom
    doc, film, c, vp = open_view(qtbot, tmp_path, pixels, spacing=0.5)
    vp.set_tool("snap_tip")
    tx, ty = truth["tip"]
    qtbot.mouseClick(c, L, pos=at(c, tx + 5.0, ty - 4.0))
    tip = doc.film(film.id).first(Role.TIP)
    assert tip is not None and math.dist(tip.points[0], (tx, ty)) < 2.0
    assert c.tool.last_snapped is True


def test_snap_tip_far_from_the_needle_keeps_the_click(qtbot, tmp_path, phantom):
    pixels, truth = phantom
    doc, film, c, vp = open_view(qtbot, tmp_path, pixels, spacing=0.5)
    vp.set_tool("snap_tip")
    click = (truth["tip"][0] + 120.0, truth["tip"][1] + 150.0)
    qtbot.mouseClick(c, L, pos=at(c, *click))
    tip = doc.film(film.id).first(Role.TIP)
    assert tip is not None and math.dist(tip.points[0], click) < 2.0 / c.transform.zoom + 1.0
    assert c.tool.last_snapped is False


def test_livewire_replaces_the_confirmed_path_of_the_frame_in_one_undo_step(qtbot, tmp_path):
    doc, film, c, vp = open_view(qtbot, tmp_path, curved_band())
    vp.set_tool("livewire")

    def trace(xs):
        for x in xs:
            qtbot.mouseClick(c, L, pos=at(c, x, float(band_y(x))))
        qtbot.keyClick(c, Qt.Key.Key_Return)

    trace((20.0, 120.0))
    first = [a for a in doc.film(film.id).annotations if a.role is Role.CONTRAST_PATH]
    trace((30.0, 140.0, 230.0))
    paths = [a for a in doc.film(film.id).annotations if a.role is Role.CONTRAST_PATH]
    assert len(paths) == 1 and paths[0].id == first[0].id and not paths[0].suggested
    assert paths[0].points[-1][0] > 200.0  # the new trace
    doc.undo()
    paths = [a for a in doc.film(film.id).annotations if a.role is Role.CONTRAST_PATH]
    assert len(paths) == 1 and paths[0].points == first[0].points
