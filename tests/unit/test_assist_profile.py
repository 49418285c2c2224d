"""Contrast profile and the cutoff / bench / tilt suggestions on synthetic bands."""

from __future__ import annotations

import numpy as np
import pytest

from annotator.assist.profile import contrast_profile, plot_profile
from annotator.assist.suggest import find_bench, find_cutoff, root_tilt_deg, suggest_path_findings
from annotator.geometry import Calibration, Directions
from annotator.geometry.calibration import CalibrationSource

SPACING = 0.25  # mm per px
CAL = Calibration(SPACING, SPACING, CalibrationSource.PIXEL_SPACING)


def straight_band(end_mm, taper=0.0, size=(200, 320), radius_mm=2.0, seed=2):
    """A horizontal dense band from x=20 px to end_mm along it; radius tapers by ``taper`` (fraction)."""
    h, w = size
    yy, xx = np.mgrid[0:h, 0:w] + 0.5
    s_mm = (xx - 20) * SPACING
    r = radius_mm * (1 - taper * np.clip(s_mm / end_mm, 0, 1)) / SPACING
    d = np.abs(yy - 100)
    thick = 2 * np.sqrt(np.clip(r**2 - d**2, 0, None)) * ((s_mm >= 0) & (s_mm <= end_mm))
    rng = np.random.default_rng(seed)
    img = 3000 - 60 * thick + rng.normal(0, 15, (h, w))
    return np.clip(img, 0, 4095).astype(np.uint16)


def path_to(mm):
    return [(20.0, 100.0), (20.0 + mm / SPACING, 100.0)]


def test_profile_units_and_width():
    img = straight_band(end_mm=60)
    prof = contrast_profile(img, path_to(50), CAL)
    assert prof.unit == "mm"
    assert prof.s[-1] == pytest.approx(50, abs=0.6)
    mid = (prof.s > 10) & (prof.s < 40)
    # a 2 mm radius cylinder: FWHM of its chord profile is 2*sqrt(3) mm ~ 3.5 mm
    assert np.median(prof.width[mid]) == pytest.approx(2 * np.sqrt(3) * 2.0 / 2, rel=0.3)
    assert np.all(prof.intensity[mid] > 0)


def test_abrupt_cutoff_is_found_near_its_place():
    img = straight_band(end_mm=18)
    prof = contrast_profile(img, path_to(26), CAL)
    cut = find_cutoff(prof)
    assert cut is not None and cut.code == "contrast_cutoff"
    assert abs(cut.s - 18) <= 2.0
    assert abs(cut.point[0] - (20 + 18 / SPACING)) * SPACING <= 2.0


def test_no_cutoff_on_a_uniform_band_or_a_long_tapering_root():
    uniform = straight_band(end_mm=70)
    assert find_cutoff(contrast_profile(uniform, path_to(60), CAL)) is None
    tapered = straight_band(end_mm=45, taper=0.5)
    assert find_cutoff(contrast_profile(tapered, path_to(52), CAL)) is None


def test_bench_and_tilt():
    ap = Directions("L", "F")
    flat = [(0.0, 0.0), (200.0, 0.0)]
    assert root_tilt_deg(flat, ap, 4.0) == pytest.approx(0.0, abs=0.5)
    diag = [(0.0, 0.0), (100.0, 100.0)]
    assert root_tilt_deg(diag, ap, 4.0) == pytest.approx(45.0, abs=0.5)
    # a descending course with an upward hump in its middle
    xs = np.linspace(0, 200, 201)
    ys = 0.5 * xs - 25 * np.exp(-(((xs - 100) / 25) ** 2))
    bumped = list(zip(xs, ys))
    b = find_bench(bumped, ap, 4.0)
    assert b is not None and b.code == "bench_sign"
    assert abs(b.point[0] - 100) < 25
    assert find_bench(list(zip(xs, 0.5 * xs + 0.001 * xs**2)), ap, 4.0) is None


def test_suggestions_are_unconfirmed_and_linked():
    img = straight_band(end_mm=18)
    path = path_to(26)
    prof = contrast_profile(img, path, CAL)
    out = suggest_path_findings(prof, path, "film1", Directions("L", "F"), "L5", 0, 1 / SPACING)
    codes = [f.code for f, _ in out]
    assert "contrast_cutoff" in codes and "l5_tilt_angle" in codes
    for finding, ann in out:
        assert finding.suggested and ann.suggested
        assert finding.annotation_id == ann.id and ann.attrs["finding_id"] == finding.id
        assert finding.film_id == "film1"
        assert (finding.angle_deg is not None) == (finding.code == "l5_tilt_angle")


def test_plot_is_an_rgb_image():
    img = straight_band(end_mm=18)
    prof = contrast_profile(img, path_to(26), CAL)
    rgb = plot_profile(prof, [(18.0, "cutoff")])
    assert rgb.ndim == 3 and rgb.shape[2] == 3 and rgb.dtype == np.uint8
    assert rgb.std() > 0


def test_analyse_path_sees_a_stop_at_the_end_of_the_traced_path():
    from annotator.assist.suggest import analyse_path

    img = straight_band(end_mm=18)
    path = path_to(18)  # the user traced exactly to where the contrast stops
    profile, found = analyse_path(img, path, CAL, Directions("L", "F"), "L4", "film1")
    assert profile.s[-1] > 18 + 4  # looked past the end
    cuts = [f for f, _ in found if f.code == "contrast_cutoff"]
    assert len(cuts) == 1
    ann = next(a for f, a in found if f.code == "contrast_cutoff")
    assert abs(ann.points[0][0] - (20 + 18 / SPACING)) * SPACING <= 2.0


def test_no_cutoff_at_the_end_of_a_short_tapering_sleeve():
    # a normal sleeve that fills only 15 mm, tapering to half its radius: it ends, but not at
    # full calibre (against its whole course the last millimetres still looked full)
    tapered = straight_band(end_mm=15, taper=0.5)
    assert find_cutoff(contrast_profile(tapered, path_to(22), CAL)) is None


def test_a_cutoff_far_along_the_root_is_found():
    # no course-length gate: a block beyond 30 mm of filled course is still a block
    img = straight_band(end_mm=38, size=(200, 400))
    cut = find_cutoff(contrast_profile(img, path_to(46), CAL))
    assert cut is not None and abs(cut.s - 38) <= 2.0


def test_band_height_on_a_sloping_background():
    # a band crossing a bone edge lies on a slope: its height is measured above the slope,
    # not above the denser side (which made the band seem to fade where it crossed the edge)
    h, w = 200, 320
    yy, xx = np.mgrid[0:h, 0:w] + 0.5
    ramp = 8.0 * np.clip(yy - 100, -40, 40)  # stored values rise across the band: the density falls
    band = straight_band(end_mm=70, seed=3).astype(float) - 3000
    img = np.clip(3000 + ramp + band, 0, 4095).astype(np.uint16)
    flat = straight_band(end_mm=70, seed=3)
    mid = slice(40, 160)

    def height_stored(frame):  # band height back in stored units (density spans the 1..99th pct)
        lo, hi = np.percentile(frame[frame > frame.min()], (1, 99))
        return np.median(contrast_profile(frame, path_to(60), CAL).intensity[mid]) * (hi - lo)

    assert height_stored(img) == pytest.approx(height_stored(flat), rel=0.1)
