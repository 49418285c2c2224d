"""Live-wire tracing of the contrast band: a minimal-cost path between anchor points.

The cost image is computed once per frame (``LiveWire(frame)``) on a working
copy of at most ``WORK_SIZE`` px on its long side: a multi-scale Hessian ridge
filter tuned to the band's width (``skimage.feature.hessian_matrix``; dense =
bright ridge), mapped to a cost ``1 / (EPS + ridge)`` so that the band is
cheap to follow. Each update then only runs ``skimage.graph.MCP_Geometric`` in
a window around its two anchors (their bounding box plus a margin), which keeps
an interactive update well under 50 ms on a 1024 x 1024 film.

Coordinates: float pixels, origin at the top-left corner of the top-left pixel
(domain.md §3). Paths are returned as lists of (x, y) in the frame's pixels,
through the anchors, simplified with Douglas-Peucker
(``skimage.measure.approximate_polygon``).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from annotator.assist.common import AssistError, check_frame, density, downsample, mm_per_px

Point = tuple[float, float]

WORK_SIZE = 512  # long side of the working image (px)
BAND_RADII_MM = (1.0, 2.0)  # contrast band half-widths the ridge filter is tuned to
ASSUMED_FIELD_MM = 256.0  # long side of an uncalibrated film, for filter scales only
EPS = 0.02  # cost floor: off the band the path still exists, just expensive
MARGIN_FRACTION = 0.35  # window margin, as a fraction of the anchor distance
MIN_MARGIN_PX = 12  # working pixels


DENSITY_WEIGHT = 0.3  # share of plain density in the "band-ness" (the rest: ridge response)


def ridge_cost(dens: np.ndarray, sigmas: Sequence[float]) -> np.ndarray:
    """Cost image (float64, > 0) from a multi-scale bright-ridge response of ``dens`` and the
    density itself (inside a wide, clipped band the ridge response vanishes; density does not)."""
    from skimage.feature import hessian_matrix, hessian_matrix_eigvals

    best = np.zeros(dens.shape, np.float32)
    for s in sigmas:
        # mirrored border: zero padding would put an artificial ridge along every image edge
        h = hessian_matrix(dens, sigma=s, mode="reflect", order="rc", use_gaussian_derivatives=False)
        ev = hessian_matrix_eigvals(h)
        r = np.clip(-ev[1], 0, None) * np.float32(s**2)  # scale-normalised across-band curvature
        np.maximum(best, r, out=best)
    top = float(np.percentile(best, 99.5)) or 1.0
    ridge = np.clip(best / top, 0, 1).astype(np.float64)
    lo, hi = np.percentile(dens, (50, 99.5))
    plain = np.clip((dens - lo) / ((hi - lo) or 1.0), 0, 1).astype(np.float64) ** 2
    return 1.0 / (EPS + (1 - DENSITY_WEIGHT) * ridge + DENSITY_WEIGHT * plain)


class LiveWire:
    """Minimal-cost paths along the contrast band of one frame.

    Build one per frame (the cost image is cached); ``segment(a, b)`` and
    ``path(anchors)`` are the cheap interactive calls. ``factor`` is the
    working-image downsampling (working pixel = ``factor`` frame pixels).
    """

    def __init__(self, frame: np.ndarray, calibration=None, invert: bool = False) -> None:
        a = check_frame(frame)
        self.shape = a.shape
        self.factor = max(1, int(round(max(a.shape) / WORK_SIZE)))
        mm = mm_per_px(calibration) or ASSUMED_FIELD_MM / max(a.shape)
        work_mm = mm * self.factor
        sigmas = [max(1.0, r / work_mm / math.sqrt(3)) for r in BAND_RADII_MM]
        self.cost = ridge_cost(downsample(density(a, invert), self.factor), sigmas)

    def _to_work(self, p: Point) -> tuple[int, int]:
        """(row, col) of the working pixel holding frame point p."""
        h, w = self.cost.shape
        col = int(np.clip(p[0] / self.factor, 0, w - 1))
        row = int(np.clip(p[1] / self.factor, 0, h - 1))
        return row, col

    def segment(self, a: Point, b: Point) -> np.ndarray:
        """The minimal-cost path a -> b as an (N, 2) array of frame (x, y) points, a and b included."""
        from skimage.graph import MCP_Geometric

        for p in (a, b):
            if not (0 <= p[0] <= self.shape[1] and 0 <= p[1] <= self.shape[0]):
                raise AssistError(f"anchor ({p[0]:.1f}, {p[1]:.1f}) is outside the image")
        ra, ca = self._to_work(a)
        rb, cb = self._to_work(b)
        h, w = self.cost.shape
        margin = max(MIN_MARGIN_PX, int(MARGIN_FRACTION * math.hypot(rb - ra, cb - ca)))
        r0, r1 = max(0, min(ra, rb) - margin), min(h, max(ra, rb) + margin + 1)
        c0, c1 = max(0, min(ca, cb) - margin), min(w, max(ca, cb) + margin + 1)
        window = self.cost[r0:r1, c0:c1]
        mcp = MCP_Geometric(window, fully_connected=True)
        start, end = (ra - r0, ca - c0), (rb - r0, cb - c0)
        mcp.find_costs([start], [end])
        rc = np.asarray(mcp.traceback(end), dtype=np.float64)
        xy = np.stack([(rc[:, 1] + c0 + 0.5) * self.factor, (rc[:, 0] + r0 + 0.5) * self.factor], axis=1)
        if len(xy) < 2:  # both anchors in one working pixel: the traceback is that one pixel
            return np.array([a, b], dtype=np.float64)
        xy = _smooth(xy, passes=2)
        xy[0], xy[-1] = a, b  # the working-pixel centres of the anchors become the anchors themselves
        return xy

    def path(self, anchors: Sequence[Point], tolerance_px: float | None = None) -> list[Point]:
        """Polyline through ``anchors`` (>= 2) along the band, each leg simplified separately
        (Douglas-Peucker, tolerance in frame px) so every anchor stays a vertex."""
        from skimage.measure import approximate_polygon

        if len(anchors) < 2:
            raise AssistError("a path needs at least two anchor points")
        tol = self.factor * 0.5 if tolerance_px is None else tolerance_px
        parts = [approximate_polygon(self.segment(p, q), tolerance=tol) for p, q in zip(anchors[:-1], anchors[1:])]
        full = np.concatenate([parts[0]] + [p[1:] for p in parts[1:]])
        return [(float(p[0]), float(p[1])) for p in full]


def _smooth(xy: np.ndarray, passes: int = 1) -> np.ndarray:
    """Three-point moving average of the inner points (removes the 8-neighbour staircase)."""
    xy = xy.copy()
    for _ in range(passes):
        if len(xy) < 3:
            break
        xy[1:-1] = (xy[:-2] + 2 * xy[1:-1] + xy[2:]) / 4
    return xy


def trace_path(frame: np.ndarray, anchors: Sequence[Point], calibration=None, invert: bool = False) -> list[Point]:
    """One-shot live-wire: the polyline through ``anchors`` along the contrast band (frame pixels)."""
    return LiveWire(frame, calibration, invert).path(anchors)
