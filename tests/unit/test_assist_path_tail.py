"""The profile looks past the traced end without leaving the film, and a path
traced far past where the contrast stops still finds the stop."""

from __future__ import annotations

import numpy as np
from scipy import ndimage

from annotator.assist.suggest import analyse_path


def band_film(size=256, stop_x=120, y=128.0, width_px=10.0, seed=0):
    rng = np.random.default_rng(seed)
    yy, xx = np.mgrid[0:size, 0:size].astype(float)
    band = np.exp(-0.5 * ((yy - y) / (width_px / 2.355)) ** 2)
    band[:, stop_x:] = 0
    band[:, :20] = 0
    return ndimage.gaussian_filter(3000.0 - 1400.0 * band, 1.0) + rng.normal(0, 20, (size, size))


def codes(pairs):
    return [f.code for f, _a in pairs]


def test_stop_found_when_the_path_runs_on_to_the_film_edge():
    # traced to x = 240 on a 256 px film: the 6 mm look-ahead would leave the film
    path = ((22.0, 128.0), (130.0, 128.0), (240.0, 128.0))
    profile, pairs = analyse_path(band_film(), path)
    assert "contrast_cutoff" in codes(pairs)
    (x, _y), = next(a for f, a in pairs if f.code == "contrast_cutoff").points
    assert abs(x - 120) < 8
    assert np.all(np.isfinite(profile.intensity))


def test_no_stop_when_the_band_runs_to_the_edge():
    path = ((22.0, 128.0), (130.0, 128.0), (240.0, 128.0))
    _profile, pairs = analyse_path(band_film(stop_x=256), path)
    assert "contrast_cutoff" not in codes(pairs)
