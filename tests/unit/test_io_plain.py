"""Plain images: PNG 8/16-bit, JPEG, TIFF 8/16-bit, BMP; dispatch by content, not name."""

from __future__ import annotations

import shutil

import numpy as np
import pytest
import tifffile
from PIL import Image
from pydicom.data import get_testdata_file

from annotator.errors import CorruptImageError, ImageTooLargeError, NotAnImageError
from annotator.geometry import CalibrationSource
from annotator.io import MAX_DIMENSION, MAX_PLAIN_PIXELS, open_image
from annotator.io.plain_image import PlainImage


def _ramp(h=40, w=50, top=255, dtype=np.uint8):
    return (np.linspace(0, top, h * w).reshape(h, w)).astype(dtype)


def test_png_8bit_grey(tmp_path):
    arr = _ramp()
    Image.fromarray(arr).save(tmp_path / "a.png")
    img = open_image(tmp_path / "a.png")
    assert isinstance(img, PlainImage)
    info = img.info
    assert (info.format, info.rows, info.columns, info.frames) == ("PNG", 40, 50, 1)
    assert (info.photometric, info.samples_per_pixel, info.bits_stored) == ("MONOCHROME2", 1, 8)
    assert info.calibration.source is CalibrationSource.NONE
    assert (info.view.view, info.view.evidence) == ("unknown", "plain image: set the view")
    assert info.transfer_syntax is None and info.acquisition_time is None
    ((c, w, fn, src),) = [(p.center, p.width, p.function, p.source) for p in info.windows]
    assert (c, w, fn, src) == (128, 256, "LINEAR", "default")
    raw = img.stored_frame(0)
    assert raw.dtype == np.uint8
    np.testing.assert_array_equal(raw, arr)
    assert not img.is_color and not img.invert
    np.testing.assert_array_equal(img.modality_lut(3, 6), [3.0, 4.0, 5.0, 6.0])


def test_png_16bit_values_survive(tmp_path):
    arr = _ramp(top=65535, dtype=np.uint16)
    arr[0, 0], arr[-1, -1] = 1, 65535
    Image.fromarray(arr).save(tmp_path / "b.png")  # Pillow mode I;16
    assert Image.open(tmp_path / "b.png").mode.startswith("I")
    img = open_image(tmp_path / "b.png")
    raw = img.stored_frame(0)
    assert raw.dtype == np.uint16 and img.info.bits_stored == 16
    np.testing.assert_array_equal(raw, arr)
    w = img.auto_window()
    assert 0 < w.center < 65535 and w.width > 30000


def test_tiff_8_and_16bit(tmp_path):
    a8, a16 = _ramp(), _ramp(top=4095, dtype=np.uint16)
    tifffile.imwrite(tmp_path / "a.tif", a8)
    tifffile.imwrite(tmp_path / "b.tiff", a16)
    i8, i16 = open_image(tmp_path / "a.tif"), open_image(tmp_path / "b.tiff")
    assert i8.info.format == "TIFF" and i8.stored_frame().dtype == np.uint8
    np.testing.assert_array_equal(i16.stored_frame(), a16)
    assert i16.info.bits_stored == 16


def test_tiff_rgb(tmp_path):
    rgb = np.zeros((20, 30, 3), np.uint8)
    rgb[..., 0] = 200
    tifffile.imwrite(tmp_path / "c.tif", rgb, photometric="rgb")
    img = open_image(tmp_path / "c.tif")
    assert img.is_color and img.stored_frame().shape == (20, 30, 3)


def test_jpeg_and_bmp(tmp_path):
    arr = _ramp()
    Image.fromarray(arr).save(tmp_path / "a.jpg", quality=95)
    Image.fromarray(arr).save(tmp_path / "a.bmp")
    jpg, bmp = open_image(tmp_path / "a.jpg"), open_image(tmp_path / "a.bmp")
    assert jpg.info.format == "JPEG" and bmp.info.format == "BMP"
    assert np.abs(jpg.stored_frame().astype(int) - arr).max() <= 8
    np.testing.assert_array_equal(bmp.stored_frame(), arr)


def test_grey_rgb_becomes_monochrome(tmp_path):
    grey = _ramp()
    Image.fromarray(np.stack([grey] * 3, axis=-1)).save(tmp_path / "g.png")
    img = open_image(tmp_path / "g.png")
    assert img.info.photometric == "MONOCHROME2" and not img.is_color
    np.testing.assert_array_equal(img.stored_frame(), grey)


def test_colour_png_with_alpha(tmp_path):
    rgba = np.zeros((10, 12, 4), np.uint8)
    rgba[..., 1] = 180
    rgba[..., 3] = 255
    Image.fromarray(rgba).save(tmp_path / "c.png")
    img = open_image(tmp_path / "c.png")
    assert img.is_color and img.info.photometric == "RGB" and img.info.samples_per_pixel == 3
    frame = img.stored_frame()
    assert frame.shape == (10, 12, 3) and frame.dtype == np.uint8
    assert tuple(frame[0, 0]) == (0, 180, 0)
    assert img.auto_window().width == 256


def test_palette_png_is_expanded(tmp_path):
    Image.fromarray(_ramp()).convert("P").save(tmp_path / "p.png")
    img = open_image(tmp_path / "p.png")
    assert img.stored_frame().ndim == 2  # a grey palette is grey


def test_dispatch_by_content_not_extension(tmp_path):
    arr = _ramp()
    Image.fromarray(arr).save(tmp_path / "x.png")
    shutil.copy(tmp_path / "x.png", tmp_path / "film.dcm")
    assert open_image(tmp_path / "film.dcm").info.format == "PNG"
    shutil.copy(get_testdata_file("CT_small.dcm"), tmp_path / "scan.png")
    assert open_image(tmp_path / "scan.png").info.format == "DICOM"
    shutil.copy(get_testdata_file("CT_small.dcm"), tmp_path / "noext")
    assert open_image(tmp_path / "noext").info.format == "DICOM"


def test_truncated_png(tmp_path):
    Image.fromarray(np.random.default_rng(0).integers(0, 255, (200, 200), dtype=np.uint8)).save(tmp_path / "t.png")
    data = (tmp_path / "t.png").read_bytes()
    (tmp_path / "t.png").write_bytes(data[: len(data) // 2])
    with pytest.raises(CorruptImageError, match="^t.png: "):
        open_image(tmp_path / "t.png")


def test_truncated_tiff(tmp_path):
    tifffile.imwrite(tmp_path / "t.tif", _ramp(200, 200))
    data = (tmp_path / "t.tif").read_bytes()
    (tmp_path / "t.tif").write_bytes(data[:100])
    with pytest.raises(CorruptImageError):
        open_image(tmp_path / "t.tif").stored_frame()


def test_huge_png_header_refused_before_decoding(tmp_path):
    # a PNG whose header claims MAX_DIMENSION + 1 columns; the data is never read
    import struct
    import zlib

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    ihdr = struct.pack(">IIBBBBB", MAX_DIMENSION + 1, 4, 8, 0, 0, 0, 0)
    data = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\0" * 10)) + chunk(b"IEND", b"")
    (tmp_path / "huge.png").write_bytes(data)
    with pytest.raises(ImageTooLargeError):
        open_image(tmp_path / "huge.png")


def test_unknown_binary_is_not_an_image(tmp_path):
    (tmp_path / "x.png").write_bytes(b"GIF87a" + bytes(10))  # a broken GIF is no image either
    with pytest.raises((NotAnImageError, CorruptImageError)):
        open_image(tmp_path / "x.png")


def test_exif_orientation_is_applied(tmp_path):
    arr = _ramp(40, 50)
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90 degrees clockwise to view
    Image.fromarray(arr).save(tmp_path / "phone.jpg", exif=exif, quality=95)
    img = open_image(tmp_path / "phone.jpg")
    assert (img.info.rows, img.info.columns) == (50, 40)
    assert np.abs(img.stored_frame().astype(int) - np.rot90(arr, -1)).max() <= 8


def _png(width: int, height: int, idat: bytes = b"") -> bytes:
    import struct
    import zlib

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat or zlib.compress(b"\0" * 10)) \
        + chunk(b"IEND", b"")


def test_pillows_bomb_guard_does_not_refuse_images_within_our_limit(tmp_path, monkeypatch):
    """Pillow refuses above 2 * MAX_IMAGE_PIXELS; while we read, its guard is our limit, then restored."""
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 1000)  # a guard far below our limit
    arr = _ramp(100, 100)
    Image.fromarray(arr).save(tmp_path / "ok.png")
    img = open_image(tmp_path / "ok.png")  # 10 000 pixels: Pillow alone would call it a bomb
    np.testing.assert_array_equal(img.stored_frame(), arr)
    assert Image.MAX_IMAGE_PIXELS == 1000  # not changed for the rest of the process
    with pytest.raises(Image.DecompressionBombError):
        Image.open(tmp_path / "ok.png")


def test_14000_square_png_is_within_the_limit(tmp_path):
    """196 M pixels, above Pillow's default guard (179 M): what stops it is its cut-short data, not a limit."""
    (tmp_path / "big.png").write_bytes(_png(14000, 14000))
    with pytest.raises(CorruptImageError, match="damaged or truncated"):
        open_image(tmp_path / "big.png")


def test_far_too_large_png_names_its_size(tmp_path):
    (tmp_path / "huge.png").write_bytes(_png(100000, 100000))
    with pytest.raises(ImageTooLargeError, match=r"100000 x 100000 pixels is larger than the limit of 16384 per side"):
        open_image(tmp_path / "huge.png")
    assert MAX_PLAIN_PIXELS == MAX_DIMENSION**2


def test_zero_size_png_and_bmp(tmp_path):
    (tmp_path / "z.png").write_bytes(_png(0, 0))
    import struct

    bmp = b"BM" + struct.pack("<IHHI", 54, 0, 0, 54) + struct.pack("<IiiHHIIiiII", 40, 0, 0, 1, 24, 0, 0, 0, 0, 0, 0)
    (tmp_path / "z.bmp").write_bytes(bmp)
    for name in ("z.png", "z.bmp"):
        with pytest.raises(CorruptImageError, match=f"^{name}: .*0 x 0 pixels: a zero-size image"):
            open_image(tmp_path / name)


def test_png_cut_inside_its_header_is_damaged_not_unknown(tmp_path):
    (tmp_path / "h.png").write_bytes(_png(40, 30)[:40])  # the IHDR and the start of the IDAT length
    with pytest.raises(CorruptImageError, match="the PNG file is damaged or cut short"):
        open_image(tmp_path / "h.png")
