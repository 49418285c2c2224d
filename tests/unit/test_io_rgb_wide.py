"""RGB with 16- or 32-bit samples (pydicom's SC_rgb_*bit files): shown at 8 bits per channel,
each channel windowed on its own range."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest
from pydicom import dcmread
from pydicom.data import get_testdata_file

from annotator.cli import main
from annotator.io import open_image

WIDE_RGB = [f"SC_rgb{kind}_{bits}bit{frames}.dcm" for kind in ("", "_rle", "_expb") for bits in (16, 32)
            for frames in ("", "_2frame")]


def _copy(name: str, tmp_path: Path) -> Path:
    src = get_testdata_file(name)
    if src is None:
        pytest.skip(f"{name} not available")
    return Path(shutil.copy(src, tmp_path / name))


@pytest.mark.parametrize("name", WIDE_RGB)
def test_wide_rgb_opens_as_8_bit_windowed_per_channel(name: str, tmp_path: Path) -> None:
    path = _copy(name, tmp_path)
    img = open_image(path)
    ds = dcmread(path)
    expected = ds.pixel_array.reshape(int(getattr(ds, "NumberOfFrames", 1) or 1), ds.Rows, ds.Columns, 3)
    assert img.is_color and img.info.frames == len(expected)
    for i, raw in enumerate(expected):
        got = img.stored_frame(i)
        assert got.dtype == np.uint8 and got.shape == (ds.Rows, ds.Columns, 3)
        raw = raw.astype(np.float64)
        for c in range(3):
            lo, hi = raw[..., c].min(), raw[..., c].max()
            want = np.rint((raw[..., c] - lo) * 255.0 / (hi - lo)) if hi > lo else np.zeros_like(raw[..., c])
            np.testing.assert_array_equal(got[..., c], want.astype(np.uint8))
            assert got[..., c].min() == 0 and got[..., c].max() == (255 if hi > lo else 0)


def test_wide_rgb_renders_through_the_cli(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from PIL import Image

    path = _copy("SC_rgb_rle_32bit_2frame.dcm", tmp_path)
    out = tmp_path / "x.png"
    assert main(["render", str(path), "--frame", "1", "--out", str(out)]) == 0
    with Image.open(out) as im:
        assert im.mode == "RGB" and im.size == (100, 100)
        np.testing.assert_array_equal(np.asarray(im), open_image(path).stored_frame(1))
    capsys.readouterr()


def test_wide_ybr_is_still_refused_in_one_line(tmp_path: Path) -> None:
    from annotator.errors import UnsupportedImageError

    path = _copy("SC_rgb_16bit.dcm", tmp_path)
    ds = dcmread(path)
    ds.PhotometricInterpretation = "YBR_FULL"
    ds.save_as(path)
    with pytest.raises(UnsupportedImageError, match="YBR_FULL with 3 samples of 16 bits"):
        open_image(path)


@pytest.mark.parametrize("syntax", ["1.2.840.10008.1.2.4.50", "1.2.840.10008.1.2.4.57", "1.2.840.10008.1.2.4.70"])
def test_32_bit_samples_in_a_jpeg_syntax_are_refused_before_the_decoder(syntax: str, tmp_path: Path) -> None:
    # found by the fuzz suite: GDCM aborts the whole process (SIGABRT) on such data, so a subprocess
    import subprocess
    import sys

    path = _copy("SC_rgb_rle_32bit.dcm", tmp_path)
    ds = dcmread(path)
    ds.file_meta.TransferSyntaxUID = syntax
    ds.save_as(path, enforce_file_format=False)
    result = subprocess.run([sys.executable, "-m", "annotator.cli", "render", str(path), "--out",
                             str(tmp_path / "x.png")], capture_output=True, text=True, timeout=120)
    assert result.returncode == 2, result
    assert result.stderr.strip().count("\n") == 0 and "32-bit samples" in result.stderr


@pytest.mark.parametrize("name", ["SC_rgb_jpeg_dcmtk.dcm", "JPGLosslessP14SV1_1s_1f_8b.dcm"])
def test_8_bit_jpeg_data_with_fewer_bits_stored_is_refused_before_the_decoder(name: str, tmp_path: Path) -> None:
    # found by the fuzz suite: GDCM aborts the process when the JPEG precision exceeds BitsStored
    import subprocess
    import sys

    path = _copy(name, tmp_path)
    ds = dcmread(path)
    ds.BitsStored, ds.HighBit = 7, 6
    ds.save_as(path, enforce_file_format=False)
    result = subprocess.run([sys.executable, "-m", "annotator.cli", "render", str(path), "--out",
                             str(tmp_path / "x.png")], capture_output=True, text=True, timeout=120)
    assert result.returncode == 2, result
    assert result.stderr.strip().count("\n") == 0 and "8-bit samples but the header says 7 bits stored" in result.stderr
