"""Needle proposal and tip snapping: synthetic lines and phantom films with ground truth."""

from __future__ import annotations

import math

import numpy as np
import pytest

from annotator.assist.common import AssistError
from annotator.assist.needle import NeedleProposal, propose_needle, snap_tip
from annotator.geometry import Calibration
from annotator.geometry.calibration import CalibrationSource


def _line_image(size=256, hub=(20.0, 30.0), tip=(150.0, 140.0), width=2.0, seed=0):
    """Light background (stored ~3000) with a dark anti-aliased needle from hub to tip, plus noise."""
    yy, xx = np.mgrid[0:size, 0:size] + 0.5  # pixel centres
    h, t = np.array(hub), np.array(tip)
    u = (t - h) / np.linalg.norm(t - h)
    rel = np.stack([xx - h[0], yy - h[1]], axis=-1)
    along = rel @ u
    perp = np.abs(rel @ np.array([-u[1], u[0]]))
    length = np.linalg.norm(t - h)
    inside = np.clip(width / 2 + 0.5 - perp, 0, 1) * np.clip(along + 0.5, 0, 1) * np.clip(length - along + 0.5, 0, 1)
    rng = np.random.default_rng(seed)
    img = 3000.0 - 1800.0 * inside + rng.normal(0, 20, (size, size))
    return np.clip(img, 0, 4095).astype(np.uint16)


def _cal(s):
    return Calibration(s, s, CalibrationSource.PIXEL_SPACING)


def test_synthetic_needle_tip_and_hub_order():
    img = _line_image(hub=(2.0, 30.0), tip=(150.0, 140.0))
    prop = propose_needle(img, _cal(0.25))
    assert isinstance(prop, NeedleProposal)
    assert math.dist(prop.tip, (150.0, 140.0)) < 1.5  # px
    assert prop.shaft[1] == prop.tip
    # the hub end is the one toward where the needle enters (left edge)
    assert prop.shaft[0][0] < prop.tip[0]
    assert 0.0 <= prop.confidence <= 1.0
    data = prop.to_json()
    assert {"tip", "shaft", "confidence", "other_end", "end_cues", "cues_disagree"} <= set(data) and len(data["shaft"]) == 2
    assert data["other_end"] == data["shaft"][0]


def test_no_needle_on_a_flat_noisy_frame():
    rng = np.random.default_rng(3)
    img = (3000 + rng.normal(0, 20, (200, 200))).astype(np.uint16)
    prop = propose_needle(img)
    assert prop is None or prop.confidence < 0.5


def test_bad_frame_shape_is_an_assist_error():
    with pytest.raises(AssistError):
        propose_needle(np.zeros((4, 4)))


@pytest.fixture(scope="module")
def phantom_films():
    from sample_images.phantom import PhantomParams, render_film

    return [render_film(PhantomParams(seed=seed, view=view, size=512, noise=0.8, burn_in=()))
            for view, seed in (("AP", 1), ("AP", 2), ("lateral", 1))]


def test_phantom_tips_within_tolerance(phantom_films):
    for film in phantom_films:
        s = film.truth["spacing_mm"]
        prop = propose_needle(film.pixels, _cal(s))
        assert prop is not None
        assert math.dist(prop.tip, film.truth["tip"]) * s <= 1.5, film.truth["view"]


def test_snap_moves_a_nearby_click_to_the_tip(phantom_films):
    film = phantom_films[0]
    s = film.truth["spacing_mm"]
    tx, ty = film.truth["tip"]
    click = (tx + 4.0, ty - 3.0)
    snapped = snap_tip(film.pixels, click, radius_px=12, calibration=_cal(s))
    assert snapped is not None
    assert math.dist(snapped, (tx, ty)) * s <= 1.5
    assert math.dist(snapped, click) <= 12


def test_snap_far_from_any_needle_returns_none():
    img = _line_image(hub=(2.0, 30.0), tip=(100.0, 100.0))
    assert snap_tip(img, (220.0, 40.0), radius_px=8) is None
    with pytest.raises(AssistError):
        snap_tip(img, (100.0, 100.0), radius_px=0)


def test_confidence_falls_when_nothing_tells_hub_from_tip():
    # a clean needle in the middle of a uniform film: neither end at the field's edge, both in
    # alike surroundings, no contrast band at either: the hub/tip call is the field's centre's
    clear = propose_needle(_line_image(hub=(2.0, 30.0), tip=(150.0, 140.0)), _cal(0.25))
    ambiguous = propose_needle(_line_image(hub=(60.0, 70.0), tip=(190.0, 180.0)), _cal(0.25))
    assert clear is not None and ambiguous is not None
    assert clear.confidence >= 0.9 and clear.hub_margin > 0.9 and clear.cues["field_edge"] > 0
    assert ambiguous.hub_margin < 0.5
    assert ambiguous.confidence < 0.9  # the GUI's "low confidence - check the tip"


def test_confidence_terms():
    from annotator.assist.needle import confidence

    base = confidence(snr=40, separation=0.9, hub_margin=1.0, tip_unclear=0.0)
    assert base > 0.99
    assert confidence(snr=4, separation=0.9, hub_margin=1.0, tip_unclear=0.0) < 0.6
    assert confidence(snr=40, separation=0.02, hub_margin=1.0, tip_unclear=0.0) < 0.6
    assert confidence(snr=40, separation=0.9, hub_margin=0.2, tip_unclear=0.0) < 0.9
    assert confidence(snr=40, separation=0.9, hub_margin=1.0, tip_unclear=1.0) < base
    # end cues that disagree keep a proposal below the GUI's 0.9; so does a coarse film
    assert confidence(snr=40, separation=0.9, hub_margin=1.0, tip_unclear=0.0, disagree=True) < 0.9
    assert confidence(snr=40, separation=0.9, hub_margin=1.0, tip_unclear=0.0, px_mm=0.5) < 0.9


def test_coarse_film_axis_stays_on_a_thin_needle_beside_dense_bone():
    # 0.5 mm per pixel: the needle is ~1 px wide and dense bone starts 2.7 px beside its axis;
    # the axis must follow the needle's own peak, not lean toward the bone
    img = 3000.0 + np.random.default_rng(8).normal(0, 15, (256, 256))
    yy, xx = np.mgrid[0:256, 0:256] + 0.5
    img -= 1500.0 * np.clip(1.0 - np.abs(yy - 128.3), 0, 1) * ((xx > 40) & (xx < 200))
    img -= 700.0 * np.clip(yy - 131.0, 0, 1) * (xx < 230)
    cal = Calibration(0.5, 0.5, CalibrationSource.PIXEL_SPACING)
    prop = propose_needle(np.clip(img, 0, 4095).astype(np.uint16), cal)
    assert prop is not None
    for end in prop.shaft:
        assert abs(end[1] - 128.3) < 0.25
    assert {round(prop.shaft[0][0] / 10), round(prop.shaft[1][0] / 10)} == {4, 20}
