"""A film's measuring frame: pixels → calibrated units, anatomical unit vectors.

Rules work in *unit space*: a pixel point ``(x, y)`` becomes
``(x * col_mm, y * row_mm)`` when the film has a mm scale (any source), or
stays in pixels otherwise, so Euclidean distances there are the lengths the
user sees, even with anisotropic spacing. Patient directions come from the
film's effective :class:`~annotator.geometry.Directions`; because they are
axis-aligned, their unit vectors are the same in pixel and unit space.

Medial (toward the patient's midline) is decided by the marked midline when
there is one (the side of the midline the target lies on), else
by the injection side: a right-sided root has its midline toward the
patient's left.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from annotator.geometry import Calibration, Directions
from annotator.geometry.polygons import closest_point_on_segment, dot, sub
from annotator.model import Annotation, Film, Role, Side

Point = tuple[float, float]


@dataclass(frozen=True)
class FilmFrame:
    calibration: Calibration
    directions: Directions

    @classmethod
    def of(cls, film: Film) -> FilmFrame:
        return cls(film.effective_calibration(), film.effective_directions())

    @property
    def unit(self) -> str:
        return self.calibration.unit_label

    @property
    def is_mm(self) -> bool:
        return self.calibration.is_mm

    def to_u(self, p: Point) -> Point:
        """Pixel point → unit space (mm or px)."""
        c = self.calibration
        if c.row_mm is None or c.col_mm is None:
            return (p[0], p[1])
        return (p[0] * c.col_mm, p[1] * c.row_mm)

    def to_px(self, p: Point) -> Point:
        c = self.calibration
        if c.row_mm is None or c.col_mm is None:
            return (p[0], p[1])
        return (p[0] / c.col_mm, p[1] / c.row_mm)

    def radii_px(self, r: float) -> tuple[float, float]:
        """A radius in unit space as pixel ellipse radii (rx, ry)."""
        c = self.calibration
        if c.row_mm is None or c.col_mm is None:
            return (r, r)
        return (r / c.col_mm, r / c.row_mm)

    def vector(self, letter: str) -> Point | None:
        """Unit vector toward patient direction ``letter``; None when no image axis carries it."""
        v = self.directions.vector(letter)
        return None if v == (0.0, 0.0) else v

    def medial(self, side: Side, film: Film, reference_px: Point) -> Point | None:
        """Unit vector toward the patient's midline, seen from ``reference_px``.

        Rules pass the *target* (pedicle-margin midpoint, S1 centroid) as the
        reference, never the tip: the injection side's pedicle decides which
        way is medial, so a tip across the midline reads as far medial.
        """
        left = self.vector("L")
        if left is None:
            return None
        midline = film.first(Role.MIDLINE)
        if midline is not None:
            sign = _side_of_midline(self, midline, reference_px, left)
            if sign != 0:
                return (left[0] * sign, left[1] * sign)
        # right-sided root: midline lies toward the patient's left, and vice versa
        return left if side is Side.RIGHT else (-left[0], -left[1])


def _side_of_midline(frame: FilmFrame, midline: Annotation, ref_px: Point, left: Point) -> int:
    """+1 when the midline lies toward the patient's left of ``ref_px``, -1 right, 0 unknown."""
    a, b = (frame.to_u(p) for p in midline.points)
    r = frame.to_u(ref_px)
    # nearest point on the midline's infinite line (clamping to a long segment is not wanted)
    ab = sub(b, a)
    denom = dot(ab, ab)
    if denom == 0.0:
        q = a
    else:
        t = dot(sub(r, a), ab) / denom
        q = (a[0] + t * ab[0], a[1] + t * ab[1])
    s = dot(sub(q, r), left)
    if abs(s) < 1e-12:
        return 0
    return 1 if s > 0 else -1


def split_offsets(
    disp: Point, axes: list[tuple[str, str, Point | None]]
) -> tuple[tuple[str, float], ...]:
    """Decompose a unit-space displacement along anatomical axes.

    ``axes``: (positive name, negative name, unit vector or None). Each axis
    with a vector yields (name, amount >= 0).
    """
    out = []
    for pos, neg, v in axes:
        if v is None:
            continue
        c = dot(disp, v)
        if abs(c) < 1e-9:  # no "-0.0 mm caudal" from rounding noise
            c = 0.0
        out.append((pos, c) if c >= 0 else (neg, -c))
    return tuple(out)


def value_along_segment(p: Point, a: Point, b: Point, axis: Point) -> float:
    """``dot(q, axis)`` for q the point of segment a-b nearest to p (all unit space)."""
    return dot(closest_point_on_segment(p, a, b), axis)


def projection_parameter(p: Point, a: Point, b: Point) -> float:
    """t such that a + t (b - a) is p's projection on line a-b (unclamped)."""
    ab = sub(b, a)
    denom = dot(ab, ab)
    return 0.0 if denom == 0 else dot(sub(p, a), ab) / denom


def finite(*values: float) -> bool:
    return all(math.isfinite(v) for v in values)
