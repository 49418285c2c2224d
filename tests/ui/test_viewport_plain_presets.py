"""A plain greyscale image in a viewport: key 1 shows it as stored, key 2 the automatic window."""

from __future__ import annotations

import numpy as np
from PIL import Image

from annotator.io import open_image
from annotator.ui.viewport.display import FilmDisplay


def test_plain_grey_image_opens_as_stored_and_keeps_the_auto_window(tmp_path):
    arr = (100 + np.arange(30 * 40) % 41).reshape(30, 40).astype(np.uint8)
    Image.fromarray(arr).save(tmp_path / "faint.png")
    display = FilmDisplay(open_image(tmp_path / "faint.png"))
    np.testing.assert_array_equal(display.buffer(), arr)  # first view: exactly the stored pixels
    first, second = display.presets()[:2]
    assert (first.center, first.width, first.source) == (128, 256, "default")
    assert second.source == "auto"
    assert display.apply_preset(2) is second
    stretched = display.buffer()
    assert int(stretched.max()) - int(stretched.min()) > 200
    display.apply_preset(1)
    np.testing.assert_array_equal(display.buffer(), arr)
