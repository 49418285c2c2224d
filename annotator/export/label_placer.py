"""Collision-aware placement of annotation labels on a burned-in film.

Every label names a point (its *anchor*: a marker, an arrow's tail) or a line
(its anchor is then the point it prefers, e.g. the end, and ``along`` holds
points sampled along the line: the label may sit by any of them). It is placed
as near to what it names as it can be without
covering drawn geometry (needle, contrast path, margins, target zone, other
markers -- an occupancy mask of the pixels the overlay changed, grown by a
gap), another label, or a leader line, and inside the film. Candidates are
tried nearest first, never farther than ``max_px``; a label farther than
``near_px`` gets a leader line from its anchor to the nearest point of its
box, and a leader never crosses another label. Labels of one ``order_group``
(the level labels) keep the vertical order of their anchors: a label lower on
the film never sits above one higher up.

Coordinates are film pixels (origin top-left corner, +x right, +y down).
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import numpy as np

Rect = tuple[float, float, float, float]  # x0, y0, x1, y1


@dataclass(frozen=True)
class LabelRequest:
    text: str
    anchor: tuple[float, float]
    w: float  # box size in px (text plus its halo)
    h: float
    order_group: str = ""  # labels of one group keep their anchors' vertical order
    key: int = 0  # the caller's reference (index of the annotation)
    along: tuple[tuple[float, float], ...] = ()  # more points of what it names (a line's samples)

    @property
    def points(self) -> tuple[tuple[float, float], ...]:
        return (self.anchor, *self.along)

    def distance(self, box: Rect) -> float:
        """Distance (px) from ``box`` to the nearest point of what the label names."""
        return min(rect_distance(box, p) for p in self.points)

    def nearest(self, box: Rect) -> tuple[float, float]:
        """The point of what the label names nearest to ``box``."""
        return min(self.points, key=lambda p: rect_distance(box, p))


@dataclass(frozen=True)
class PlacedLabel:
    request: LabelRequest
    box: Rect
    distance: float  # px from what it names to the nearest point of the box
    leader: tuple[tuple[float, float], tuple[float, float]] | None  # named point -> box, when moved away
    free: bool  # False: no place within the limit was clear; the least covered one was taken


def rect_distance(box: Rect, p: tuple[float, float]) -> float:
    """Distance (px) from point ``p`` to the nearest point of ``box`` (0 inside)."""
    x0, y0, x1, y1 = box
    dx = max(x0 - p[0], 0.0, p[0] - x1)
    dy = max(y0 - p[1], 0.0, p[1] - y1)
    return math.hypot(dx, dy)


def nearest_on_rect(box: Rect, p: tuple[float, float]) -> tuple[float, float]:
    x0, y0, x1, y1 = box
    return min(max(p[0], x0), x1), min(max(p[1], y0), y1)


def rects_overlap(a: Rect, b: Rect) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def segment_hits_rect(p: tuple[float, float], q: tuple[float, float], r: Rect) -> bool:
    """Whether segment ``p``-``q`` passes through the inside of ``r`` (Liang-Barsky clipping)."""
    x0, y0, x1, y1 = r
    dx, dy = q[0] - p[0], q[1] - p[1]
    t0, t1 = 0.0, 1.0
    for pk, qk in ((-dx, p[0] - x0), (dx, x1 - p[0]), (-dy, p[1] - y0), (dy, y1 - p[1])):
        if pk == 0:
            if qk <= 0:
                return False
            continue
        t = qk / pk
        if pk < 0:
            t0 = max(t0, t)
        else:
            t1 = min(t1, t)
        if t0 >= t1:
            return False
    return True


class Occupancy:
    """Which film pixels are taken, with O(1) "is this box free" queries (a summed-area table)."""

    def __init__(self, mask: np.ndarray) -> None:
        self.mask = np.asarray(mask, dtype=bool).copy()
        self._table()

    def _table(self) -> None:
        s = np.zeros((self.mask.shape[0] + 1, self.mask.shape[1] + 1), dtype=np.int32)  # < 2**31 pixels
        s[1:, 1:] = self.mask.cumsum(0, dtype=np.int32).cumsum(1, dtype=np.int32)
        self.sat = s

    def count(self, box: Rect) -> int:
        """Taken pixels in ``box`` (clipped to the film; pixel (i, j) covers [j, j+1) x [i, i+1))."""
        h, w = self.mask.shape
        x0, y0 = max(0, math.floor(box[0])), max(0, math.floor(box[1]))
        x1, y1 = min(w, math.ceil(box[2])), min(h, math.ceil(box[3]))
        if x1 <= x0 or y1 <= y0:
            return 0
        s = self.sat
        return int(s[y1, x1] - s[y0, x1] - s[y1, x0] + s[y0, x0])

    def add_segment(self, p: tuple[float, float], q: tuple[float, float], half_width: float) -> None:
        h, w = self.mask.shape
        n = max(2, int(math.hypot(q[0] - p[0], q[1] - p[1])) + 1)
        r = max(1, math.ceil(half_width))
        for t in np.linspace(0.0, 1.0, n):
            x, y = p[0] + (q[0] - p[0]) * t, p[1] + (q[1] - p[1]) * t
            self.mask[max(0, int(y) - r):min(h, int(y) + r + 1), max(0, int(x) - r):min(w, int(x) + r + 1)] = True
        self._table()


def grow(mask: np.ndarray, radius: int) -> np.ndarray:
    """``mask`` dilated by a square of half-size ``radius`` px (box sums along x, then y)."""
    m = np.asarray(mask, dtype=bool)
    if radius <= 0:
        return m
    k = 2 * radius + 1
    for axis in (1, 0):
        pad = [(0, 0), (0, 0)]
        pad[axis] = (radius + 1, radius)
        c = np.pad(m.astype(np.int32), pad).cumsum(axis=axis, dtype=np.int32)
        hi = c[:, k:] if axis == 1 else c[k:, :]
        lo = c[:, :-k] if axis == 1 else c[:-k, :]
        m = (hi - lo) > 0
    return m


def _rings(req: LabelRequest, start: float, step: float, max_px: float, horizontal_first: bool
           ) -> Iterator[list[tuple[float, Rect]]]:
    """Candidate boxes ring by ring, nearest ring first: in ring ``d`` every box's nearest point
    lies ``d`` px (or less) from the anchor or a point ``along`` its line. Within a ring: the
    anchor before the other points, then right, left (beside the mark, as printed labels are),
    above, below."""
    w, h = req.w, req.h
    n_angles = 24
    d = start
    while d <= max_px + 1e-9:
        ring: list[tuple[int, float, Rect]] = []
        for k, (ax, ay) in enumerate(req.points):
            for i in range(n_angles):
                ang = 2 * math.pi * i / n_angles
                ux, uy = math.cos(ang), math.sin(ang)
                # the corner (or edge) of the box nearest to the point is (ax + ux d, ay + uy d)
                x0 = ax + ux * d if ux > 1e-9 else ax + ux * d - w if ux < -1e-9 else ax - w / 2
                y0 = ay + uy * d if uy > 1e-9 else ay + uy * d - h if uy < -1e-9 else ay - h / 2
                pref = 0 if abs(uy) < 0.3 else 1 if horizontal_first else (0 if uy < 0 else 1)
                ring.append((k * 4 + pref * 2 + (0 if ux >= 0 else 1), d, (x0, y0, x0 + w, y0 + h)))
        ring.sort(key=lambda c: c[0])
        yield [(dist, box) for _pref, dist, box in ring]
        d += step


def place_labels(requests: Sequence[LabelRequest], occupancy: Occupancy, bounds: Rect, *, gap_px: float,
                 near_px: float, max_px: float) -> list[PlacedLabel]:
    """Place ``requests`` (in order; an order group in its anchors' vertical order) -- see the
    module docstring. ``bounds``: where boxes may go (the film, less a margin)."""
    placed: list[PlacedLabel] = []
    last_in_group: dict[str, float] = {}  # order group -> centre y of its previous label
    order = sorted(range(len(requests)),
                   key=lambda i: (0 if requests[i].order_group else 1, requests[i].order_group,
                                  requests[i].anchor[1], i))
    leader_half = max(1.0, gap_px / 2)
    for i in order:
        req = requests[i]
        step = max(1.0, gap_px)
        best: tuple[int, float, Rect] | None = None
        chosen: Rect | None = None
        for dist, box in (c for ring in _rings(req, gap_px, step, max_px, bool(req.order_group)) for c in ring):
            if box[0] < bounds[0] or box[1] < bounds[1] or box[2] > bounds[2] or box[3] > bounds[3]:
                continue
            if req.order_group and req.order_group in last_in_group:
                if (box[1] + box[3]) / 2 <= last_in_group[req.order_group] + 1:
                    continue
            grown = (box[0] - gap_px, box[1] - gap_px, box[2] + gap_px, box[3] + gap_px)
            if any(rects_overlap(grown, p.box) for p in placed):
                continue
            if dist > near_px:
                named = req.nearest(box)
                if any(segment_hits_rect(named, nearest_on_rect(box, named), p.box) for p in placed):
                    continue
            taken = occupancy.count(grown)
            if taken == 0:
                chosen = box
                break
            if best is None or taken < best[0]:
                best = (taken, dist, box)
        free = chosen is not None
        if chosen is None:
            if best is not None:
                chosen = best[2]
            else:  # nowhere within the limit inside the film: beside the anchor, clamped
                ax, ay = req.anchor
                x0 = min(max(bounds[0], ax + gap_px), bounds[2] - req.w)
                y0 = min(max(bounds[1], ay - req.h / 2), bounds[3] - req.h)
                chosen = (x0, y0, x0 + req.w, y0 + req.h)
        dist = req.distance(chosen)
        leader = None
        if dist > near_px:
            named = req.nearest(chosen)
            end = nearest_on_rect(chosen, named)
            leader = (named, end)
            occupancy.add_segment(named, end, leader_half + gap_px)
        placed.append(PlacedLabel(req, chosen, dist, leader, free))
        if req.order_group:
            last_in_group[req.order_group] = (chosen[1] + chosen[3]) / 2
    # the caller's order back
    by_key = {id(p.request): p for p in placed}
    return [by_key[id(r)] for r in requests]
