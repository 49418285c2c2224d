"""Display windows: the ones stored in a DICOM file and a robust automatic one.

File windows (PS3.3 C.11.2): every WindowCenter/WindowWidth pair with its
WindowCenterWidthExplanation and the VOILUTFunction, then every VOI LUT
Sequence item as a table (``WindowPreset.lut``). Centres and widths are in
modality units (after the modality LUT), as the standard defines them.

``full_range_window(bits)`` is the "as stored" window of plain images (the
first preset of a plain greyscale PNG/TIFF/BMP/JPEG, so it shows exactly as
saved). The automatic window takes the 0.5-99.5 percentiles of the modality values of
one frame, on a subsample of at most ~65k pixels, after dropping the
background at either end of the histogram: the black collimator or the dark
outside of the round image-intensifier field (or their white twins in
MONOCHROME1). Background is a single extreme value covering more than
``PLATEAU_FRACTION`` of the pixels, or -- when it is noisy -- a narrow,
dominant histogram peak at an end: within ``BACKGROUND_SEARCH`` of the value
range from that end, holding at least ``PLATEAU_FRACTION`` of the pixels, at
its top at least ``BACKGROUND_PROMINENCE`` times the mean of the rest of the histogram,
and narrow: falling to ``BACKGROUND_EDGE`` of its height within
``BACKGROUND_WIDTH`` of the range past its top. It is cut at twice that
half-width from its top, past its noise tail. A broad dark mode (muscle in MR,
soft tissue in CT) is not narrow and stays in the window.
"""

from __future__ import annotations

from collections.abc import Callable
from struct import unpack
from typing import Any

import numpy as np

from annotator.io.image import WindowPreset
from annotator.io.safe_meta import get_cs, get_floats, get_int, get_lo, get_raw, get_strs

AUTO_LOW_PERCENTILE = 0.5
AUTO_HIGH_PERCENTILE = 99.5
AUTO_MAX_SAMPLES = 256 * 256
PLATEAU_FRACTION = 0.02  # an extreme value (or a background peak) covering more than this share is background
BACKGROUND_SEARCH = 0.1  # a background peak's top lies within this share of the value range from an end
BACKGROUND_PROMINENCE = 5.0  # ... and its top this many times the mean count of the rest
BACKGROUND_EDGE = 0.1  # the peak ends where the smoothed histogram falls below this share of its top
BACKGROUND_WIDTH = 0.04  # ... at most this share of the value range past its top (else: not background)
OUTLIER_SHARE = 0.001  # this share of pixels at either end (dead or hot pixels) does not move the search
_VOI_FUNCTIONS = {"LINEAR", "LINEAR_EXACT", "SIGMOID"}


def _linear_windows(ds: Any) -> list[WindowPreset]:
    centers = get_floats(ds, "WindowCenter")
    widths = get_floats(ds, "WindowWidth")
    explanations = [e if len(e) <= 64 and e.isprintable() else "" for e in get_strs(ds, "WindowCenterWidthExplanation")]
    function = get_cs(ds, "VOILUTFunction") or "LINEAR"
    if function not in _VOI_FUNCTIONS:
        function = "LINEAR"
    out = []
    for k, (c, w) in enumerate(zip(centers, widths)):
        if w <= 0 or (function == "LINEAR" and w < 1):
            continue  # width must be >= 1 for LINEAR, > 0 otherwise (C.11.2.1.2)
        expl = explanations[k] if k < len(explanations) else ""
        out.append(WindowPreset(c, w, expl, "file", function))
    return out


def _lut_window(item: Any, signed: bool, little_endian: bool) -> WindowPreset | None:
    desc = get_floats(item, "LUTDescriptor")
    if len(desc) != 3:
        return None
    n, first, bits = int(desc[0]) or 65536, int(desc[1]), int(desc[2])
    if signed and first > 32767:
        first -= 65536  # first mapped value is SS for signed pixel data
    try:
        elem = item["LUTData"]
        if isinstance(elem.value, (bytes, bytearray)):
            if len(elem.value) < 2 * n:
                return None
            data: Any = unpack(f"{'<' if little_endian else '>'}{n}H", bytes(elem.value[: 2 * n]))
        else:
            data = elem.value if isinstance(elem.value, (list, tuple)) or hasattr(elem.value, "__len__") else [elem.value]
        lut = np.asarray(list(data)[:n], dtype=np.uint16 if bits > 8 else np.uint8)
    except Exception:
        return None
    if lut.size != n or not 1 <= bits <= 16:
        return None
    lut.setflags(write=False)
    expl = get_lo(item, "LUTExplanation") or ""
    return WindowPreset(first + n / 2.0, float(n), expl, "voi_lut", "LINEAR", lut, first, bits)


def file_windows(ds: Any) -> tuple[WindowPreset, ...]:
    """Every window stored in the dataset, in file order (linear ones first)."""
    out = _linear_windows(ds)
    # enhanced objects keep their window in the functional groups
    if not out:
        for seq_kw in ("SharedFunctionalGroupsSequence", "PerFrameFunctionalGroupsSequence"):
            try:
                seq = get_raw(ds, seq_kw)
                voi = seq[0].get("FrameVOILUTSequence") if seq else None
                if voi:
                    out = _linear_windows(voi[0])
            except Exception:
                continue
            if out:
                break
    signed = get_int(ds, "PixelRepresentation") == 1
    little = getattr(ds, "is_little_endian", True)
    little = True if little is None else little
    seq = get_raw(ds, "VOILUTSequence")
    try:
        items = list(seq) if seq else []
    except Exception:
        items = []
    for item in items:
        preset = _lut_window(item, signed, little)
        if preset is not None:
            out.append(preset)
    return tuple(out)


def _subsample(frame: np.ndarray) -> np.ndarray:
    step = 1
    while (frame.shape[0] // step) * (frame.shape[1] // step) > AUTO_MAX_SAMPLES:
        step += 1
    return frame[::step, ::step].ravel()


def _percentile_range(counts: np.ndarray) -> tuple[int, int]:
    """Indices of the low/high percentiles in a histogram (nearest rank)."""
    cum = np.cumsum(counts)
    total = int(cum[-1])
    i_lo = int(np.searchsorted(cum, total * AUTO_LOW_PERCENTILE / 100.0, side="right"))
    i_hi = int(np.searchsorted(cum, total * AUTO_HIGH_PERCENTILE / 100.0, side="left"))
    return min(i_lo, len(counts) - 1), min(max(i_hi, i_lo), len(counts) - 1)


def _smooth(counts: np.ndarray, width: int) -> np.ndarray:
    """Box-filtered counts (``width`` levels, centred; mean over the levels inside the array)."""
    if width <= 1:
        return counts.astype(np.float64)
    cum = np.concatenate(([0], np.cumsum(counts, dtype=np.int64)))
    n, half = counts.size, width // 2
    lo = np.clip(np.arange(n) - half, 0, n)
    hi = np.clip(np.arange(n) + (width - half), 0, n)
    return (cum[hi] - cum[lo]) / (hi - lo)


def _background_edge(counts: np.ndarray, smooth: np.ndarray, start: int, stop: int) -> int | None:
    """Index just past a background peak at the low end of ``counts``, or None when there is none.

    ``start`` is where the search begins (past the outliers), ``stop`` the last
    index of the histogram's body (the other end's outliers excluded).
    """
    span = stop - start + 1
    if span < 8:
        return None
    reach = max(1, int(BACKGROUND_SEARCH * span))
    window = smooth[start:start + reach + 1]
    peak = start + int(np.argmax(window))
    top = float(smooth[peak])
    if top <= 0:
        return None
    narrow = max(2, int(BACKGROUND_WIDTH * span))
    beyond = np.flatnonzero(smooth[peak:peak + narrow + 1] < BACKGROUND_EDGE * top)
    if beyond.size == 0:
        return None  # not a narrow peak: a broad dark region of the image itself (MR, CT soft tissue)
    # twice the peak's half-width at a tenth of its height: past the noise tail (4.3 sigma of a Gaussian)
    edge = min(peak + 2 * int(beyond[0]), stop)
    total = float(counts.sum())
    inside = float(counts[:edge].sum())
    rest = float(counts[edge:stop + 1].sum()) / max(stop + 1 - edge, 1)
    if inside <= PLATEAU_FRACTION * total or inside >= total * (1.0 - PLATEAU_FRACTION):
        return None
    if top < BACKGROUND_PROMINENCE * rest:
        return None
    return edge


def _drop_plateaus(counts: np.ndarray) -> np.ndarray:
    """Zero the background at both ends of a histogram of stored values (see the module docstring)."""
    total = counts.sum()
    for end in (0, -1):  # a flat plateau: one extreme value
        if counts[end] > PLATEAU_FRACTION * total and counts[end] < total:
            counts[end] = 0
    total = counts.sum()
    if total == 0 or counts.size < 8:
        return counts
    cum = np.cumsum(counts)
    first = int(np.searchsorted(cum, OUTLIER_SHARE * total, side="right"))
    last = int(np.searchsorted(cum, (1.0 - OUTLIER_SHARE) * total, side="left"))
    smooth = _smooth(counts, max(1, (last - first + 1) // 256))
    low = _background_edge(counts, smooth, first, last)
    flipped = counts.size - 1
    high = _background_edge(counts[::-1], smooth[::-1], flipped - last, flipped - first)
    cut_lo = 0 if low is None else low
    cut_hi = counts.size if high is None else counts.size - high
    if cut_hi - cut_lo >= 2 and counts[cut_lo:cut_hi].sum() > PLATEAU_FRACTION * total:
        counts[:cut_lo] = 0
        counts[cut_hi:] = 0
    return counts


def robust_window(
    stored: np.ndarray, modality: Callable[[int, int], np.ndarray] | None = None
) -> WindowPreset:
    """Automatic window of one monochrome frame of stored values.

    ``modality(lo, hi)`` maps stored values lo..hi to modality values (identity
    when ``None``). The result is in modality units: it spans the modality
    values of the stored values between the two percentiles. One histogram of
    at most ``AUTO_MAX_SAMPLES`` pixels; no sort, no full-frame pass.
    """
    sample = _subsample(stored)
    if sample.size == 0:
        return WindowPreset(0.5, 1.0, "automatic", "auto")
    if sample.dtype.kind in "iub":
        lo, hi = int(sample.min()), int(sample.max())
        counts = np.bincount((sample.astype(np.int64) - lo).astype(np.intp), minlength=hi - lo + 1)
        i_lo, i_hi = _percentile_range(_drop_plateaus(counts))
        if modality is not None:
            values = modality(lo + i_lo, lo + i_hi)
            w_lo, w_hi = float(values.min()), float(values.max())
        else:
            w_lo, w_hi = float(lo + i_lo), float(lo + i_hi)
    else:  # float data (not produced by the readers, kept for callers with arrays)
        w_lo, w_hi = (float(v) for v in np.percentile(sample, [AUTO_LOW_PERCENTILE, AUTO_HIGH_PERCENTILE]))
    width = max(w_hi - w_lo, 1.0)
    return WindowPreset((w_lo + w_hi) / 2.0, width, "automatic (0.5-99.5 percentile)", "auto")


def full_range_window(bits: int, explanation: str = "as stored") -> WindowPreset:
    """The LINEAR window that shows ``bits``-bit stored values exactly as stored.

    Centre ``2**(bits-1)``, width ``2**bits``: under PS3.3 C.11.2.1.2.1
    ``y = ((x - (c - 0.5)) / (w - 1) + 0.5) * 255`` this is
    ``y = x * 255 / (2**bits - 1)`` -- the identity for 8 bits (0..255 -> 0..255),
    a plain rescale for deeper data.
    """
    bits = max(1, int(bits))
    return WindowPreset(float(2 ** (bits - 1)), float(2**bits), explanation, "default", "LINEAR")


COLOR_WINDOW = full_range_window(8, "full range (colour)")
