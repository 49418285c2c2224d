"""What every tool gets and gives: the context of one event, the sketch in progress.

Tools are plain classes (no widget, no Qt): the canvas translates mouse and
key events to image coordinates through its ``ViewTransform`` and calls
``press``/``move``/``release``/``hover``/``double_click``/``key`` with a
``ToolContext``. Every edit goes through ``ctx.document`` (the case
document's commands, so undo/redo sees it); a tool only keeps the shape in
progress. Points are image pixel coordinates (domain.md §3).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Protocol

from annotator.model import LEVELS, ROOTED_ROLES, SIDED_ROLES, Annotation, MarkSide, Role, ShapeKind
from annotator.model.mark_side import infer_mark_side
from annotator.ui.i18n import tr, trf

Point = tuple[float, float]
_drag_serial = itertools.count(1)


def drag_key(ann_id: str) -> str:
    """A merge key unique to one drag: the updates of one drag merge into one undo step."""
    return f"drag-{ann_id}-{next(_drag_serial)}"


class Asker(Protocol):
    """Asks the user for a value; ``None`` means cancelled. The canvas uses dialogs, tests stubs."""

    def number(self, title: str, label: str, default: float | None) -> float | None:
        """``default`` None: the field starts empty and a value must be typed."""
        ...

    def text(self, title: str, label: str, default: str) -> str | None: ...

    def choice(self, title: str, label: str, options: Sequence[tuple[str, str]], default: str | None) -> str | None:
        """``options``: (value, shown text) pairs; returns the chosen value."""
        ...


@dataclass
class Selection:
    """What the select tool has picked: an annotation id or a redaction id (UI state only)."""

    annotation_id: str | None = None
    redaction_id: str | None = None

    def clear(self) -> None:
        self.annotation_id = None
        self.redaction_id = None


@dataclass
class ToolContext:
    """Everything a tool may use for one event.

    ``tolerance``: pick radius in image pixels (a fixed number of screen
    pixels divided by the zoom). ``image``: the film's ``FluoroImage`` (assist
    tools read the frame's pixels from it; None in tests that need no pixels).
    """

    document: Any
    film_id: str
    root_id: str | None
    frame: int = 0
    tolerance: float = 6.0
    ask: Asker | None = None
    selection: Selection = field(default_factory=Selection)
    status: Callable[[str], None] = lambda _text: None
    image: Any = None

    @property
    def film(self):
        return self.document.case.film(self.film_id)[1]

    @property
    def root(self):
        """The root the marks go to: the shown root when it uses the film (a shared film), else the owner."""
        owner = self.document.case.film(self.film_id)[0]
        return next((r for r in self.document.case.roots_of(self.film_id) if r.id == self.root_id), owner)

    @property
    def image_size(self) -> tuple[int, int] | None:
        """(columns, rows) of the film's image, when the tool has it."""
        info = getattr(self.image, "info", None)
        return (info.columns, info.rows) if info is not None else None


@dataclass(frozen=True)
class Sketch:
    """A shape in progress, drawn dashed (not validated like an ``Annotation``)."""

    role: Role | str
    kind: ShapeKind | str
    points: tuple[Point, ...]
    radii: tuple[float, float] | None = None
    closed: bool = False


class Tool:
    """Base tool: does nothing. Subclasses override what they need."""

    name = "none"

    def press(self, ctx: ToolContext, p: Point) -> None:
        pass

    def move(self, ctx: ToolContext, p: Point) -> None:
        """The pointer moved with the left button held."""

    def hover(self, ctx: ToolContext, p: Point) -> None:
        """The pointer moved with no button held."""

    def release(self, ctx: ToolContext, p: Point) -> None:
        pass

    def double_click(self, ctx: ToolContext, p: Point) -> bool:
        """True when the tool used the double-click."""
        return False

    def key(self, ctx: ToolContext, key: str) -> bool:
        """``key`` in {"enter", "escape", "delete", "backspace"}; True when used."""
        if key == "escape":
            return self.cancel()
        return False

    def cancel(self) -> bool:
        """Drop the shape in progress; True when there was one."""
        return False

    def remove_last_point(self) -> bool:
        """Take back the last point of a click-by-click shape (Backspace, Ctrl+Z); True when done."""
        return False

    @property
    def busy(self) -> bool:
        """A shape is in progress (Esc would cancel it)."""
        return False

    def sketches(self) -> list[Sketch]:
        return []


# -- helpers shared by the tools ---------------------------------------------------
# Landmarks belong to a vertebra: the pedicle and the foramen N/N+1 to the root's level N,
# the superior articular process to the vertebra below (domain.md §4).
_LEVEL_OFFSET = {Role.PEDICLE_MARGIN: 0, Role.FORAMEN: 0, Role.SAP_MARGIN: 1}


def level_for(level: str, offset: int) -> str | None:
    """``level`` moved ``offset`` vertebrae caudally (L5 + 1 = S1); None past S1 or when unknown."""
    try:
        i = LEVELS.index(level.strip().upper()) + offset
    except ValueError:
        return None
    return LEVELS[i] if 0 <= i < len(LEVELS) else None


def mark_root(ctx: ToolContext) -> Any:
    """The root a new needle mark belongs to: the shown root; asked only when the film is used by
    several roots and none of them is the shown one (None: the user cancelled)."""
    users = ctx.document.case.roots_of(ctx.film_id)
    if any(r.id == ctx.root_id for r in users) or len(users) <= 1 or ctx.ask is None:
        return ctx.root
    options = [(r.id, trf("{side} {level}", side=tr(r.side.value), level=r.level)) for r in users]
    chosen = ctx.ask.choice(tr("Which root?"), tr("This film shows the needles of several roots. The mark belongs to:"),
                            options, users[0].id)
    return next((r for r in users if r.id == chosen), None)


def root_tip(ctx: ToolContext) -> Annotation | None:
    """The confirmed tip of the shown root on the film (a shared film shows other roots' tips too)."""
    root = ctx.root
    if root is None:
        return ctx.film.first(Role.TIP)
    owns = any(f.id == ctx.film_id for f in root.films)
    return next((a for a in ctx.film.annotations if a.role is Role.TIP and not a.suggested
                 and (a.root_id == root.id or (a.root_id is None and owns))), None)


def _side_of(ctx: ToolContext, ann: Annotation) -> MarkSide:
    return ann.side if ann.side is not None else infer_mark_side(ctx.film, ann, ctx.image_size)


def _same_slot(ctx: ToolContext, new: Annotation, root: Any) -> Annotation | None:
    """The mark a single-instance landmark replaces: the same root's (needle marks), the same
    side and level's (bilateral landmarks), else the first of the role."""
    film = ctx.film
    marks = [a for a in film.annotations if a.role is new.role and not a.suggested]
    if new.role in ROOTED_ROLES and root is not None:
        owns = any(f.id == film.id for f in root.films)
        marks = [a for a in marks if a.root_id == root.id or (a.root_id is None and owns)]
    if new.role in SIDED_ROLES:
        marks = [a for a in marks if a.level == new.level and _side_of(ctx, a) is _side_of(ctx, new)]
    return marks[0] if marks else None


def commit(ctx: ToolContext, role: Role, kind: ShapeKind, points: Sequence[Point], single: bool,
           **fields: Any) -> Annotation | None:
    """Add a new annotation, or for a single-instance landmark replace the existing one.

    A needle mark gets the root it belongs to (``root_id``); a bilateral landmark the side
    inferred from where it is drawn (``model.mark_side``; "unknown" when nothing tells).
    """
    root = ctx.root
    if role in ROOTED_ROLES and "root_id" not in fields:
        root = mark_root(ctx)
        if root is None:
            return None
        fields["root_id"] = root.id
    if "level" not in fields and role in _LEVEL_OFFSET and root is not None:
        fields["level"] = level_for(root.level, _LEVEL_OFFSET[role])
    if role in SIDED_ROLES and "side" not in fields:
        probe = Annotation(role=role, kind=kind, points=tuple(points), frame=ctx.frame, **fields)
        fields["side"] = infer_mark_side(ctx.film, probe, ctx.image_size)
    existing = None
    if single:
        existing = _same_slot(ctx, Annotation(role=role, kind=kind, points=tuple(points), **fields), root)
    if existing is not None:
        ann = replace(existing, kind=kind, points=tuple(points), frame=ctx.frame, **fields)
        ctx.document.update_annotation(ctx.film_id, ann)
    else:
        ann = Annotation(role=role, kind=kind, points=tuple(points), frame=ctx.frame, **fields)
        ctx.document.add_annotation(ctx.film_id, ann)
    ctx.selection.annotation_id = ann.id
    return ann


def handle_points(ann: Annotation) -> tuple[Point, ...]:
    """Edit handles of a shape: its vertices, or for an ellipse the ends of its two semi-axes."""
    if ann.kind is ShapeKind.ELLIPSE and ann.radii is not None:
        (cx, cy), (rx, ry) = ann.points[0], ann.radii
        t = math.radians(ann.rotation_deg)
        return ((cx + rx * math.cos(t), cy + rx * math.sin(t)), (cx - ry * math.sin(t), cy + ry * math.cos(t)))
    return ann.points


def with_handle(ann: Annotation, index: int, p: Point) -> Annotation:
    """``ann`` with handle ``index`` dragged to ``p`` (an ellipse changes that semi-axis)."""
    if ann.kind is ShapeKind.ELLIPSE and ann.radii is not None:
        (cx, cy), (rx, ry) = ann.points[0], ann.radii
        t = math.radians(ann.rotation_deg)
        axis = (math.cos(t), math.sin(t)) if index == 0 else (-math.sin(t), math.cos(t))
        r = max(1.0, abs((p[0] - cx) * axis[0] + (p[1] - cy) * axis[1]))
        return replace(ann, radii=(r, ry) if index == 0 else (rx, r))
    return ann.with_point(index, p)


def dist(p: Point, q: Point) -> float:
    return math.hypot(p[0] - q[0], p[1] - q[1])


def segment_distance(p: Point, a: Point, b: Point) -> float:
    """Distance from p to the segment a-b (pixels)."""
    ax, ay = a
    bx, by = b
    dx, dy = bx - ax, by - ay
    n = dx * dx + dy * dy
    t = 0.0 if n == 0 else max(0.0, min(1.0, ((p[0] - ax) * dx + (p[1] - ay) * dy) / n))
    return math.hypot(p[0] - (ax + t * dx), p[1] - (ay + t * dy))


def point_in_polygon(p: Point, poly: Sequence[Point]) -> bool:
    x, y = p
    inside = False
    n = len(poly)
    for i in range(n):
        (x0, y0), (x1, y1) = poly[i], poly[(i + 1) % n]
        if (y0 > y) != (y1 > y) and x < x0 + (y - y0) * (x1 - x0) / (y1 - y0):
            inside = not inside
    return inside


def box(p: Point, q: Point) -> tuple[float, float, float, float]:
    """(x0, y0, x1, y1) with x0 <= x1 and y0 <= y1."""
    return min(p[0], q[0]), min(p[1], q[1]), max(p[0], q[0]), max(p[1], q[1])
