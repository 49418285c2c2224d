"""Annotations on a film: small frozen shapes with a clinical role.

Coordinates follow domain.md §3: float pixel coordinates, origin at the
top-left *corner* of the top-left pixel, +x right, +y down, in the stored
image's own pixel grid (DICOM GSPS "PIXEL" units), plus a frame index. Display
flips, rotations and zoom never change them.
"""

from __future__ import annotations

import math
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from enum import StrEnum
from types import MappingProxyType
from typing import Any

from annotator.model import validation as v
from annotator.model.validation import FieldError

Point = tuple[float, float]


def new_id() -> str:
    return uuid.uuid4().hex[:12]


class ShapeKind(StrEnum):
    POINT = "point"
    LINE = "line"  # exactly two points, ordered
    POLYLINE = "polyline"  # open, >= 2 points
    POLYGON = "polygon"  # closed, >= 3 points
    ELLIPSE = "ellipse"  # points = (centre,), radii=(rx, ry), rotation_deg
    RECT = "rect"  # points = (corner, opposite corner)


class Role(StrEnum):
    """What a shape means (domain.md §4), or a free measurement."""

    TIP = "tip"
    SHAFT = "shaft"  # hub side first, ending at the tip
    CONTRAST_PATH = "contrast_path"  # starts at the tip
    PEDICLE_MARGIN = "pedicle_margin"  # medial end -> lateral end
    SAP_MARGIN = "sap_margin"  # superior margin of the SAP of the vertebra below
    FORAMEN = "foramen"  # lateral film, foramen N/N+1 outline
    S1_FORAMEN = "s1_foramen"  # AP film, first dorsal sacral foramen
    MIDLINE = "midline"  # spinous processes
    ILIAC_CREST = "iliac_crest"
    LEVEL_LABEL = "level_label"  # point + level text
    FINDING = "finding"  # location marker of a finding
    RULER = "ruler"
    ANGLE = "angle"  # three points: arm end, vertex, arm end
    ARROW = "arrow"  # tail -> head, with text
    CALIBRATION = "calibration"  # line of known length (attrs["length_mm"])


class MarkSide(StrEnum):
    """The patient side of a bilateral landmark (domain.md §4 "Side and root of every mark")."""

    LEFT = "left"
    RIGHT = "right"
    UNKNOWN = "unknown"  # could not be inferred: never guessed


# landmarks that exist on both sides of the spine: they carry a side
SIDED_ROLES = frozenset({Role.PEDICLE_MARGIN, Role.SAP_MARGIN, Role.S1_FORAMEN, Role.FORAMEN})
# needle marks and finding markers: they belong to one root of the case
ROOTED_ROLES = frozenset({Role.TIP, Role.SHAFT, Role.CONTRAST_PATH, Role.FINDING})


ROLE_KINDS: Mapping[Role, frozenset[ShapeKind]] = MappingProxyType(
    {
        Role.TIP: frozenset({ShapeKind.POINT}),
        Role.SHAFT: frozenset({ShapeKind.LINE}),
        Role.CONTRAST_PATH: frozenset({ShapeKind.POLYLINE}),
        Role.PEDICLE_MARGIN: frozenset({ShapeKind.LINE}),
        Role.SAP_MARGIN: frozenset({ShapeKind.POINT, ShapeKind.LINE}),
        Role.FORAMEN: frozenset({ShapeKind.POLYGON}),
        Role.S1_FORAMEN: frozenset({ShapeKind.ELLIPSE, ShapeKind.POLYGON}),
        Role.MIDLINE: frozenset({ShapeKind.LINE}),
        Role.ILIAC_CREST: frozenset({ShapeKind.LINE}),
        Role.LEVEL_LABEL: frozenset({ShapeKind.POINT}),
        Role.FINDING: frozenset({ShapeKind.POINT, ShapeKind.LINE, ShapeKind.POLYLINE}),
        Role.RULER: frozenset({ShapeKind.LINE}),
        Role.ANGLE: frozenset({ShapeKind.POLYLINE}),
        Role.ARROW: frozenset({ShapeKind.LINE}),
        Role.CALIBRATION: frozenset({ShapeKind.LINE}),
    }
)

_MIN_POINTS = {
    ShapeKind.POINT: (1, 1),
    ShapeKind.LINE: (2, 2),
    ShapeKind.POLYLINE: (2, None),
    ShapeKind.POLYGON: (3, None),
    ShapeKind.ELLIPSE: (1, 1),
    ShapeKind.RECT: (2, 2),
}


@dataclass(frozen=True)
class Annotation:
    """One shape on one frame of a film. Values are checked when built."""

    role: Role
    kind: ShapeKind
    points: tuple[Point, ...]
    frame: int = 0
    id: str = field(default_factory=new_id)
    text: str = ""  # level-label text ("L5"), arrow text, ruler note
    level: str | None = None  # vertebra the landmark belongs to (pedicle of "L5")
    radii: tuple[float, float] | None = None  # ELLIPSE only: (rx, ry) in pixels
    rotation_deg: float = 0.0  # ELLIPSE only: rotation of rx axis from +x toward +y
    attrs: Mapping[str, Any] = field(default_factory=dict)  # e.g. length_mm, finding_id
    suggested: bool = False  # proposed by assist, not yet confirmed by the user
    extra: Mapping[str, Any] = field(default_factory=dict)  # unknown case-file keys, preserved
    side: MarkSide | None = None  # read on SIDED_ROLES; None = not set (treated as unknown)
    root_id: str | None = None  # read on ROOTED_ROLES: the root the needle mark belongs to

    __reduce__ = v.reduce_frozen  # copy/deepcopy/pickle despite the read-only mappings

    def __post_init__(self) -> None:
        object.__setattr__(self, "role", v.enum_value(Role, self.role, "role"))
        object.__setattr__(self, "kind", v.enum_value(ShapeKind, self.kind, "kind"))
        try:
            pts = tuple((v.coordinate(x), v.coordinate(y)) for x, y in self.points)
        except (TypeError, ValueError):
            raise FieldError("points", f"{self.role}: points must be (x, y) pairs of numbers") from None
        for x, y in pts:
            if not (math.isfinite(x) and math.isfinite(y) and max(abs(x), abs(y)) <= v.MAX_COORDINATE):
                raise FieldError("points", f"{self.role}: coordinates must be finite numbers "
                                 f"within ±{v.MAX_COORDINATE:g} pixels")
        object.__setattr__(self, "points", pts)
        v.non_empty(self.id, "id")
        v.text(self.text, "text")
        if self.level is not None:
            from annotator.model.case import check_level  # case imports this module

            object.__setattr__(self, "level", check_level(self.level))
        object.__setattr__(self, "rotation_deg", v.number(self.rotation_deg, "rotation_deg"))
        v.flag(self.suggested, "suggested")
        object.__setattr__(self, "extra", MappingProxyType(v.mapping(self.extra, "extra")))
        # the rules read side on SIDED_ROLES and root_id on ROOTED_ROLES only; on other roles
        # they are kept (a mark whose role the user changes keeps them) but mean nothing
        if self.side is not None:
            object.__setattr__(self, "side", v.enum_value(MarkSide, self.side, "side"))
        if self.root_id is not None:
            v.non_empty(self.root_id, "root_id")
        if self.kind not in ROLE_KINDS[self.role]:
            allowed = ", ".join(sorted(ROLE_KINDS[self.role]))
            raise FieldError("kind", f"{self.role}: a {self.kind} is not allowed (use {allowed})")
        lo, hi = _MIN_POINTS[self.kind]
        if len(pts) < lo or (hi is not None and len(pts) > hi):
            raise FieldError("points", f"{self.role}: a {self.kind} has {len(pts)} points")
        if self.role is Role.ANGLE and len(pts) != 3:
            raise FieldError("points", "angle: needs exactly three points")
        if self.kind is ShapeKind.ELLIPSE:
            if self.radii is None or len(self.radii) != 2:
                raise FieldError("radii", f"{self.role}: an ellipse needs two positive radii")
            radii = (v.number(self.radii[0], "radii", hi=v.MAX_COORDINATE),
                     v.number(self.radii[1], "radii", hi=v.MAX_COORDINATE))
            if min(radii) <= 0:
                raise FieldError("radii", f"{self.role}: an ellipse needs two positive radii")
            object.__setattr__(self, "radii", radii)
        elif self.radii is not None:
            raise FieldError("radii", f"{self.role}: only an ellipse has radii")
        if isinstance(self.frame, bool) or not isinstance(self.frame, int) or self.frame < 0:
            raise FieldError("frame", f"{self.role}: frame must be a non-negative integer")
        attrs = v.mapping(self.attrs, "attrs")
        if self.role is Role.CALIBRATION and "length_mm" in attrs:
            length = v.number(attrs["length_mm"], "attrs.length_mm")
            if length <= 0:
                raise FieldError("attrs.length_mm", f"must be a positive length in mm, got {length:g}")
            attrs = {**attrs, "length_mm": length}
        object.__setattr__(self, "attrs", MappingProxyType(attrs))

    def moved(self, dx: float, dy: float) -> Annotation:
        return replace(self, points=tuple((x + dx, y + dy) for x, y in self.points))

    def with_point(self, index: int, p: Point) -> Annotation:
        pts = list(self.points)
        pts[index] = (float(p[0]), float(p[1]))
        return replace(self, points=tuple(pts))

    def outline(self, segments: int = 64) -> tuple[Point, ...]:
        """Vertices of the closed outline (polygon or sampled ellipse), in pixels."""
        if self.kind is ShapeKind.POLYGON:
            return self.points
        if self.kind is ShapeKind.ELLIPSE and self.radii is not None:
            (cx, cy), (rx, ry) = self.points[0], self.radii
            t = math.radians(self.rotation_deg)
            ct, st = math.cos(t), math.sin(t)
            out = []
            for i in range(segments):
                a = 2 * math.pi * i / segments
                ex, ey = rx * math.cos(a), ry * math.sin(a)
                out.append((cx + ex * ct - ey * st, cy + ex * st + ey * ct))
            return tuple(out)
        if self.kind is ShapeKind.RECT:
            (x0, y0), (x1, y1) = self.points
            return ((x0, y0), (x1, y0), (x1, y1), (x0, y1))
        raise ValueError(f"{self.role}: a {self.kind} has no closed outline")
