"""Parallel-beam line integrals of simple solids, for the synthetic phantom.

Patient frame (mm): +X = patient left, +Y = feet, +Z = posterior. A
:class:`Projection` maps it onto a stored pixel grid: pixel coordinates are
floats with the origin at the top-left *corner* of the top-left pixel, +x
right, +y down (domain.md §3); pixel (col, row) has its centre at
(col + 0.5, row + 0.5). The beam is parallel (no magnification inside the
model: the DICOM writer states the magnification separately).

Solids are :class:`Blob` superellipsoids ``sum |q_i / a_i| ** p <= 1`` in their
own rotated frame, optionally hollow (a cortical shell of ``shell`` mm with a
lower-density core). ``p == 2`` is integrated exactly; other powers by
sampling along the ray with a soft edge.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

Vec = tuple[float, float, float]


def rot_x(deg: float) -> np.ndarray:
    """Rotation about +X (sagittal tilt): positive turns +Y toward +Z."""
    c, s = math.cos(math.radians(deg)), math.sin(math.radians(deg))
    return np.array([[1, 0, 0], [0, c, -s], [0, s, c]], dtype=float)


def rot_y(deg: float) -> np.ndarray:
    """Rotation about +Y (the craniocaudal axis): positive turns +Z toward +X."""
    c, s = math.cos(math.radians(deg)), math.sin(math.radians(deg))
    return np.array([[c, 0, s], [0, 1, 0], [-s, 0, c]], dtype=float)


def rot_z(deg: float) -> np.ndarray:
    """Rotation about +Z (in the coronal plane): positive turns +X toward +Y."""
    c, s = math.cos(math.radians(deg)), math.sin(math.radians(deg))
    return np.array([[c, -s, 0], [s, c, 0], [0, 0, 1]], dtype=float)


@dataclass(frozen=True)
class Blob:
    """A (possibly hollow) superellipsoid with linear attenuation ``mu`` (1/mm)."""

    center: Vec
    axes: Vec  # semi-axes (mm) along the blob's own x, y, z
    mu: float
    rot: np.ndarray = field(default_factory=lambda: np.eye(3))  # columns: own axes in patient frame
    power: float = 2.0
    shell: float = 0.0  # cortical thickness (mm); 0 = solid
    mu_core: float = 0.0  # attenuation inside the shell
    name: str = ""


@dataclass(frozen=True)
class Projection:
    """A view: image axes ``u`` (+x) and ``v`` (+y) and beam ``d``, unit vectors in the patient frame.

    ``center`` (mm, patient frame) projects onto the image centre; ``spacing``
    is mm per pixel in the patient plane.
    """

    u: Vec
    v: Vec
    d: Vec
    center: Vec
    spacing: float
    width: int
    height: int

    @classmethod
    def at_angle(cls, angle_deg: float, center: Vec, spacing: float, width: int, height: int) -> Projection:
        """Rotate the AP view about the craniocaudal axis.

        0 = AP (+x = patient left, +y = feet); +90 = lateral with posterior to
        the image right (anterior on the image left); between = oblique with
        +x = cos(a) * left + sin(a) * posterior.
        """
        a = math.radians(angle_deg)
        u = (math.cos(a), 0.0, math.sin(a))
        d = (-math.sin(a), 0.0, math.cos(a))
        return cls(u, (0.0, 1.0, 0.0), d, center, spacing, width, height)

    def to_pixel(self, p: Vec | np.ndarray) -> tuple[float, float]:
        """Project a patient point (mm) to float pixel coordinates (corner origin)."""
        q = np.asarray(p, dtype=float) - np.asarray(self.center)
        x = self.width / 2 + float(q @ np.asarray(self.u)) / self.spacing
        y = self.height / 2 + float(q @ np.asarray(self.v)) / self.spacing
        return (x, y)

    def plane_points(self, x0: int, x1: int, y0: int, y1: int) -> np.ndarray:
        """Patient points (mm) of the pixel centres in columns x0..x1-1, rows y0..y1-1: (rows, cols, 3)."""
        cols = (np.arange(x0, x1) + 0.5 - self.width / 2) * self.spacing
        rows = (np.arange(y0, y1) + 0.5 - self.height / 2) * self.spacing
        u, v = np.asarray(self.u), np.asarray(self.v)
        return (
            np.asarray(self.center)[None, None, :]
            + rows[:, None, None] * v[None, None, :]
            + cols[None, :, None] * u[None, None, :]
        )


def projected_ellipse(blob: Blob, proj: Projection) -> tuple[tuple[float, float], np.ndarray]:
    """Centre (px) and 2x2 shape matrix S (px^2) of the blob's silhouette as an ellipse.

    Exact for ``power == 2``; the outline is ``{c + y : y^T S^-1 y <= 1}``.
    """
    c = proj.to_pixel(blob.center)
    p = np.array([proj.u, proj.v]) / proj.spacing
    lin = p @ blob.rot @ np.diag(blob.axes)
    return c, lin @ lin.T


def ellipse_point(center: tuple[float, float], shape: np.ndarray, direction: tuple[float, float]) -> tuple[float, float]:
    """The point of the ellipse outline in the given pixel direction from its centre... as a support point.

    Returns the outline point that is extreme along ``direction`` (e.g. (0, 1)
    gives the lowest point, "6 o'clock").
    """
    n = np.asarray(direction, dtype=float)
    n = n / np.linalg.norm(n)
    sn = shape @ n
    y = sn / math.sqrt(float(n @ sn))
    return (center[0] + float(y[0]), center[1] + float(y[1]))


def ellipse_at_angle(center: tuple[float, float], shape: np.ndarray, angle_deg: float) -> tuple[float, float]:
    """Outline point of the silhouette ellipse at polar angle ``angle_deg`` from +x toward +y (pixels)."""
    a = math.radians(angle_deg)
    n = np.array([math.cos(a), math.sin(a)])
    r = 1.0 / math.sqrt(float(n @ np.linalg.inv(shape) @ n))
    return (center[0] + r * n[0], center[1] + r * n[1])


def _bbox(blob: Blob, proj: Projection, pad: float = 2.0) -> tuple[int, int, int, int] | None:
    cx, cy = proj.to_pixel(blob.center)
    r = max(blob.axes) * (math.sqrt(3) if blob.power > 2 else 1.0) / proj.spacing + pad
    x0, x1 = max(0, int(cx - r)), min(proj.width, int(cx + r) + 1)
    y0, y1 = max(0, int(cy - r)), min(proj.height, int(cy + r) + 1)
    if x0 >= x1 or y0 >= y1:
        return None
    return x0, x1, y0, y1


def _chord_ellipsoid(pts: np.ndarray, blob: Blob, axes: np.ndarray, d: np.ndarray) -> np.ndarray:
    m = blob.rot.T
    q0 = ((pts - np.asarray(blob.center)) @ m.T) / axes
    e = (m @ d) / axes
    ee = float(e @ e)
    qe = q0 @ e
    disc = qe * qe - ee * (np.einsum("...i,...i->...", q0, q0) - 1.0)
    return 2.0 * np.sqrt(np.clip(disc, 0.0, None)) / ee


def _chord_super(pts: np.ndarray, blob: Blob, axes: np.ndarray, d: np.ndarray, step: float = 0.4) -> np.ndarray:
    reach = float(np.linalg.norm(axes)) + 1.0
    n = max(8, int(2 * reach / step))
    ts = np.linspace(-reach, reach, n)
    dt = ts[1] - ts[0]
    m = blob.rot.T
    q0 = ((pts - np.asarray(blob.center)) @ m.T) / axes  # (..., 3)
    e = (m @ d) / axes
    out = np.zeros(pts.shape[:-1])
    soft = step / float(np.min(axes))
    for t in ts:
        q = np.abs(q0 + t * e)
        f = (q[..., 0] ** blob.power + q[..., 1] ** blob.power + q[..., 2] ** blob.power) ** (1.0 / blob.power)
        out += np.clip((1.0 - f) / soft + 0.5, 0.0, 1.0)
    return out * dt


def line_integral(blobs: list[Blob], proj: Projection) -> np.ndarray:
    """Sum of mu * path length (dimensionless) over all blobs, per pixel: (height, width) float64."""
    total = np.zeros((proj.height, proj.width))
    d = np.asarray(proj.d, dtype=float)
    for b in blobs:
        box = _bbox(b, proj)
        if box is None:
            continue
        x0, x1, y0, y1 = box
        pts = proj.plane_points(x0, x1, y0, y1)
        outer = np.asarray(b.axes, dtype=float)
        chord = _chord_ellipsoid if b.power == 2 else _chord_super
        t_out = chord(pts, b, outer, d)
        if b.shell > 0:
            inner = np.maximum(outer - b.shell, 0.2)
            t_in = chord(pts, b, inner, d)
            total[y0:y1, x0:x1] += b.mu * (t_out - t_in) + b.mu_core * t_in
        else:
            total[y0:y1, x0:x1] += b.mu * t_out
    return total
