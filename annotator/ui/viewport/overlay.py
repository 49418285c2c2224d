"""What the canvas paints over the image, as plain data (no Qt): the overlay model.

``build_overlay`` turns a film's annotations, redactions, the verdict of its
rule (``FilmResult``), the selection and the tool's sketch into an ordered
list of ``OverlayItem`` (first painted first). Geometry stays in image pixels
(domain.md §3); widths are screen pixels. Tests read colours from here
without grabbing pixels; the canvas only translates items into QPainter calls.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

from annotator.model import SIDED_ROLES, Annotation, Film, MarkSide, Role, ShapeKind, View
from annotator.render import labels
from annotator.render.labels import angle_degrees, format_length  # noqa: F401 (the overlay's helpers, re-exported)
from annotator.ui.i18n import current_language, tr
from annotator.ui.tools.base import handle_points
from annotator.ui.viewport import palette
from annotator.ui.viewport.palette import RGBA

Point = tuple[float, float]
GHOST_ALPHA = 90  # annotations of other frames


@dataclass(frozen=True)
class OverlayItem:
    """One thing to paint.

    ``shape``: ``marker`` (a point drawn at a fixed screen size), ``path``
    (open), ``polygon`` (closed), ``ellipse`` (``points[0]`` centre,
    ``radii`` in image px, ``rotation`` degrees), ``rect`` (two corners).
    ``label`` is drawn next to ``points[-1]`` (or ``label_at``).
    """

    shape: str
    points: tuple[Point, ...]
    color: RGBA
    width: float = 2.0
    dash: tuple[float, ...] = ()
    fill: RGBA | None = None
    radii: tuple[float, float] | None = None
    rotation: float = 0.0
    label: str = ""
    label_at: Point | None = None
    role: str = ""
    ann_id: str | None = None
    selected: bool = False
    arrow_head: bool = False
    layer: str = "annotation"  # zone, ghost, annotation, foreign, sketch, redaction
    handles: tuple[Point, ...] = ()  # edit handles shown when selected


def _with_alpha(color: RGBA, alpha: int) -> RGBA:
    return (color[0], color[1], color[2], alpha)


def annotation_label(ann: Annotation, film: Film) -> str:
    """The label beside a shape, as the exports write it (``annotator.render.labels``), in the
    interface language; a finding marker shows the short name of its finding."""
    text = labels.annotation_label(ann, film, current_language())
    if ann.role in SIDED_ROLES and ann.side is MarkSide.UNKNOWN and film.view is not View.LATERAL:
        text = f"{tr('side?')} {text}".strip()  # the rules will not choose it beside another: say so
    return text


def label_anchor(ann: Annotation) -> Point | None:
    """Where a label goes: an arrow's text at its tail (the head points at what it names, so the
    text never sits on it); other shapes at their last point (``None``: the default)."""
    if ann.role is Role.ARROW and len(ann.points) >= 2:
        return ann.points[0]
    return None


def annotation_items(ann: Annotation, film: Film, selected: bool, tip_color: RGBA | None) -> list[OverlayItem]:
    color = palette.role_rgba(ann.role)
    if ann.role is Role.TIP and tip_color is not None:
        color = tip_color
    width = palette.role_width(ann.role)
    dash = palette.role_dash(ann.role)
    label = annotation_label(ann, film)
    if ann.suggested:  # a proposal of the assist: always dashed, fainter, with a "?" (Enter accepts, Esc rejects)
        color = _with_alpha(color, 170)
        dash = palette.SUGGESTED_DASH
        label = f"{label} ?".strip()
    common = dict(color=color, width=width, dash=dash, label=label, label_at=label_anchor(ann),
                  role=str(ann.role), ann_id=ann.id, selected=selected,
                  handles=handle_points(ann) if selected else ())
    kind = ann.kind
    if kind is ShapeKind.POINT:
        return [OverlayItem("marker", ann.points, **common)]
    if kind in (ShapeKind.LINE, ShapeKind.POLYLINE):
        return [OverlayItem("path", ann.points, arrow_head=ann.role is Role.ARROW, **common)]
    if kind is ShapeKind.POLYGON:
        return [OverlayItem("polygon", ann.points, **common)]
    if kind is ShapeKind.ELLIPSE:
        return [OverlayItem("ellipse", ann.points, radii=ann.radii, rotation=ann.rotation_deg, **common)]
    return [OverlayItem("rect", ann.points, **common)]


def zone_items(verdict) -> list[OverlayItem]:
    """The target zone of a verdict: disc with on/near rings, or the on-target polygon."""
    zone = getattr(verdict, "zone", None)
    if zone is None:
        return []
    color = palette.status_rgba(verdict.status)
    fill = _with_alpha(color, palette.zone_fill_alpha())
    items: list[OverlayItem] = []
    if zone.kind == "disc" and zone.center is not None:
        if zone.r_near_px:
            items.append(OverlayItem("ellipse", (zone.center,), color, 1.5, (4.0, 3.0), radii=zone.r_near_px,
                                     role="zone_near", layer="zone"))
        if zone.r_on_px:
            items.append(OverlayItem("ellipse", (zone.center,), color, 1.5, fill=fill, radii=zone.r_on_px,
                                     role="zone_on", layer="zone"))
        items.append(OverlayItem("marker", (zone.center,), color, 1.0, role="zone_target", layer="zone"))
    elif zone.polygon:
        items.append(OverlayItem("polygon", tuple(zone.polygon), color, 1.5, fill=fill, role="zone_on",
                                 layer="zone"))
        if zone.cut_line:
            items.append(OverlayItem("path", tuple(zone.cut_line), color, 1.5, (4.0, 3.0), role="zone_cut",
                                     layer="zone"))
    return items


def sketch_items(sketches: Iterable) -> list[OverlayItem]:
    out = []
    for s in sketches:
        kind = str(getattr(s.kind, "value", s.kind))
        shape = {"point": "marker", "line": "path", "polyline": "path", "polygon": "path", "ellipse": "ellipse",
                 "rect": "rect"}[kind]
        pts = tuple(s.points)
        if kind == "polygon" and len(pts) >= 3:
            shape = "polygon"
        out.append(OverlayItem(shape, pts, palette.PREVIEW, 1.5, (4.0, 3.0), radii=s.radii, role=str(s.role),
                               layer="sketch"))
    return out


@dataclass(frozen=True)
class RootOnFilm:
    """Another root that uses a shared film: its label, colour and result on the film."""

    root_id: str
    label: str
    color: RGBA
    result: object = None  # its FilmResult


def build_overlay(film: Film | None, frame: int, result=None, selected_id: str | None = None,
                  selected_redaction: str | None = None, sketches: Iterable = (),
                  foreign: Iterable[OverlayItem] = (), others: Sequence[RootOnFilm] = (),
                  active: RootOnFilm | None = None) -> list[OverlayItem]:
    """Everything to paint over frame ``frame`` of ``film``, in paint order.

    ``foreign``: read-only items of other tools' presentation states (``viewport.foreign``),
    painted over the annotations and under the redactions (which hide everything).

    ``result``: the rules' ``FilmResult`` (or None): its verdict's zone is drawn
    and the tip takes the verdict colour (grey when insufficient).

    ``others``: the other roots using this (shared) film: their zones are drawn
    too, and their tips (``root_id``) in the root's colour, labelled with the
    root and its status; ``active`` (the shown root) labels its own tip so.
    """
    if film is None:
        return []
    verdict = getattr(result, "verdict", None)
    tip_color = palette.status_rgba(verdict.status) if verdict is not None else None
    items: list[OverlayItem] = []
    tip_styles: dict[str, tuple[RGBA | None, str]] = {}
    for other in others:
        v = getattr(other.result, "verdict", None)
        if v is not None:
            items.extend(replace(it, role=f"other_{it.role}") for it in zone_items(v))
        for a in film.annotations:
            if a.role is Role.TIP and a.root_id == other.root_id:
                tip_styles[a.id] = (other.color, _root_tip_label(other.label, v))
    if active is not None and others:
        for a in film.annotations:
            if a.role is Role.TIP and a.id not in tip_styles:
                tip_styles[a.id] = (None, _root_tip_label(active.label, verdict))
    if verdict is not None:
        items.extend(zone_items(verdict))
    for ann in film.annotations:  # marks of other frames of a cine: faint, unlabelled, not editable here
        if ann.frame != frame:
            for it in _styled(annotation_items(ann, film, False, tip_color), tip_styles.get(ann.id)):
                items.append(replace(it, color=_with_alpha(it.color, GHOST_ALPHA), label="", layer="ghost",
                                     role=f"ghost_{it.role}"))
    ordered = sorted((a for a in film.annotations if a.frame == frame), key=lambda a: a.role is Role.TIP)
    for ann in ordered:
        items.extend(_styled(annotation_items(ann, film, ann.id == selected_id, tip_color), tip_styles.get(ann.id)))
    items.extend(foreign)
    for r in film.redactions:
        items.append(OverlayItem("rect", ((r.x0, r.y0), (r.x1, r.y1)), palette.REDACTION_EDGE, 1.0, (3.0, 2.0),
                                 fill=palette.REDACTION_FILL, role="redaction", ann_id=r.id,
                                 selected=r.id == selected_redaction, layer="redaction"))
    items.extend(sketch_items(sketches))
    return items


def _root_tip_label(label: str, verdict) -> str:
    return f"{label}: {verdict.status.text(current_language())}" if verdict is not None else label


def _styled(items: list[OverlayItem], style: tuple[RGBA | None, str] | None) -> list[OverlayItem]:
    if style is None:
        return items
    color, label = style
    return [replace(it, label=label, **({"color": color} if color is not None else {})) for it in items]


def tip_item(items: Sequence[OverlayItem]) -> OverlayItem | None:
    """The painted tip marker (for tests and the status bar)."""
    for it in items:
        if it.role == "tip":
            return it
    return None
