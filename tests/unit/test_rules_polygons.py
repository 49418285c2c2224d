"""Plane geometry helpers used by the rules (annotator.geometry.polygons)."""

from __future__ import annotations

import math

import pytest

from annotator.geometry.polygons import (
    centroid,
    clip_half_plane,
    clipped_boundary,
    closest_point_on_boundary,
    distance_point_segment,
    distance_to_boundary,
    distance_to_region,
    extent_along,
    nearest_on_segments,
    point_in_polygon,
    signed_area,
)

SQUARE = [(0, 0), (10, 0), (10, 10), (0, 10)]
# an L shape (concave): the notch is x in (5, 10], y in (5, 10]
ELL = [(0, 0), (10, 0), (10, 5), (5, 5), (5, 10), (0, 10)]


def test_distance_point_segment():
    assert distance_point_segment((5, 3), (0, 0), (10, 0)) == 3  # foot inside the segment
    assert distance_point_segment((13, 4), (0, 0), (10, 0)) == 5  # nearest is the end (10, 0): 3-4-5
    assert distance_point_segment((1, 1), (2, 2), (2, 2)) == pytest.approx(math.sqrt(2))  # degenerate


def test_point_in_polygon_including_boundary_and_concave():
    assert point_in_polygon((5, 5), SQUARE) and point_in_polygon((10, 5), SQUARE)  # boundary counts
    assert not point_in_polygon((11, 5), SQUARE)
    assert point_in_polygon((2, 8), ELL) and not point_in_polygon((8, 8), ELL)
    assert point_in_polygon((5, 5), list(reversed(SQUARE)))  # orientation does not matter


def test_distances_to_outline_and_region():
    assert distance_to_boundary((5, 5), SQUARE) == 5
    assert distance_to_region((5, 5), SQUARE) == 0
    assert distance_to_region((13, 14), SQUARE) == 5  # corner (10, 10): 3-4-5
    assert distance_to_region((8, 8), ELL) == 3  # into the notch: nearest edges x = 5 or y = 5
    assert closest_point_on_boundary((15, 5), SQUARE) == (10, 5)


def test_area_and_centroid():
    assert signed_area(SQUARE) == 100 and signed_area(list(reversed(SQUARE))) == -100
    assert centroid(SQUARE) == pytest.approx((5, 5))
    # L shape: 10x5 rectangle (centre (5, 2.5), area 50) + 5x5 square (centre (2.5, 7.5), area 25)
    # -> ((5*50 + 2.5*25)/75, (2.5*50 + 7.5*25)/75) = (4.1667, 4.1667)
    assert centroid(ELL) == pytest.approx((312.5 / 75, 312.5 / 75))


def test_clip_half_plane():
    # keep x <= 4 of the square: a 4 x 10 rectangle
    part = clip_half_plane(SQUARE, (1, 0), 4)
    assert abs(signed_area(part)) == pytest.approx(40)
    assert extent_along(part, (1, 0)) == (0, 4)
    # keep -x <= -7 (x >= 7)
    part = clip_half_plane(SQUARE, (-1, 0), -7)
    assert abs(signed_area(part)) == pytest.approx(30)
    # the concave L cut at y <= 7: the 10x5 bar plus a 5x2 stub = 60
    assert abs(signed_area(clip_half_plane(ELL, (0, 1), 7))) == pytest.approx(60)
    assert clip_half_plane(SQUARE, (1, 0), -1) == []


# A polygon with a notch cut in from its posterior edge (x = 200) to x = 120, between y = 140 and 160.
NOTCHED = [(100, 100), (200, 100), (200, 140), (120, 140), (120, 160), (200, 160), (200, 200), (100, 200)]


def test_clipped_boundary_of_a_concave_polygon_has_no_bridge():
    # keep x >= 166.67 (normal (-1, 0), limit -166.67): two arms, the notch between them is outside
    segs = clipped_boundary(NOTCHED, (-1.0, 0.0), -500 / 3)
    # (160, 150) sits in the notch: the nearest region point is the arm corner (166.67, 140), 12.02 away;
    # clip_half_plane's bridge along x = 166.67 would have said 6.67
    q, d = nearest_on_segments((160, 150), segs)
    assert q == pytest.approx((500 / 3, 140)) and d == pytest.approx(math.hypot(20 / 3, 10))
    # every clipped segment lies in the half-plane and on the polygon's outline or the cut line inside it
    for a, b in segs:
        for p in (a, b):
            assert p[0] >= 500 / 3 - 1e-9
    # the cut line inside the polygon is two stretches (y 100..140 and 160..200), not one
    on_cut = sorted(tuple(sorted((a[1], b[1]))) for a, b in segs if a[0] == b[0] == pytest.approx(500 / 3))
    assert on_cut == [pytest.approx((100, 140)), pytest.approx((160, 200))]
