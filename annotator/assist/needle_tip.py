"""The needle's tip along a found shaft: the axis profile and where the shaft ends.

Step 4 of :mod:`annotator.assist.needle` (its docstring describes the whole method):
at full resolution the axis of a shaft candidate is re-fitted to sub-pixel
peak positions and profiled across the whole image; the shaft is the run of
thin (or clipped, on unclipped sides) contrast along it, and each end of the
run is placed by ``_end_position`` (a blind stretch, clipped steel that
un-clips, a clipped end, or the ``TIP_LEVEL`` crossing).

Coordinates: float pixels, origin at the top-left corner of the top-left pixel.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from annotator.assist.common import sample

NEEDLE_RADIUS_MM = 0.42  # No. 7 / 22 G spinal needle: 0.7-0.8 mm outer diameter
TIP_LEVEL = 0.3  # fraction of the plateau contrast that marks the tip (bevel, see above)
BLIND_MM = 0.25  # a clipped stretch (sides clipped too) at least this long past a shaft end hides the tip
BLIND_CAP_MM = 2.0  # ... which is put half-way into it, at most this far
RUN_GAP_MM = 0.5  # the shaft's run bridges gaps up to this long
BRIDGE_MM = 3.0  # a shorter gap followed by at least RESUME_MM of clipped shaft in line is crossed
RESUME_MM = 5.0
STEEL_MM = 2.5  # a clipped stretch at least this long inside a shaft end is clipped steel
STEEL_TAIL_MM = 2.0  # ... and a run going on this far past it, un-clipped, is not steel there
STEEL_SIDE_DROP = 0.05  # ... which ends where it un-clips unless its sides get lighter by this much
STEEL_AFTER = 0.6  # ... or the line contrast after it stays above this x the shaft's
THIN_EDGE = 0.35  # line contrast 1.2 px off the needle's edge / 3 px off, at least, for a thin line
BEVEL_HALF = 0.5  # the tip profile takes the densest axis sample within +-this x radius
COARSE_MM = 0.35  # a film this coarse (mm per pixel) or coarser gets the peak-centred axis fit
LOCAL_MM = (2.5, 8.0)  # stretch inside a shaft end whose contrast sets the tip level


def line_contrast(img: np.ndarray, p: np.ndarray, u: np.ndarray, ts: np.ndarray, side: float,
                   half: float = 0.0, with_centre: bool = False, strict: bool = True):
    """Axis density minus the denser of both sides at ``side`` px, at positions p + t u
    (and the axis density itself when ``with_centre``)."""
    n = np.array([-u[1], u[0]])
    xs = p[0] + ts * u[0]
    ys = p[1] + ts * u[1]
    centre = sample(img, xs, ys)
    if half > 0:  # densest of five samples across the axis: follows a bevel off the axis
        for f in (-1.0, -0.5, 0.5, 1.0):
            centre = np.maximum(centre, sample(img, xs + f * half * n[0], ys + f * half * n[1]))
    left = sample(img, xs + side * n[0], ys + side * n[1])
    right = sample(img, xs - side * n[0], ys - side * n[1])
    # strict: both sides must be lighter (an edge is not a line); else their mean
    c = centre - (np.maximum(left, right) if strict else 0.5 * (left + right))
    return (c, centre) if with_centre else c


def runs_of(mask: np.ndarray, gap: int) -> list[tuple[int, int]]:
    """Index ranges [a, b] of True runs in ``mask``, bridging gaps of up to ``gap`` samples."""
    idx = np.flatnonzero(mask)
    if idx.size == 0:
        return []
    breaks = np.flatnonzero(np.diff(idx) > gap + 1)
    starts = np.concatenate([[idx[0]], idx[breaks + 1]])
    ends = np.concatenate([idx[breaks], [idx[-1]]])
    return list(zip(starts.tolist(), ends.tolist()))


def clip_level(img: np.ndarray, fraction: float = 0.03) -> float:
    """Density above which a pixel counts as clipped (within ``fraction`` of the densest value
    above the median: block averaging and blur soften the clipped level)."""
    top = float(img.max())
    return top - fraction * (top - float(np.percentile(img, 50)))


@dataclass
class _AxisProfile:
    """Samples every ``step`` px along a needle axis (t = 0 at end a, t = length at end b)."""

    ts: np.ndarray
    contrast: np.ndarray  # axis density minus the mean of both sides (smoothed 0.5 px)
    saturated: np.ndarray  # the axis is clipped (mean of the samples across it, smoothed 0.5 mm)
    blind: np.ndarray  # the axis AND both sides are clipped: nothing marks the needle there
    thin: np.ndarray  # the contrast is that of a thin line, not of a wide band or a bone edge
    sides: np.ndarray  # mean density of both sides (smoothed 0.5 mm)
    plateau: float  # median contrast of the inner 70 % of the shaft
    step: float


def _axis_profile(dens: np.ndarray, a: np.ndarray, u: np.ndarray, length: float, px_mm: float) -> _AxisProfile:
    from scipy import ndimage

    r_px = NEEDLE_RADIUS_MM / px_mm
    step = 0.25
    # the whole line across the image: a coarse run can be a short piece of a long shaft
    h, w = dens.shape
    margin = float(np.hypot(h, w))
    ts = np.arange(-margin, length + margin, step)
    xs, ys = a[0] + ts * u[0], a[1] + ts * u[1]
    inside = (xs >= 0) & (xs <= w) & (ys >= 0) & (ys <= h)
    ts, xs, ys = ts[inside], xs[inside], ys[inside]
    n = np.array([-u[1], u[0]])
    half = BEVEL_HALF * r_px
    across = [sample(dens, xs + f * half * n[0], ys + f * half * n[1]) for f in (-1.0, -0.5, 0.0, 0.5, 1.0)]
    centre = np.max(across, axis=0)  # densest of five: follows the bevel off the axis
    side = r_px + 3.0
    sides = 0.5 * (sample(dens, xs + side * n[0], ys + side * n[1]) + sample(dens, xs - side * n[0], ys - side * n[1]))

    def smooth(v: np.ndarray, px: float) -> np.ndarray:
        return ndimage.uniform_filter1d(v, size=max(1, int(round(px / step))), mode="nearest")

    sat_level = clip_level(dens)
    # clipping judged on the mean across the axis, smoothed along it: the max of five noisy
    # samples near the clip level is nearly always "clipped"
    saturated = smooth(np.mean(across, axis=0), 0.5 / px_mm) >= sat_level
    sides_s = smooth(sides, 0.5 / px_mm)
    contrast = smooth(centre - sides, 0.5)
    inner = (ts > 0.15 * length) & (ts < 0.85 * length)
    plateau = float(np.median(contrast[inner])) if inner.any() else float(np.median(contrast))
    # blind: the axis is clipped and its sides too: nothing marks the needle there
    blind = saturated & (sides_s >= sat_level)
    # a needle keeps its contrast close beside its edge; a wide band (a contrast column in line
    # with the needle, a bone) or one dense neighbour does not
    near = line_contrast(dens, a, u, ts, r_px + 1.2, half=half, strict=False)
    thin = smooth(near, 1.0 / px_mm) >= THIN_EDGE * np.maximum(smooth(contrast, 1.0 / px_mm), 1e-6)
    return _AxisProfile(ts, contrast, saturated, blind, thin, sides_s, plateau, step)


@dataclass(frozen=True)
class _Refined:
    a: np.ndarray
    b: np.ndarray
    plateau: float  # the shaft's line contrast
    unclear_a: float = 0.0  # share of the last 8 mm inside each end not seen clearly (``_end``)
    unclear_b: float = 0.0


def _peak_offsets(prof: np.ndarray, offs: np.ndarray, r_px: float, px_mm: float) -> np.ndarray:
    """Sub-pixel offset of the line's centre in each row of ``prof`` (samples at ``offs``).

    The centroid of the squared profile over the whole window finds the line but, on a coarse
    film (``COARSE_MM`` per pixel or more), leans toward a denser side by up to a millimetre
    (1-2 px); there it is re-centred twice on the peak alone: within the needle's radius + 1.5 px
    of the estimate, above the lighter of that narrow window's two edges. (On finer films the
    lean is a fraction of a millimetre and the wide centroid is kept: its ends were tuned with it.)"""
    p = prof - prof.min(axis=1, keepdims=True)
    wts = p**2
    c = (wts * offs).sum(axis=1) / np.maximum(wts.sum(axis=1), 1e-9)
    if px_mm < COARSE_MM:
        return c
    half = r_px + 1.5
    for _ in range(2):
        win = np.abs(offs[None, :] - c[:, None]) <= half
        first = np.argmax(win, axis=1)
        last = win.shape[1] - 1 - np.argmax(win[:, ::-1], axis=1)
        rows = np.arange(len(prof))
        floor = np.minimum(prof[rows, first], prof[rows, last])
        q = np.where(win, np.clip(prof - floor[:, None], 0, None), 0.0)
        c = np.where(q.sum(axis=1) > 0, (q * offs).sum(axis=1) / np.maximum(q.sum(axis=1), 1e-9), c)
    return c


def refine_shaft(dens: np.ndarray, a: np.ndarray, b: np.ndarray, px_mm: float) -> _Refined:
    """Sub-pixel axis and both ends at full resolution."""
    r_px = NEEDLE_RADIUS_MM / px_mm
    u = (b - a) / (np.linalg.norm(b - a) or 1.0)
    n = np.array([-u[1], u[0]])
    length = float(np.linalg.norm(b - a))
    # 1) axis: perpendicular peak offsets at stations along the inner 80 % of the run
    ts = np.linspace(0.1 * length, 0.9 * length, 24)
    offs = np.arange(-3 * r_px - 3, 3 * r_px + 3.01, 0.5)
    xs = a[0] + ts[:, None] * u[0] + offs[None, :] * n[0]
    ys = a[1] + ts[:, None] * u[1] + offs[None, :] * n[1]
    prof = sample(dens, xs, ys)
    centroid = _peak_offsets(prof, offs, r_px, px_mm)
    good = np.abs(centroid) < 2 * r_px + 2
    if good.sum() >= 4:
        k, c0 = np.polyfit(ts[good], centroid[good], 1)
        a = a + c0 * n
        b = b + (c0 + k * length) * n
        u = (b - a) / (np.linalg.norm(b - a) or 1.0)
        length = float(np.linalg.norm(b - a))
    # 2) ends: walk the axis profile beyond both coarse ends
    ax = _axis_profile(dens, a, u, length, px_mm)
    c, plateau = ax.contrast, ax.plateau
    # the shaft: thin line contrast above the tip level, or a clipped axis whose sides are not
    # clipped (steel over bone clips; where the sides clip too, the needle cannot be followed)
    above = ((c >= TIP_LEVEL * plateau) & ax.thin) | (ax.saturated & ~ax.blind)
    k0 = int(np.argmin(np.abs(ax.ts - length / 2)))
    # short gaps are bridged, but not across a blind sample: there nothing shows the needle
    joined = np.zeros_like(above)
    for i, j in runs_of(above, gap=int(RUN_GAP_MM / px_mm / ax.step)):
        joined[i:j + 1] = True
    runs = runs_of(joined & ~ax.blind, gap=0)
    at = next((r for r, (i, j) in enumerate(runs) if i <= k0 <= j), None)
    if at is None:
        return _Refined(a, b, plateau)
    i, j = _bridge_gaps(ax, runs, at, px_mm)
    (t_a, unclear_a), (t_b, unclear_b) = _end(ax, i, -1, px_mm), _end(ax, j, +1, px_mm)
    return _Refined(a + t_a * u, a + t_b * u, plateau, unclear_a, unclear_b)


def _bridge_gaps(ax: _AxisProfile, runs: list[tuple[int, int]], at: int, px_mm: float) -> tuple[int, int]:
    """Run ``runs[at]`` joined with the runs beyond short gaps on either side when they go on,
    in line, as clipped steel on light sides: a shaft crossing a dense bone edge is blind or
    faint for a moment (``BRIDGE_MM``) and goes on for ``RESUME_MM`` or more; contrast leaving
    the tip in line with the needle is seldom clipped on light sides."""
    max_gap = BRIDGE_MM / px_mm / ax.step
    min_len = RESUME_MM / px_mm / ax.step
    i, j = runs[at]
    for step_dir in (-1, 1):
        r = at
        while 0 <= r + step_dir < len(runs):
            p, q = runs[r + step_dir]
            gap = (i - q) if step_dir < 0 else (p - j)
            resumed = np.arange(p, p + int(min_len)) if step_dir > 0 else np.arange(q - int(min_len) + 1, q + 1)
            if gap > max_gap or q - p < min_len or ax.saturated[resumed].mean() < 0.7:
                break  # a long gap, a short piece, or what goes on is not clipped steel on light sides
            if step_dir < 0:
                i = p
            else:
                j = q
            r += step_dir
    return i, j


def _end(ax: _AxisProfile, k_in: int, outward: int, px_mm: float) -> tuple[float, float]:
    """(axis position t, unclear share) of the needle end past sample ``k_in``, the last shaft
    sample (outward = +-1). The unclear share (0..1) is the part of the last ``LOCAL_MM[1]``
    of shaft inside the end where the needle is not seen clearly (clipped, faint or wide)."""
    c, step = ax.contrast, ax.step
    inner = k_in - outward * np.arange(int(LOCAL_MM[1] / px_mm / step))
    inner = inner[(inner >= 0) & (inner < len(c))]
    clear = (c[inner] >= TIP_LEVEL * ax.plateau) & ax.thin[inner] & ~ax.saturated[inner]
    unclear = 1.0 - float(clear.mean()) if inner.size else 1.0
    return _end_position(ax, k_in, outward, px_mm), unclear


def _end_position(ax: _AxisProfile, k_in: int, outward: int, px_mm: float) -> float:
    """Axis position (t) of the needle end past ``k_in`` (see ``_end``)."""
    c, ts, step = ax.contrast, ax.ts, ax.step
    # a blind stretch (axis and sides clipped) right past the shaft hides the end: contrast
    # leaves the needle at its tip and spreads both ways, so the tip lies inside the blob,
    # near its entry (most blobs are small; a long one is mostly contrast beyond the tip)
    k, last, miss = k_in + outward, k_in, 0
    while 0 <= k < len(c) and miss <= 2:
        if ax.blind[k]:
            last, miss = k, 0
        else:
            miss += 1
        k += outward
    n_blind = abs(last - k_in)
    if n_blind >= BLIND_MM / px_mm / step:
        return float(ts[k_in] + outward * min(0.5 * n_blind * step, BLIND_CAP_MM / px_mm))
    k_steel = _clipped_steel_end(ax, k_in, outward, px_mm)
    if k_steel is not None:
        return float(ts[k_steel] + outward * 0.5 * step)
    k_out = k_in + outward
    if not 0 <= k_out < len(c) or ax.saturated[k_in]:
        return float(ts[k_in])
    # the contrast just inside this end sets the level (the shaft's contrast changes with
    # what lies behind it), then walk outward to where the signal falls below it
    n1, n2 = int(LOCAL_MM[0] / px_mm / step), int(LOCAL_MM[1] / px_mm / step)
    idx = k_in - outward * np.arange(n1, n2)
    idx = idx[(idx >= 0) & (idx < len(c))]
    local = float(np.median(c[idx])) if idx.size >= 4 else ax.plateau
    lvl = TIP_LEVEL * max(local, 0.25 * ax.plateau)
    k = int(np.clip(k_in - outward * n1, 0, len(c) - 1))
    if (k - k_in) * outward > 0:
        k = k_in
    while 0 <= k + outward < len(c) and c[k + outward] >= lvl:
        k += outward
    k_o = k + outward
    if not 0 <= k_o < len(c):
        return float(ts[k])
    c_in, c_out = c[k], c[k_o]
    f = (c_in - lvl) / (c_in - c_out) if c_in != c_out else 0.0
    return float(ts[k] + f * (ts[k_o] - ts[k]))


def _clipped_steel_end(ax: _AxisProfile, k_in: int, outward: int, px_mm: float) -> int | None:
    """The last clipped sample of a clipped shaft when the run ending at ``k_in`` goes on past
    it for a while, un-clipped, with less contrast and surroundings no lighter: steel is the
    densest thing on a film, so there the steel ended and what goes on in line (a contrast
    column) is not the needle. None when the run does not end that way (a shaft leaving bone
    un-clips with its sides, and keeps its contrast)."""
    sat, n = ax.saturated, len(ax.ts)
    hits = [k for k in range(k_in, -1 if outward > 0 else n, -outward) if sat[k]]
    if not hits:
        return None
    k = hits[0]  # the outermost clipped sample of the run
    tail = np.arange(k + outward, k_in + outward, outward)
    if tail.size * ax.step * px_mm < STEEL_TAIL_MM or sat[tail].mean() > 0.1:
        return None  # the run ends clipped, or soon after
    inner = k - outward * np.arange(max(4, int(STEEL_MM / px_mm / ax.step)))
    inner = inner[(inner >= 0) & (inner < n)]
    if sat[inner].mean() < 0.7:
        return None  # not a clipped shaft
    m = max(2, int(1.0 / px_mm / ax.step))
    out, ins = tail[:m], inner[1:m + 1]
    if out.size == 0 or ins.size == 0:
        return None  # the run meets the film's edge: nothing to compare the sides with
    if ax.sides[out].mean() < ax.sides[ins].mean() - STEEL_SIDE_DROP:
        return None  # leaving bone: the sides got lighter too
    if ax.contrast[out].mean() >= STEEL_AFTER * ax.plateau:
        return None  # still the needle's contrast
    return k
