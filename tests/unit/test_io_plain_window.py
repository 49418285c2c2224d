"""Plain images show as stored: a full-range LINEAR window first, the automatic one kept as a preset."""

from __future__ import annotations

import numpy as np
import tifffile
from PIL import Image

from annotator.io import open_image
from annotator.io.voi_windows import COLOR_WINDOW, full_range_window
from annotator.render.display import display_frame
from annotator.render.lut import display_lut


def test_colour_window_is_the_identity():
    values = np.arange(256, dtype=np.float64)
    assert (COLOR_WINDOW.center, COLOR_WINDOW.width, COLOR_WINDOW.function) == (128, 256, "LINEAR")
    np.testing.assert_array_equal(display_lut(values, COLOR_WINDOW), np.arange(256, dtype=np.uint8))


def test_full_range_window_rescales_deeper_data():
    w = full_range_window(16)
    assert (w.center, w.width) == (32768, 65536)
    out = display_lut(np.array([0, 257, 32896, 65535], dtype=np.float64), w)
    np.testing.assert_array_equal(out, [0, 1, 128, 255])


def _faint(h=30, w=40):
    """A faint grey picture (values 100..140): the automatic window would stretch it."""
    return (100 + np.arange(h * w) % 41).reshape(h, w).astype(np.uint8)


def test_grey_png_tiff_bmp_shown_exactly_as_stored(tmp_path):
    arr = _faint()
    Image.fromarray(arr).save(tmp_path / "a.png")
    Image.fromarray(arr).save(tmp_path / "a.bmp")
    tifffile.imwrite(tmp_path / "a.tif", arr)
    for name in ("a.png", "a.bmp", "a.tif"):
        img = open_image(tmp_path / name)
        first = img.default_window(0)
        assert (first.center, first.width, first.explanation) == (128, 256, "as stored")
        np.testing.assert_array_equal(display_frame(img), arr)


def test_automatic_window_still_available(tmp_path):
    arr = _faint()
    Image.fromarray(arr).save(tmp_path / "a.png")
    img = open_image(tmp_path / "a.png")
    auto = img.auto_window(0)
    assert auto.source == "auto" and auto.width < 64
    assert auto not in img.info.windows  # a second preset, not the default
    stretched = display_frame(img, window=auto)
    assert int(stretched.max()) - int(stretched.min()) > 200


def test_16bit_grey_png_full_range(tmp_path):
    arr = np.array([[0, 65535], [257, 32896]], dtype=np.uint16)
    Image.fromarray(arr).save(tmp_path / "b.png")
    img = open_image(tmp_path / "b.png")
    assert (img.default_window().center, img.default_window().width) == (32768, 65536)
    np.testing.assert_array_equal(display_frame(img), [[0, 255], [1, 128]])


def test_colour_plain_image_has_no_grey_window(tmp_path):
    rgb = np.zeros((4, 5, 3), np.uint8)
    rgb[..., 0] = 200
    Image.fromarray(rgb).save(tmp_path / "c.png")
    img = open_image(tmp_path / "c.png")
    assert img.info.windows == ()
    np.testing.assert_array_equal(display_frame(img), rgb)
