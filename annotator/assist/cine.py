"""Cine runs: log-domain subtraction and a per-frame cue for vascular uptake.

Subtraction (DSA-style, on stored or modality values where dense = dark):
``sub = log(mask + 1) - log(frame + 1)``, so that contrast that arrived after
the mask frame is POSITIVE (more attenuation = darker frame). With
``align=True`` each frame is first shifted onto the mask by rigid
translation from phase correlation
(``skimage.registration.phase_cross_correlation``, sub-pixel, upsample 10).

Vascular cue: contrast along the root sleeve stays and grows; venous or
arterial uptake is *new contrast outside the root path*. The root region is
the traced contrast path (if given) widened by ``PATH_MARGIN_MM``, joined with
the contrast of the last frame (veins have washed out by then) widened by
``LAST_MARGIN_MM``. For each frame the cue score is the sum of subtracted
signal above ``K_NOISE`` x the noise outside that region (inside the field),
in density x pixel units; the first frame whose score exceeds
``CUE_FACTOR`` x the median score of all frames (and a floor), on it and on a
neighbouring frame (uptake outlasts one pulse; single-frame noise does not), is named.
Coordinates: float pixels, origin at the top-left corner of the top-left
pixel (domain.md §3).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from annotator.assist.common import AssistError, field_mask

Point = tuple[float, float]

PATH_MARGIN_MM = 3.0
LAST_MARGIN_MM = 2.0
K_NOISE = 4.0
CUE_FACTOR = 4.0
MIN_AREA_MM2 = 4.0  # smallest patch of new contrast worth a cue
ASSUMED_FIELD_MM = 256.0


@dataclass(frozen=True)
class VascularCue:
    """``first_frame``: first frame with new contrast outside the root path (None: none seen);
    ``scores`` per frame; ``location`` the centroid (x, y) of that contrast on ``first_frame``;
    ``frames`` every frame over the threshold."""

    first_frame: int | None
    scores: tuple[float, ...]
    threshold: float
    location: Point | None
    frames: tuple[int, ...]


def log_subtract(frame: np.ndarray, mask: np.ndarray, align: bool = False) -> np.ndarray:
    """``log(mask + 1) - log(frame + 1)`` (float32; positive = new density), optionally aligned."""
    f = np.asarray(frame, dtype=np.float32)
    m = np.asarray(mask, dtype=np.float32)
    if f.shape != m.shape or f.ndim != 2:
        raise AssistError(f"subtraction needs two grey frames of one size, got {f.shape} and {m.shape}")
    if align:
        f = align_to(f, m)
    return np.log1p(np.clip(m, 0, None)) - np.log1p(np.clip(f, 0, None))


def align_to(frame: np.ndarray, reference: np.ndarray) -> np.ndarray:
    """``frame`` shifted onto ``reference`` (rigid translation by phase correlation)."""
    from scipy import ndimage
    from skimage.registration import phase_cross_correlation

    shift, _, _ = phase_cross_correlation(reference, frame, upsample_factor=10, normalization=None)
    if np.allclose(shift, 0):
        return frame
    return ndimage.shift(frame, shift, order=1, mode="nearest").astype(np.float32)


def _path_mask(shape: tuple[int, int], path: Sequence[Point], radius_px: float) -> np.ndarray:
    from skimage.draw import line

    m = np.zeros(shape, bool)
    pts = np.asarray(path, dtype=float)
    for (x0, y0), (x1, y1) in zip(pts[:-1], pts[1:]):
        rr, cc = line(int(y0), int(x0), int(y1), int(x1))
        ok = (rr >= 0) & (rr < shape[0]) & (cc >= 0) & (cc < shape[1])
        m[rr[ok], cc[ok]] = True
    if not m.any():
        return m
    from scipy import ndimage

    return ndimage.distance_transform_edt(~m) <= radius_px


def vascular_cue(frames: np.ndarray, path: Sequence[Point] | None = None, calibration=None,
                 mask_index: int = 0, align: bool = False) -> VascularCue:
    """Per-frame cue of new contrast outside the root path in a run (F x H x W, dense = dark)."""
    from scipy import ndimage

    run = np.asarray(frames)
    if run.ndim != 3 or run.shape[0] < 3:
        raise AssistError("a vascular cue needs a run of at least three frames")
    n = run.shape[0]
    if not 0 <= mask_index < n:
        raise AssistError(f"mask frame {mask_index} is not in the run (0..{n - 1})")
    mm = calibration.mean_mm_per_px() if calibration is not None else None
    px_mm = mm or ASSUMED_FIELD_MM / max(run.shape[1:])
    mask_frame = run[mask_index].astype(np.float32)
    inside = field_mask(mask_frame, erode_px=max(3, int(2.0 / px_mm)))
    sigma = max(0.7, 0.5 / px_mm)
    subs = [ndimage.gaussian_filter(log_subtract(run[i], mask_frame, align), sigma) for i in range(n)]
    last = subs[-1]
    diffs = [s[inside] for i, s in enumerate(subs) if i != mask_index]
    noise = float(np.median([1.4826 * np.median(np.abs(d - np.median(d))) for d in diffs])) or 1e-6
    thr = K_NOISE * noise
    root = ndimage.distance_transform_edt(~(last > thr)) <= LAST_MARGIN_MM / px_mm
    if path is not None and len(path) >= 2:
        root |= _path_mask(last.shape, path, PATH_MARGIN_MM / px_mm)
    region = inside & ~root
    min_px = MIN_AREA_MM2 / px_mm**2
    scores = []
    blobs = []
    for s in subs:
        hot = region & (s > thr)
        hot = ndimage.binary_opening(hot, iterations=1)
        scores.append(float(np.sum((s - thr)[hot])) if hot.sum() >= min_px else 0.0)
        blobs.append(hot)
    arr = np.array(scores)
    floor = min_px * thr
    level = max(CUE_FACTOR * float(np.median(arr)), floor)
    over = arr > level
    # sustained: over the level on two consecutive frames (uptake lasts longer than one pulse)
    sustained = over & (np.roll(over, -1) | np.roll(over, 1))
    sustained[-1] = over[-1] and over[-2]
    sustained[0] = over[0] and over[1]
    flagged = tuple(int(i) for i in np.flatnonzero(sustained) if i != mask_index)
    first = flagged[0] if flagged else None
    loc = None
    if first is not None:
        ys, xs = np.nonzero(blobs[first])
        w = (subs[first] - thr)[ys, xs]
        loc = (float((xs * w).sum() / w.sum() + 0.5), float((ys * w).sum() / w.sum() + 0.5))
    return VascularCue(first, tuple(round(v, 4) for v in scores), round(level, 4), loc, flagged)


def cue_distance_mm(cue: VascularCue, point: Point, calibration=None) -> float | None:
    """Distance (mm, or px when uncalibrated) from the cue's location to ``point``."""
    if cue.location is None:
        return None
    d = math.dist(cue.location, point)
    mm = calibration.mean_mm_per_px() if calibration is not None else None
    return d * mm if mm else d
