"""ViewTransform: the one image <-> widget mapping (pure Python, no widget)."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from annotator.geometry import Directions
from annotator.ui.viewport.transform import ViewTransform

coords = st.floats(min_value=-500, max_value=1500, allow_nan=False)


def make(turns=0, fh=False, fv=False, zoom=1.7) -> ViewTransform:
    t = ViewTransform(width=300, height=200, zoom=zoom, center=(410.0, 260.0))
    t.quarter_turns, t.flip_h, t.flip_v = turns, fh, fv
    return t


@given(x=coords, y=coords, turns=st.integers(0, 3), fh=st.booleans(), fv=st.booleans(),
       zoom=st.floats(min_value=0.05, max_value=40))
def test_round_trip(x, y, turns, fh, fv, zoom):
    t = make(turns, fh, fv, zoom)
    sx, sy = t.to_widget(x, y)
    bx, by = t.to_image(sx, sy)
    assert bx == pytest.approx(x, abs=1e-6 * max(1, abs(x)))
    assert by == pytest.approx(y, abs=1e-6 * max(1, abs(y)))


@pytest.mark.parametrize("turns,fh,fv", [(t, h, v) for t in range(4) for h in (False, True) for v in (False, True)])
def test_matrix_matches_to_widget(turns, fh, fv):
    t = make(turns, fh, fv)
    m11, m12, m21, m22, dx, dy = t.matrix()
    for x, y in ((0, 0), (300, 0), (17.5, 133.25)):
        assert (m11 * x + m21 * y + dx, m12 * x + m22 * y + dy) == pytest.approx(t.to_widget(x, y))


def test_identity_maps_image_middle_to_center_and_scales():
    t = make()
    assert t.to_widget(150, 100) == pytest.approx((410, 260))
    assert t.to_widget(151, 100) == pytest.approx((410 + 1.7, 260))


def test_flip_h_mirrors_left_right_on_screen():
    t = make()
    a = t.to_widget(10, 20)
    t.flip_h = True
    b = t.to_widget(10, 20)
    assert b[1] == pytest.approx(a[1])
    assert b[0] - 410 == pytest.approx(-(a[0] - 410))


def test_rotation_turns_image_right_into_screen_down():
    t = make(turns=1)
    x0 = t.to_widget(150, 100)
    x1 = t.to_widget(160, 100)  # +x in the image
    assert x1[0] == pytest.approx(x0[0])
    assert x1[1] > x0[1]  # shows downward after a clockwise quarter turn


def test_zoom_about_keeps_the_point_under_the_cursor():
    t = make(turns=3, fh=True)
    before = t.to_image(123.0, 45.0)
    t.zoom_about(123.0, 45.0, 2.5)
    assert t.zoom == pytest.approx(1.7 * 2.5)
    assert t.to_image(123.0, 45.0) == pytest.approx(before)


def test_rotate_and_flip_about_a_point_keep_it_fixed():
    t = make()
    before = t.to_image(400.0, 250.0)
    t.rotate90(about=(400.0, 250.0))
    t.toggle_flip_v(about=(400.0, 250.0))
    assert t.to_image(400.0, 250.0) == pytest.approx(before)


def test_fit_shows_the_whole_image_centred():
    t = make(turns=1)
    t.fit(800, 600)
    corners = [t.to_widget(x, y) for x, y in ((0, 0), (300, 0), (0, 200), (300, 200))]
    xs, ys = [c[0] for c in corners], [c[1] for c in corners]
    assert min(xs) >= -1e-9 and max(xs) <= 800 + 1e-9 and min(ys) >= -1e-9 and max(ys) <= 600 + 1e-9
    assert math.isclose(max(ys) - min(ys), 600) or math.isclose(max(xs) - min(xs), 800)


def test_edge_letters_follow_flips_and_rotation():
    d = Directions("L", "F")  # AP radiological: patient left on image right, feet down
    t = make()
    assert t.edge_letters(d) == {"right": "L", "left": "R", "bottom": "F", "top": "H"}
    t.flip_h = True
    assert t.edge_letters(d) == {"right": "R", "left": "L", "bottom": "F", "top": "H"}
    t.flip_h = False
    t.quarter_turns = 1  # image top now on the right of the screen
    assert t.edge_letters(d) == {"right": "H", "left": "F", "bottom": "L", "top": "R"}
