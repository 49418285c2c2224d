"""12-bit JPEG Extended decodes through imagecodecs, exactly as dcmtk's dcmdjpeg decodes it."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest
from pydicom import dcmread
from pydicom.data import get_testdata_file

from annotator.io import open_image


@pytest.mark.parametrize("name", ["JPEG-lossy.dcm", "JPGExtended.dcm"])
def test_12_bit_jpeg_extended_equals_dcmtk(name: str, tmp_path: Path) -> None:
    if shutil.which("dcmdjpeg") is None:
        pytest.skip("dcmdjpeg (Debian package dcmtk) is not installed")
    src = get_testdata_file(name)
    if src is None:
        pytest.skip(f"{name} not available")
    path = Path(shutil.copy(src, tmp_path / name))
    native = tmp_path / "native.dcm"
    subprocess.run(["dcmdjpeg", str(path), str(native)], check=True, capture_output=True, timeout=60)
    expected = dcmread(native).pixel_array
    img = open_image(path)
    assert img.info.bits_stored == 12
    got = img.stored_frame(0)
    assert got.dtype == np.uint16
    np.testing.assert_array_equal(got, expected)
