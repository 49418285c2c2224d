"""Frames of a ``FluoroImage`` as 8-bit display buffers, exactly as the viewer shows them.

``FrameRenderer`` keeps the decoded stored frame, the modality LUT and the
display LUT (``render/lut.py``), so that a window/level drag costs one LUT
build (at most 65536 entries) and one indexing pass over the frame; changing
the frame costs one decode (cached by io). ``display_frame`` is the same as
one call, used by the ``render`` CLI and by export.

Buffers are H x W ``uint8`` (grey) or H x W x 3 ``uint8`` (RGB), in the stored
pixel grid (row 0 at the top, column 0 at the left), a fresh array owned by the
caller. Grey level 0 is black, 255 white.
"""

from __future__ import annotations

import os
from collections.abc import Hashable
from concurrent.futures import ThreadPoolExecutor

import numpy as np

from annotator.errors import UnsupportedImageError
from annotator.io.image import FluoroImage, WindowPreset
from annotator.render.lut import FUNCTIONS, display_lut, index_order

Window = WindowPreset | tuple[float, float]

# The frame is indexed in row bands of about BAND_PIXELS: a whole-frame ``take``
# is ~2x slower than the same work in cache-sized bands. Frames of
# PARALLEL_MIN_PIXELS or more split the bands between the calling thread and a
# small pool (numpy releases the GIL in ``take``): on 2 cores a 2048 x 2048
# update drops from ~3.3 to ~2 ms (benchmarks/bench_window.py).
BAND_PIXELS = 1 << 18
PARALLEL_MIN_PIXELS = 1 << 20
MAX_LUT_ENTRIES = 1 << 17  # wider stored ranges (32-bit data) are refused, as io does
_pool: ThreadPoolExecutor | None = None


def _workers() -> int:
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return max(1, min(4, cpus))


def _executor() -> ThreadPoolExecutor:
    global _pool
    if _pool is None:
        _pool = ThreadPoolExecutor(max_workers=_workers() - 1 or 1, thread_name_prefix="render-lut")
    return _pool


def _take_bands(lut: np.ndarray, index: np.ndarray, out: np.ndarray, bounds: list[int]) -> None:
    for a, b in zip(bounds[:-1], bounds[1:]):
        # mode="wrap": no bounds check and no buffering of ``out`` (mode="raise"
        # copies); every index is < lut.size by construction.
        np.take(lut, index[a:b], out=out[a:b], mode="wrap")


def apply_lut(lut: np.ndarray, index: np.ndarray, parallel: bool = True) -> np.ndarray:
    """``lut[index]`` into a fresh array; ``index`` must hold only values in 0..lut.size-1.

    Works in row bands, shared between threads for frames of at least
    ``PARALLEL_MIN_PIXELS`` when ``parallel``.
    """
    out = np.empty(index.shape, dtype=lut.dtype)
    rows = index.shape[0] if index.ndim else 1
    if index.ndim == 0 or index.size == 0:
        np.take(lut, index, out=out, mode="wrap")
        return out
    n_bands = max(1, min(rows, index.size // BAND_PIXELS))
    bounds = [int(v) for v in np.linspace(0, rows, n_bands + 1)]
    workers = _workers() if parallel and index.size >= PARALLEL_MIN_PIXELS else 1
    workers = min(workers, n_bands)
    if workers == 1:
        _take_bands(lut, index, out, bounds)
        return out
    # band groups: the pool takes all but the last, the caller does the last one
    cuts = [int(v) for v in np.linspace(0, n_bands, workers + 1)]
    groups = [bounds[cuts[k] : cuts[k + 1] + 1] for k in range(workers)]
    futures = [_executor().submit(_take_bands, lut, index, out, g) for g in groups[:-1]]
    _take_bands(lut, index, out, groups[-1])
    for future in futures:
        future.result()
    return out


def as_preset(window: Window, like: WindowPreset | None = None) -> WindowPreset:
    """A ``WindowPreset`` from a preset or a (centre, width) pair in modality units.

    A pair keeps the window function of ``like`` (a user drag on a SIGMOID file
    window stays sigmoid); a table preset as ``like`` gives LINEAR.
    """
    if isinstance(window, WindowPreset):
        return window
    center, width = (float(v) for v in window)
    function = "LINEAR"
    if like is not None and like.lut is None and like.function.upper() in FUNCTIONS:
        function = like.function.upper()
    return WindowPreset(center, width, explanation="", source="user", function=function)


def _file_window(image: FluoroImage) -> WindowPreset | None:
    windows = image.info.windows
    return windows[0] if windows and not image.is_color else None


class FrameRenderer:
    """Display state of one image: frame, window, inversion, gamma; ``buffer()`` renders it.

    ``window`` defaults to ``image.default_window()``: the file's first window,
    else the automatic window of frame 0, the same for every frame (a cine does
    not flicker, and ``display_frame(image, n)`` equals what the viewer shows
    after stepping to frame n from any frame). Colour images are passed through unless a window, an
    inversion or a gamma is set; a window then applies to each channel's stored
    values (no modality LUT for colour, PS3.3 C.7.6.3.1.2).
    """

    def __init__(self, image: FluoroImage, frame: int = 0, parallel: bool = True) -> None:
        self.image = image
        self.parallel = parallel
        self._frame = 0
        self._preset: WindowPreset | None = None
        self._invert = False
        self._gamma = 1.0
        self._stored: np.ndarray | None = None  # the decoded current frame
        self._index: np.ndarray | None = None  # what the LUT is indexed with
        self._range: tuple[int, int, np.ndarray | None] | None = None  # lo, hi, slot index (lut.index_order)
        self._modality: dict[tuple[Hashable, int, int], np.ndarray] = {}
        self._lut: np.ndarray | None = None
        self._lut_key: tuple | None = None
        self.frame = frame

    # -- state ---------------------------------------------------------------
    @property
    def frame(self) -> int:
        return self._frame

    @frame.setter
    def frame(self, index: int) -> None:
        index = int(index)
        if not 0 <= index < self.image.info.frames:
            raise IndexError(f"frame {index} out of range 0..{self.image.info.frames - 1}")
        if index != self._frame or self._stored is None:
            self._frame = index
            self._stored = None
            self._index = None

    @property
    def preset(self) -> WindowPreset | None:
        """The VOI in use (``None`` for a colour image shown as stored)."""
        if self._preset is None and not self.image.is_color:
            self._preset = self.image.default_window(self._frame)  # the same for every frame
        return self._preset

    @property
    def window(self) -> tuple[float, float] | None:
        """(centre, width) in modality units; ``None`` for a colour image shown as stored."""
        p = self.preset
        return None if p is None else (p.center, p.width)

    @window.setter
    def window(self, value: Window | None) -> None:
        like = self._preset if self._preset is not None else _file_window(self.image)
        self._preset = None if value is None else as_preset(value, like=like)

    def reset_window(self) -> None:
        """Back to the image's default window (``FluoroImage.default_window``)."""
        self._preset = None

    @property
    def invert(self) -> bool:
        """The user's inversion toggle (MONOCHROME1 is inverted on top of it, XOR)."""
        return self._invert

    @invert.setter
    def invert(self, value: bool) -> None:
        self._invert = bool(value)

    @property
    def gamma(self) -> float:
        return self._gamma

    @gamma.setter
    def gamma(self, value: float) -> None:
        g = float(value)
        if not (np.isfinite(g) and g > 0):
            raise ValueError(f"gamma must be a positive number, got {value!r}")
        self._gamma = g

    # -- rendering -----------------------------------------------------------
    def stored(self) -> np.ndarray:
        """The stored values of the current frame (decoded once, cached)."""
        if self._stored is None:
            raw = np.asarray(self.image.stored_frame(self._frame))
            if raw.dtype.kind not in "ui" or (self.image.is_color and raw.dtype != np.uint8):
                raise UnsupportedImageError(
                    self.image.info.path, f"pixel data of type {raw.dtype} cannot be displayed"
                    + (" (colour frames are 8-bit)" if self.image.is_color else "")
                )
            self._stored = raw
        return self._stored

    def _prepare_index(self) -> tuple[np.ndarray, tuple[int, int, np.ndarray | None]]:
        if self._index is None or self._range is None:
            raw = self.stored()
            order = index_order(raw.dtype, int(self.image.info.bits_stored or 0))
            if order is not None:  # 8/16 bit: index with the unsigned view, no arithmetic
                lo, hi, slots = order
                self._index = raw.view(f"u{raw.dtype.itemsize}")
                self._range = (lo, hi, slots)
            else:
                lo, hi = int(raw.min()), int(raw.max())
                if hi - lo + 1 > MAX_LUT_ENTRIES:
                    raise UnsupportedImageError(
                        self.image.info.path,
                        f"stored values span {hi - lo + 1} levels; at most {MAX_LUT_ENTRIES} can be displayed",
                    )
                self._index = (raw.astype(np.int64) - lo).astype(np.intp)
                self._range = (lo, hi, None)
        return self._index, self._range

    def _modality_key(self, lo: int, hi: int) -> tuple[Hashable, int, int]:
        return (None if self.image.is_color else self.image.modality_key(self._frame), lo, hi)

    def _modality_values(self, lo: int, hi: int) -> np.ndarray:
        key = self._modality_key(lo, hi)
        if key not in self._modality:
            if self.image.is_color:  # colour: no modality LUT, stored values as they are
                values = np.arange(lo, hi + 1, dtype=np.float64)
            else:
                values = np.asarray(self.image.frame_modality_lut(self._frame, lo, hi), dtype=np.float64)
                if values.shape != (hi - lo + 1,):
                    raise ValueError(f"modality_lut({lo}, {hi}) returned shape {values.shape}")
            self._modality = {key: values}  # one range (and one rescale) per image in practice
        return self._modality[key]

    def lut(self) -> np.ndarray:
        """The display LUT (``uint8``) for the current state, indexed like ``_prepare_index``."""
        _, (lo, hi, slots) = self._prepare_index()
        preset = self.preset  # None: a colour image, its uint8 values shown as they are
        flip = bool(self.image.invert) != self._invert
        # the preset's table is not part of its equality: key on the table's identity too
        table = None if preset is None else preset.lut
        key = (self._modality_key(lo, hi), preset, table if table is None else id(table), flip, self._gamma)
        if self._lut is None or self._lut_key != key:
            by_value = display_lut(self._modality_values(lo, hi), preset, invert=flip, gamma=self._gamma)
            self._lut = by_value if slots is None else np.take(by_value, slots)
            self._lut_key = key
        return self._lut

    def buffer(self) -> np.ndarray:
        """The display buffer of the current frame: H x W (grey) or H x W x 3 (RGB) ``uint8``."""
        raw = self.stored()
        if self.image.is_color and self._preset is None and not self._invert and self._gamma == 1.0:
            return raw.copy()  # colour frames are H x W x 3 uint8 (io's contract): shown as stored
        lut = self.lut()
        index, _ = self._prepare_index()
        return apply_lut(lut, index, parallel=self.parallel)


def display_frame(
    image: FluoroImage,
    index: int = 0,
    window: Window | None = None,
    invert: bool = False,
    gamma: float = 1.0,
) -> np.ndarray:
    """Frame ``index`` of ``image`` as the viewer shows it (see ``FrameRenderer``).

    ``window``: a ``WindowPreset`` or (centre, width) in modality units; ``None``
    = the image's default window. ``invert`` is the user's toggle (XOR with
    MONOCHROME1); gamma > 1 brightens mid-greys.
    """
    renderer = FrameRenderer(image, frame=index)
    if window is not None:
        renderer.window = window
    renderer.invert = invert
    renderer.gamma = gamma
    return renderer.buffer()
