"""Multi-point and box tools: contrast path, foramen outline, angle, S1 ellipse, redaction.

Click-by-click shapes end with ``Enter`` or a double-click (the double-click's
first press already placed its point); ``Backspace`` removes the last point,
``Esc`` drops the shape. Box shapes are dragged corner to corner; a click
without a drag (a box under one pixel wide or high) stores nothing and says
so in the status bar.
"""

from __future__ import annotations

from annotator.model import FieldError, Redaction, Role, ShapeKind
from annotator.ui.i18n import tr
from annotator.ui.tools.base import Point, Sketch, Tool, ToolContext, box, commit, dist, root_tip


class PolyTool(Tool):
    """A POLYLINE (open) or POLYGON (closed) of ``role``, placed point by point.

    ``count``: finish automatically at this many points (the angle's three);
    ``snap_tip``: the first point snaps to the needle tip when clicked near it.
    """

    def __init__(self, name: str, role: Role, kind: ShapeKind, single: bool = False,
                 count: int | None = None, snap_tip: bool = False) -> None:
        self.name = name
        self.role = role
        self.kind = ShapeKind(kind)
        self.single = single
        self.count = count
        self.snap_tip = snap_tip
        self._points: list[Point] = []
        self._cursor: Point | None = None

    @property
    def minimum(self) -> int:
        return self.count or (3 if self.kind is ShapeKind.POLYGON else 2)

    def press(self, ctx: ToolContext, p: Point) -> None:
        if not self._points and self.snap_tip:
            tip = root_tip(ctx)
            if tip is not None and dist(p, tip.points[0]) <= 3 * ctx.tolerance:
                p = tip.points[0]
        if self._points and dist(p, self._points[-1]) < 1e-9:
            return
        self._points.append(p)
        if self.count is not None and len(self._points) >= self.count:
            self.finish(ctx)

    def hover(self, ctx: ToolContext, p: Point) -> None:
        self._cursor = p if self._points else None

    def move(self, ctx: ToolContext, p: Point) -> None:
        self.hover(ctx, p)

    def double_click(self, ctx: ToolContext, p: Point) -> bool:
        if not self._points:
            return False
        self.finish(ctx)
        return True

    def key(self, ctx: ToolContext, key: str) -> bool:
        if key == "enter":
            if not self._points:
                return False
            self.finish(ctx)
            return True
        if key == "backspace" and self.remove_last_point():
            return True
        return super().key(ctx, key)

    def remove_last_point(self) -> bool:
        if not self._points:
            return False
        self._points.pop()
        if not self._points:
            self._cursor = None
        return True

    def finish(self, ctx: ToolContext) -> bool:
        """Store the shape when it has enough points; True when stored."""
        if len(self._points) < self.minimum:
            ctx.status(tr("Not enough points yet: keep clicking (Esc cancels)"))
            return False
        points = tuple(self._points)
        self.cancel()
        commit(ctx, self.role, self.kind, points, self.single)
        return True

    def cancel(self) -> bool:
        had = bool(self._points)
        self._points = []
        self._cursor = None
        return had

    @property
    def busy(self) -> bool:
        return bool(self._points)

    def sketches(self) -> list[Sketch]:
        if not self._points:
            return []
        pts = tuple(self._points) + ((self._cursor,) if self._cursor is not None else ())
        return [Sketch(self.role, self.kind, pts, closed=self.kind is ShapeKind.POLYGON)]


class BoxTool(Tool):
    """Drag a box corner to corner; subclasses decide what it becomes."""

    role: Role | str = "box"

    def __init__(self) -> None:
        self._a: Point | None = None
        self._b: Point | None = None

    def press(self, ctx: ToolContext, p: Point) -> None:
        self._a = self._b = p

    def move(self, ctx: ToolContext, p: Point) -> None:
        if self._a is not None:
            self._b = p

    def release(self, ctx: ToolContext, p: Point) -> None:
        if self._a is None:
            return
        x0, y0, x1, y1 = box(self._a, p)
        self.cancel()
        if x1 - x0 < 1 or y1 - y0 < 1:
            ctx.status(tr("Drag a box: press, move, release"))
            return
        self.made(ctx, x0, y0, x1, y1)

    def made(self, ctx: ToolContext, x0: float, y0: float, x1: float, y1: float) -> None:
        raise NotImplementedError

    def cancel(self) -> bool:
        had = self._a is not None
        self._a = self._b = None
        return had

    @property
    def busy(self) -> bool:
        return self._a is not None

    def sketches(self) -> list[Sketch]:
        if self._a is None or self._b is None:
            return []
        return [Sketch(self.role, ShapeKind.RECT, (self._a, self._b))]


class EllipseTool(BoxTool):
    """The S1 dorsal foramen: an axis-aligned ellipse inscribed in the dragged box."""

    name = "s1_foramen"
    role = Role.S1_FORAMEN

    def made(self, ctx: ToolContext, x0: float, y0: float, x1: float, y1: float) -> None:
        centre = ((x0 + x1) / 2, (y0 + y1) / 2)
        commit(ctx, Role.S1_FORAMEN, ShapeKind.ELLIPSE, (centre,), True,
               radii=((x1 - x0) / 2, (y1 - y0) / 2), rotation_deg=0.0)

    def sketches(self) -> list[Sketch]:
        if self._a is None or self._b is None:
            return []
        x0, y0, x1, y1 = box(self._a, self._b)
        return [Sketch(self.role, ShapeKind.ELLIPSE, (((x0 + x1) / 2, (y0 + y1) / 2),),
                       radii=((x1 - x0) / 2, (y1 - y0) / 2))]


class RedactionTool(BoxTool):
    """A rectangle blacked out in every export (burned-in text)."""

    name = "redaction"
    role = "redaction"

    def made(self, ctx: ToolContext, x0: float, y0: float, x1: float, y1: float) -> None:
        try:
            r = Redaction(x0, y0, x1, y1)
        except FieldError:  # zero-area or non-finite box: nothing to black out
            ctx.status(tr("Drag a box: press, move, release"))
            return
        ctx.document.add_redaction(ctx.film_id, r)
        ctx.selection.clear()
        ctx.selection.redaction_id = r.id
