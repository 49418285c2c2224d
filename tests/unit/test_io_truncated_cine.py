"""A native cine run cut short still opens: its complete frames show, the missing ones say which.

User messages number frames from 1 ("frame 3 of 6"), as the viewer does.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from annotator.errors import CorruptImageError
from annotator.io import open_image
from tests.unit.test_io_synthetic import SECRETS, make_dicom

ROWS, COLS, FRAMES = 16, 20, 6
FRAME_BYTES = ROWS * COLS * 2


def _pixels(signed: bool = False) -> np.ndarray:
    base = np.arange(FRAMES * ROWS * COLS).reshape(FRAMES, ROWS, COLS) % 2000
    return base - 1000 if signed else base


def _cut_cine(tmp_path: Path, complete: float, signed: bool = False) -> Path:
    """A 6-frame cine whose file ends ``complete`` frames into the pixel data."""
    path = make_dicom(tmp_path / "run.dcm", rows=ROWS, cols=COLS, frames=FRAMES,
                      pixels=_pixels(signed), signed=signed)
    data = path.read_bytes()
    start = len(data) - FRAMES * FRAME_BYTES
    path.write_bytes(data[: start + int(complete * FRAME_BYTES)])
    return path


@pytest.mark.parametrize("headers_only", [False, True])
@pytest.mark.parametrize("signed", [False, True])
def test_half_a_cine_opens_and_shows_its_complete_frames(tmp_path, headers_only, signed):
    path = _cut_cine(tmp_path, 3.5, signed)
    img = open_image(path, headers_only=headers_only)
    assert img.info.frames == FRAMES and img.complete_frames == 3 and img.truncated
    want = _pixels(signed)
    for i in range(3):
        assert np.array_equal(img.stored_frame(i), want[i])
    for i in range(3, FRAMES):
        with pytest.raises(CorruptImageError) as err:
            img.stored_frame(i)
        msg = str(err.value)
        assert f"frame {i + 1} of {FRAMES}" in msg and "cut short" in msg
        assert not any(s in msg for s in SECRETS) and "\n" not in msg
    assert np.array_equal(img.stored_frame(1), want[1])  # still fine after a failure


def test_a_whole_file_is_not_truncated(tmp_path):
    path = make_dicom(tmp_path / "run.dcm", rows=ROWS, cols=COLS, frames=FRAMES, pixels=_pixels())
    img = open_image(path)
    assert img.complete_frames == FRAMES and not img.truncated


def test_less_than_one_frame_left_is_refused_on_open(tmp_path):
    with pytest.raises(CorruptImageError, match="truncated"):
        open_image(_cut_cine(tmp_path, 0.5))


def test_frame_index_errors_are_explicit(tmp_path):
    img = open_image(_cut_cine(tmp_path, 6.0))
    with pytest.raises(IndexError, match=r"out of range 0\.\.5 \(shown as frames 1\.\.6\)"):
        img.stored_frame(6)


def test_deferred_pixel_data_reads_only_complete_frames(tmp_path):
    """Above 64 kB a folder import leaves the pixel data on disk: frames are read from the file."""
    rows = cols = 128
    pixels = (np.arange(FRAMES * rows * cols).reshape(FRAMES, rows, cols) * 7) % 4096
    path = make_dicom(tmp_path / "big.dcm", rows=rows, cols=cols, frames=FRAMES, pixels=pixels)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) - int(2.5 * rows * cols * 2)])
    img = open_image(path, headers_only=True)
    assert img.complete_frames == 3
    assert np.array_equal(img.stored_frame(2), pixels[2]) and np.array_equal(img.stored_frame(0), pixels[0])
    with pytest.raises(CorruptImageError, match="frame 4 of 6"):
        img.stored_frame(3)
