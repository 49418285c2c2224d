"""qimage.array_to_qimage: the one array -> QImage conversion."""

from __future__ import annotations

import numpy as np
import pytest

from annotator.ui.qimage import array_to_qimage


def test_grey_is_zero_copy_and_keeps_the_array_alive():
    a = np.arange(12, dtype=np.uint8).reshape(3, 4)
    q = array_to_qimage(a)
    assert (q.width(), q.height()) == (4, 3)
    assert q._array is a  # shares memory, holds a reference
    assert q.pixelColor(3, 2).red() == 11
    a[2, 3] = 200
    assert q.pixelColor(3, 2).red() == 200


def test_rgb_and_non_contiguous_arrays():
    rgb = np.zeros((5, 6, 3), np.uint8)
    rgb[1, 2] = (10, 20, 30)
    assert array_to_qimage(rgb).pixelColor(2, 1).getRgb() == (10, 20, 30, 255)
    strided = np.arange(60, dtype=np.uint8).reshape(6, 10)[:, ::2]
    q = array_to_qimage(strided)
    assert q.pixelColor(1, 1).red() == strided[1, 1]


def test_rejects_a_shape_that_is_no_image():
    with pytest.raises(ValueError):
        array_to_qimage(np.zeros((2, 2, 2, 2), np.uint8))
