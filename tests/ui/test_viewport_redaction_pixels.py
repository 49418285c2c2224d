"""Redaction boxes are fully opaque on screen: burned-in identity is never readable, not even faintly."""

from __future__ import annotations

import numpy as np
import pytest

from annotator.model import Redaction
from annotator.ui.viewport import Viewport
from tests.ui.test_viewport_support import MemoryImage, make_case


def burned_in_film(size: int = 256) -> np.ndarray:
    """A grey film with a white, high-contrast "name" block (stripes of 4095 / 0) at x 20..120, y 10..40."""
    img = np.full((size, size), 1500, np.uint16)
    block = img[10:40, 20:120]
    block[:] = 4095
    block[::3, ::2] = 0  # glyph-like texture: any transparency would show it
    return img


@pytest.fixture
def redacted_view(qtbot, tmp_path):
    doc, root, ap, _lat = make_case(tmp_path)
    doc.add_redaction(ap.id, Redaction(15, 5, 125, 45, id="r1"))
    vp = Viewport(doc)
    qtbot.addWidget(vp)
    vp.resize(420, 420)
    vp.show()
    qtbot.waitExposed(vp)
    vp.set_film(root.id, ap.id, MemoryImage(burned_in_film()))
    vp.canvas.set_window(2048, 4096)  # the white text would be at full brightness
    return vp


def inside_pixels(canvas, box, inset_px: float = 3.0):
    """Every widget pixel strictly inside image box (x0, y0, x1, y1), ``inset_px`` in from the edge."""
    img = canvas.grab().toImage()
    (ax, ay), (bx, by) = canvas.transform.to_widget(box[0], box[1]), canvas.transform.to_widget(box[2], box[3])
    x0, x1 = sorted((ax, bx))
    y0, y1 = sorted((ay, by))
    out = []
    for y in range(int(y0 + inset_px), int(y1 - inset_px)):
        for x in range(int(x0 + inset_px), int(x1 - inset_px)):
            c = img.pixelColor(x, y)
            out.append((c.red(), c.green(), c.blue()))
    return out


def test_pixels_inside_a_redaction_are_pure_black(redacted_view):
    pixels = inside_pixels(redacted_view.canvas, (15, 5, 125, 45))
    assert len(pixels) > 500
    assert set(pixels) == {(0, 0, 0)}


def test_the_text_is_visible_without_the_redaction(redacted_view):
    """The check above can fail: without the box the same pixels are bright."""
    c = redacted_view.canvas
    c.document.remove_redaction(c.film_id, "r1")
    pixels = inside_pixels(c, (15, 5, 125, 45))
    assert max(max(p) for p in pixels) > 200


def test_the_magnifier_does_not_reveal_a_redaction(redacted_view):
    c = redacted_view.canvas
    c.toggle_magnifier()
    sx, sy = c.transform.to_widget(70, 25)
    c._cursor = (sx, sy)  # the pointer over the redaction
    from annotator.ui.viewport.furniture import magnifier_geometry

    ix, iy, vt = magnifier_geometry(c, (sx, sy))
    img = c.grab().toImage()
    px, py = vt.to_widget(70, 25)  # the redaction's centre inside the inset
    for dx in range(-10, 11, 5):
        col = img.pixelColor(round(px + dx), round(py))
        assert (col.red(), col.green(), col.blue()) == (0, 0, 0)
