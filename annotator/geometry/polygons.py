"""Plane geometry on points, segments and simple polygons (pure, no numpy).

Coordinates are whatever the caller gives, as long as both axes share one
unit: the rules convert pixels to millimetres first (``x * col_mm``,
``y * row_mm``) so that distances are isotropic. A polygon is a sequence of
vertices, implicitly closed (the last vertex joins the first); it must be
simple (not self-intersecting) for the results to mean anything.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

Point = tuple[float, float]


def dot(p: Point, q: Point) -> float:
    return p[0] * q[0] + p[1] * q[1]


def sub(p: Point, q: Point) -> Point:
    return (p[0] - q[0], p[1] - q[1])


def midpoint(p: Point, q: Point) -> Point:
    return ((p[0] + q[0]) / 2.0, (p[1] + q[1]) / 2.0)


def closest_point_on_segment(p: Point, a: Point, b: Point) -> Point:
    """The point of segment a-b nearest to p."""
    ab = sub(b, a)
    denom = dot(ab, ab)
    if denom == 0.0:
        return a
    t = max(0.0, min(1.0, dot(sub(p, a), ab) / denom))
    return (a[0] + t * ab[0], a[1] + t * ab[1])


def distance_point_segment(p: Point, a: Point, b: Point) -> float:
    """Euclidean distance from p to the segment a-b."""
    return math.dist(p, closest_point_on_segment(p, a, b))


def _edges(poly: Sequence[Point]):
    n = len(poly)
    for i in range(n):
        yield poly[i], poly[(i + 1) % n]


def point_in_polygon(p: Point, poly: Sequence[Point]) -> bool:
    """True when p is inside the polygon or on its boundary (even-odd rule)."""
    if len(poly) < 3:
        return False
    if distance_to_boundary(p, poly) <= 1e-9:
        return True
    x, y = p
    inside = False
    for (x0, y0), (x1, y1) in _edges(poly):
        if (y0 > y) != (y1 > y):
            xc = x0 + (y - y0) * (x1 - x0) / (y1 - y0)
            if xc > x:
                inside = not inside
    return inside


def distance_to_boundary(p: Point, poly: Sequence[Point]) -> float:
    """Distance from p to the polygon's outline (0 on the outline)."""
    if not poly:
        return math.inf
    if len(poly) == 1:
        return math.dist(p, poly[0])
    return min(distance_point_segment(p, a, b) for a, b in _edges(poly))


def closest_point_on_boundary(p: Point, poly: Sequence[Point]) -> Point:
    """The point of the polygon's outline nearest to p."""
    best, best_d = poly[0], math.inf
    for a, b in _edges(poly):
        q = closest_point_on_segment(p, a, b)
        d = math.dist(p, q)
        if d < best_d:
            best, best_d = q, d
    return best


def distance_to_region(p: Point, poly: Sequence[Point]) -> float:
    """Distance from p to the filled polygon: 0 inside, else to the outline."""
    if point_in_polygon(p, poly):
        return 0.0
    return distance_to_boundary(p, poly)


def signed_area(poly: Sequence[Point]) -> float:
    """Shoelace area; positive when the vertices turn from +x toward +y."""
    return 0.5 * sum(a[0] * b[1] - b[0] * a[1] for a, b in _edges(poly))


def centroid(poly: Sequence[Point]) -> Point:
    """Area centroid of the polygon (vertex mean when the area is zero)."""
    area = signed_area(poly)
    if abs(area) < 1e-12:
        n = len(poly)
        return (sum(x for x, _ in poly) / n, sum(y for _, y in poly) / n)
    cx = cy = 0.0
    for a, b in _edges(poly):
        cross = a[0] * b[1] - b[0] * a[1]
        cx += (a[0] + b[0]) * cross
        cy += (a[1] + b[1]) * cross
    return (cx / (6.0 * area), cy / (6.0 * area))


def clip_half_plane(poly: Sequence[Point], normal: Point, limit: float) -> list[Point]:
    """The part of the polygon where ``dot(p, normal) <= limit`` (Sutherland-Hodgman).

    Exact for convex polygons; for a concave one the result may contain
    zero-width bridges along the cut line. They do not change the area, but
    they are not part of the region: measure distances with
    :func:`clipped_boundary` instead.
    """
    out: list[Point] = []
    n = len(poly)
    for i in range(n):
        cur, nxt = poly[i], poly[(i + 1) % n]
        sc, sn = dot(cur, normal) - limit, dot(nxt, normal) - limit
        if sc <= 0:
            out.append(cur)
        if (sc < 0 < sn) or (sn < 0 < sc):
            t = sc / (sc - sn)
            out.append((cur[0] + t * (nxt[0] - cur[0]), cur[1] + t * (nxt[1] - cur[1])))
    return out


def clipped_boundary(poly: Sequence[Point], normal: Point, limit: float) -> list[tuple[Point, Point]]:
    """Segments of the true outline of ``poly ∩ {dot(p, normal) <= limit}``, concave polygons too.

    The outline is the polygon's edges clipped to the half-plane plus the
    stretches of the cut line that lie inside the polygon (even-odd rule), so
    no zero-width bridge of :func:`clip_half_plane` is ever measured.
    """
    segs: list[tuple[Point, Point]] = []
    crossings: list[float] = []
    along = (-normal[1], normal[0])
    for a, b in _edges(poly):
        sa, sb = dot(a, normal) - limit, dot(b, normal) - limit
        if sa <= 0 and sb <= 0:
            segs.append((a, b))
        elif sa < 0 < sb or sb < 0 < sa:
            t = sa / (sa - sb)
            q = (a[0] + t * (b[0] - a[0]), a[1] + t * (b[1] - a[1]))
            segs.append((a, q) if sa < 0 else (q, b))
        if (sa < 0) != (sb < 0):  # half-open rule: a vertex on the line counts on one side only
            t = sa / (sa - sb)
            crossings.append(dot((a[0] + t * (b[0] - a[0]), a[1] + t * (b[1] - a[1])), along))
    crossings.sort()
    n2 = dot(normal, normal) or 1.0
    base = (normal[0] * limit / n2, normal[1] * limit / n2)  # a point on the cut line
    a2 = dot(along, along) or 1.0
    for lo, hi in zip(crossings[0::2], crossings[1::2]):
        p = (base[0] + along[0] * lo / a2, base[1] + along[1] * lo / a2)
        q = (base[0] + along[0] * hi / a2, base[1] + along[1] * hi / a2)
        segs.append((p, q))
    return segs


def nearest_on_segments(p: Point, segs: Sequence[tuple[Point, Point]]) -> tuple[Point, float]:
    """(nearest point, distance) of ``p`` to a set of segments; (p, inf) when there are none."""
    best, best_d = p, math.inf
    for a, b in segs:
        q = closest_point_on_segment(p, a, b)
        d = math.dist(p, q)
        if d < best_d:
            best, best_d = q, d
    return best, best_d


def extent_along(poly: Sequence[Point], axis: Point) -> tuple[float, float]:
    """(min, max) of ``dot(p, axis)`` over the polygon's vertices."""
    values = [dot(p, axis) for p in poly]
    return min(values), max(values)


def polyline_length(points: Sequence[Point]) -> float:
    return sum(math.dist(a, b) for a, b in zip(points, points[1:]))
