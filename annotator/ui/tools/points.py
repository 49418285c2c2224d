"""Point tools: needle tip, SAP point, level label, finding marker.

A single-instance landmark (the tip) is replaced, not duplicated: pressing
anywhere moves the existing one there and a drag follows the pointer, all in
ONE undo step (one merge key per drag). A new point is added on release.
"""

from __future__ import annotations

from dataclasses import replace

from annotator.model import LEVELS, ROOTED_ROLES, Annotation, Finding, Role, ShapeKind, new_id
from annotator.ui.i18n import tr
from annotator.ui.tools.base import Point, Sketch, Tool, ToolContext, commit, drag_key, root_tip


class PointTool(Tool):
    """Click to place a point of ``role``; ``single``: one per film, moved by later clicks."""

    def __init__(self, name: str, role: Role, single: bool = False) -> None:
        self.name = name
        self.role = role
        self.single = single
        self._drag: tuple[Annotation, str] | None = None  # (annotation, merge key)
        self._pending: Point | None = None

    def press(self, ctx: ToolContext, p: Point) -> None:
        existing = None
        if self.single:  # the shown root's own tip on a shared film, never another root's
            existing = root_tip(ctx) if self.role is Role.TIP else ctx.film.first(self.role)
        if existing is not None:
            key = drag_key(existing.id)
            root_id = existing.root_id or (ctx.root.id if self.role in ROOTED_ROLES and ctx.root else None)
            ann = replace(existing, points=(p,), frame=ctx.frame, root_id=root_id)
            ctx.document.update_annotation(ctx.film_id, ann, merge_key=key)
            ctx.selection.annotation_id = ann.id
            self._drag = (ann, key)
        else:
            self._pending = p

    def move(self, ctx: ToolContext, p: Point) -> None:
        if self._drag is not None:
            ann, key = self._drag
            ann = replace(ann, points=(p,))
            ctx.document.update_annotation(ctx.film_id, ann, merge_key=key)
            self._drag = (ann, key)
        elif self._pending is not None:
            self._pending = p

    def release(self, ctx: ToolContext, p: Point) -> None:
        if self._drag is not None:
            self.move(ctx, p)
            self._drag = None
        elif self._pending is not None:
            self._pending = None
            self.place(ctx, p)

    def place(self, ctx: ToolContext, p: Point) -> None:
        commit(ctx, self.role, ShapeKind.POINT, (p,), self.single)

    def cancel(self) -> bool:
        had = self._pending is not None
        self._pending = None
        self._drag = None
        return had

    @property
    def busy(self) -> bool:
        return self._pending is not None

    def sketches(self) -> list[Sketch]:
        if self._pending is None:
            return []
        return [Sketch(self.role, ShapeKind.POINT, (self._pending,))]


class LevelLabelTool(PointTool):
    """A point with a level text (L1..S1), the root's level by default."""

    def __init__(self) -> None:
        super().__init__("level_label", Role.LEVEL_LABEL)

    def place(self, ctx: ToolContext, p: Point) -> None:
        root = ctx.root
        default = root.level if root is not None else "L5"
        level = default
        if ctx.ask is not None:
            level = ctx.ask.choice(tr("Level label"), tr("Vertebra level:"), [(v, v) for v in LEVELS], default)
        if not level:
            return
        commit(ctx, self.role, ShapeKind.POINT, (p,), False, text=level, level=level)


def finding_options() -> list[tuple[str, str]]:
    """(code, shown name) of the findings vocabulary (rules config), in its order; the name in
    the interface language (a department's vocabulary without a Chinese name shows its English one)."""
    from annotator.rules.config import load_config
    from annotator.ui.i18n import current_language

    lang = current_language()
    return [(code, d.name(lang) or d.name("en") or code) for code, d in load_config().findings.items()]


class FindingMarkerTool(PointTool):
    """A finding of the vocabulary at a point: a FINDING annotation and its Finding, one undo step."""

    def __init__(self) -> None:
        super().__init__("finding", Role.FINDING)

    def place(self, ctx: ToolContext, p: Point) -> None:
        if ctx.root_id is None:
            ctx.status(tr("This film belongs to no root: a finding needs a root"))
            return
        options = finding_options()
        code = options[0][0]
        if ctx.ask is not None:
            code = ctx.ask.choice(tr("Finding"), tr("Finding at this point:"), options, None)
        if not code:
            return
        finding_id = new_id()
        ann = Annotation(role=Role.FINDING, kind=ShapeKind.POINT, points=(p,), frame=ctx.frame, text=code,
                         attrs={"finding_id": finding_id}, root_id=ctx.root_id)
        with ctx.document.macro(f"Add finding {code.replace('_', ' ')}"):  # named at display (ui.undo_text)
            ctx.document.add_annotation(ctx.film_id, ann)
            ctx.document.add_finding(ctx.root_id, Finding(code=code, id=finding_id, film_id=ctx.film_id,
                                                          annotation_id=ann.id))
        ctx.selection.annotation_id = ann.id
