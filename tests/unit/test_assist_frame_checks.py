"""Frames the assist cannot work on are refused with one clear line, before any filter runs: a
film too narrow for the working image (named by its own size, not the downsampled one) and
pixel values that are not numbers (a single NaN crashed the live wire)."""

from __future__ import annotations

import numpy as np
import pytest

from annotator.assist.common import AssistError, check_film, check_frame
from annotator.assist.livewire import LiveWire
from annotator.assist.needle import propose_needle, snap_tip
from annotator.assist.suggest import analyse_path


def _film(h=256, w=256):
    rng = np.random.default_rng(0)
    return (3000 + rng.normal(0, 20, (h, w))).astype(np.float32)


def test_a_narrow_film_is_named_by_its_own_size():
    img = np.random.default_rng(1).integers(0, 4000, (30, 2000)).astype(np.uint16)
    for call in (lambda: propose_needle(img), lambda: snap_tip(img, (1000.0, 15.0), 10.0), lambda: LiveWire(img)):
        with pytest.raises(AssistError) as err:
            call()
        message = str(err.value)
        assert "2000 x 30 pixels (columns x rows)" in message and "64" in message
        assert "500" not in message.replace("2000", "")  # not the downsampled 500 x 7


def test_small_and_long_films_that_fit_still_run():
    assert check_film(np.zeros((16, 16), np.uint16)).shape == (16, 16)
    assert check_film(np.zeros((64, 2000), np.uint16)).shape == (64, 2000)  # 16 rows once a quarter
    propose_needle(np.zeros((64, 2000), np.uint16))
    with pytest.raises(AssistError, match="at least 16 x 16 pixels; this one is 15 x 40 pixels"):
        check_frame(np.zeros((40, 15)))


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_values_that_are_not_numbers_are_refused_before_any_filter(bad):
    img = _film()
    img[5, 5] = bad
    calls = (lambda: propose_needle(img), lambda: snap_tip(img, (128.0, 128.0), 10.0),
             lambda: LiveWire(img).path([(50.0, 128.0), (200.0, 128.0)]),
             lambda: analyse_path(img, [(50.0, 128.0), (200.0, 128.0)]))
    for call in calls:
        with pytest.raises(AssistError, match="not numbers"):
            call()


def test_a_float64_value_too_large_for_float32_is_refused():
    img = _film().astype(np.float64)
    img[3, 3] = 1e300
    with pytest.raises(AssistError, match="not numbers"):
        check_frame(img)


def test_integer_and_colour_films_pass_the_check():
    grey = np.full((32, 32), 7, np.uint8)
    assert check_frame(grey).dtype == np.float32
    assert check_frame(np.stack([grey] * 3, -1)).shape == (32, 32)
