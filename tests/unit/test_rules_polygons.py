"""Plane geometry helpers used by the rules (annotator.geometry.polygons)."""

from __future__ import annotations

import math

import pytest

from annotator.geometry.polygons import (
    centroid,
    clip_half_plane,
    closest_point_on_boundary,
    distance_point_segment,
    distance_to_boundary,
    distance_to_region,
    extent_along,
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
