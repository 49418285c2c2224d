"""Select, move and edit: drag a point handle or a whole shape; delete the selection.

Hit order: a handle (vertex) of any annotation on the frame, then the
nearest shape outline or interior, then a redaction rectangle (dragging a
redaction moves it). One drag is ONE undo step (one merge key). ``press`` on empty space clears the
selection and reports it through ``hit_nothing`` so the canvas can turn a
double-click there into "maximise this viewport".
"""

from __future__ import annotations

import math
from dataclasses import replace

from annotator.model import Annotation, Redaction, ShapeKind
from annotator.ui.tools.base import (
    Point,
    Tool,
    ToolContext,
    dist,
    drag_key,
    handle_points,
    point_in_polygon,
    segment_distance,
    with_handle,
)


def shape_distance(ann: Annotation, p: Point) -> float:
    """Distance in image pixels from ``p`` to the drawn shape (0 inside a closed shape)."""
    pts = ann.points
    if ann.kind is ShapeKind.POINT:
        return dist(p, pts[0])
    if ann.kind in (ShapeKind.LINE, ShapeKind.POLYLINE):
        return min(segment_distance(p, pts[i], pts[i + 1]) for i in range(len(pts) - 1))
    outline = ann.outline()
    if point_in_polygon(p, outline):
        return 0.0
    n = len(outline)
    return min(segment_distance(p, outline[i], outline[(i + 1) % n]) for i in range(n))


def annotations_on(ctx: ToolContext) -> list[Annotation]:
    return [a for a in ctx.film.annotations if a.frame == ctx.frame]


def hit_handle(ctx: ToolContext, p: Point) -> tuple[Annotation, int] | None:
    """The vertex within tolerance nearest to ``p`` (selected annotation first)."""
    best: tuple[float, Annotation, int] | None = None
    for ann in annotations_on(ctx):
        for i, q in enumerate(handle_points(ann)):
            d = dist(p, q) - (0.5 if ann.id == ctx.selection.annotation_id else 0.0)
            if d <= ctx.tolerance and (best is None or d < best[0]):
                best = (d, ann, i)
    return None if best is None else (best[1], best[2])


def hit_shape(ctx: ToolContext, p: Point) -> Annotation | None:
    best: tuple[float, Annotation] | None = None
    for ann in annotations_on(ctx):
        d = shape_distance(ann, p)
        if d <= ctx.tolerance and (best is None or d < best[0]):
            best = (d, ann)
    return None if best is None else best[1]


def hit_redaction(ctx: ToolContext, p: Point):
    for r in reversed(ctx.film.redactions):
        if r.x0 <= p[0] <= r.x1 and r.y0 <= p[1] <= r.y1:
            return r
    return None


class SelectTool(Tool):
    name = "select"

    def __init__(self) -> None:
        self._drag: dict | None = None
        self.hit_nothing = False  # the last press landed on empty space

    def press(self, ctx: ToolContext, p: Point) -> None:
        self.hit_nothing = False
        handle = hit_handle(ctx, p)
        if handle is not None:
            ann, index = handle
            self._start(ctx, ann, p, index)
            return
        ann = hit_shape(ctx, p)
        if ann is not None:
            self._start(ctx, ann, p, None)
            return
        red = hit_redaction(ctx, p)
        ctx.selection.clear()
        if red is not None:
            ctx.selection.redaction_id = red.id
            self._drag = {"redaction": red, "start": p, "key": drag_key(red.id), "moved": False}
            return
        self.hit_nothing = True

    def _start(self, ctx: ToolContext, ann: Annotation, p: Point, index: int | None) -> None:
        ctx.selection.clear()
        ctx.selection.annotation_id = ann.id
        self._drag = {"orig": ann, "start": p, "index": index, "key": drag_key(ann.id), "moved": False}

    def move(self, ctx: ToolContext, p: Point) -> None:
        d = self._drag
        if d is None:
            return
        if "redaction" in d:
            self._move_redaction(ctx, d, p)
            return
        orig: Annotation = d["orig"]
        if not d["moved"] and dist(p, d["start"]) < 1e-9:
            return
        if d["index"] is not None:
            new = with_handle(orig, d["index"], p)
        else:
            new = orig.moved(p[0] - d["start"][0], p[1] - d["start"][1])
        if not all(math.isfinite(v) for q in new.points for v in q):
            return
        d["moved"] = True
        # a dragged suggestion stays a suggestion: Enter accepts it (and replaces the confirmed tip/shaft)
        ctx.document.update_annotation(ctx.film_id, new, merge_key=d["key"])

    def _move_redaction(self, ctx: ToolContext, d: dict, p: Point) -> None:
        """The redaction picked at ``d["start"]`` moved by the drag so far (same id, same size)."""
        r: Redaction = d["redaction"]
        dx, dy = p[0] - d["start"][0], p[1] - d["start"][1]
        if not d["moved"] and abs(dx) < 1e-9 and abs(dy) < 1e-9:
            return
        if not (math.isfinite(dx) and math.isfinite(dy)):
            return
        new = replace(r, x0=r.x0 + dx, y0=r.y0 + dy, x1=r.x1 + dx, y1=r.y1 + dy)
        d["moved"] = True
        ctx.document.update_redaction(ctx.film_id, new, merge_key=d["key"])

    def release(self, ctx: ToolContext, p: Point) -> None:
        if self._drag is not None:
            self.move(ctx, p)
        self._drag = None

    def key(self, ctx: ToolContext, key: str) -> bool:
        if key in ("delete", "backspace"):
            return delete_selection(ctx)
        return super().key(ctx, key)

    def cancel(self) -> bool:
        had = self._drag is not None
        self._drag = None
        return had

    @property
    def busy(self) -> bool:
        return self._drag is not None


def delete_selection(ctx: ToolContext) -> bool:
    """Remove the selected annotation (and the finding it marks) or redaction; True when done."""
    doc, film = ctx.document, ctx.film
    ann_id, red_id = ctx.selection.annotation_id, ctx.selection.redaction_id
    if ann_id is not None and any(a.id == ann_id for a in film.annotations):
        root = ctx.root
        linked = [f for f in (root.findings if root is not None else []) if f.annotation_id == ann_id]
        if linked:
            with doc.macro("Delete finding"):
                doc.remove_annotation(ctx.film_id, ann_id)
                for f in linked:
                    doc.remove_finding(root.id, f.id)
        else:
            doc.remove_annotation(ctx.film_id, ann_id)
        ctx.selection.clear()
        return True
    if red_id is not None and any(r.id == red_id for r in film.redactions):
        doc.remove_redaction(ctx.film_id, red_id)
        ctx.selection.clear()
        return True
    return False
