"""A compressed frame whose own header claims another size is refused before it is decoded.

The crafted files take a real codestream from pydicom's test data and change
only the size fields of its frame header (JPEG 2000 SIZ, JPEG SOFn, JPEG-LS
SOF55 / LSE), so without the check the decoder would allocate what they say.
"""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import pytest
from pydicom import dcmread
from pydicom.data import get_testdata_file
from pydicom.encaps import encapsulate, get_frame

from annotator.errors import CorruptImageError
from annotator.io import open_image
from annotator.io.codestream import Incomplete, codestream_geometry, first_fragment, frame_geometry


def _source(name: str):
    path = get_testdata_file(name)
    if path is None:
        pytest.skip(f"{name} not in pydicom's test data")
    return dcmread(path)


def _frame0(ds) -> bytes:
    return get_frame(ds.PixelData, 0, number_of_frames=int(ds.get("NumberOfFrames", 1) or 1))


def _rewrite(ds, codestream: bytes, path: Path, fragment_size: int | None = None) -> Path:
    """``ds`` with one frame whose pixel data is ``codestream`` (in fragments of ``fragment_size``)."""
    if "NumberOfFrames" in ds:
        del ds.NumberOfFrames
    if fragment_size:
        pieces = [codestream[i:i + fragment_size] for i in range(0, len(codestream), fragment_size)]
        pieces = [p + b"\x00" if len(p) % 2 else p for p in pieces]
        ds.PixelData = encapsulate([b"".join(pieces)], fragments_per_frame=len(pieces), has_bot=False)
    else:
        ds.PixelData = encapsulate([codestream + (b"\x00" if len(codestream) % 2 else b"")])
    ds["PixelData"].VR = "OB"
    ds["PixelData"].is_undefined_length = True
    ds.save_as(path)
    return path


def _set_j2k_size(data: bytes, width: int, height: int) -> bytes:
    soc = data.find(b"\xff\x4f\xff\x51")
    assert soc >= 0
    siz = soc + 2
    out = bytearray(data)
    out[siz + 6:siz + 10] = width.to_bytes(4, "big")  # Xsiz
    out[siz + 10:siz + 14] = height.to_bytes(4, "big")  # Ysiz
    out[siz + 14:siz + 22] = bytes(8)  # XOsiz, YOsiz
    out[siz + 22:siz + 26] = width.to_bytes(4, "big")  # one tile
    out[siz + 26:siz + 30] = height.to_bytes(4, "big")
    return bytes(out)


def _sof_offset(data: bytes, markers: tuple[int, ...]) -> int:
    pos = 2
    while data[pos + 1] not in markers:
        pos += 2 + int.from_bytes(data[pos + 2:pos + 4], "big")
    return pos


def _set_sof_size(data: bytes, width: int, height: int, markers: tuple[int, ...]) -> bytes:
    pos = _sof_offset(data, markers)
    out = bytearray(data)
    out[pos + 5:pos + 7] = height.to_bytes(2, "big")
    out[pos + 7:pos + 9] = width.to_bytes(2, "big")
    return bytes(out)


def _refused(path: Path, says: str) -> CorruptImageError:
    img = open_image(path)  # opening reads no pixel data
    start = time.perf_counter()
    with pytest.raises(CorruptImageError) as err:
        img.stored_frame(0)
    assert time.perf_counter() - start < 0.5  # decided from the header, not by decoding
    msg = str(err.value)
    assert says in msg and f"header says {img.info.columns} x {img.info.rows}" in msg
    assert msg.startswith(path.name + ": the pixel data of frame 1 of 1 is damaged") and "\n" not in msg
    return err.value


def test_jpeg2000_bomb_is_refused_before_decoding(tmp_path):
    ds = _source("MR_small_jp2klossless.dcm")  # 64 x 64
    bomb = _set_j2k_size(_frame0(ds), 12000, 12000)
    _refused(_rewrite(ds, bomb, tmp_path / "j2k_bomb.dcm"), "JPEG 2000 data says 12000 x 12000 pixels")


def test_jpeg2000_bomb_inside_a_jp2_file_is_refused(tmp_path):
    ds = _source("MR_small_jp2klossless.dcm")
    stream = _set_j2k_size(_frame0(ds), 9000, 64)
    ihdr = b"ihdr" + (64).to_bytes(4, "big") + (64).to_bytes(4, "big") + b"\x00\x01\x0f\x07\x00\x00"
    jp2h = b"jp2h" + (8 + len(ihdr)).to_bytes(4, "big") + ihdr
    jp2 = (b"\x00\x00\x00\x0cjP  \r\n\x87\n" + (20).to_bytes(4, "big") + b"ftypjp2 \x00\x00\x00\x00jp2 "
           + (8 + len(jp2h) - 4).to_bytes(4, "big") + jp2h
           + (8 + len(stream)).to_bytes(4, "big") + b"jp2c" + stream)
    geometry = codestream_geometry(jp2)
    assert geometry is not None and (geometry.columns, geometry.rows) == (9000, 64)
    _refused(_rewrite(ds, jp2, tmp_path / "jp2_bomb.dcm"), "JPEG 2000 data says 9000 x 64 pixels")


def test_size_read_across_fragments(tmp_path):
    """A frame header split over several fragments (no offset table) is still read."""
    ds = _source("MR_small_jp2klossless.dcm")
    bomb = _set_j2k_size(_frame0(ds), 64, 40000)
    path = _rewrite(ds, bomb, tmp_path / "split.dcm", fragment_size=24)
    assert first_fragment(dcmread(path).PixelData, 0, 1) is not None
    with pytest.raises(Incomplete):
        codestream_geometry(bomb[:24])
    _refused(path, "JPEG 2000 data says 64 x 40000 pixels")


@pytest.mark.parametrize("name, markers, kind", [
    ("SC_rgb_jpeg_dcmtk.dcm", (0xC0, 0xC1), "JPEG"),  # baseline
    ("JPGLosslessP14SV1_1s_1f_8b.dcm", (0xC3,), "JPEG"),  # lossless, SOF3
    ("MR_small_jpeg_ls_lossless.dcm", (0xF7,), "JPEG-LS"),  # SOF55
])
def test_jpeg_family_bombs_are_refused(tmp_path, name, markers, kind):
    ds = _source(name)
    bomb = _set_sof_size(_frame0(ds), 60000, 50000, markers)
    _refused(_rewrite(ds, bomb, tmp_path / "bomb.dcm"), f"{kind} data says 60000 x 50000 pixels")


def test_jpeg_ls_oversize_dimensions_in_lse_are_read(tmp_path):
    """SOF55 may say 0 x 0 and give the size in an LSE segment of ID 4 (ISO/IEC 14495-1 C.2.4.1.4)."""
    ds = _source("MR_small_jpeg_ls_lossless.dcm")
    data = _set_sof_size(_frame0(ds), 0, 0, (0xF7,))
    pos = _sof_offset(data, (0xF7,))
    end = pos + 2 + int.from_bytes(data[pos + 2:pos + 4], "big")
    lse = b"\xff\xf8" + (2 + 1 + 1 + 3 + 3).to_bytes(2, "big") + b"\x04\x03" + (70000).to_bytes(3, "big") * 2
    bomb = data[:end] + lse + data[end:]
    _refused(_rewrite(ds, bomb, tmp_path / "lse.dcm"), "JPEG-LS data says 70000 x 70000 pixels")


def test_components_must_match_samples_per_pixel(tmp_path):
    ds = _source("MR_small_jp2klossless.dcm")
    data = bytearray(_frame0(ds))
    soc = data.find(b"\xff\x4f\xff\x51")
    data[soc + 2 + 38:soc + 2 + 40] = (3).to_bytes(2, "big")  # Csiz: three components in a grey film
    with pytest.raises(CorruptImageError, match="3 components for 1 samples per pixel"):
        open_image(_rewrite(ds, bytes(data), tmp_path / "rgb_in_grey.dcm")).stored_frame(0)


@pytest.mark.parametrize("name", ["MR_small_jp2klossless.dcm", "emri_small_jpeg_2k_lossless.dcm",
                                  "emri_small_jpeg_ls_lossless.dcm", "SC_rgb_jpeg_dcmtk.dcm", "JPEG-LL.dcm",
                                  "US1_J2KR.dcm", "GDCMJ2K_TextGBR.dcm", "color3d_jpeg_baseline.dcm"])
def test_every_frame_of_good_files_passes(name):
    ds = _source(name)
    frames = int(ds.get("NumberOfFrames", 1) or 1)
    for index in sorted({0, frames // 2, frames - 1}):
        g = frame_geometry(ds.PixelData, index, frames, ds.get("ExtendedOffsetTable"))
        assert g is not None and (g.rows, g.columns) == (ds.Rows, ds.Columns)
    img = open_image(get_testdata_file(name))
    assert img.stored_frame(frames - 1).shape[:2] == (ds.Rows, ds.Columns)


def test_unrecognised_data_is_left_to_the_decoder():
    assert codestream_geometry(np.random.default_rng(0).bytes(300)) is None
    assert codestream_geometry(b"\xff\xd8\xff\xe0\x00\x04ab\xff\xda\x00\x02") is None  # scan before any SOF
