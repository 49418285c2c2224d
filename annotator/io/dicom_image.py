"""DICOM films: header checks on open, frames decoded lazily one at a time.

Opening reads the header with pydicom (large native pixel data is deferred,
not read) and checks, before any pixel is decoded: that there is pixel data,
that the size is within the documented limits, that the photometric
interpretation and bit depth are supported, that a decoder for the transfer
syntax is installed and that native pixel data is as long as the header
says (those checks are in ``dicom_header.py``). ``stored_frame(i)`` then decodes only frame ``i`` (pydicom 3
``pixel_array(ds, index=i)``, JPEG 2000 through pylibjpeg first when installed,
the fastest plugin; for encapsulated data only that frame's
fragments are decompressed) and keeps the last few frames in a bounded LRU
cache. Before a compressed frame is decoded, the size its own JPEG / JPEG-LS /
JPEG 2000 header claims is checked against Rows/Columns (``codestream.py``):
a mismatch is refused instead of letting the decoder allocate it.

Enhanced multi-frame files keep their rescale and window in the functional
groups: ``frame_modality_lut(i, ...)`` applies frame ``i``'s Pixel Value
Transformation (per-frame, else shared), consistent with the Frame VOI LUT
window ``file_windows`` reads.

A native multi-frame file cut short (a cine run copied in half) still opens:
the frames whose bytes are all present decode as usual (``complete_frames``
of them), and asking for a later one raises ``CorruptImageError``. User
messages number frames from 1, as the viewer does: "frame 3 of 24".

Stored values are returned as pydicom decodes them (``raw=False``: YBR_FULL
and YBR_FULL_422 become RGB); PALETTE COLOR is expanded to RGB with
``apply_color_lut``; RGB of 16 or 32 bits per sample is windowed to 8 bits per
channel on each channel's range (``rgb_to_8bit``); colour frames are H x W x 3 ``uint8``. Returned arrays are
read-only because they are shared through the cache.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable
from pathlib import Path
from typing import Any

import numpy as np

from annotator.errors import (
    CorruptImageError,
    DecoderMissingError,
    ImageLoadError,
    NotAnImageError,
    UnsupportedImageError,
)
from annotator.io import jpeg12
from annotator.io.calibration_detect import detect_calibration
from annotator.io.codestream import (
    FrameLocator,
    frame_geometry,
    geometry_problem,
    is_checked_syntax,
    is_jpeg_syntax,
)
from annotator.io.decoders import JPEG_EXTENDED, check_decoder, check_jpeg_extended_12bit, preferred_plugin
from annotator.io.dicom_header import (
    FLOAT_PIXEL_TAGS,
    PIXEL_TAG,
    check_geometry,
    check_pixels_supported,
    pixel_element_length,
    raise_no_pixels,
    read_header,
    transfer_syntax,
)
from annotator.io.image import (
    FluoroImage,
    ImageInfo,
    WindowPreset,
)
from annotator.io.safe_meta import (
    acquisition_offset,
    acquisition_time,
    frame_time_ms,
    get_cs,
    get_float,
    get_int,
    get_raw,
    uid_name,
)
from annotator.io.view_detect import detect_directions, detect_view
from annotator.io.voi_windows import COLOR_WINDOW, file_windows, robust_window

# Elements larger than this stay on disk until a frame is decoded. Opening one
# film reads it whole (as fast as a bare dcmread); a folder import reads headers only.
DEFER_SIZE = 64 * 1024 * 1024
DEFER_SIZE_HEADERS_ONLY = 64 * 1024
CACHE_BYTES = 256 * 1024 * 1024  # decoded frames kept per image
CACHE_MAX_FRAMES = 32
STREAM_NATIVE_BYTES = 64 * 1024 * 1024  # native multi-frame data above this: read frame by frame
MAX_LUT_ENTRIES = 1 << 17  # modality_lut(lo, hi) refuses wider ranges



class DicomImage(FluoroImage):
    """A DICOM film; build it with :func:`open_dicom`."""

    def __init__(self, path: Path, ds: Any, info: ImageInfo, native: bool,
                 complete_frames: int | None = None) -> None:
        self.info = info
        # frames whose bytes are all in the file; fewer than info.frames when a native file is cut short
        self.complete_frames = info.frames if complete_frames is None else complete_frames
        self._path = path
        self._ds = ds  # private: never printed, logged or put in an error
        self._native = native
        self._lock = threading.RLock()
        self._frames: OrderedDict[int, np.ndarray] = OrderedDict()
        frame_bytes = info.rows * info.columns * (3 if self.is_color else 2)
        self._cache_frames = max(2, min(CACHE_MAX_FRAMES, CACHE_BYTES // max(frame_bytes, 1)))
        self._luts: OrderedDict[tuple[Hashable, int, int], np.ndarray] = OrderedDict()
        # enhanced files: the rescale of each frame from the functional groups (None: top-level tags)
        self._fg_rescale = _has_group_item(ds, "PixelValueTransformationSequence")
        self._rescale: dict[int, tuple[float, float] | None] = {}
        self._locator: FrameLocator | None = None  # where each compressed frame starts, parsed once
        self._auto: dict[int, WindowPreset] = {}
        expected = info.rows * info.columns * info.samples_per_pixel * info.frames * max(info.bits_allocated, 8) // 8
        self._stream = native and info.frames > 1 and expected > STREAM_NATIVE_BYTES and not self.truncated
        self._plugin = "" if native else preferred_plugin(info.transfer_syntax_uid or "")
        self._jpeg12 = False  # 12-bit JPEG Extended decoded by imagecodecs (set by open_dicom)
        try:
            st = path.stat()
            self._stamp: tuple[int, int] | None = (st.st_mtime_ns, st.st_size)
        except OSError:
            self._stamp = None

    @property
    def truncated(self) -> bool:
        """The file is cut short: frames from ``complete_frames`` on cannot be shown."""
        return self.complete_frames < self.info.frames

    def _frame_name(self, index: int) -> str:
        """'frame 3 of 24' (1-based, as the viewer shows it)."""
        return f"frame {index + 1} of {self.info.frames}"

    def _file_changed(self) -> bool:
        try:
            st = self._path.stat()
        except OSError:
            return True
        return (st.st_mtime_ns, st.st_size) != self._stamp

    def _check_index(self, index: int) -> int:
        if not isinstance(index, (int, np.integer)) or not 0 <= index < self.info.frames:
            raise IndexError(f"frame index {index} out of range 0..{self.info.frames - 1} "
                             f"(shown as frames 1..{self.info.frames})")
        return int(index)

    def _frame_bytes_of_partial(self, index: int) -> bytes:
        """The bytes of one complete frame of a cut-short native file (from memory or the file)."""
        size = _native_frame_bytes(self.info)
        elem = self._ds.get_item(PIXEL_TAG, keep_deferred=True)
        value = getattr(elem, "value", None)
        if isinstance(value, (bytes, bytearray)):
            return bytes(value[index * size:(index + 1) * size])
        with self._path.open("rb") as fh:  # deferred element: read only this frame
            fh.seek((getattr(elem, "value_tell", 0) or 0) + index * size)
            return fh.read(size)

    def _decode_partial(self, index: int) -> np.ndarray:
        from pydicom.pixels import get_decoder

        info = self.info
        if index >= self.complete_frames:
            raise CorruptImageError(
                self._path, f"{self._frame_name(index)} is missing: the file is cut short "
                f"(only frames 1..{self.complete_frames} are complete)"
            )
        raw = self._frame_bytes_of_partial(index)
        options: dict[str, Any] = {
            "rows": info.rows, "columns": info.columns, "samples_per_pixel": info.samples_per_pixel,
            "bits_allocated": info.bits_allocated, "bits_stored": info.bits_stored,
            "pixel_representation": get_int(self._ds, "PixelRepresentation") or 0,
            "photometric_interpretation": info.photometric, "number_of_frames": 1, "pixel_keyword": "PixelData",
        }
        if info.samples_per_pixel > 1:
            options["planar_configuration"] = get_int(self._ds, "PlanarConfiguration") or 0
        try:
            arr, _ = get_decoder(info.transfer_syntax_uid or "").as_array(raw, **options)
        except Exception as exc:
            if self._file_changed():
                raise ImageLoadError(
                    self._path, "the file was changed or removed after it was opened: open it again"
                ) from None
            raise CorruptImageError(
                self._path, f"the pixel data of {self._frame_name(index)} is damaged and cannot be decoded "
                f"({type(exc).__name__})",
            ) from None
        return self._to_stored(arr, index)

    def _check_codestream(self, index: int) -> None:
        """Refuse a compressed frame whose own header disagrees with the film's size (before decoding)."""
        info = self.info
        if self._native or not is_checked_syntax(info.transfer_syntax_uid or ""):
            return
        try:
            data = self._ds.PixelData
            if self._locator is None or self._locator.buf is not data:
                self._locator = FrameLocator(data, info.frames, get_raw(self._ds, "ExtendedOffsetTable"))
            geometry = frame_geometry(data, index, info.frames, self._locator.extended_offsets, self._locator)
        except Exception:  # the pixel data cannot even be read: the decoder reports it
            return
        problem = None if geometry is None else geometry_problem(
            geometry, info.rows, info.columns, info.samples_per_pixel)
        if (problem is None and geometry is not None and geometry.kind in ("JPEG", "JPEG-LS")
                and info.bits_allocated == 8 and geometry.precision > info.bits_stored):
            # GDCM aborts the whole process on such a frame (found by tests/fuzz): refused first
            problem = (f"its {geometry.kind} data has {geometry.precision}-bit samples but the header says "
                       f"{info.bits_stored} bits stored")
        if problem:
            raise CorruptImageError(
                self._path, f"the pixel data of {self._frame_name(index)} is damaged: {problem}"
            )

    def _decode(self, index: int) -> np.ndarray:
        from pydicom.pixels import pixel_array

        if self.truncated:
            return self._decode_partial(index)
        self._check_codestream(index)
        src = self._path if self._stream else self._ds
        try:
            arr = None
            if self._jpeg12:
                arr = jpeg12.decode_frame(self._ds, index, self.info.frames, get_raw(self._ds, "ExtendedOffsetTable"))
            elif self._plugin:
                try:
                    arr = pixel_array(src, index=index, decoding_plugin=self._plugin)
                except MemoryError:
                    raise
                except Exception:  # the preferred plugin declined: let pydicom try every plugin
                    arr = None
            if arr is None:
                arr = pixel_array(src, index=index)
        except MemoryError:
            raise CorruptImageError(self._path, f"{self._frame_name(index)} is too large to decode") from None
        except Exception as exc:
            if self._file_changed():
                raise ImageLoadError(
                    self._path, "the file was changed or removed after it was opened: open it again"
                ) from None
            if "does not support" in str(exc):  # every installed plugin declined this variant
                raise DecoderMissingError(
                    self._path,
                    f"no installed decoder handles this {self.info.bits_stored}-bit "
                    f"{self.info.transfer_syntax}; install pylibjpeg-libjpeg (GPL) or convert the file",
                ) from None
            raise CorruptImageError(
                self._path,
                f"the pixel data of {self._frame_name(index)} is damaged and cannot be decoded "
                f"({type(exc).__name__})",
            ) from None
        return self._to_stored(arr, index)

    def _to_stored(self, arr: np.ndarray, index: int) -> np.ndarray:
        info = self.info
        if arr.ndim == 3 and info.samples_per_pixel == 1 and arr.shape[0] == 1:
            arr = arr[0]
        if arr.dtype.byteorder == ">":  # big-endian transfer syntax: native order for everyone else
            arr = arr.astype(arr.dtype.newbyteorder("="))
        if info.photometric == "PALETTE COLOR":
            arr = self._expand_palette(arr)
        elif self.is_color and info.bits_allocated > 8:
            arr = rgb_to_8bit(arr)
        elif self.is_color and arr.dtype != np.uint8:
            arr = np.clip(arr, 0, 255).astype(np.uint8)
        want = (info.rows, info.columns, 3) if self.is_color else (info.rows, info.columns)
        if arr.shape != want:
            raise CorruptImageError(
                self._path, f"{self._frame_name(index)} decoded to shape {arr.shape}, the header says {want}"
            )
        arr.setflags(write=False)
        return arr

    def _expand_palette(self, arr: np.ndarray) -> np.ndarray:
        from pydicom.pixels import apply_color_lut

        try:
            rgb = apply_color_lut(arr, self._ds)
            desc = self._ds.RedPaletteColorLookupTableDescriptor
            bits = int(desc[2])
        except Exception as exc:
            raise CorruptImageError(
                self._path, f"the colour palette is missing or damaged ({type(exc).__name__})"
            ) from None
        if bits > 8 or rgb.dtype != np.uint8 and int(rgb.max(initial=0)) > 255:
            rgb = (rgb >> 8) if rgb.dtype.kind == "u" else (rgb // 256)
        return rgb.astype(np.uint8)

    def stored_frame(self, index: int = 0) -> np.ndarray:
        """Stored values of frame ``index`` (0-based): H x W integers or H x W x 3 ``uint8``."""
        index = self._check_index(index)
        with self._lock:
            cached = self._frames.get(index)
            if cached is not None:
                self._frames.move_to_end(index)
                return cached
            arr = self._decode(index)
            self._frames[index] = arr
            while len(self._frames) > self._cache_frames:
                self._frames.popitem(last=False)
            return arr

    def _frame_rescale(self, index: int) -> tuple[float, float] | None:
        """(slope, intercept) of frame ``index`` from the functional groups, None: use the top level."""
        if not self._fg_rescale:
            return None
        if index not in self._rescale:
            item = _group_item(self._ds, index, "PixelValueTransformationSequence")
            slope = get_float(item, "RescaleSlope") if item is not None else None
            intercept = get_float(item, "RescaleIntercept") if item is not None else None
            if len(self._rescale) > 4096:
                self._rescale.clear()
            self._rescale[index] = None if slope is None or intercept is None else (slope, intercept)
        return self._rescale[index]

    def modality_key(self, index: int) -> Hashable:
        return self._frame_rescale(int(index))

    def modality_lut(self, lo: int, hi: int) -> np.ndarray:
        """Modality values (float64) for stored values lo..hi of frame 0 (see ``frame_modality_lut``)."""
        return self.frame_modality_lut(0, lo, hi)

    def frame_modality_lut(self, index: int, lo: int, hi: int) -> np.ndarray:
        """Modality values (float64) for stored values lo..hi of frame ``index``.

        pydicom's ``apply_modality_lut`` on the top-level Modality LUT / Rescale
        tags; in an enhanced file, the frame's Pixel Value Transformation
        (per-frame functional group, else the shared one) instead, as
        ``stored * slope + intercept`` -- the same arithmetic.
        """
        lo, hi = int(lo), int(hi)
        if hi < lo or hi - lo + 1 > MAX_LUT_ENTRIES:
            raise ValueError(f"stored value range {lo}..{hi} is empty or wider than {MAX_LUT_ENTRIES}")
        with self._lock:
            rescale = None if self.is_color else self._frame_rescale(int(index))
            key = (rescale, lo, hi)
            cached = self._luts.get(key)
            if cached is not None:
                self._luts.move_to_end(key)
                return cached
            values = np.arange(lo, hi + 1, dtype=np.int64)
            if self.is_color:
                lut = values.astype(np.float64)
            elif rescale is not None:
                lut = values.astype(np.float64) * rescale[0]
                lut += rescale[1]
            else:
                from pydicom.pixels import apply_modality_lut

                try:
                    lut = np.asarray(apply_modality_lut(values, self._ds), dtype=np.float64)
                except Exception as exc:
                    raise CorruptImageError(
                        self._path, f"the modality LUT / rescale values are damaged ({type(exc).__name__})"
                    ) from None
            if not np.isfinite(lut).all():  # e.g. RescaleIntercept "nan" (found by tests/fuzz)
                raise CorruptImageError(
                    self._path, "the modality LUT / rescale values are damaged (not finite numbers)")
            lut.setflags(write=False)
            self._luts[key] = lut
            while len(self._luts) > 4:
                self._luts.popitem(last=False)
            return lut

    def auto_window(self, index: int = 0) -> WindowPreset:
        index = self._check_index(index)
        if self.is_color:
            return COLOR_WINDOW
        with self._lock:
            if index not in self._auto:
                self._auto[index] = robust_window(
                    self.stored_frame(index), lambda lo, hi: self.frame_modality_lut(index, lo, hi)
                )
            return self._auto[index]


def rgb_to_8bit(arr: np.ndarray) -> np.ndarray:
    """RGB of 16 or 32 bits per sample as 8 bits per channel: each channel windowed on its own
    range in the frame (its lowest value black, its highest full), as other viewers show them."""
    lo = arr.min(axis=(0, 1)).astype(np.float64)
    hi = arr.max(axis=(0, 1)).astype(np.float64)
    scale = 255.0 / np.where(hi > lo, hi - lo, 1.0)
    out = np.empty(arr.shape, np.uint8)
    step = max(1, (1 << 22) // max(1, arr.shape[1] * 3))  # rows per block: ~32 MB of float64 at a time
    for r in range(0, arr.shape[0], step):
        block = (arr[r:r + step].astype(np.float64) - lo) * scale
        out[r:r + step] = np.clip(np.rint(block), 0, 255)
    return out


def _jpeg_precision(ds: Any, frames: int, bits_stored: int) -> int:
    """Sample precision of frame 0's JPEG data when it is in memory, else BitsStored."""
    elem = ds.get_item(PIXEL_TAG, keep_deferred=True)
    value = getattr(elem, "value", None)
    if isinstance(value, (bytes, bytearray)):
        geometry = frame_geometry(value, 0, frames, get_raw(ds, "ExtendedOffsetTable"))
        if geometry is not None and geometry.precision:
            return geometry.precision
    return bits_stored


def _group_item(ds: Any, index: int, keyword: str) -> Any:
    """The first item of functional-group macro ``keyword`` for frame ``index`` (per-frame, else shared)."""
    for seq_kw, i in (("PerFrameFunctionalGroupsSequence", index), ("SharedFunctionalGroupsSequence", 0)):
        try:
            seq = get_raw(ds, seq_kw)
            if not seq or len(seq) <= i:
                continue
            inner = seq[i].get(keyword)
            if inner:
                return inner[0]
        except Exception:  # a damaged group: as if absent
            continue
    return None


def _has_group_item(ds: Any, keyword: str) -> bool:
    """Whether the shared group or the first per-frame group carries macro ``keyword``."""
    return _group_item(ds, 0, keyword) is not None


def _native_frame_bytes(info: ImageInfo) -> int:
    """Bytes of one frame of native pixel data (8- or 16-bit allocated)."""
    size = info.rows * info.columns * info.samples_per_pixel * info.bits_allocated // 8
    return size // 3 * 2 if info.photometric == "YBR_FULL_422" else size


def open_dicom(path: str | Path, force: bool = False, headers_only: bool = False) -> DicomImage:
    """Open a DICOM file; raises the ``ImageLoadError`` family, never decodes pixels.

    ``force``: read a data set without preamble/file meta. ``headers_only``:
    leave pixel data over 64 kB on disk until a frame is asked for (folder import).
    """
    path = Path(path)
    ds = read_header(path, force, DEFER_SIZE_HEADERS_ONLY if headers_only else DEFER_SIZE)
    if PIXEL_TAG not in ds:
        if any(t in ds for t in FLOAT_PIXEL_TAGS):
            raise UnsupportedImageError(path, "floating-point pixel data (parametric map) is not supported")
        if force and len(ds) == 0:
            raise NotAnImageError(path, "not a DICOM file or a supported image format")
        raise_no_pixels(path, ds)
    rows, cols, frames, spp, alloc, stored, photometric = check_geometry(path, ds)
    check_pixels_supported(path, spp, alloc, stored, photometric)
    ts = transfer_syntax(path, ds)
    ts_name = uid_name(ts) or str(ts)
    native = not ts.is_encapsulated if ts.is_transfer_syntax else True
    check_decoder(path, ts, ts_name)
    if alloc > 16 and is_jpeg_syntax(str(ts)):  # GDCM aborts the process on such data: refused first
        raise CorruptImageError(path, f"the header says {alloc}-bit samples, which {ts_name} cannot hold: "
                                "the file is damaged")
    jpeg12_bits = str(ts) == JPEG_EXTENDED and _jpeg_precision(ds, frames, stored) > 8
    if jpeg12_bits:
        check_jpeg_extended_12bit(path)
    complete = frames
    if native:
        expected = rows * cols * frames * spp * alloc // 8
        if alloc == 1:
            expected = (rows * cols * frames * spp + 7) // 8
        if photometric == "YBR_FULL_422":
            expected = expected // 3 * 2
        have = pixel_element_length(path, ds)
        if have is not None and have < expected:
            # a multi-frame run cut short keeps its complete frames (not bit-packed data: frames share bytes)
            complete = have // (expected // frames) if frames > 1 and alloc >= 8 else 0
            if complete < 1:
                raise CorruptImageError(
                    path, f"the pixel data is truncated: {have:,} of {expected:,} bytes present"
                )
    view = detect_view(ds)
    info = ImageInfo(
        path=path,
        format="DICOM",
        rows=rows,
        columns=cols,
        frames=frames,
        bits_stored=stored,
        bits_allocated=alloc,
        photometric=photometric,
        samples_per_pixel=spp,
        transfer_syntax=ts_name,
        transfer_syntax_uid=str(ts),
        sop_class=uid_name(get_raw(ds, "SOPClassUID")),
        modality=get_cs(ds, "Modality"),
        calibration=detect_calibration(ds),
        view=view,
        directions=detect_directions(ds, view.view),
        acquisition_time=acquisition_time(ds),
        utc_offset=acquisition_offset(ds),
        instance_number=get_int(ds, "InstanceNumber"),
        frame_time_ms=frame_time_ms(ds, frames),
        windows=() if spp == 3 or photometric == "PALETTE COLOR" else file_windows(ds),
        complete_frames=None if complete == frames else complete,
        presentation_inverse=get_cs(ds, "PresentationLUTShape") == "INVERSE" and spp == 1,
    )
    image = DicomImage(path, ds, info, native, complete)
    image._jpeg12 = jpeg12_bits and jpeg12.available()
    if force:  # frame-by-frame reading from the path needs the file meta
        image._stream = False
    return image
