"""Overlay items for graphics of other tools' presentation states (read-only, plain data).

Each ``ForeignGraphic`` (``annotator.export.dicom_read``) becomes one
``OverlayItem`` on the ``foreign`` layer: dashed, in a colour no role or
verdict uses, with a small "PR" label; it carries no annotation id, so the
select tool can never pick, move or delete it. Frames in a ``ForeignGraphic``
are 1-based DICOM frame numbers (empty = every frame); the canvas frame is
0-based. Geometry in image pixels (domain.md §3).
"""

from __future__ import annotations

import logging
import math
from collections.abc import Iterable

from annotator.ui.viewport.overlay import OverlayItem

log = logging.getLogger(__name__)

FOREIGN_COLOR = (255, 120, 160, 235)  # salmon pink: not a role colour, not a verdict colour
FOREIGN_DASH = (2.0, 3.0)
FOREIGN_WIDTH = 1.5
PR_LABEL = "PR"  # DICOM's modality code for a presentation state: not translated


def _ellipse(points) -> tuple[tuple[float, float], tuple[float, float], float] | None:
    """Centre, (major, minor) radii and rotation in degrees of a DICOM ELLIPSE
    (major axis end points, then minor axis end points)."""
    if len(points) < 4:
        return None
    (ax, ay), (bx, by), (cx_, cy_), (dx, dy) = points[:4]
    cx, cy = (ax + bx) / 2, (ay + by) / 2
    major = math.hypot(bx - ax, by - ay) / 2
    minor = math.hypot(dx - cx_, dy - cy_) / 2
    return (cx, cy), (major, minor), math.degrees(math.atan2(by - ay, bx - ax))


def foreign_item(g) -> OverlayItem | None:
    """The overlay item of one foreign graphic, or None when it cannot be drawn."""
    pts = tuple((float(x), float(y)) for x, y in g.points)
    if not pts:
        return None
    common = dict(color=FOREIGN_COLOR, width=FOREIGN_WIDTH, dash=FOREIGN_DASH, role="foreign", layer="foreign",
                  label=PR_LABEL)
    kind = str(g.kind).upper()
    if kind == "TEXT":
        text = f"{PR_LABEL}: {g.text}" if g.text else PR_LABEL
        return OverlayItem("text", pts[:1], FOREIGN_COLOR, FOREIGN_WIDTH, role="foreign", layer="foreign",
                           label=text)
    if kind == "POINT":
        return OverlayItem("marker", pts[:1], **common)
    if kind == "CIRCLE" and len(pts) >= 2:
        r = math.hypot(pts[1][0] - pts[0][0], pts[1][1] - pts[0][1])
        return OverlayItem("ellipse", pts[:1], radii=(r, r), label_at=(pts[0][0] + r, pts[0][1]),
                           **common)
    if kind == "ELLIPSE":
        e = _ellipse(pts)
        if e is None:
            return None
        centre, radii, rot = e
        return OverlayItem("ellipse", (centre,), radii=radii, rotation=rot, label_at=pts[1], **common)
    if kind in ("POLYLINE", "INTERPOLATED") and len(pts) >= 2:
        closed = len(pts) >= 4 and math.hypot(pts[0][0] - pts[-1][0], pts[0][1] - pts[-1][1]) < 1e-6
        return OverlayItem("polygon" if closed else "path", pts[:-1] if closed else pts, **common)
    if len(pts) == 1:
        return OverlayItem("marker", pts, **common)
    return None


def foreign_items(graphics: Iterable, frame: int) -> list[OverlayItem]:
    """Items of the graphics shown on 0-based ``frame``."""
    out = []
    for g in graphics:
        frames = tuple(getattr(g, "frames", ()) or ())
        if frames and frame + 1 not in frames:
            continue
        item = foreign_item(g)
        if item is not None:
            out.append(item)
    return out


def load_foreign(document, film_id: str | None, image) -> list:
    """``ForeignGraphic`` list of the film's presentation states by other tools, found in the case
    folder and its ``presentation_states/`` (``annotator.ui.presentation_states``); empty for
    non-DICOM films, without a document, or when the files cannot be read."""
    if image is None or film_id is None or document is None or getattr(image.info, "format", "") != "DICOM":
        return []
    from annotator.ui.presentation_states import foreign_graphics

    try:
        size = (image.info.columns, image.info.rows)
        return foreign_graphics(document.folder, document.film_path(film_id), size)
    except (OSError, KeyError, ValueError) as exc:
        log.warning("presentation states not read: %s", type(exc).__name__)
        return []
