"""Plain images (PNG, JPEG, TIFF, BMP, ...): one frame, no calibration, no view.

The size is checked from the file header before the pixels are read; the
pixels are then decoded once on open, because whether an RGB file is really
grey (R == G == B everywhere, stored as monochrome) is part of its
``ImageInfo``. Values: 8-bit grey -> ``uint8``; 16-bit grey (PNG mode
``I;16``, 16-bit TIFF) -> ``uint16`` with the values unchanged; colour ->
H x W x 3 ``uint8`` (alpha dropped, palette expanded). TIFF goes through
tifffile (16-bit and odd layouts; first page only), everything else through
Pillow, turned upright by its EXIF orientation when it has one.

A greyscale plain image is a picture someone already windowed: its first
(default) window is the full range of its bit depth, LINEAR, "as stored"
(8 bits: the identity), and ``auto_window`` stays available as the next
preset for a faint scan that needs stretching.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np

from annotator.errors import (
    CorruptImageError,
    ImageLoadError,
    ImageTooLargeError,
    NotAnImageError,
    UnsupportedImageError,
)
from annotator.geometry import Calibration, Directions
from annotator.io.image import MAX_DIMENSION, MAX_PLAIN_PIXELS, FluoroImage, ImageInfo, WindowPreset
from annotator.io.view_detect import PLAIN_IMAGE_VIEW
from annotator.io.voi_windows import COLOR_WINDOW, full_range_window, robust_window

_MAGIC = (
    (b"\x89PNG\r\n\x1a\n", "PNG"),
    (b"\xff\xd8\xff", "JPEG"),
    (b"II*\x00", "TIFF"),
    (b"MM\x00*", "TIFF"),
    (b"II+\x00", "TIFF"),
    (b"MM\x00+", "TIFF"),
    (b"BM", "BMP"),
)


def sniff_plain(head: bytes) -> str | None:
    """The plain format named by the first bytes of a file, or None."""
    for magic, name in _MAGIC:
        if head.startswith(magic):
            return name
    return None


def _check_size(path: Path, width: int, height: int) -> None:
    if width <= 0 or height <= 0:
        raise CorruptImageError(
            path, f"the header says the image is {width} x {height} pixels: a zero-size image, nothing to show"
        )
    if width > MAX_DIMENSION or height > MAX_DIMENSION:
        raise ImageTooLargeError(
            path, f"{width} x {height} pixels is larger than the limit of {MAX_DIMENSION} per side"
        )
    if width * height > MAX_PLAIN_PIXELS:  # not reachable while MAX_PLAIN_PIXELS = MAX_DIMENSION ** 2
        raise ImageTooLargeError(
            path, f"{width} x {height} pixels is more than the limit of {MAX_PLAIN_PIXELS:,} pixels"
        )


def _header_size(path: Path, fmt: str | None) -> tuple[int, int] | None:
    """(width, height) from a PNG IHDR, BMP info header or JPEG SOF, when Pillow cannot say."""
    try:
        with open(path, "rb") as f:
            head = f.read(1 << 16)
    except OSError:
        return None
    if fmt == "PNG" and len(head) >= 24 and head[12:16] == b"IHDR":
        return int.from_bytes(head[16:20], "big"), int.from_bytes(head[20:24], "big")
    if fmt == "BMP" and len(head) >= 26:
        if int.from_bytes(head[14:18], "little") == 12:  # OS/2 BITMAPCOREHEADER: 16-bit sizes
            return int.from_bytes(head[18:20], "little"), int.from_bytes(head[20:22], "little")
        return (int.from_bytes(head[18:22], "little", signed=True),
                abs(int.from_bytes(head[22:26], "little", signed=True)))
    if fmt == "JPEG":
        from annotator.io.codestream import Incomplete, codestream_geometry

        try:
            g = codestream_geometry(head)
        except Incomplete:
            return None
        return None if g is None else (g.columns, g.rows)
    return None


# Pillow refuses images above 2 * Image.MAX_IMAGE_PIXELS as decompression bombs (~179 M pixels
# by default) before our own limit is asked. While a plain image is read here its guard is
# raised to our limit (Pillow then only warns above it, and refuses above twice it, where our
# own check has already refused), under a lock, and put back: elsewhere Pillow keeps its default.
_PILLOW_LOCK = threading.Lock()


@contextmanager
def _pillow_limit() -> Iterator[None]:
    from PIL import Image

    with _PILLOW_LOCK:
        saved = Image.MAX_IMAGE_PIXELS
        if saved is not None:
            Image.MAX_IMAGE_PIXELS = max(saved, MAX_PLAIN_PIXELS)
        try:
            yield
        finally:
            Image.MAX_IMAGE_PIXELS = saved


def _normalise(path: Path, arr: np.ndarray) -> np.ndarray:
    """Grey -> H x W uint8/uint16; colour -> H x W x 3 uint8; grey-looking colour -> grey."""
    if arr.ndim == 3 and arr.shape[2] in (2, 4):  # grey+alpha, RGBA: drop alpha
        arr = arr[:, :, :1] if arr.shape[2] == 2 else arr[:, :, :3]
    if arr.ndim == 3 and arr.shape[2] == 1:
        arr = arr[:, :, 0]
    if arr.dtype == bool:
        arr = arr.astype(np.uint8) * 255
    if arr.dtype.kind in "iu" and arr.dtype not in (np.uint8, np.uint16):
        lo, hi = (int(arr.min()), int(arr.max())) if arr.size else (0, 0)
        if lo < 0 or hi > 65535:
            raise UnsupportedImageError(path, f"{arr.dtype} pixel values {lo}..{hi} are not supported")
        arr = arr.astype(np.uint8 if hi <= 255 and arr.dtype.itemsize == 1 else np.uint16)
    if arr.dtype not in (np.uint8, np.uint16):
        raise UnsupportedImageError(path, f"{arr.dtype} pixels are not supported (8- or 16-bit integers only)")
    if arr.ndim == 3:
        if arr.shape[2] != 3:
            raise UnsupportedImageError(path, f"{arr.shape[2]} channels are not supported")
        if np.array_equal(arr[:, :, 0], arr[:, :, 1]) and np.array_equal(arr[:, :, 0], arr[:, :, 2]):
            return np.ascontiguousarray(arr[:, :, 0])
        if arr.dtype != np.uint8:
            arr = (arr >> 8).astype(np.uint8)
    elif arr.ndim != 2:
        raise UnsupportedImageError(path, f"an image of shape {arr.shape} is not supported")
    return np.ascontiguousarray(arr)


def _read_tiff(path: Path) -> np.ndarray:
    import tifffile

    try:
        with tifffile.TiffFile(path) as tif:
            page = tif.pages[0]
            shape = page.shape
            if len(shape) < 2:
                raise CorruptImageError(path, "the TIFF has no two-dimensional image")
            height, width = (shape[0], shape[1]) if len(shape) == 2 or shape[-1] <= 4 else (shape[-2], shape[-1])
            _check_size(path, width, height)
            arr = page.asarray()
    except (CorruptImageError, ImageTooLargeError):
        raise
    except MemoryError:
        raise CorruptImageError(path, "the TIFF is too large to decode") from None
    except Exception as exc:
        raise CorruptImageError(path, f"the TIFF is damaged and cannot be read ({type(exc).__name__})") from None
    if arr.ndim == 3 and arr.shape[0] in (3, 4) and arr.shape[2] not in (3, 4):
        arr = np.moveaxis(arr, 0, -1)  # planar configuration
    return arr


def _upright(img):
    """Apply the EXIF orientation (phone photos of a monitor): the stored grid is the upright image."""
    from PIL import ImageOps

    try:
        orientation = img.getexif().get(0x0112, 1)
    except Exception:  # unreadable EXIF: keep the pixels as stored
        return img
    return ImageOps.exif_transpose(img) if orientation not in (None, 1) else img


def _read_pillow(path: Path, sniffed: str | None = None) -> tuple[np.ndarray, str]:
    with _pillow_limit():
        return _read_pillow_unguarded(path, sniffed)


def _unreadable(path: Path, sniffed: str | None) -> ImageLoadError:
    """Why Pillow could not even identify a file: zero size, a damaged header, or not an image."""
    size = _header_size(path, sniffed)
    if size is not None and (size[0] <= 0 or size[1] <= 0):
        return CorruptImageError(
            path, f"the header says the image is {size[0]} x {size[1]} pixels: a zero-size image, nothing to show"
        )
    if size is not None and (size[0] > MAX_DIMENSION or size[1] > MAX_DIMENSION):
        return ImageTooLargeError(
            path, f"{size[0]} x {size[1]} pixels is larger than the limit of {MAX_DIMENSION} per side"
        )
    if sniffed:
        return CorruptImageError(path, f"the {sniffed} file is damaged or cut short: its header cannot be read")
    return NotAnImageError(path, "not a DICOM file or a supported image format")


def _read_pillow_unguarded(path: Path, sniffed: str | None) -> tuple[np.ndarray, str]:
    from PIL import Image, UnidentifiedImageError

    try:
        img = Image.open(path)
    except UnidentifiedImageError:
        raise _unreadable(path, sniffed) from None
    except Image.DecompressionBombError:  # more than twice MAX_PLAIN_PIXELS: beyond our limit too
        size = _header_size(path, sniffed)
        said = f"{size[0]} x {size[1]} pixels is" if size else "the image is"
        raise ImageTooLargeError(path, f"{said} larger than the limit of {MAX_DIMENSION} per side") from None
    except Exception as exc:
        raise CorruptImageError(path, f"the image header is damaged ({type(exc).__name__})") from None
    with img:
        fmt = img.format or "image"
        _check_size(path, *img.size)
        try:
            img = _upright(img)
            mode = img.mode
            if mode in ("P", "PA", "CMYK", "YCbCr", "LAB", "HSV", "RGBX"):
                img = img.convert("RGBA" if "A" in mode or "transparency" in img.info else "RGB")
            elif mode == "1":
                img = img.convert("L")
            elif mode == "F":
                raise UnsupportedImageError(path, "floating-point images are not supported")
            arr = np.asarray(img)
        except UnsupportedImageError:
            raise
        except MemoryError:
            raise CorruptImageError(path, "the image is too large to decode") from None
        except Exception as exc:
            raise CorruptImageError(path, f"the image is damaged or truncated ({type(exc).__name__})") from None
    if arr.dtype.byteorder == ">":  # I;16B
        arr = arr.astype(arr.dtype.newbyteorder("="))
    return arr, fmt


class PlainImage(FluoroImage):
    """A PNG/JPEG/TIFF/BMP film; build it with :func:`open_plain`."""

    def __init__(self, info: ImageInfo, pixels: np.ndarray) -> None:
        self.info = info
        pixels.setflags(write=False)
        self._pixels = pixels
        self._auto: WindowPreset | None = None

    def stored_frame(self, index: int = 0) -> np.ndarray:
        if index != 0:
            raise IndexError(f"frame {index} out of range 0..0")
        return self._pixels

    def modality_lut(self, lo: int, hi: int) -> np.ndarray:
        """Plain images have no modality LUT: the identity, as float64."""
        lo, hi = int(lo), int(hi)
        if hi < lo:
            raise ValueError(f"empty stored value range {lo}..{hi}")
        return np.arange(lo, hi + 1, dtype=np.float64)

    def auto_window(self, index: int = 0) -> WindowPreset:
        if index != 0:
            raise IndexError(f"frame {index} out of range 0..0")
        if self.is_color:
            return COLOR_WINDOW
        if self._auto is None:
            self._auto = robust_window(self._pixels)
        return self._auto


def open_plain(path: str | Path, fmt: str | None = None) -> PlainImage:
    """Open a plain image; ``fmt`` is the sniffed format (None: let Pillow decide)."""
    path = Path(path)
    if fmt == "TIFF":
        arr = _read_tiff(path)
    else:
        arr, fmt = _read_pillow(path, fmt)
    arr = _normalise(path, arr)
    colour = arr.ndim == 3
    bits = 16 if arr.dtype == np.uint16 else 8
    info = ImageInfo(
        path=path,
        format=fmt.upper(),
        rows=int(arr.shape[0]),
        columns=int(arr.shape[1]),
        frames=1,
        bits_stored=bits,
        bits_allocated=bits,
        photometric="RGB" if colour else "MONOCHROME2",
        samples_per_pixel=3 if colour else 1,
        transfer_syntax=None,
        transfer_syntax_uid=None,
        sop_class=None,
        modality=None,
        calibration=Calibration.none(),
        view=PLAIN_IMAGE_VIEW,
        directions=Directions.default_for_view(PLAIN_IMAGE_VIEW.view),
        acquisition_time=None,
        instance_number=None,
        frame_time_ms=None,
        windows=() if colour else (full_range_window(bits),),
    )
    return PlainImage(info, arr)
