"""Shared helpers of the assist package: the density image, the field mask, sampling.

Coordinates (domain.md §3): float pixels, origin at the top-left *corner* of
the top-left pixel, +x right, +y down. The centre of array element ``[i, j]``
is therefore at ``(x, y) = (j + 0.5, i + 0.5)``; sampling at ``(x, y)`` reads the
array at fractional index ``(row, col) = (y - 0.5, x - 0.5)``.

"Density" is the analysis image used throughout: a float32 copy of a frame
scaled so that dense structures (steel, contrast, bone) are HIGH and soft
tissue low, normalised to about 0..1 inside the radiation field. Fluoroscopy
frames stored as MONOCHROME2 show dense structures dark, so the density is the
negated frame; pass ``invert=True`` for frames where dense is bright
(MONOCHROME1 stored values, or already inverted pictures).
"""

from __future__ import annotations

import numpy as np

from annotator.errors import AnnotatorError


class AssistError(AnnotatorError):
    """An assist computation cannot run on this input (empty frame, points outside the image...)."""


MIN_SIDE = 16  # pixels: the smallest frame (or working image) an assist filter runs on
FIELD_NOTCH = 1.5e-4  # a notch in the field mask this large (share of the frame's pixels: 40 px on 512 x 512)
# is clipped steel or contrast at the field's edge, ...
NOTCH_ELONGATION = 5.0  # ... when it is long and thin: area >= this x (its widest width)^2
WORK_SIZE = 512  # long side of the needle's and the live wire's working image (needle.py, livewire.py)


def _size(shape: tuple[int, ...]) -> str:
    return f"{shape[1]} x {shape[0]} pixels (columns x rows)"


def check_frame(frame: np.ndarray) -> np.ndarray:
    """A 2-D float32 view of ``frame`` (colour frames are averaged to grey), at least
    ``MIN_SIDE`` pixels each way, every value a finite number (AssistError otherwise: a NaN
    reached the live wire's C code as a crash)."""
    a = np.asarray(frame)
    if a.ndim == 3 and a.shape[-1] in (3, 4):
        a = a[..., :3].mean(axis=-1)
    if a.ndim != 2:
        raise AssistError(f"assist needs one grey or colour frame, got an array of shape {np.shape(frame)}")
    if a.shape[0] < MIN_SIDE or a.shape[1] < MIN_SIDE:
        raise AssistError(f"assist needs a film of at least {MIN_SIDE} x {MIN_SIDE} pixels; this one is {_size(a.shape)}")
    with np.errstate(over="ignore", invalid="ignore"):  # a float64 beyond float32 becomes inf: refused below
        out = a.astype(np.float32, copy=False)
    if a.dtype.kind in "fc" and not np.isfinite(out).all():
        raise AssistError("this film has pixel values that are not numbers (NaN or infinite): "
                          "assist cannot work on it")
    return out


def check_film(frame: np.ndarray) -> np.ndarray:
    """``check_frame``, and a film still at least ``MIN_SIDE`` pixels across once its long side
    is brought to the working size (``WORK_SIZE``): checked on the film before any downsampling,
    so the message names the film's own size."""
    a = check_frame(frame)
    factor = max(1, int(round(max(a.shape) / WORK_SIZE)))
    if min(a.shape) // factor < MIN_SIDE:
        raise AssistError(f"assist cannot work on a film of {_size(a.shape)}: with a long side of "
                          f"{max(a.shape)} pixels it needs at least {MIN_SIDE * factor} on the short side")
    return a


def density(frame: np.ndarray, invert: bool = False) -> np.ndarray:
    """Dense = high, normalised by the 1st..99th percentile of the non-black pixels (float32).
    The film is checked first (``check_film``): every analysis starts here or at ``check_film``."""
    a = check_film(frame)
    sub = a[:: max(1, a.shape[0] // 256), :: max(1, a.shape[1] // 256)]
    lo_all = float(sub.min())
    vals = sub[sub > lo_all] if np.any(sub > lo_all) else sub.ravel()
    lo, hi = np.percentile(vals, (1.0, 99.0))
    span = float(hi - lo) or 1.0
    d = (a - np.float32(lo)) / np.float32(span)
    return d if invert else (np.float32(1.0) - d)


def field_mask(frame: np.ndarray, erode_px: int = 3) -> np.ndarray:
    """Pixels inside the radiation field: brighter than the black surround (bool, eroded).

    The field is convex (a round iris or straight shutters): a long thin notch of at least
    ``FIELD_NOTCH`` of the frame between the bright region and its convex hull is steel or
    contrast clipped to the surround's level where it meets the field's edge, and belongs to
    the field (cut out, it would take the needle's surroundings with it after erosion).
    Frames without a black surround give an all-true mask (minus the image border).
    """
    from scipy import ndimage

    a = check_frame(frame)
    lo, hi = float(a.min()), float(np.percentile(a, 99.5))
    mask = a > lo + 0.03 * (hi - lo)
    if mask.mean() < 0.05:
        mask = np.ones_like(mask)
    mask = ndimage.binary_fill_holes(mask)
    if mask.mean() < 0.98:
        mask |= _field_notches(mask)
    mask[:erode_px + 1, :] = mask[-erode_px - 1:, :] = False
    mask[:, :erode_px + 1] = mask[:, -erode_px - 1:] = False
    if erode_px > 0:
        mask = ndimage.binary_erosion(mask, iterations=erode_px)
    return mask


def _field_notches(mask: np.ndarray) -> np.ndarray:
    """Notches between the largest region of ``mask`` and its convex hull that look like steel
    (or a contrast column) clipped at the field's edge: at least ``FIELD_NOTCH`` of the frame
    (the pixel steps along a round field's edge are smaller) and long and thin (area at least
    ``NOTCH_ELONGATION`` x the square of their widest width: a dark box or a dense corner of
    anatomy is not taken into the field)."""
    from scipy import ndimage

    labels, n = ndimage.label(mask)
    if n == 0:
        return np.zeros_like(mask)
    main = labels == 1 + int(np.argmax(ndimage.sum_labels(mask, labels, range(1, n + 1))))
    gaps = _convex_fill(main) & ~mask
    glab, gn = ndimage.label(gaps)
    if gn == 0:
        return np.zeros_like(mask)
    idx = range(1, gn + 1)
    area = ndimage.sum_labels(gaps, glab, idx)
    width = 2.0 * ndimage.maximum(ndimage.distance_transform_edt(gaps), glab, idx)
    keep = (area >= FIELD_NOTCH * mask.size) & (area >= NOTCH_ELONGATION * np.square(width))
    return np.isin(glab, np.flatnonzero(keep) + 1)


def _convex_fill(region: np.ndarray) -> np.ndarray:
    """The convex hull of a boolean region (pixel centres), filled row by row from the hull's
    edges (``skimage.draw.polygon`` is ten times slower on a 2048-pixel field)."""
    from scipy import ndimage
    from scipy.spatial import ConvexHull, QhullError

    rim = np.argwhere(region & ~ndimage.binary_erosion(region)).astype(np.float64)  # (row, col)
    try:
        hull = ConvexHull(rim)
    except (QhullError, ValueError):
        return region.copy()  # a line or a few pixels: nothing to fill
    v = rim[hull.vertices]
    h, w = region.shape
    lo, hi = np.full(h, np.inf), np.full(h, -np.inf)
    for (r0, c0), (r1, c1) in zip(v, np.roll(v, -1, axis=0)):
        rows = np.arange(int(np.ceil(min(r0, r1))), int(np.floor(max(r0, r1))) + 1)
        if rows.size == 0:
            continue
        if r1 == r0:  # a horizontal edge spans its two columns
            np.minimum.at(lo, rows, min(c0, c1))
            np.maximum.at(hi, rows, max(c0, c1))
            continue
        cols = c0 + (rows - r0) * (c1 - c0) / (r1 - r0)
        np.minimum.at(lo, rows, cols)
        np.maximum.at(hi, rows, cols)
    cc = np.arange(w)[None, :]
    return region | ((cc >= np.ceil(lo - 1e-9)[:, None]) & (cc <= np.floor(hi + 1e-9)[:, None]))


def sample(img: np.ndarray, xs: np.ndarray, ys: np.ndarray, order: int = 1) -> np.ndarray:
    """Values of ``img`` at pixel coordinates (x, y) (bilinear; nearest edge value outside)."""
    from scipy import ndimage

    xs = np.asarray(xs, dtype=np.float64)
    ys = np.asarray(ys, dtype=np.float64)
    coords = np.stack([ys.ravel() - 0.5, xs.ravel() - 0.5])
    out = ndimage.map_coordinates(img, coords, order=order, mode="nearest")
    return out.reshape(xs.shape)


def downsample(img: np.ndarray, factor: int) -> np.ndarray:
    """Block mean by an integer ``factor`` (crops the remainder); pixel (x, y) maps to (x/f, y/f)."""
    if factor <= 1:
        return img
    h, w = (img.shape[0] // factor) * factor, (img.shape[1] // factor) * factor
    return img[:h, :w].reshape(h // factor, factor, w // factor, factor).mean(axis=(1, 3), dtype=np.float32)


def mm_per_px(calibration) -> float | None:
    """Mean mm per pixel of a ``Calibration`` (None when uncalibrated or no calibration)."""
    if calibration is None:
        return None
    return calibration.mean_mm_per_px()
