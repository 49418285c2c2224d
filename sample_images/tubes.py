"""Thin tubes (needle, contrast-filled root sleeve, veins) projected onto a film.

A tube is a 3-D polyline (patient mm) with a radius (mm) per vertex. Its
path-length map is computed in the image plane: for each projected segment,
``2 * sqrt(r^2 - dist^2)`` scaled by 1/sin of the angle between the segment and
the beam (a segment seen end-on has more material along the ray). Segments
are combined with a maximum, so joints are not counted twice.
Pixel convention as in :mod:`sample_images.raycast`.
"""

from __future__ import annotations

import math

import numpy as np

from sample_images.raycast import Projection


def tube_thickness(
    points: np.ndarray,
    radii: np.ndarray,
    proj: Projection,
    offsets_px: np.ndarray | None = None,
    out: np.ndarray | None = None,
) -> np.ndarray:
    """Path length (mm) through the tube for every pixel: (height, width) float64.

    ``points``: (n, 3) patient mm; ``radii``: (n,) mm; ``offsets_px``: optional
    (n, 2) shifts of the projected centre line in pixels (for a bevel).
    """
    if out is None:
        out = np.zeros((proj.height, proj.width))
    pts2 = np.array([proj.to_pixel(p) for p in points])
    if offsets_px is not None:
        pts2 = pts2 + offsets_px
    d = np.asarray(proj.d, dtype=float)
    s = proj.spacing
    for i in range(len(points) - 1):
        a, b = pts2[i], pts2[i + 1]
        r0, r1 = radii[i] / s, radii[i + 1] / s
        seg3 = points[i + 1] - points[i]
        n3 = float(np.linalg.norm(seg3))
        sin_phi = float(np.linalg.norm(np.cross(seg3 / n3, d))) if n3 > 0 else 1.0
        factor = 1.0 / max(sin_phi, 0.25)
        rmax = max(r0, r1) + 1
        x0 = max(0, int(min(a[0], b[0]) - rmax))
        x1 = min(proj.width, int(max(a[0], b[0]) + rmax) + 2)
        y0 = max(0, int(min(a[1], b[1]) - rmax))
        y1 = min(proj.height, int(max(a[1], b[1]) + rmax) + 2)
        if x0 >= x1 or y0 >= y1:
            continue
        yy, xx = np.mgrid[y0:y1, x0:x1]
        px, py = xx + 0.5, yy + 0.5
        ab = b - a
        ll = float(ab @ ab)
        t = np.zeros_like(px) if ll == 0 else np.clip(((px - a[0]) * ab[0] + (py - a[1]) * ab[1]) / ll, 0, 1)
        dist2 = (px - a[0] - t * ab[0]) ** 2 + (py - a[1] - t * ab[1]) ** 2
        r = r0 + t * (r1 - r0)
        thick = 2.0 * np.sqrt(np.clip(r * r - dist2, 0, None)) * s * factor
        np.maximum(out[y0:y1, x0:x1], thick, out=out[y0:y1, x0:x1])
    return out


def resample_polyline(points: np.ndarray, step: float) -> np.ndarray:
    """Points every ``step`` mm along a 3-D polyline (ends included)."""
    seg = np.linalg.norm(np.diff(points, axis=0), axis=1)
    cum = np.concatenate([[0.0], np.cumsum(seg)])
    total = cum[-1]
    n = max(2, int(math.ceil(total / step)) + 1)
    ts = np.linspace(0, total, n)
    return np.stack([np.interp(ts, cum, points[:, k]) for k in range(points.shape[1])], axis=1)


def simplify_2d(points: list[tuple[float, float]], tolerance: float = 0.75) -> list[tuple[float, float]]:
    """Ramer-Douglas-Peucker simplification of an open 2-D polyline (keeps both ends)."""
    if len(points) < 3:
        return list(points)
    a, b = np.asarray(points[0]), np.asarray(points[-1])
    ab = b - a
    norm = float(np.hypot(*ab))
    arr = np.asarray(points[1:-1])
    if norm == 0:
        dists = np.hypot(*(arr - a).T)
    else:
        dists = np.abs(ab[0] * (arr[:, 1] - a[1]) - ab[1] * (arr[:, 0] - a[0])) / norm
    i = int(np.argmax(dists))
    if dists[i] <= tolerance:
        return [points[0], points[-1]]
    left = simplify_2d(points[: i + 2], tolerance)
    right = simplify_2d(points[i + 1 :], tolerance)
    return left[:-1] + right
