"""Films added from the case panel keep only directions the file states, not defaulted ones."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image

from annotator.io import open_image
from annotator.ui.case_panel import film_from_image

SAMPLE = Path(__file__).resolve().parents[2] / "sample_images" / "cases" / "L4_bench_sign"


def test_defaulted_directions_are_not_stored(tmp_path):
    path = tmp_path / "plain.png"
    Image.fromarray(np.zeros((32, 32), np.uint8)).save(path)
    image = open_image(path)
    assert str(image.info.directions.source).startswith("default")
    film = film_from_image("plain.png", image)
    assert film.directions is None
    assert film.path == "plain.png"


def test_directions_from_the_file_are_stored():
    image = open_image(SAMPLE / "01_lateral.dcm")
    assert not str(image.info.directions.source).startswith("default")
    film = film_from_image("01_lateral.dcm", image)
    assert film.directions == image.info.directions
