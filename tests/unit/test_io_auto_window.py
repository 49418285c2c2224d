"""The automatic window ignores the background -- collimator, outside of the round field -- also when noisy.

Expectations are the 0.5 / 99.5 percentiles of the pixels inside the field,
computed here with numpy on the field mask the test itself drew.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from annotator.io import open_image
from annotator.io.voi_windows import robust_window

ROOT = Path(__file__).resolve().parents[2]
N = 256


def _film(rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """A fluoroscopy-like 12-bit frame in a round field (70 % of the frame) and the field mask."""
    yy, xx = np.mgrid[0:N, 0:N]
    field = np.hypot(yy - N / 2 + 0.5, xx - N / 2 + 0.5) < 0.47 * N
    body = 1800 + 900 * np.cos(xx / N * 3.0) + 400 * np.exp(-((yy - 128) / 40.0) ** 2)
    body += rng.normal(0, 60, body.shape)
    frame = np.where(field, np.clip(body, 300, 3900), 0).astype(np.int64)
    return frame, field


def _truth(frame: np.ndarray, field: np.ndarray) -> tuple[float, float]:
    lo, hi = np.percentile(frame[field], [0.5, 99.5])
    return float(lo), float(hi)


def _range(w) -> tuple[float, float]:
    return w.center - w.width / 2, w.center + w.width / 2


NOISES = {
    "flat": lambda rng, n: np.zeros(n),
    "uniform 0-11": lambda rng, n: rng.integers(0, 12, n),
    "uniform 0-40": lambda rng, n: rng.integers(0, 41, n),
    "gauss 40+-15": lambda rng, n: rng.normal(40, 15, n),
    "gauss 100+-25": lambda rng, n: rng.normal(100, 25, n),
}


@pytest.mark.parametrize("noise", NOISES)
@pytest.mark.parametrize("monochrome1", [False, True])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_noisy_background_is_left_out(noise, monochrome1, seed):
    rng = np.random.default_rng(seed)
    frame, field = _film(rng)
    outside = ~field
    frame[outside] = np.clip(NOISES[noise](rng, int(outside.sum())), 0, None).astype(np.int64)
    if monochrome1:  # the white twin: background at the top end
        frame = 4095 - frame
    lo, hi = _truth(frame, field)
    got_lo, got_hi = _range(robust_window(frame.astype(np.uint16)))
    span = hi - lo
    assert abs(got_lo - lo) < 0.03 * span and abs(got_hi - hi) < 0.03 * span, (got_lo, got_hi, lo, hi)


def test_sample_film_with_noise_in_its_collimator_keeps_its_window():
    """02_ap.dcm: 30 % black outside the field. 0-11 of noise there once moved the window to 1..3315."""
    img = open_image(ROOT / "sample_images" / "cases" / "right_L5_on_target" / "02_ap.dcm")
    frame = img.stored_frame(0).astype(np.int64)
    clean = _range(robust_window(frame.astype(np.uint16)))
    background = frame == 0
    assert 0.25 < background.mean() < 0.35
    noisy = frame.copy()
    noisy[background] += np.random.default_rng(0).integers(0, 12, int(background.sum()))
    got = _range(robust_window(noisy.astype(np.uint16)))
    assert abs(got[0] - clean[0]) < 30 and abs(got[1] - clean[1]) < 30, (got, clean)
    assert clean[0] > 400  # the clean window does start inside the field


def test_a_broad_dark_mode_is_image_not_background():
    """Half the pixels in a wide dark mode (MR muscle, CT soft tissue) stay in the window."""
    rng = np.random.default_rng(5)
    dark = rng.normal(500, 150, 30000)
    bright = rng.normal(2500, 400, 30000)
    frame = np.clip(np.concatenate([dark, bright]), 0, 4095).astype(np.uint16).reshape(240, 250)
    lo, _ = _range(robust_window(frame))
    assert lo <= np.percentile(frame, 1)


def test_small_dark_details_are_not_background():
    """A needle or a marker (under 2 % of the pixels) at the dark end is not cut off."""
    rng = np.random.default_rng(6)
    frame = rng.normal(2000, 300, (200, 200))
    frame[100:102, :] = rng.normal(50, 5, (2, 200))  # 1 % of the pixels
    frame = np.clip(frame, 0, 4095).astype(np.uint16)
    lo, _ = _range(robust_window(frame))
    assert lo <= np.percentile(frame, 0.6)
