"""Random damage to real and synthetic films: only the project's errors come out, quickly.

Deterministic (seeded) mutations: flipped bytes, overwritten runs, cuts and
inflated element lengths. Each damaged file must open and decode, or raise an
``ImageLoadError``; nothing else, and no file may take long.
"""

from __future__ import annotations

import shutil
import time
import zlib
from pathlib import Path

import numpy as np
import pytest
import tifffile
from PIL import Image
from pydicom.data import get_testdata_file

from annotator.errors import ImageLoadError
from annotator.io import open_image
from tests.unit.test_io_synthetic import SECRETS, make_dicom

N_MUTATIONS = 60


def _mutate(data: bytes, rng: np.random.Generator) -> bytes:
    b = bytearray(data)
    kind = rng.integers(0, 4)
    if kind == 0:  # flip a few bytes anywhere after the preamble
        for pos in rng.integers(128, len(b), size=rng.integers(1, 8)):
            b[pos] ^= int(rng.integers(1, 256))
    elif kind == 1:  # overwrite a run of header bytes
        start = int(rng.integers(128, min(len(b), 1200)))
        b[start : start + 32] = rng.integers(0, 256, 32, dtype=np.uint8).tobytes()
    elif kind == 2:  # cut the file
        b = b[: int(rng.integers(130, len(b)))]
    else:  # an element length made huge (bytes 2..3 or 4..7 after a tag)
        pos = int(rng.integers(132, min(len(b) - 8, 1200)))
        b[pos : pos + 4] = b"\xf0\xff\xff\x7f"
    return bytes(b)


@pytest.mark.filterwarnings("ignore")  # pydicom warns about what it skips in damaged files
@pytest.mark.parametrize(
    "source", ["synthetic", "CT_small.dcm", "JPEG2000.dcm", "SC_rgb.dcm", "OBXXXX1A.dcm", "PNG", "TIFF", "JPEG"]
)
def test_damaged_files_raise_only_project_errors(tmp_path, source):
    if source == "synthetic":
        original = make_dicom(tmp_path / "orig.dcm", rows=24, cols=24, frames=3, ViewPosition="AP",
                              WindowCenter=100, WindowWidth=200).read_bytes()
    elif source in ("PNG", "TIFF", "JPEG"):
        arr = (np.arange(64 * 80) % 251).astype(np.uint16 if source != "JPEG" else np.uint8).reshape(64, 80)
        if source == "TIFF":
            tifffile.imwrite(tmp_path / "orig", arr)
        else:
            Image.fromarray(arr).save(tmp_path / "orig", format=source)
        original = (tmp_path / "orig").read_bytes()
    else:
        src = get_testdata_file(source)
        if src is None:
            pytest.skip(f"{source} not available")
        shutil.copy(src, tmp_path / "orig.dcm")
        original = (tmp_path / "orig.dcm").read_bytes()
    rng = np.random.default_rng(zlib.crc32(source.encode()))
    path = tmp_path / "damaged.dcm"
    outcomes = {"opened": 0, "refused": 0}
    for _ in range(N_MUTATIONS):
        path.write_bytes(_mutate(original, rng))
        t0 = time.perf_counter()
        try:
            img = open_image(path)
            for i in range(img.info.frames):
                img.stored_frame(i)
            img.auto_window(0)
            outcomes["opened"] += 1
        except ImageLoadError as err:
            text = str(err)
            assert text.startswith("damaged.dcm: ") and "\n" not in text
            assert not any(secret in text for secret in SECRETS)
            outcomes["refused"] += 1
        assert time.perf_counter() - t0 < 5.0
    assert sum(outcomes.values()) == N_MUTATIONS


@pytest.mark.filterwarnings("ignore")  # pydicom warns about cut character set names
def test_cut_at_every_region_of_a_small_film(tmp_path):
    original = make_dicom(tmp_path / "orig.dcm", rows=8, cols=8).read_bytes()
    path = tmp_path / "cut.dcm"
    for n in range(0, len(original), 7):
        path.write_bytes(original[:n])
        try:
            open_image(path).stored_frame(0)
        except ImageLoadError:
            pass
    assert Path(path).exists()
