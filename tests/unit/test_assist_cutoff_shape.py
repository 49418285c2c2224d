"""What makes a cutoff: a full-calibre column that stops bluntly; a sleeve that tapers, fades, blurs
out or widens at its end gets no suggestion (issue 14: no false cutoffs on normal roots)."""

from __future__ import annotations

import math

import numpy as np
from scipy.special import erf

from annotator.assist.profile import contrast_profile
from annotator.assist.suggest import analyse_path, find_cutoff
from annotator.geometry import Calibration
from annotator.geometry.calibration import CalibrationSource

SPACING = 0.25  # mm per px
CAL = Calibration(SPACING, SPACING, CalibrationSource.PIXEL_SPACING)
X0, Y0 = 20, 100  # the band starts at (X0, Y0) px and runs toward +x


def film(band: np.ndarray, seed: int = 3) -> np.ndarray:
    """Stored pixels (dense = dark) of a density image ``band`` (mm of contrast) with mild noise."""
    rng = np.random.default_rng(seed)
    img = 3000 - 60 * band / SPACING + rng.normal(0, 15, band.shape)
    return np.clip(img, 0, 4095).astype(np.uint16)


def grid(size=(200, 360)):
    yy, xx = np.mgrid[0 : size[0], 0 : size[1]] + 0.5
    return (xx - X0) * SPACING, np.abs(yy - Y0) * SPACING  # along the band, across it (mm)


def tube(end_mm: float, radius=lambda s: 2.0 + 0 * s) -> np.ndarray:
    """Chord thickness (mm) of a filled sleeve from the start to ``end_mm`` (its axis), radius(s) mm,
    closed by a rounded cap as a filled column is."""
    s, d = grid()
    r = radius(np.clip(s, 0, end_mm))
    past = np.clip(s - end_mm, 0, None)
    return 2 * np.sqrt(np.clip(r**2 - d**2 - past**2, 0, None)) * (s >= 0)


def path_to(mm: float):
    return [(float(X0), float(Y0)), (X0 + mm / SPACING, float(Y0))]


def test_full_calibre_blunt_stop_is_a_cutoff_at_its_place():
    img = film(tube(20.0))
    cut = find_cutoff(contrast_profile(img, path_to(27), CAL))
    assert cut is not None and cut.code == "contrast_cutoff"
    assert abs(cut.s - 20.0) <= 1.5
    # the same through analyse_path, with the path traced exactly to where the contrast stops
    _, found = analyse_path(img, path_to(20), CAL)
    points = [a.points[0] for f, a in found if f.code == "contrast_cutoff"]
    assert len(points) == 1 and abs(points[0][0] - (X0 + 20 / SPACING)) * SPACING <= 1.5


def test_a_faint_thread_beyond_the_stop_does_not_hide_the_cutoff():
    s, d = grid()
    thread = 0.12 * 2 * np.sqrt(np.clip(0.4**2 - d**2, 0, None)) / 0.8 * ((s > 20) & (s <= 32))
    cut = find_cutoff(contrast_profile(film(tube(20.0) + thread), path_to(27), CAL))
    assert cut is not None and abs(cut.s - 20.0) <= 1.5


def test_a_short_sleeve_tapering_to_its_end_is_not_a_cutoff():
    # fills 16 mm and narrows all the way (to 40 % of its radius): it ends, abruptly, but not at full calibre
    img = film(tube(16.0, radius=lambda s: 2.0 * (1 - 0.6 * np.clip(s / 16.0, 0, 1))))
    assert find_cutoff(contrast_profile(img, path_to(23), CAL)) is None
    assert not [f for f, _ in analyse_path(img, path_to(16), CAL)[1] if f.code == "contrast_cutoff"]


def test_a_band_that_blurs_out_over_its_own_width_is_not_a_cutoff():
    # a gaussian band of constant width whose end is as soft as the band is wide (contrast thinning
    # out distally): full calibre, but no blunt stop. The end is read on the film at full resolution.
    s, d = grid()
    sigma = 1.0
    along = 0.5 * (1 - erf((s - 20.0) / (math.sqrt(2) * sigma))) * (s >= 0)
    soft = film(1.6 * np.exp(-(d**2) / (2 * sigma**2)) * along)
    assert find_cutoff(contrast_profile(soft, path_to(28), CAL), frame=soft) is None
    assert not [f for f, _ in analyse_path(soft, path_to(20), CAL)[1] if f.code == "contrast_cutoff"]
    # the same band cut bluntly at 20 mm is a cutoff
    blunt = film(1.6 * np.exp(-(d**2) / (2 * sigma**2)) * ((s >= 0) & (s <= 20.0)))
    cut = find_cutoff(contrast_profile(blunt, path_to(28), CAL), frame=blunt)
    assert cut is not None and abs(cut.s - 20.0) <= 1.5
    assert [f for f, _ in analyse_path(blunt, path_to(20), CAL)[1] if f.code == "contrast_cutoff"]


def test_the_band_end_is_the_stop_near_the_traced_end_not_a_structure_further_on():
    # the user traced to where the contrast stops; 3 mm past the stop another dense structure
    # crosses the extension the profile looks along: the stop is still seen
    s, d = grid()
    other = 3.0 * np.sqrt(np.clip(1 - ((s - 25.5) ** 2 + d**2) / 2.0**2, 0, None))  # a dense blob on the line
    img = film(tube(20.0) + other)
    _, found = analyse_path(img, path_to(20), CAL)
    points = [a.points[0] for f, a in found if f.code == "contrast_cutoff"]
    assert len(points) == 1 and abs(points[0][0] - (X0 + 20 / SPACING)) * SPACING <= 1.5


def test_a_band_fading_toward_its_end_is_not_a_cutoff():
    # full width to the end, but its contrast falls to a third: a fading sleeve, not a compressed column
    s, d = grid()
    fade = np.clip(1 - 0.65 * s / 20.0, 0, 1)
    band = tube(20.0) * fade
    assert find_cutoff(contrast_profile(film(band), path_to(27), CAL)) is None


def test_a_column_wider_at_its_end_than_along_its_course_is_not_a_cutoff():
    # something overlaps the last millimetres (a blob twice as wide): the calibre cannot be read there
    img = film(tube(20.0, radius=lambda s: np.where(s > 15.0, 4.0, 2.0)))
    assert find_cutoff(contrast_profile(img, path_to(27), CAL)) is None


def slab(end_mm: float, half_width) -> np.ndarray:
    """A band of constant thickness (1.6 mm of contrast at every point across it) whose half-width
    is ``half_width(s)`` mm, ending squarely at ``end_mm``: its intensity on the axis never
    changes, only its width does -- the width rules alone decide."""
    s, d = grid()
    w = half_width(np.clip(s, 0, end_mm))
    return 1.6 * np.clip(w - d + 0.5, 0, 1) * ((s >= 0) & (s <= end_mm))


def test_a_band_as_dense_but_twice_as_wide_at_its_end_is_not_a_cutoff():
    img = film(slab(20.0, lambda s: np.where(s > 15.0, 4.0, 2.0)))
    assert find_cutoff(contrast_profile(img, path_to(27), CAL)) is None
    # the same band, as wide at its end as along its course, is one (its square front is placed
    # up to half a width early: the location rule assumes a filled sleeve's rounded end, README)
    same = film(slab(20.0, lambda s: 2.0 + 0 * s))
    cut = find_cutoff(contrast_profile(same, path_to(27), CAL))
    assert cut is not None and 17.5 <= cut.s <= 20.5


def test_a_band_as_dense_but_narrowing_to_half_its_width_is_not_a_cutoff():
    img = film(slab(20.0, lambda s: 2.0 - 1.0 * np.clip((s - 10.0) / 8.0, 0, 1)))
    assert find_cutoff(contrast_profile(img, path_to(27), CAL)) is None
