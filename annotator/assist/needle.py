"""Needle proposal: find the straight steel shaft and its tip on a fluoroscopy frame.

Method (scikit-image, lazily imported):

1. The frame becomes a density image (dense = high, ``common.density``),
   block-averaged to about 512 px on its long side for speed.
2. A Hessian line filter at the needle's scale (``skimage.feature.hessian_matrix``,
   sigma ~ the needle radius) keeps thin bright ridges; the strongest 0.5 % of
   the field's pixels go to a probabilistic Hough transform
   (``skimage.transform.probabilistic_hough_line``).
3. Each Hough segment is extended along its line while the *line contrast*
   (density on the axis minus the denser of both sides, so an edge is not a
   line) stays high. Score = (median contrast + ``CLIP_WEIGHT`` x the fraction
   of the run whose thin axis is clipped to black) x length, damped when the
   structure is band-wide (contrast 1.2 px off the needle's edge much lower
   than 2.5 px off: a contrast column, not steel). The rim of the radiation
   field (``FIELD_EDGE_MM``) is ignored.
4. At full resolution the axis is re-fitted to sub-pixel perpendicular peak
   positions, and the ends are found on the 1-D line-contrast profile along
   the axis (densest of five samples within +-``BEVEL_HALF`` x radius, which
   follows the bevel), searched up to ``REACH_MM`` past the coarse run: the
   crossing of ``TIP_LEVEL`` x the contrast of the last 2.5-8 mm of shaft,
   linearly interpolated between samples (sub-pixel). The level is below one
   half because a bevelled tip tapers over ~1.8 mm. Where the shaft ends
   inside a clipped (black) blob whose sides are clipped too, no edge can be
   seen: the tip is put in the middle of the clipped stretch of the axis
   (contrast leaves the needle at its tip and spreads both ways) -- of the
   part where both sides are clipped too, when that is at least
   ``BLIND_MM`` long (in front of dense bone the needle's contrast fades
   before the blob begins, which would pull the middle back up the shaft).
5. Hub vs tip (``_hub_first``): an end at the edge of the radiation field is the
   hub; otherwise the tip is the end in the denser surroundings.

Coordinates: float pixels, origin at the top-left corner of the top-left pixel
(domain.md §3). Without a calibration, a film is assumed to span ~256 mm on its
long side (a 9-12 inch intensifier): only the filter scales depend on it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from annotator.assist.common import AssistError, density, downsample, field_mask, mm_per_px, sample

Point = tuple[float, float]

NEEDLE_RADIUS_MM = 0.42  # No. 7 / 22 G spinal needle: 0.7-0.8 mm outer diameter
ASSUMED_FIELD_MM = 256.0  # long side of an uncalibrated film, for filter scales only
WORK_SIZE = 512  # long side of the detection image (px)
MIN_LENGTH_MM = 5.0  # shortest shaft accepted (an AP needle can be foreshortened)
TIP_LEVEL = 0.3  # fraction of the plateau contrast that marks the tip (bevel, see above)
MAX_SEGMENTS = 150  # Hough segments scored, strongest ridge first
COARSE_SATURATION = False  # whether clipped axis pixels extend a coarse run
THIN_MIN = 0.08  # line contrast (density units) a clipped axis sample needs to count as thin
THIN_RATIO = (0.35, 0.6)  # line contrast 1.2 px off the edge / 2.5 px off: band ... needle
REACH_MM = 25.0
FIELD_EDGE_MM = 5.0
BLIND_MM = 1.0
BEVEL_HALF = 0.5  # the tip profile takes the densest axis sample within +-this x radius
LOCAL_MM = (2.5, 8.0)  # stretch inside a shaft end whose contrast sets the tip level  # a clipped stretch longer than this at a shaft end hides the tip  # the rim of the radiation field is ignored (its black edge is a false line)  # how far past the coarse ends the full-resolution profile looks for the tip


@dataclass(frozen=True)
class NeedleProposal:
    """A proposed needle: ``tip`` and ``shaft`` = (hub end, tip) in pixels, ``confidence`` 0..1.

    ``contrast`` is the shaft's line contrast in density units (dense - sides),
    ``length_px`` the visible shaft length in pixels.
    """

    tip: Point
    shaft: tuple[Point, Point]
    confidence: float
    contrast: float = 0.0
    length_px: float = 0.0

    def to_json(self) -> dict:
        return {
            "tip": [round(self.tip[0], 3), round(self.tip[1], 3)],
            "shaft": [[round(p[0], 3), round(p[1], 3)] for p in self.shaft],
            "confidence": round(self.confidence, 3),
        }


def _px_mm(frame: np.ndarray, calibration) -> float:
    mm = mm_per_px(calibration)
    return float(mm) if mm else ASSUMED_FIELD_MM / max(frame.shape[:2])


def _ridge(img: np.ndarray, sigma: float) -> np.ndarray:
    """Bright-line response: -(most negative Hessian eigenvalue) minus |the other| (>= 0)."""
    from skimage.feature import hessian_matrix, hessian_matrix_eigvals

    h = hessian_matrix(img, sigma=sigma, order="rc", use_gaussian_derivatives=False)
    ev = hessian_matrix_eigvals(h)  # ev[0] >= ev[1]
    return np.clip(-ev[1] - np.abs(ev[0]), 0, None).astype(np.float32) * np.float32(sigma**2)


def _line_contrast(img: np.ndarray, p: np.ndarray, u: np.ndarray, ts: np.ndarray, side: float,
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


CLIP_WEIGHT = 0.7  # score bonus per unit of shaft length whose thin axis is clipped to black


def _score(plateau: float, clipped: float, length_mm: float) -> float:
    """Candidate score: the line-contrast integral, plus a bonus where the thin axis is clipped
    (steel is the only thin structure dense enough to clip; its contrast there is understated)."""
    return (plateau + CLIP_WEIGHT * clipped) * length_mm


def _cross(a: np.ndarray, b: np.ndarray) -> float:
    """z of the 2-D cross product."""
    return float(a[0] * b[1] - a[1] * b[0])


def _runs(mask: np.ndarray, gap: int) -> list[tuple[int, int]]:
    """Index ranges [a, b] of True runs in ``mask``, bridging gaps of up to ``gap`` samples."""
    idx = np.flatnonzero(mask)
    if idx.size == 0:
        return []
    breaks = np.flatnonzero(np.diff(idx) > gap + 1)
    starts = np.concatenate([[idx[0]], idx[breaks + 1]])
    ends = np.concatenate([idx[breaks], [idx[-1]]])
    return list(zip(starts.tolist(), ends.tolist()))


def _candidates(small: np.ndarray, mask: np.ndarray, px_mm: float) -> list[tuple[float, np.ndarray, np.ndarray]]:
    """(score, end a, end b) of straight dense runs on the detection image, best first.

    Saturated stretches (the densest value of the film: steel over bone and
    contrast often clips to black) count as part of a run, since the needle
    can only be hidden there, never interrupted."""
    sat = _saturation(small, 0.06)
    from skimage.transform import probabilistic_hough_line

    r_px = NEEDLE_RADIUS_MM / px_mm
    ridge = _ridge(small, sigma=max(0.8, r_px))
    ridge[~mask] = 0
    vals = ridge[mask]
    if vals.size == 0:
        return []
    thr = max(float(np.percentile(vals, 99.5)), 1e-6)
    edges = ridge > thr
    min_len = max(6, int(MIN_LENGTH_MM / px_mm * 0.6))
    segs = probabilistic_hough_line(edges, threshold=8, line_length=min_len, line_gap=2, rng=0)
    def strength(seg) -> float:
        (x0, y0), (x1, y1) = seg
        k = max(2, int(math.dist(*seg)))
        rr = np.linspace(y0, y1, k).round().astype(int)
        cc = np.linspace(x0, x1, k).round().astype(int)
        return float(ridge[rr, cc].sum())

    segs = sorted(segs, key=lambda s: -strength(s))[:MAX_SEGMENTS]
    side = r_px + 2.5
    h, w = small.shape
    out = []
    seen: list[tuple[np.ndarray, np.ndarray]] = []
    for (x0, y0), (x1, y1) in segs:
        a = np.array([x0 + 0.5, y0 + 0.5])
        b = np.array([x1 + 0.5, y1 + 0.5])
        u = (b - a) / (np.linalg.norm(b - a) or 1.0)
        mid = (a + b) / 2
        if any(abs(_cross(u, u2)) < 0.05 and abs(_cross(u2, mid - m2)) < 2.0 for u2, m2 in seen):
            continue  # same line as a candidate already scored
        seen.append((u, mid))
        reach = float(np.hypot(h, w))
        ts = np.arange(-reach, reach, 0.5)
        xs, ys = mid[0] + ts * u[0], mid[1] + ts * u[1]
        inside = (xs >= 0) & (xs < w) & (ys >= 0) & (ys < h)
        ts = ts[inside]
        xs, ys = xs[inside], ys[inside]
        ok = mask[np.clip(ys.astype(int), 0, h - 1), np.clip(xs.astype(int), 0, w - 1)]
        c, centre = _line_contrast(small, mid, u, ts, side, with_centre=True)
        c[~ok] = 0
        half_len = np.linalg.norm(b - a) / 2
        core = np.abs(ts) <= half_len
        level = float(np.median(c[core])) if core.any() else 0.0
        if level <= 0:
            continue
        evidence = (c > 0.4 * level) | (centre >= sat) if COARSE_SATURATION else c > 0.4 * level
        runs = _runs(evidence & ok, gap=int(1.5 / px_mm / 0.5))
        k0 = int(np.argmin(np.abs(ts)))
        run = next(((i, j) for i, j in runs if i <= k0 <= j), None)
        if run is None:
            continue
        i, j = run
        length = (ts[j] - ts[i])
        if length * px_mm < MIN_LENGTH_MM:
            continue
        plateau = float(np.median(c[i:j + 1]))
        clipped = float(np.mean((centre[i:j + 1] >= sat) & (c[i:j + 1] >= THIN_MIN)))  # clipped AND thin
        near = float(np.median(_line_contrast(small, mid, u, ts[i:j + 1], r_px + 1.2)))
        thin = near / plateau if plateau > 0 else 0.0  # ~1 for a needle, < 0.4 inside a wide band
        thin_factor = float(np.clip((thin - THIN_RATIO[0]) / (THIN_RATIO[1] - THIN_RATIO[0]), 0.05, 1.0))
        score = _score(plateau, clipped, length * px_mm) * thin_factor
        out.append((score, mid + ts[i] * u, mid + ts[j] * u))
    out.sort(key=lambda s: -s[0])
    return out


def _saturation(img: np.ndarray, fraction: float = 0.03) -> float:
    """Density above which a pixel counts as clipped (within ``fraction`` of the densest value
    above the median: block averaging and blur soften the clipped level)."""
    top = float(img.max())
    return top - fraction * (top - float(np.percentile(img, 50)))


def _refine(dens: np.ndarray, a: np.ndarray, b: np.ndarray, px_mm: float) -> tuple[np.ndarray, np.ndarray, float]:
    """Sub-pixel axis and both ends at full resolution; returns (end a, end b, plateau contrast)."""
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
    prof = prof - prof.min(axis=1, keepdims=True)
    wts = prof**2
    centroid = (wts * offs).sum(axis=1) / np.maximum(wts.sum(axis=1), 1e-9)
    good = np.abs(centroid) < 2 * r_px + 2
    if good.sum() >= 4:
        k, c0 = np.polyfit(ts[good], centroid[good], 1)
        a = a + c0 * n
        b = b + (c0 + k * length) * n
        u = (b - a) / (np.linalg.norm(b - a) or 1.0)
        length = float(np.linalg.norm(b - a))
    # 2) ends: line-contrast profile along the axis, beyond both coarse ends
    margin = max(8.0, REACH_MM / px_mm)
    step = 0.25
    ts = np.arange(-margin, length + margin, step)
    c, centre = _line_contrast(dens, a, u, ts, side=r_px + 3.0, half=BEVEL_HALF * r_px, with_centre=True,
                               strict=False)
    sat_level = _saturation(dens)
    saturated = centre >= sat_level
    # blind: the axis AND its surroundings are clipped (mean of both sides, c = centre - sides)
    blind = saturated & ((centre - c) >= sat_level)
    from scipy import ndimage

    c = ndimage.uniform_filter1d(c, size=max(1, int(round(0.5 / step))), mode="nearest")
    inner = (ts > 0.15 * length) & (ts < 0.85 * length)
    plateau = float(np.median(c[inner])) if inner.any() else float(np.median(c))
    level = TIP_LEVEL * plateau
    above = (c >= level) | saturated
    k0 = int(np.argmin(np.abs(ts - length / 2)))
    run = next(((i, j) for i, j in _runs(above, gap=int(1.0 / step)) if i <= k0 <= j), None)
    if run is None:
        return a, b, plateau
    i, j = run

    visible = c >= 0.5 * plateau
    blind_min = int(round(BLIND_MM / px_mm / step))

    def cross(k_in: int, k_out: int) -> float:
        inward = 1 if k_out < k_in else -1
        k_vis = k_in
        while k_vis != k0 and not visible[k_vis]:
            k_vis += inward
        if abs(k_in - k_vis) >= blind_min:
            # the needle ends inside a clipped blob (sides clipped too): no edge to see.
            # Contrast leaves the needle at its tip and spreads both ways, so the blob is
            # centred on the tip: take the middle of the clipped stretch of the axis --
            # of its fully blind part (sides clipped too) when that is long enough: in front
            # of a dense bone the needle's contrast fades before the blob begins.
            k_lo, k_hi = sorted((k_vis, k_in))
            runs = [(p + k_lo, q + k_lo) for p, q in _runs(blind[k_lo:k_hi + 1], gap=2) if q - p >= blind_min]
            if runs:
                p, q = max(runs, key=lambda r: r[1] - r[0])
                return float(0.5 * (ts[p] + ts[q]))
            return float(0.5 * (ts[k_vis] + ts[k_in]))
        if not (0 <= k_out < len(c)) or saturated[k_in]:
            return float(ts[k_in])
        # the contrast just inside this end sets the level (the shaft's contrast changes with
        # what lies behind it), then walk outward to where the signal falls below it
        n1, n2 = int(LOCAL_MM[0] / px_mm / step), int(LOCAL_MM[1] / px_mm / step)
        idx = k_in + inward * np.arange(n1, n2)
        idx = idx[(idx >= 0) & (idx < len(c))]
        local = float(np.median(c[idx])) if idx.size >= 4 else plateau
        lvl = TIP_LEVEL * max(local, 0.25 * plateau)
        k = int(np.clip(k_in + inward * n1, 0, len(c) - 1))
        if (k - k_in) * inward < 0:
            k = k_in
        while 0 <= k - inward < len(c) and c[k - inward] >= lvl:
            k -= inward
        k_o = k - inward
        if not 0 <= k_o < len(c):
            return float(ts[k])
        c_in, c_out = c[k], c[k_o]
        f = (c_in - lvl) / (c_in - c_out) if c_in != c_out else 0.0
        return float(ts[k] + f * (ts[k_o] - ts[k]))

    t_a, t_b = cross(i, i - 1), cross(j, j + 1)
    return a + t_a * u, a + t_b * u, plateau


def _hub_first(small: np.ndarray, mask: np.ndarray, a: np.ndarray, b: np.ndarray, px_mm: float) -> bool:
    """True when end ``a`` is the hub (detection-image pixels).

    An end at the edge of the radiation field is the hub (the needle enters
    from outside); otherwise the tip is the end in the denser surroundings
    (bone of the foramen, contrast), measured on a ring of 2-6 mm around each end.
    """
    from scipy import ndimage

    edge = ndimage.distance_transform_edt(mask)
    h, w = mask.shape

    def at_edge(p: np.ndarray) -> float:
        return float(edge[int(np.clip(p[1], 0, h - 1)), int(np.clip(p[0], 0, w - 1))])

    near = 4.0 / px_mm
    ea, eb = at_edge(a), at_edge(b)
    if min(ea, eb) < near <= max(ea, eb):
        return ea < eb
    ang = np.linspace(0, 2 * np.pi, 24, endpoint=False)
    rad = np.array([2.0, 4.0, 6.0]) / px_mm
    ox = (rad[:, None] * np.cos(ang)[None, :]).ravel()
    oy = (rad[:, None] * np.sin(ang)[None, :]).ravel()

    def around(p: np.ndarray) -> float:
        return float(np.median(sample(small, p[0] + ox, p[1] + oy)))

    return around(a) < around(b)


def _noise(small: np.ndarray, mask: np.ndarray) -> float:
    """Pixel noise of the detection image: robust std of horizontal differences in the field."""
    d = np.diff(small, axis=1)[mask[:, 1:] & mask[:, :-1]]
    if d.size == 0:
        return 1e-3
    return float(1.4826 * np.median(np.abs(d - np.median(d))) / math.sqrt(2)) or 1e-3


def propose_needle(frame: np.ndarray, calibration=None, invert: bool = False) -> NeedleProposal | None:
    """Propose the needle on one frame (stored or modality values, dense = dark unless ``invert``).

    Returns None when no straight dense structure of needle size is found.
    ``calibration`` (a ``Calibration``) sets the filter scales in mm; results are in pixels.
    """
    dens = density(frame, invert)
    px_mm = _px_mm(dens, calibration)
    factor = max(1, int(round(max(dens.shape) / WORK_SIZE)))
    small = downsample(dens, factor)
    edge_px = max(3, int(round(FIELD_EDGE_MM / (px_mm * factor))))
    mask = field_mask(downsample(np.asarray(frame, dtype=np.float32), factor) if not invert else -small, edge_px)
    cands = _candidates(small, mask, px_mm * factor)
    if not cands:
        return None
    score, a_s, b_s = cands[0]
    a, b = a_s * factor, b_s * factor
    a, b, plateau = _refine(dens, a, b, px_mm)
    if plateau <= 0:
        return None
    hub, tip = (a, b) if _hub_first(small, mask, a / factor, b / factor, px_mm * factor) else (b, a)
    noise = _noise(small, mask)
    snr = plateau / noise
    second = cands[1][0] if len(cands) > 1 else 0.0
    separation = 1.0 - second / score if score > 0 else 0.0
    conf = float(np.clip(1 - math.exp(-snr / 4.0), 0, 1) * (0.5 + 0.5 * np.clip(separation * 2, 0, 1)))
    length = float(np.linalg.norm(tip - hub))
    return NeedleProposal(
        tip=(float(tip[0]), float(tip[1])),
        shaft=((float(hub[0]), float(hub[1])), (float(tip[0]), float(tip[1]))),
        confidence=round(conf, 4),
        contrast=plateau,
        length_px=length,
    )


def snap_tip(frame: np.ndarray, click: Point, radius_px: float, calibration=None,
             invert: bool = False) -> Point | None:
    """The needle tip nearest ``click`` within ``radius_px`` (pixels), or None.

    Runs the detector on a window around the click (so a long needle outside it
    does not matter) and returns the end of the found shaft nearest the click.
    """
    if radius_px <= 0:
        raise AssistError("snap radius must be positive")
    a = np.asarray(frame)
    h, w = a.shape[:2]
    half = int(max(64, 4 * radius_px))
    x0, y0 = max(0, int(click[0]) - half), max(0, int(click[1]) - half)
    x1, y1 = min(w, int(click[0]) + half), min(h, int(click[1]) + half)
    if x1 - x0 < 16 or y1 - y0 < 16:
        return None
    crop = a[y0:y1, x0:x1]
    dens = density(crop, invert)
    px_mm = _px_mm(a, calibration)
    mask = np.ones(dens.shape, bool)
    mask[:3, :] = mask[-3:, :] = mask[:, :3] = mask[:, -3:] = False
    full_mask = field_mask(crop if not invert else -dens, 0)
    if full_mask.mean() > 0.05:
        from scipy import ndimage

        mask &= ndimage.binary_erosion(full_mask, iterations=3)
    best = None
    for _, ea, eb in _candidates(dens, mask, px_mm)[:5]:
        ra, rb, plateau = _refine(dens, ea, eb, px_mm)
        for end in (ra, rb):
            p = (float(end[0] + x0), float(end[1] + y0))
            d = math.dist(p, click)
            if d <= radius_px and (best is None or d < best[0]):
                best = (d, p)
        if best is not None:
            break
    return None if best is None else best[1]
