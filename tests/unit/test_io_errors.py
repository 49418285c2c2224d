"""Bad input becomes one of the project's error types, never a crash or a memory blow-up.

Every error message is also checked for the patient identity planted in the
synthetic film it was made from.
"""

from __future__ import annotations

import shutil
import tracemalloc
from pathlib import Path

import numpy as np
import pytest
from pydicom import dcmread
from pydicom.data import get_testdata_file
from pydicom.pixels.decoders.base import Decoder

from annotator.errors import (
    CorruptImageError,
    DecoderMissingError,
    ImageLoadError,
    ImageTooLargeError,
    NoPixelDataError,
    NotAnImageError,
    UnsupportedImageError,
)
from annotator.io import MAX_DIMENSION, MAX_FRAMES, open_image
from annotator.io.decoders import DECODER_PACKAGES
from tests.unit.test_io_synthetic import SECRETS, make_dataset, make_dicom


def _copy(name: str, tmp_path: Path) -> Path:
    src = get_testdata_file(name)
    if src is None:
        pytest.skip(f"{name} not available")
    dst = tmp_path / Path(src).name
    shutil.copy(src, dst)
    return dst


def _no_identity(err: BaseException) -> None:
    text = str(err) + repr(err) + repr(err.args)
    for secret in SECRETS:
        assert secret not in text
    assert "\n" not in str(err)


def _fails(path: Path, kind: type[ImageLoadError], *, decode: bool = True) -> ImageLoadError:
    with pytest.raises(kind) as info:
        img = open_image(path)
        if decode:
            img.stored_frame(0)
    err = info.value
    assert str(err).startswith(path.name + ": ")
    _no_identity(err)
    return err


# --- not an image -------------------------------------------------------------


@pytest.mark.parametrize(
    "content",
    [b"hello, this is a report\n", bytes(range(256)) * 4, b"\x89PNX not quite", b"%PDF-1.4\n%..."],
)
def test_not_an_image(tmp_path, content):
    path = tmp_path / "thing.dcm"
    path.write_bytes(content)
    _fails(path, NotAnImageError)


def test_empty_file_missing_file_and_folder(tmp_path):
    empty = tmp_path / "empty.png"
    empty.write_bytes(b"")
    assert "empty" in str(_fails(empty, NotAnImageError))
    with pytest.raises(ImageLoadError, match="does not exist"):
        open_image(tmp_path / "nowhere.dcm")
    with pytest.raises(ImageLoadError, match="folder"):
        open_image(tmp_path)


# --- DICOM without an image -------------------------------------------------------


@pytest.mark.parametrize(
    "name, words",
    [
        ("rtplan.dcm", "this file is a DICOM RT Plan: it has no image"),
        ("test-SR.dcm", "this file is a DICOM Comprehensive SR: it has no image"),
        ("waveform_ecg.dcm", "Waveform: it has no image"),
        ("rtstruct.dcm", "RT Structure Set"),
        # no SOPClassUID in the data set: the file meta names the class
        ("DICOMDIR", "this file is a DICOMDIR (the index of a DICOM disc or folder): it has no image"),
        # no preamble, no file meta: sniffed in either byte order
        ("ExplVR_LitEndNoMeta.dcm", "this file is a DICOM RT Ion Plan: it has no image"),
        ("ExplVR_BigEndNoMeta.dcm", "this file is a DICOM RT Ion Plan: it has no image"),
    ],
)
def test_dicom_without_pixels_says_what_it_is(tmp_path, name, words):
    err = _fails(_copy(name, tmp_path), NoPixelDataError, decode=False)
    assert words in str(err)


def test_big_endian_image_without_preamble_opens(tmp_path):
    ds = make_dataset(ViewPosition="AP")
    want = ds.pixel_array
    ds.PixelData = want.astype(">u2").tobytes()  # pydicom writes OW bytes as given
    del ds.file_meta
    path = tmp_path / "be_raw"
    ds.save_as(path, implicit_vr=False, little_endian=False)
    assert path.read_bytes()[:2] == b"\x00\x08"
    img = open_image(path)
    assert img.info.transfer_syntax_uid == "1.2.840.10008.1.2.2" and img.info.view.view == "AP"
    np.testing.assert_array_equal(img.stored_frame(), want)


def test_image_object_without_pixels_is_damaged(tmp_path):
    ds = make_dataset()
    del ds.PixelData
    _fails(make_dicom(tmp_path / "nopix.dcm", dataset=ds), CorruptImageError, decode=False)


# --- damaged files ----------------------------------------------------------------


@pytest.mark.parametrize("keep", [0.5, 0.9, 0.999])
def test_truncated_native_pixel_data(tmp_path, keep):
    path = make_dicom(tmp_path / "cut.dcm", rows=64, cols=64)
    data = path.read_bytes()
    path.write_bytes(data[: int(len(data) * keep)])
    err = _fails(path, CorruptImageError, decode=False)  # found on open, before decoding
    assert "truncated" in str(err) or "cut short" in str(err)


@pytest.mark.parametrize("headers_only", [False, True])
def test_truncated_large_pixel_data(tmp_path, headers_only):
    # 1024 x 1024 x 2 bytes: with headers_only the length is checked against the file size
    path = make_dicom(tmp_path / "big.dcm", rows=1024, cols=1024, pixels=np.zeros((1, 1024, 1024)))
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(CorruptImageError, match="truncated"):
        open_image(path, headers_only=headers_only)


@pytest.mark.filterwarnings("ignore:End of file reached before delimiter")
@pytest.mark.parametrize("keep", [0.3, 0.6, 0.95])
def test_truncated_compressed_file(tmp_path, keep):
    path = _copy("JPEG2000.dcm", tmp_path)
    data = path.read_bytes()
    path.write_bytes(data[: int(len(data) * keep)])
    _fails(path, CorruptImageError)


@pytest.mark.parametrize("start", [132, 300, 600])
def test_garbled_header(tmp_path, start):
    path = make_dicom(tmp_path / "garbled.dcm", rows=32, cols=32)
    data = bytearray(path.read_bytes())
    data[start : start + 200] = np.random.default_rng(start).integers(0, 256, 200, dtype=np.uint8).tobytes()
    path.write_bytes(bytes(data))
    with pytest.raises(ImageLoadError) as info:
        open_image(path).stored_frame(0)
    assert isinstance(info.value, (CorruptImageError, NoPixelDataError, UnsupportedImageError))
    _no_identity(info.value)


def test_garbled_compressed_frame_never_crashes(tmp_path):
    path = _copy("JPEG2000.dcm", tmp_path)
    data = bytearray(path.read_bytes())
    n = len(data)
    data[n - 3000 : n - 1000] = b"\xff" * 2000
    path.write_bytes(bytes(data))
    try:
        frame = open_image(path).stored_frame(0)
    except ImageLoadError as err:
        _no_identity(err)
    else:
        assert frame.shape == (1024, 256)


def test_zero_rows(tmp_path):
    ds = make_dataset()
    ds.Rows = 0
    ds.PixelData = b""
    err = _fails(make_dicom(tmp_path / "zero.dcm", dataset=ds), CorruptImageError, decode=False)
    assert "0" in str(err)


def test_missing_rows(tmp_path):
    ds = make_dataset()
    del ds.Rows
    _fails(make_dicom(tmp_path / "norows.dcm", dataset=ds), CorruptImageError, decode=False)


@pytest.mark.parametrize(
    "rows, cols, frames",
    [(MAX_DIMENSION + 1, 16, 1), (16, 60000, 1), (16, 16, MAX_FRAMES + 1), (16000, 16000, 10)],
)
def test_huge_header_tiny_data_is_refused_before_decoding(tmp_path, rows, cols, frames):
    ds = make_dataset()  # 16 x 20 pixels of data
    ds.Rows, ds.Columns = rows, cols
    if frames > 1:
        ds.NumberOfFrames = frames
    path = make_dicom(tmp_path / "huge.dcm", dataset=ds)
    tracemalloc.start()
    try:
        _fails(path, ImageTooLargeError, decode=False)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 20 * 1024 * 1024


def test_large_but_allowed_header_with_tiny_data_is_truncated_not_allocated(tmp_path):
    ds = make_dataset()
    ds.Rows, ds.Columns, ds.NumberOfFrames = 10000, 10000, 8
    path = make_dicom(tmp_path / "lie.dcm", dataset=ds)
    tracemalloc.start()
    try:
        err = _fails(path, CorruptImageError, decode=False)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert "truncated" in str(err)
    assert peak < 20 * 1024 * 1024


# --- unsupported ------------------------------------------------------------------


@pytest.mark.parametrize("photometric", ["HSV", "YBR_PARTIAL_420", "CMYK", "ARGB"])
def test_unsupported_photometric(tmp_path, photometric):
    path = make_dicom(tmp_path / "p.dcm", photometric=photometric)
    assert photometric in str(_fails(path, UnsupportedImageError, decode=False))


def test_unsupported_bit_depth(tmp_path):
    _fails(_copy("rtdose.dcm", tmp_path), UnsupportedImageError, decode=False)  # 32-bit dose grid
    ds = make_dataset()
    ds.BitsAllocated, ds.BitsStored, ds.HighBit = 32, 32, 31
    ds.PixelData = bytes(16 * 20 * 4)
    _fails(make_dicom(tmp_path / "b32.dcm", dataset=ds), UnsupportedImageError, decode=False)


def test_unknown_transfer_syntax(tmp_path):
    path = make_dicom(tmp_path / "ts.dcm")
    data = path.read_bytes()
    explicit_le = b"1.2.840.10008.1.2.1\x00"
    assert data.count(explicit_le) == 1
    # a codec nobody knows; pydicom still reads the header as explicit VR little endian
    path.write_bytes(data.replace(explicit_le, b"1.2.840.10008.1.2.9\x00"))
    _fails(path, UnsupportedImageError, decode=False)


# --- missing decoders ---------------------------------------------------------------


@pytest.mark.parametrize(
    "name, package",
    [
        ("JPEG2000.dcm", "pylibjpeg-openjpeg"),
        ("JPEG-LL.dcm", "python-gdcm"),
        ("MR_small_jpeg_ls_lossless.dcm", "pyjpegls"),
    ],
)
def test_decoder_missing_names_the_package(tmp_path, monkeypatch, name, package):
    path = _copy(name, tmp_path)
    ts = dcmread(path, stop_before_pixels=True).file_meta.TransferSyntaxUID
    assert DECODER_PACKAGES[str(ts)] == package
    original = Decoder.is_available
    monkeypatch.setattr(
        Decoder, "is_available", property(lambda self: self.is_native and original.fget(self))
    )
    err = _fails(path, DecoderMissingError, decode=False)
    assert f"pip install {package}" in str(err)


def test_rle_is_decoded_by_pydicom_itself_so_no_package_is_named(tmp_path, monkeypatch):
    """pydicom's own RLE plugin is always there: no "pip install" hint could ever be true."""
    from pydicom.pixels import get_decoder
    from pydicom.uid import RLELossless

    assert "pydicom" in get_decoder(RLELossless).available_plugins
    assert str(RLELossless) not in DECODER_PACKAGES
    original = Decoder.is_available  # a decoder missing anyway (a broken install) names no package
    monkeypatch.setattr(Decoder, "is_available", property(lambda self: self.is_native and original.fget(self)))
    err = _fails(_copy("MR_small_RLE.dcm", tmp_path), DecoderMissingError, decode=False)
    assert "pip install" not in str(err)


# --- identity never leaks ----------------------------------------------------------


def _broken_variants(tmp_path: Path) -> list[Path]:
    out = []
    good = make_dicom(tmp_path / "good.dcm", rows=32, cols=32)
    data = good.read_bytes()
    (cut := tmp_path / "cut.dcm").write_bytes(data[: len(data) - 300])
    out.append(cut)
    (head := tmp_path / "head.dcm").write_bytes(data[:400])
    out.append(head)
    ds = make_dataset(rows=32, cols=32, photometric="HSV")
    out.append(make_dicom(tmp_path / "hsv.dcm", dataset=ds))
    ds = make_dataset()
    ds.Rows = 0
    out.append(make_dicom(tmp_path / "zero.dcm", dataset=ds))
    ds = make_dataset()
    ds.Rows = 60000
    out.append(make_dicom(tmp_path / "huge.dcm", dataset=ds))
    ds = make_dataset()
    del ds.PixelData
    out.append(make_dicom(tmp_path / "nopix.dcm", dataset=ds))
    ds = make_dataset(ViewPosition="ZZ")  # unknown view value reaches the evidence only
    ds.PatientOrientation = [SECRET for SECRET in ("A", "F")]
    out.append(make_dicom(tmp_path / "ok.dcm", dataset=ds))
    return out


def test_no_identity_in_repr_info_or_errors(tmp_path):
    for path in _broken_variants(tmp_path):
        try:
            img = open_image(path)
            img.stored_frame(0)
        except ImageLoadError as err:
            _no_identity(err)
        else:
            text = repr(img) + str(img.info) + repr(img.info.view) + repr(img.info.windows)
            for secret in SECRETS:
                assert secret not in text


def test_frame_index_out_of_range(tmp_path):
    img = open_image(make_dicom(tmp_path / "f.dcm", frames=2))
    with pytest.raises(IndexError):
        img.stored_frame(2)
    with pytest.raises(IndexError):
        img.stored_frame(-1)


def test_inconsistent_bit_depth(tmp_path):
    ds = make_dataset()
    ds.BitsAllocated, ds.BitsStored = 8, 12
    _fails(make_dicom(tmp_path / "bits.dcm", dataset=ds), CorruptImageError, decode=False)


def test_zero_bits_stored_is_damaged_not_16(tmp_path):
    ds = make_dataset()
    ds.BitsStored = 0
    err = _fails(make_dicom(tmp_path / "bits0.dcm", dataset=ds), CorruptImageError, decode=False)
    assert "0 bits stored in 16 allocated" in str(err)


def test_12_bit_jpeg_extended_says_at_open_which_decoder_it_needs(tmp_path, monkeypatch):
    """Without imagecodecs (a trimmed install): Pillow and GDCM decode 8-bit JPEG only, so opening
    (and `info` too) names the package, not a decode error."""
    import annotator.io.jpeg12 as jpeg12

    monkeypatch.setattr(jpeg12, "available", lambda: False)
    err = _fails(_copy("JPGExtended.dcm", tmp_path), DecoderMissingError, decode=False)
    assert "12-bit JPEG Extended" in str(err) and "pip install imagecodecs" in str(err)
    from annotator.io.decoders import DECODER_PACKAGES, JPEG_EXTENDED

    assert DECODER_PACKAGES[JPEG_EXTENDED] == "pillow"  # 8-bit JPEG Extended decodes with Pillow
