"""Cine: log subtraction, alignment and the vascular-uptake cue."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from annotator.assist.cine import align_to, log_subtract, vascular_cue
from annotator.assist.common import AssistError

CINE = Path(__file__).resolve().parents[2] / "sample_images" / "cases" / "cine_venous_blush"


def test_log_subtraction_sign():
    mask = np.full((32, 32), 2000, np.uint16)
    frame = mask.copy()
    frame[10:20, 10:20] = 1000  # new density: darker
    sub = log_subtract(frame, mask)
    assert sub[15, 15] == pytest.approx(np.log1p(2000) - np.log1p(1000), rel=1e-5)
    assert sub[0, 0] == pytest.approx(0.0, abs=1e-6)
    with pytest.raises(AssistError):
        log_subtract(frame, mask[:10])


def test_alignment_recovers_a_shift():
    rng = np.random.default_rng(0)
    from scipy import ndimage

    ref = ndimage.gaussian_filter(rng.normal(0, 1, (96, 96)), 3).astype(np.float32)
    moved = np.roll(ref, (3, -2), axis=(0, 1))
    back = align_to(moved, ref)
    inner = (slice(10, -10), slice(10, -10))
    assert np.abs(back[inner] - ref[inner]).mean() < 0.1 * np.abs(ref).mean()


@pytest.fixture(scope="module")
def cine_run():
    from annotator.io import open_image

    image = open_image(CINE / "01_ap_run.dcm")
    run = np.stack([image.stored_frame(i) for i in range(image.info.frames)])
    truth = json.loads((CINE / "01_ap_run.truth.json").read_text())
    return run, truth, image.info.calibration


def test_cue_names_the_first_blush_frame_of_the_sample(cine_run):
    run, truth, cal = cine_run
    cue = vascular_cue(run, truth["contrast_path"], cal)
    assert cue.first_frame == truth["venous_blush"]["first_frame"]
    assert set(cue.frames) <= set(truth["venous_blush"]["frames"])
    x0, y0, x1, y1 = truth["venous_blush"]["bbox"]
    x, y = cue.location
    assert x0 - 20 <= x <= x1 + 20 and y0 - 20 <= y <= y1 + 20
    # without the path it still finds it (root region from the last frame)
    assert vascular_cue(run, None, cal).first_frame == truth["venous_blush"]["first_frame"]


def test_no_cue_before_the_blush(cine_run):
    run, truth, cal = cine_run
    first = truth["venous_blush"]["first_frame"]
    cue = vascular_cue(run[:first], truth["contrast_path"], cal)
    assert cue.first_frame is None and cue.frames == ()


def test_bad_runs():
    with pytest.raises(AssistError):
        vascular_cue(np.zeros((2, 32, 32)))
    with pytest.raises(AssistError):
        vascular_cue(np.zeros((4, 32, 32)), mask_index=7)
