"""Assisted tools (issue 6): snap a tip click to the needle, live-wire contrast path.

Both read the frame's stored pixels from ``ctx.image`` (a ``FluoroImage``)
and call ``annotator.assist`` (scikit-image, imported on first use). Points
are image pixels (domain.md §3).

- ``SnapTipTool``: a click places the film's tip at the needle tip found
  within ``SNAP_MM`` of it (``assist.needle.snap_tip``); with no needle there
  the tip goes where the user clicked, and the status bar says so.
- ``LiveWireTool``: click anchors; between anchors the path follows the
  contrast band (``assist.livewire.LiveWire``, its cost image built once per
  film frame and kept). The rubber-band segment from the last anchor to the
  cursor follows the band too and is recomputed on every pointer move that
  goes farther than ``RUBBER_STEP_PX`` (one windowed minimal-cost search,
  tens of ms). ``Enter`` or a double-click ends: the path becomes a
  ``contrast_path`` annotation (replacing the confirmed one of that film
  frame, as the tip tool replaces the tip); ``Backspace`` drops the last anchor, ``Esc``
  the whole path. The first anchor snaps to the tip when clicked near it.
"""

from __future__ import annotations

import logging
import math
import time
from dataclasses import replace

import numpy as np

from annotator.model import Role, ShapeKind
from annotator.ui.i18n import tr
from annotator.ui.tools.base import Point, Sketch, Tool, ToolContext, commit, dist, root_tip

log = logging.getLogger(__name__)

SNAP_MM = 5.0  # snap radius on calibrated films
SNAP_PX = 24.0  # snap radius without a mm scale (image pixels)
RUBBER_STEP_PX = 1.0  # recompute the rubber band when the cursor moved this far (image px)


def frame_input(ctx: ToolContext):
    """(stored pixels of the current frame, invert, mm calibration or None), or None without pixels."""
    image = ctx.image
    if image is None or getattr(image, "is_color", False):
        return None
    frames = image.info.frames
    pixels = np.asarray(image.stored_frame(min(ctx.frame, frames - 1)))
    cal = ctx.film.effective_calibration()
    return pixels, bool(getattr(image, "invert", False)), (cal if cal.is_mm else None)


def _inside(image, p: Point) -> Point:
    """``p`` clamped into the image."""
    w, h = image.info.columns, image.info.rows
    return (min(max(p[0], 0.0), float(w) - 1e-3), min(max(p[1], 0.0), float(h) - 1e-3))


class SnapTipTool(Tool):
    """Place the tip with a click that snaps to the detected needle tip nearby."""

    name = "snap_tip"

    def __init__(self) -> None:
        self.last_snapped: bool | None = None

    def press(self, ctx: ToolContext, p: Point) -> None:
        from annotator.assist.common import AssistError
        from annotator.assist.needle import snap_tip

        data = frame_input(ctx)
        snapped = None
        radius = SNAP_PX
        if data is not None:
            pixels, invert, cal = data
            radius = max(3 * ctx.tolerance, SNAP_MM / cal.mean_mm_per_px() if cal is not None else SNAP_PX)
            try:
                snapped = snap_tip(pixels, p, radius, cal, invert=invert)
            except AssistError as exc:
                ctx.status(str(exc))
        self.last_snapped = snapped is not None
        commit(ctx, Role.TIP, ShapeKind.POINT, (snapped or p,), True)
        if snapped is not None:
            ctx.status(tr("Tip snapped to the needle ({distance:.1f} px from the click)").format(
                distance=dist(p, snapped)))
        else:
            ctx.status(tr("No needle tip within {radius:.0f} px: the tip is where you clicked").format(
                radius=radius))


class LiveWireTool(Tool):
    """Contrast path by anchors, each segment following the band (see the module docstring)."""

    name = "livewire"

    def __init__(self) -> None:
        self._wire = None
        self._wire_key: tuple | None = None
        self._anchors: list[Point] = []
        self._segments: list[np.ndarray] = []  # segment k joins anchors k and k+1
        self._rubber: np.ndarray | None = None
        self._rubber_to: Point | None = None
        self.last_update_ms: float | None = None  # time of the last segment search

    # -- the cost image, once per film frame ------------------------------------------
    def wire(self, ctx: ToolContext):
        """The ``LiveWire`` of the current frame (built on first use), or None without pixels."""
        key = (id(ctx.image), ctx.film_id, ctx.frame)
        if self._wire is not None and self._wire_key == key:
            return self._wire
        data = frame_input(ctx)
        if data is None:
            return None
        from annotator.assist.livewire import LiveWire

        pixels, invert, cal = data
        self._wire, self._wire_key = LiveWire(pixels, cal, invert=invert), key
        return self._wire

    def _segment(self, ctx: ToolContext, a: Point, b: Point) -> np.ndarray:
        from annotator.assist.common import AssistError

        wire = self.wire(ctx)
        if wire is None or dist(a, b) < 1e-6:
            return np.array([a, b], dtype=np.float64)
        t0 = time.perf_counter()
        try:
            seg = wire.segment(a, b)
        except AssistError as exc:
            log.debug("live-wire segment failed: %s", exc)
            seg = np.array([a, b], dtype=np.float64)
        self.last_update_ms = (time.perf_counter() - t0) * 1000.0
        return seg

    # -- events -------------------------------------------------------------------------------
    def press(self, ctx: ToolContext, p: Point) -> None:
        if ctx.image is not None:
            p = _inside(ctx.image, p)
        if not self._anchors:
            tip = root_tip(ctx)
            if tip is not None and dist(p, tip.points[0]) <= 3 * ctx.tolerance:
                p = tip.points[0]
            self._anchors.append(p)
            self._rubber = self._rubber_to = None
            ctx.status(tr("Click along the contrast band; Enter or double-click ends, Backspace undoes a point"))
            return
        if dist(p, self._anchors[-1]) < 1e-9:
            return
        if self._rubber is not None and self._rubber_to is not None and dist(p, self._rubber_to) < 1e-9:
            seg = self._rubber
        else:
            seg = self._segment(ctx, self._anchors[-1], p)
        self._segments.append(seg)
        self._anchors.append(p)
        self._rubber = self._rubber_to = None

    def hover(self, ctx: ToolContext, p: Point) -> None:
        if not self._anchors:
            return
        if ctx.image is not None:
            p = _inside(ctx.image, p)
        if self._rubber_to is not None and dist(p, self._rubber_to) < RUBBER_STEP_PX:
            return
        self._rubber = self._segment(ctx, self._anchors[-1], p)
        self._rubber_to = p

    def move(self, ctx: ToolContext, p: Point) -> None:
        self.hover(ctx, p)

    def double_click(self, ctx: ToolContext, p: Point) -> bool:
        """Ends the path at ``p`` (its first press normally placed that anchor already)."""
        if not self._anchors:
            return False
        if dist(p, self._anchors[-1]) > ctx.tolerance:
            self.press(ctx, p)
        self.finish(ctx)
        return True

    def key(self, ctx: ToolContext, key: str) -> bool:
        if key == "enter":
            if not self._anchors:
                return False
            self.finish(ctx)
            return True
        if key == "backspace" and self.remove_last_point():
            return True
        return super().key(ctx, key)

    def remove_last_point(self) -> bool:
        if not self._anchors:
            return False
        self._anchors.pop()
        if self._segments:
            self._segments.pop()
        self._rubber = self._rubber_to = None
        return True

    def path_points(self) -> list[Point]:
        """The path through the anchors placed so far (without the rubber band), frame pixels."""
        if not self._anchors:
            return []
        if not self._segments:
            return [self._anchors[0]]
        full = np.concatenate([self._segments[0]] + [s[1:] for s in self._segments[1:]])
        return [(float(x), float(y)) for x, y in full]

    def finish(self, ctx: ToolContext) -> bool:
        """Store the traced path as a contrast path; True when stored."""
        if len(self._anchors) < 2:
            ctx.status(tr("Not enough points yet: keep clicking (Esc cancels)"))
            return False
        pts = np.asarray(self.path_points(), dtype=np.float64)
        factor = getattr(self._wire, "factor", 1) if self._wire is not None else 1
        if len(pts) > 2:
            from skimage.measure import approximate_polygon

            pts = approximate_polygon(pts, tolerance=0.5 * factor)
        points = tuple((float(x), float(y)) for x, y in pts if math.isfinite(x) and math.isfinite(y))
        self.cancel()
        if len(points) < 2:
            return False
        existing = next((a for a in ctx.film.annotations if a.role is Role.CONTRAST_PATH and not a.suggested
                         and a.frame == ctx.frame), None)
        if existing is not None:  # one traced path per film frame: the new trace replaces it (one undo step)
            ann = replace(existing, kind=ShapeKind.POLYLINE, points=points)
            ctx.document.update_annotation(ctx.film_id, ann)
            ctx.selection.annotation_id = ann.id
            ctx.status(tr("Contrast path replaced by the new trace"))
        else:
            commit(ctx, Role.CONTRAST_PATH, ShapeKind.POLYLINE, points, False)
        return True

    def cancel(self) -> bool:
        had = bool(self._anchors)
        self._anchors, self._segments = [], []
        self._rubber = self._rubber_to = None
        return had

    @property
    def busy(self) -> bool:
        return bool(self._anchors)

    def sketches(self) -> list[Sketch]:
        if not self._anchors:
            return []
        pts = self.path_points()
        if self._rubber is not None:
            pts += [(float(x), float(y)) for x, y in self._rubber[1:]]
        out = [Sketch(Role.CONTRAST_PATH, ShapeKind.POLYLINE, tuple(pts))] if len(pts) >= 2 else []
        out += [Sketch(Role.CONTRAST_PATH, ShapeKind.POINT, (a,)) for a in self._anchors]
        return out
