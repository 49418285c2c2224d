"""Which patient side a mark lies on (domain.md §4 "Side and root of every mark").

Pure geometry on a film, in stored-image pixels (domain.md §3 convention).
The side is read, in this order:

1. from the film's marked midline (spinous processes): the side of the
   midline's infinite line the point lies on, with the film's effective
   patient directions saying which image side is the patient's left;
2. else from the image's centre line across the patient's left-right axis
   (``columns / 2`` when +x carries L/R, ``rows / 2`` when +y does), when the
   image size is known (``Film.columns``/``rows`` or ``size``);
3. else ``MarkSide.UNKNOWN``: a side is never guessed.

A film whose directions have no L/R axis (a lateral film) always gives
UNKNOWN: both sides project on each other there.
"""

from __future__ import annotations

from annotator.model.annotations import Annotation, MarkSide, Role, ShapeKind
from annotator.model.case import Film

Point = tuple[float, float]


def mark_centre(ann: Annotation) -> Point:
    """The point that stands for a mark: the ellipse centre, else the mean of its points (pixels)."""
    if ann.kind is ShapeKind.ELLIPSE:
        return ann.points[0]
    n = len(ann.points)
    return (sum(p[0] for p in ann.points) / n, sum(p[1] for p in ann.points) / n)


def _side_of(value: float) -> MarkSide:
    if abs(value) < 1e-9:
        return MarkSide.UNKNOWN
    return MarkSide.LEFT if value > 0 else MarkSide.RIGHT


def infer_side(film: Film, point: Point, size: tuple[int, int] | None = None) -> MarkSide:
    """The patient side of pixel ``point`` on ``film``; ``size`` = (columns, rows) if the film lacks it.

    The film's first confirmed midline line wins over the image centre line.
    """
    left = film.effective_directions().vector("L")
    if left == (0.0, 0.0):
        return MarkSide.UNKNOWN
    midline = film.first(Role.MIDLINE)
    if midline is not None and midline.points[0] != midline.points[1]:
        (ax, ay), (bx, by) = midline.points
        abx, aby = bx - ax, by - ay
        t = ((point[0] - ax) * abx + (point[1] - ay) * aby) / (abx * abx + aby * aby)
        qx, qy = ax + t * abx, ay + t * aby  # nearest point of the midline's infinite line
        return _side_of((point[0] - qx) * left[0] + (point[1] - qy) * left[1])
    columns, rows = size if size is not None else (film.columns, film.rows)
    if (left[0] != 0.0 and columns is None) or (left[1] != 0.0 and rows is None):
        return MarkSide.UNKNOWN
    cx = (columns or 0) / 2.0
    cy = (rows or 0) / 2.0
    return _side_of((point[0] - cx) * left[0] + (point[1] - cy) * left[1])


def infer_mark_side(film: Film, ann: Annotation, size: tuple[int, int] | None = None) -> MarkSide:
    """The side of a mark (its centre, see :func:`mark_centre`); see :func:`infer_side`."""
    return infer_side(film, mark_centre(ann), size)
