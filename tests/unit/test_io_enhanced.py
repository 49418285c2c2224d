"""Enhanced multi-frame files: rescale and window from the functional groups, used together.

pydicom's ``apply_modality_lut`` reads only the top-level Rescale tags; an
enhanced object keeps them in the Pixel Value Transformation macro of the
shared or per-frame functional groups, next to the Frame VOI LUT window (in
modality units). Expectations are written from the tags, by hand.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest
from pydicom.dataset import Dataset
from pydicom.sequence import Sequence

from annotator.io import open_image
from annotator.render.display import display_frame
from tests.unit.test_io_synthetic import make_dataset, make_dicom

pydicom_data = pytest.importorskip("pydicom.data")


def linear(x: np.ndarray, c: float, w: float) -> np.ndarray:  # PS3.3 C.11.2.1.2.1, rounded to 0..255
    y = np.where(x <= c - 0.5 - (w - 1) / 2, 0.0,
                 np.where(x > c - 0.5 + (w - 1) / 2, 255.0, ((x - (c - 0.5)) / (w - 1) + 0.5) * 255.0))
    return np.floor(y + 0.5).astype(np.uint8)


def _item(**tags) -> Dataset:
    ds = Dataset()
    for k, v in tags.items():
        setattr(ds, k, v)
    return ds


def _group(rescale: tuple[float, float] | None = None, window: tuple[float, float] | None = None) -> Dataset:
    group = Dataset()
    if rescale is not None:
        group.PixelValueTransformationSequence = Sequence(
            [_item(RescaleSlope=rescale[0], RescaleIntercept=rescale[1], RescaleType="US")])
    if window is not None:
        group.FrameVOILUTSequence = Sequence([_item(WindowCenter=window[0], WindowWidth=window[1])])
    return group


def test_ect_supplemental_shows_in_hounsfield_units(tmp_path):
    src = pydicom_data.get_testdata_file("eCT_Supplemental.dcm")
    path = Path(shutil.copy(src, tmp_path / "ect.dcm"))
    img = open_image(path)
    (window,) = img.info.windows
    assert (window.center, window.width) == (49, 102)  # Frame VOI LUT, shared group
    stored = img.stored_frame(0)
    hu = stored.astype(np.float64) - 1024.0  # shared Pixel Value Transformation: slope 1, intercept -1024
    np.testing.assert_array_equal(img.modality_lut(0, 3), [-1024, -1023, -1022, -1021])
    got = display_frame(img, 0)
    np.testing.assert_array_equal(got, linear(hu, 49, 102))
    assert 0.6 < (got == 0).mean() < 0.75  # the air around the head is black
    np.testing.assert_array_equal(img.modality_frame(1), (img.stored_frame(1) - 1024.0).astype(np.float32))


def test_per_frame_rescale_beats_shared_and_each_frame_keeps_its_own(tmp_path):
    pixels = np.tile(np.arange(0, 400, 20, dtype=np.uint16), (16, 1))[:, :20].reshape(1, 16, 20)
    pixels = np.repeat(pixels, 2, axis=0)
    ds = make_dataset(rows=16, cols=20, frames=2, pixels=pixels)
    ds.SharedFunctionalGroupsSequence = Sequence([_group(rescale=(5.0, 5.0), window=(100, 200))])
    ds.PerFrameFunctionalGroupsSequence = Sequence([_group(rescale=(1.0, 0.0)), _group(rescale=(0.5, -50.0))])
    img = open_image(make_dicom(tmp_path / "e.dcm", dataset=ds))
    assert [(w.center, w.width) for w in img.info.windows] == [(100, 200)]
    x = pixels[0].astype(np.float64)
    np.testing.assert_array_equal(img.frame_modality_lut(1, 0, 2), [-50.0, -49.5, -49.0])
    np.testing.assert_array_equal(display_frame(img, 0), linear(x, 100, 200))
    np.testing.assert_array_equal(display_frame(img, 1), linear(x * 0.5 - 50.0, 100, 200))
    np.testing.assert_allclose(img.modality_frame(1), x * 0.5 - 50.0)
    assert img.modality_key(0) != img.modality_key(1)


def test_shared_rescale_without_a_window_gives_an_automatic_window_in_modality_units(tmp_path):
    pixels = np.tile(np.arange(100, 200, dtype=np.uint16), (10, 1)).reshape(1, 10, 100)
    ds = make_dataset(rows=10, cols=100, pixels=pixels)
    ds.SharedFunctionalGroupsSequence = Sequence([_group(rescale=(10.0, -1000.0))])
    img = open_image(make_dicom(tmp_path / "e.dcm", dataset=ds))
    w = img.auto_window(0)
    assert w.center == pytest.approx(495, abs=10)  # (100..199) * 10 - 1000 -> 0..990
    assert w.width == pytest.approx(990 * 0.99, rel=0.02)


def test_top_level_rescale_still_read_when_there_are_no_functional_groups(tmp_path):
    ds = make_dataset(RescaleSlope=2, RescaleIntercept=-100)
    img = open_image(make_dicom(tmp_path / "plain.dcm", dataset=ds))
    np.testing.assert_array_equal(img.modality_lut(0, 2), [-100, -98, -96])
    assert img.modality_key(0) is None
