"""Two-point tools: shaft, pedicle margin, SAP margin, midline, iliac crest, ruler, arrow, calibration.

Drag from the first point to the second, or click twice. Point order is
clinical: the shaft runs hub -> tip (reordered when the first click lands on
the tip), the pedicle margin medial -> lateral (reordered from the root side,
the midline when marked, or the film's patient directions).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from annotator.model import Role, ShapeKind
from annotator.ui.i18n import tr
from annotator.ui.tools.base import Point, Sketch, Tool, ToolContext, commit, dist, root_tip

Finisher = Callable[[ToolContext, Point, Point], "dict[str, Any] | None"]


def hub_first(ctx: ToolContext, a: Point, b: Point) -> tuple[Point, Point]:
    """The shaft ends at the tip: if the first point is the one nearer the tip, swap."""
    tip = root_tip(ctx)
    if tip is not None and dist(a, tip.points[0]) < dist(b, tip.points[0]):
        return b, a
    return a, b


def lateral_vector(ctx: ToolContext, near: Point) -> tuple[float, float]:
    """Unit-ish pixel vector toward the injection side's lateral, (0, 0) when unknown."""
    film, root = ctx.film, ctx.root
    midline = film.first(Role.MIDLINE)
    if midline is not None:
        (x0, y0), (x1, y1) = midline.points
        dx, dy = x1 - x0, y1 - y0
        n = (dx * dx + dy * dy) or 1.0
        t = ((near[0] - x0) * dx + (near[1] - y0) * dy) / n
        fx, fy = x0 + t * dx, y0 + t * dy  # foot of the perpendicular on the midline
        return near[0] - fx, near[1] - fy
    if root is None:
        return 0.0, 0.0
    letter = "L" if str(root.side.value) == "left" else "R"
    return film.effective_directions().vector(letter)


def medial_first(ctx: ToolContext, a: Point, b: Point) -> tuple[Point, Point]:
    """Order a margin medial end -> lateral end."""
    mid = ((a[0] + b[0]) / 2, (a[1] + b[1]) / 2)
    vx, vy = lateral_vector(ctx, mid)
    if (b[0] - a[0]) * vx + (b[1] - a[1]) * vy < 0:
        return b, a
    return a, b


def ask_length(ctx: ToolContext, a: Point, b: Point) -> dict[str, Any] | None:
    """Calibration: the real length of the line in mm."""
    if dist(a, b) <= 0:
        return None
    if ctx.ask is None:  # nobody to ask: no guessed length (a wrong scale is worse than none)
        return None
    value = ctx.ask.number(tr("Calibration"), tr("Real length of this line (mm):"), None)
    if value is None or value <= 0:
        return None
    return {"attrs": {"length_mm": float(value)}}


def ask_arrow_text(ctx: ToolContext, a: Point, b: Point) -> dict[str, Any] | None:
    text = "" if ctx.ask is None else ctx.ask.text(tr("Arrow"), tr("Text at the arrow (may be empty):"), "")
    if text is None:
        return None
    return {"text": text}


class LineTool(Tool):
    """A line of ``role``: press-drag-release, or two clicks.

    ``allow_point``: a click without a drag makes a point (SAP margin);
    ``order``: reorders the two points; ``finish``: asks extra fields (None cancels).
    """

    def __init__(self, name: str, role: Role, single: bool = False, allow_point: bool = False,
                 order: Callable[[ToolContext, Point, Point], tuple[Point, Point]] | None = None,
                 finish: Finisher | None = None) -> None:
        self.name = name
        self.role = role
        self.single = single
        self.allow_point = allow_point
        self.order = order
        self.finish = finish
        self._a: Point | None = None
        self._b: Point | None = None
        self._dragging = False
        self._clicked = False  # first point placed by a click, waiting for the second

    def press(self, ctx: ToolContext, p: Point) -> None:
        if self._a is None:
            self._a, self._b = p, p
            self._dragging = True
        else:  # the second click
            self._b = p
            self._dragging = True

    def move(self, ctx: ToolContext, p: Point) -> None:
        if self._a is not None:
            self._b = p

    def hover(self, ctx: ToolContext, p: Point) -> None:
        if self._clicked:
            self._b = p

    def release(self, ctx: ToolContext, p: Point) -> None:
        if self._a is None:
            return
        self._b = p
        self._dragging = False
        if dist(self._a, p) >= max(ctx.tolerance / 2, 1e-6):
            a, b = self._a, p
            self.cancel()
            self._commit(ctx, a, b)
        elif not self._clicked:
            if self.allow_point:
                a = self._a
                self.cancel()
                commit(ctx, self.role, ShapeKind.POINT, (a,), self.single)
            else:
                self._clicked = True
                ctx.status(tr("Click the second point (Esc cancels)"))

    def _commit(self, ctx: ToolContext, a: Point, b: Point) -> None:
        if self.order is not None:
            a, b = self.order(ctx, a, b)
        fields: dict[str, Any] = {}
        if self.finish is not None:
            extra = self.finish(ctx, a, b)
            if extra is None:
                return
            fields.update(extra)
        commit(ctx, self.role, ShapeKind.LINE, (a, b), self.single, **fields)

    def cancel(self) -> bool:
        had = self._a is not None
        self._a = self._b = None
        self._dragging = self._clicked = False
        return had

    @property
    def busy(self) -> bool:
        return self._a is not None

    def sketches(self) -> list[Sketch]:
        if self._a is None or self._b is None:
            return []
        return [Sketch(self.role, ShapeKind.LINE, (self._a, self._b))]
