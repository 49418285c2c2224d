"""One lookup table from stored pixel values to 8-bit display grey levels.

The DICOM grayscale pipeline (PS3.3 C.11, PS3.4 N.2.1) is a chain of pure
functions of the stored value; since the stored values of a frame are integers
in a known range, the whole chain is evaluated once per stored value and the
frame is displayed with a single indexing pass (pyqtgraph's lesson):

1. Modality LUT (PS3.3 C.11.1): ``FluoroImage.modality_lut(lo, hi)`` gives the
   modality value of every stored value in [lo, hi].
2. VOI (PS3.3 C.11.2): either a window -- LINEAR (C.11.2.1.2.1), LINEAR_EXACT
   (C.11.2.1.3.2) or SIGMOID (C.11.2.1.3.1) -- or a VOI LUT table
   (C.11.2.1.1, LUT Descriptor semantics of C.11.1.1.1), mapped to 0..255.
3. Inversion, exactly once: MONOCHROME1 (PS3.3 C.7.6.3.1.2: minimum value is
   white) XOR the user's "invert" toggle, as ``255 - y``.
4. Gamma: ``y = 255 * (y / 255) ** (1 / gamma)``; gamma > 1 brightens mid-greys,
   gamma = 1 changes nothing.
5. One rounding to the nearest integer (halves round up), clipped to 0..255.

Units: stored values are the integers of the pixel data; modality values are in
the modality's unit (e.g. HU, or arbitrary for XA/RF); window centre and width
are in modality units; the output is a display grey level 0 (black)..255 (white).
"""

from __future__ import annotations

import math
from functools import lru_cache

import numpy as np

from annotator.io.image import WindowPreset

OUT_MAX = 255.0  # ymax - ymin of the VOI output (ymin = 0)
FUNCTIONS = ("LINEAR", "LINEAR_EXACT", "SIGMOID")
# A VOI LUT whose entries use this many bits fewer than its descriptor says is scaled by the
# entries' own depth: a 12-bit table (0..4095) declared 16-bit must still reach white.
TABLE_DEPTH_SLACK = 4


def voi_window(values: np.ndarray, center: float, width: float, function: str = "LINEAR") -> np.ndarray:
    """VOI window function of PS3.3 C.11.2.1.2 / C.11.2.1.3 on modality ``values``.

    Returns float64 display values in [0, 255] (ymin = 0, ymax = 255), not rounded.

    - LINEAR (C.11.2.1.2.1), requires width >= 1 (narrower widths act as 1)::

        x <= c - 0.5 - (w - 1) / 2  -> ymin
        x >  c - 0.5 + (w - 1) / 2  -> ymax
        else y = ((x - (c - 0.5)) / (w - 1) + 0.5) * (ymax - ymin) + ymin

    - LINEAR_EXACT (C.11.2.1.3.2), requires width > 0::

        x <= c - w / 2 -> ymin;  x > c + w / 2 -> ymax
        else y = ((x - c) / w + 0.5) * (ymax - ymin) + ymin

    - SIGMOID (C.11.2.1.3.1), requires width > 0::

        y = (ymax - ymin) / (1 + exp(-4 * (x - c) / w)) + ymin
    """
    x = np.asarray(values, dtype=np.float64)
    c = float(center)
    w = float(width)
    if not (math.isfinite(c) and math.isfinite(w)):
        raise ValueError(f"window centre and width must be finite numbers, got {c!r}/{w!r}")
    fn = (function or "LINEAR").upper()
    if fn == "LINEAR":
        w = max(w, 1.0)
        below = x <= c - 0.5 - (w - 1.0) / 2.0
        above = x > c - 0.5 + (w - 1.0) / 2.0
        if w == 1.0:  # a pure threshold: every x is either below or above
            return np.where(above, OUT_MAX, 0.0)
        y = ((x - (c - 0.5)) / (w - 1.0) + 0.5) * OUT_MAX
    elif fn == "LINEAR_EXACT":
        w = max(w, np.finfo(np.float64).tiny)
        below = x <= c - w / 2.0
        above = x > c + w / 2.0
        y = ((x - c) / w + 0.5) * OUT_MAX
    elif fn == "SIGMOID":
        w = max(w, np.finfo(np.float64).tiny)
        with np.errstate(over="ignore"):
            return OUT_MAX / (1.0 + np.exp(-4.0 * (x - c) / w))
    else:
        raise ValueError(f"unknown VOI LUT function {function!r} (use {', '.join(FUNCTIONS)})")
    y[below] = 0.0
    y[above] = OUT_MAX
    return y


def voi_table(values: np.ndarray, table: np.ndarray, first: int, bits: int = 0) -> np.ndarray:
    """VOI LUT table (PS3.3 C.11.2.1.1) on modality ``values``, scaled to [0, 255].

    ``first`` is the first input value mapped (LUT Descriptor value 2); inputs
    below it take the first entry, inputs past the last entry take the last
    (C.11.1.1.1). Non-integer inputs are floored, as pydicom's ``apply_voi``
    does. ``bits`` is the entry depth (Descriptor value 3), whose largest value
    ``2**bits - 1`` is white; the entries' own depth (the bit length of the
    largest entry) decides instead when the descriptor is missing, too small
    for the entries, or at least ``TABLE_DEPTH_SLACK`` bits too large -- the
    common "16 declared, 12 used" table would otherwise show as a few dark greys.
    """
    tab = np.asarray(table).ravel()
    if tab.size == 0:
        raise ValueError("VOI LUT table is empty")
    tab = tab.astype(np.float64)
    own = max(int(tab.max()).bit_length(), 1)  # the entries' own depth
    declared = int(bits) if bits and bits > 0 else 0
    depth = declared if own <= declared < own + TABLE_DEPTH_SLACK else own
    full = float(2**depth - 1)
    idx = np.floor(np.asarray(values, dtype=np.float64)) - int(first)
    idx = np.clip(idx, 0, tab.size - 1).astype(np.intp)
    return tab[idx] * (OUT_MAX / full)


def voi(values: np.ndarray, preset: WindowPreset) -> np.ndarray:
    """The VOI step for ``preset``: its table when it has one, else its window function."""
    if preset.lut is not None:
        return voi_table(values, preset.lut, preset.lut_first, preset.lut_bits)
    return voi_window(values, preset.center, preset.width, preset.function)


def finish(y: np.ndarray, invert: bool = False, gamma: float = 1.0) -> np.ndarray:
    """Inversion (``255 - y``), then gamma, then one rounding to ``uint8``.

    ``y`` is float display values in [0, 255]; ``invert`` is the effective
    inversion (MONOCHROME1 XOR user toggle); gamma > 1 brightens mid-greys.
    """
    g = float(gamma)
    if not (math.isfinite(g) and g > 0):
        raise ValueError(f"gamma must be a positive number, got {gamma!r}")
    y = np.asarray(y, dtype=np.float64)
    if invert:
        y = OUT_MAX - y
    if g != 1.0:
        y = OUT_MAX * np.power(np.minimum(np.maximum(y, 0.0), OUT_MAX) / OUT_MAX, 1.0 / g)
    # in place on one fresh array; np.minimum/maximum, not np.clip (several times slower on float64)
    y = y + 0.5
    np.floor(y, out=y)
    np.maximum(y, 0.0, out=y)
    np.minimum(y, OUT_MAX, out=y)
    return y.astype(np.uint8)


def display_lut(
    modality_values: np.ndarray,
    preset: WindowPreset | None,
    invert: bool = False,
    gamma: float = 1.0,
) -> np.ndarray:
    """The whole chain for the modality values of consecutive stored values.

    ``modality_values[k]`` is the modality value of stored value ``lo + k``;
    the result (``uint8``, same length) is the display grey level of that stored
    value, so a frame is shown with ``lut[stored - lo]``. ``invert`` is the
    effective inversion (MONOCHROME1 XOR user); ``preset=None`` is the identity
    VOI for values already in 0..255 (colour pass-through).
    """
    if preset is None:
        y = np.clip(np.asarray(modality_values, dtype=np.float64), 0.0, OUT_MAX)
    else:
        y = voi(modality_values, preset)
    return finish(y, invert=invert, gamma=gamma)


@lru_cache(maxsize=8)
def index_order(dtype: np.dtype, bits_stored: int = 0) -> tuple[int, int, np.ndarray] | None:
    """For 8/16-bit integer dtypes: the stored range to evaluate and where each LUT slot reads it.

    A frame of such a dtype is displayed with ``lut[frame.view(uintN)]`` -- no
    subtraction pass, no int64 temporary. Slot ``k`` of that table serves the
    stored value ``v(k)`` that the unsigned view maps to ``k`` (two's complement
    for signed types). Returns ``(lo, hi, slot_index)``: the chain is evaluated
    only for stored values ``lo..hi`` (the range ``bits_stored`` allows, PS3.3
    C.7.6.3.1: e.g. 0..4095 for 12 bits unsigned) and the full table is
    ``by_value[slot_index]``, values outside ``lo..hi`` taking the nearest end.
    Returns ``None`` for wider types (use the frame's own min/max instead).
    The arrays returned are shared: do not modify them.
    """
    dt = np.dtype(dtype)
    if dt.kind not in "ui" or dt.itemsize > 2:
        return None
    bits = 8 * dt.itemsize
    slots = np.arange(2**bits, dtype=np.uint64).astype(f"u{dt.itemsize}")
    values = slots.view(dt).astype(np.int64)
    bs = bits_stored if 0 < bits_stored <= bits else bits
    if dt.kind == "u":
        lo, hi = 0, 2**bs - 1
    else:
        lo, hi = -(2 ** (bs - 1)), 2 ** (bs - 1) - 1
    slot_index = np.clip(values - lo, 0, hi - lo).astype(np.intp)
    slot_index.setflags(write=False)
    return lo, hi, slot_index
