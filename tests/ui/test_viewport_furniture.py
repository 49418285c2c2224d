"""Viewport furniture in narrow viewports: the empty hint wraps, the scale bar keeps off the corner text."""

from __future__ import annotations

import numpy as np
import pytest

from annotator.geometry import Calibration, CalibrationSource
from annotator.model import Case, Film, Root, Side, View
from annotator.model.document import CaseDocument
from annotator.ui.viewport import Viewport, furniture
from tests.ui.test_viewport_support import MemoryImage


def make_view(qtbot, tmp_path, width):
    film = Film(path="film.dcm", view=View.AP, calibration=Calibration(0.2, 0.2, CalibrationSource.DETECTOR))
    root = Root(level="L4", side=Side.LEFT, films=[film])
    doc = CaseDocument(Case(title="synthetic", roots=[root]), tmp_path)
    vp = Viewport(doc)
    qtbot.addWidget(vp)
    vp.resize(width, 400)
    vp.show()
    qtbot.waitExposed(vp)
    return vp, root, film


@pytest.mark.parametrize("width", [140, 220])
def test_the_empty_viewport_hint_wraps_inside_a_narrow_viewport(qtbot, tmp_path, width):
    vp, _root, _film = make_view(qtbot, tmp_path, width)
    c = vp.canvas
    c.grab()  # paints
    assert c.hint_rect is not None and not c.hint_rect.isEmpty()
    assert c.hint_rect.left() >= 0 and c.hint_rect.right() <= c.width()
    one_line = c.fontMetrics().height()
    assert c.hint_rect.height() > 1.5 * one_line  # wrapped onto more than one line


@pytest.mark.parametrize("width", [170, 230, 300, 600])
def test_the_scale_bar_keeps_clear_of_the_bottom_left_text(qtbot, tmp_path, width):
    vp, root, film = make_view(qtbot, tmp_path, width)
    pixels = (np.arange(512 * 512).reshape(512, 512) % 4096).astype(np.uint16)
    vp.set_film(root.id, film.id, MemoryImage(pixels, spacing_mm=0.2))
    c = vp.canvas
    c.grab()
    fm = furniture.text_metrics(c)
    text = furniture.bottom_left_rect(c, fm)
    bar = furniture.scale_bar_layout(c, fm)
    assert not text.isEmpty() and bar is not None
    assert not bar.rect.intersects(text), (bar.rect, text)
    assert bar.rect.left() >= 0 and bar.rect.right() <= c.width() and bar.rect.top() >= 0
    if width >= 600:  # room enough: the usual full-size bar at the bottom right
        assert bar.x1 - bar.x0 > 70 and bar.y == c.height() - 34.0
