"""io + render on pydicom's test files, against pydicom's own LUT functions plus the PS3.3 formulas."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

from annotator.io import open_image
from annotator.render.display import display_frame

pydicom_data = pytest.importorskip("pydicom.data")


def copy(name: str, tmp_path: Path) -> Path:
    src = pydicom_data.get_testdata_file(name)
    if src is None:
        pytest.skip(f"{name} not in pydicom-data")
    return Path(shutil.copy(src, tmp_path / name))


def linear(x: np.ndarray, c: float, w: float) -> np.ndarray:  # PS3.3 C.11.2.1.2.1, 0..255
    return np.where(x <= c - 0.5 - (w - 1) / 2, 0.0,
                    np.where(x > c - 0.5 + (w - 1) / 2, 255.0, ((x - (c - 0.5)) / (w - 1) + 0.5) * 255.0))


def to_uint8(y: np.ndarray, monochrome1: bool) -> np.ndarray:
    if monochrome1:
        y = 255.0 - y
    return np.floor(y + 0.5).astype(np.uint8)


@pytest.mark.parametrize("name", ["MR_small.dcm", "MR-SIEMENS-DICOM-WithOverlays.dcm", "CT_small.dcm",
                                  "mlut_18.dcm", "RG1_J2KI.dcm"])
def test_windowed_files(name, tmp_path):
    import pydicom
    from pydicom.pixels import apply_modality_lut

    path = copy(name, tmp_path)
    image = open_image(path)
    window = image.default_window(0)
    ds = pydicom.dcmread(path)
    x = apply_modality_lut(ds.pixel_array, ds).astype(np.float64)
    assert window.lut is None and window.function == "LINEAR"
    want = to_uint8(linear(x, window.center, window.width), ds.PhotometricInterpretation == "MONOCHROME1")
    if "WindowCenter" in ds:  # the file's own first window is the default
        wc = ds.WindowCenter[0] if ds["WindowCenter"].VM > 1 else ds.WindowCenter
        assert window.center == pytest.approx(float(wc))
    got = display_frame(image)
    assert got.dtype == np.uint8 and got.shape == x.shape
    np.testing.assert_array_equal(got, want)


def test_voi_lut_table_file(tmp_path):
    import pydicom
    from pydicom.pixels import apply_voi

    path = copy("vlut_04.dcm", tmp_path)
    image = open_image(path)
    window = image.default_window(0)
    assert window.lut is not None
    ds = pydicom.dcmread(path)
    table_out = apply_voi(ds.pixel_array, ds).astype(np.float64)
    item = ds.VOILUTSequence[0]
    assert int(item.LUTDescriptor[2]) == 16 and table_out.max() == 65535  # a true 16-bit table
    want = to_uint8(table_out * 255.0 / 65535, False)
    np.testing.assert_array_equal(display_frame(image), want)


def test_colour_file_shown_as_stored(tmp_path):
    import pydicom

    path = copy("SC_rgb.dcm", tmp_path)
    np.testing.assert_array_equal(display_frame(open_image(path)), pydicom.dcmread(path).pixel_array)
