"""The radiation field's mask: clipped steel meeting the field's edge stays inside the field."""

from __future__ import annotations

import math

import numpy as np

from annotator.assist.common import field_mask
from annotator.assist.needle import propose_needle
from annotator.geometry import Calibration
from annotator.geometry.calibration import CalibrationSource

N = 512


def _round_field_with_clipped_needle():
    """A round field (stored values ~3000 inside, 0 outside) and a needle clipped to 0 -- the
    surround's level -- from (330, 265) out through the field's edge at the upper right."""
    yy, xx = np.mgrid[0:N, 0:N] + 0.5
    inside = np.hypot(xx - 256, yy - 256) <= 235
    img = np.where(inside, 3000.0 + np.random.default_rng(7).normal(0, 20, (N, N)), 0.0)
    tip, far = np.array([330.0, 265.0]), np.array([560.0, 110.0])
    u = (far - tip) / np.linalg.norm(far - tip)
    rel = np.stack([xx - tip[0], yy - tip[1]], axis=-1)
    along, perp = rel @ u, np.abs(rel @ np.array([-u[1], u[0]]))
    img[(perp <= 1.2) & (along >= 0)] = 0.0  # steel clipped to the darkest stored value
    return np.clip(img, 0, 4095).astype(np.uint16), tip, inside


def test_clipped_steel_at_the_field_edge_is_inside_the_field():
    img, tip, inside = _round_field_with_clipped_needle()
    mask = field_mask(img.astype(np.float32), 3)
    # the needle and its surroundings, 3 mm (7 px) beside it, are in the field
    for t in (20.0, 60.0, 100.0):
        p = tip + t * np.array([230.0, -155.0]) / math.hypot(230.0, -155.0)
        assert mask[int(p[1]), int(p[0])]
        assert mask[int(p[1] + 7), int(p[0] + 5)]
    # the field stays round: nothing outside the iris is taken in
    assert not (mask & ~inside).any()


def test_a_dark_box_at_the_field_edge_is_not_taken_into_the_field():
    # a black box (a burned-in label's background, a lead marker) over the field's edge is
    # as dark as the surround but neither long nor thin: it stays out of the field
    img, _, inside = _round_field_with_clipped_needle()
    img[200:260, 10:60] = 0  # 60 x 50 px across the left edge of the iris
    mask = field_mask(img.astype(np.float32), 0)
    assert not mask[210:250, 30:55].any()
    assert mask[230, 120]  # the field beside it is still the field



def test_a_needle_clipped_into_the_field_edge_is_found():
    img, tip, _ = _round_field_with_clipped_needle()
    prop = propose_needle(img, Calibration(0.4, 0.4, CalibrationSource.PIXEL_SPACING))
    assert prop is not None and math.dist(prop.tip, tuple(tip)) < 3
