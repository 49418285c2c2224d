"""QPainter drawing of the overlay model and the viewport's furniture.

Geometry is drawn through the image->widget ``QTransform`` with cosmetic
pens (widths stay in screen pixels whatever the zoom); markers, labels,
orientation letters, the scale bar and corner text are drawn in widget
coordinates.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from PyQt6.QtCore import QPointF, QRectF, Qt
from PyQt6.QtGui import QBrush, QColor, QFont, QPainter, QPainterPath, QPen, QPolygonF, QTransform

from annotator.ui.viewport.overlay import OverlayItem
from annotator.ui.viewport.palette import SELECTION
from annotator.ui.viewport.transform import ViewTransform

MARKER_RADIUS = 7.0  # screen px
HANDLE = 7.0  # screen px, side of a square handle


def qcolor(rgba) -> QColor:
    return QColor(int(rgba[0]), int(rgba[1]), int(rgba[2]), int(rgba[3]) if len(rgba) > 3 else 255)


def _pen(item: OverlayItem, width: float | None = None, color=None, dashed: bool = True) -> QPen:
    pen = QPen(qcolor(color or item.color))
    pen.setWidthF(width if width is not None else item.width)
    pen.setCosmetic(True)
    if item.dash and dashed:
        pen.setDashPattern([max(0.5, d) for d in item.dash])
    pen.setCapStyle(Qt.PenCapStyle.RoundCap)
    pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
    return pen


def _geometry_path(item: OverlayItem) -> QPainterPath | None:
    path = QPainterPath()
    pts = item.points
    if item.shape in ("path", "polygon") and len(pts) >= 2:
        path.moveTo(*pts[0])
        for p in pts[1:]:
            path.lineTo(*p)
        if item.shape == "polygon":
            path.closeSubpath()
        return path
    if item.shape == "ellipse" and item.radii:
        (cx, cy), (rx, ry) = pts[0], item.radii
        path.addEllipse(QPointF(0, 0), rx, ry)
        t = QTransform()
        t.translate(cx, cy)
        t.rotate(item.rotation)
        return t.map(path)
    if item.shape == "rect" and len(pts) == 2:
        (x0, y0), (x1, y1) = pts
        path.addRect(QRectF(QPointF(min(x0, x1), min(y0, y1)), QPointF(max(x0, x1), max(y0, y1))))
        return path
    return None


def draw_items(painter: QPainter, items: list[OverlayItem], vt: ViewTransform,
               qt_transform: QTransform) -> list[tuple[str, QRectF]]:
    """Paint overlay items in order: geometry in image space, markers/labels in widget space.

    Labels are painted after the shapes they belong to: those of the items before the first
    redaction (which hides everything under it) just before it, those of the items after it
    (drawn over the redactions) at the end; each placed where it overlaps no label painted
    before it and, when there is room, no point marker or arrow head (``place_label``). Returns
    the labels painted, with their rectangles (widget px)."""
    pending: list[OverlayItem] = []
    painted: list[tuple[str, QRectF]] = []
    flushed = False
    for item in items:
        if item.layer == "redaction" and not flushed:
            painted = _draw_labels(painter, pending, items, vt)
            pending = []
            flushed = True
        path = _geometry_path(item)
        if path is not None:
            painter.save()
            painter.setTransform(qt_transform)
            if item.fill is not None:
                painter.fillPath(path, QBrush(qcolor(item.fill)))
            if item.selected:
                painter.strokePath(path, _pen(item, item.width + 4, (*SELECTION[:3], 140)))
            elif item.layer in ("annotation", "sketch", "foreign"):  # a dark halo keeps thin lines visible on white
                halo = _pen(item, item.width + 2, (0, 0, 0, 150), dashed=False)
                painter.strokePath(path, halo)
            painter.strokePath(path, _pen(item))
            painter.restore()
        if item.shape == "marker":
            _draw_marker(painter, item, vt)
        if item.arrow_head and len(item.points) >= 2:
            _draw_arrow_head(painter, item, vt)
        if item.selected and item.handles and item.shape != "marker":
            _draw_handles(painter, item, vt)
        if item.label:
            pending.append(item)
    return painted + _draw_labels(painter, pending, items, vt, [rect for _text, rect in painted])


def _draw_labels(painter: QPainter, labelled: list[OverlayItem], items: list[OverlayItem],
                 vt: ViewTransform, placed_before: Sequence[QRectF] = ()) -> list[tuple[str, QRectF]]:
    """Paint the labels of ``labelled`` clear of ``placed_before`` and of each other, the needle
    tips' first; returns them."""
    fm = painter.fontMetrics()
    markers = [vt.to_widget(*it.points[0]) for it in items if it.shape == "marker" and it.points]
    markers += [vt.to_widget(*it.points[-1]) for it in items if it.arrow_head and it.points]  # arrow heads
    obstacles = [QRectF(x - MARKER_RADIUS - 1, y - MARKER_RADIUS - 1, 2 * MARKER_RADIUS + 2, 2 * MARKER_RADIUS + 2)
                 for x, y in markers]
    placed: list[QRectF] = list(placed_before)
    view_w, view_h = painter.device().width(), painter.device().height()
    out: list[tuple[str, QRectF]] = []
    # the needle tips' labels first: they name the root and its verdict, so they keep the place
    # beside their tip and the landmarks' labels make way (two needles on one film)
    for item in sorted(labelled, key=lambda it: it.role != "tip"):
        anchor = item.label_at or item.points[-1]
        sx, sy = vt.to_widget(*anchor)
        x, y, rect = place_label(sx, sy, fm.horizontalAdvance(item.label), fm.ascent(), fm.descent(),
                                 view_w, view_h, placed, obstacles)
        placed.append(rect)
        out.append((item.label, rect))
        draw_text(painter, x, y, item.label, item.color)
    return out


def place_label(sx: float, sy: float, text_w: float, ascent: float, descent: float, view_w: float,
                view_h: float, placed: list[QRectF], obstacles: list[QRectF] = ()) -> tuple[float, float, QRectF]:
    """Baseline start (x, y) and rectangle of a label beside the widget point (sx, sy): the usual
    place (``label_position``) unless it overlaps a placed label; then beside, below, or a line
    or more above or below, inside the view. Markers (``obstacles``) are avoided when possible."""
    line = ascent + descent + 2

    def rect_at(x: float, y: float) -> QRectF:
        return QRectF(x - 1, y - ascent - 1, text_w + 2, ascent + descent + 2)

    first = label_position(sx, sy, text_w, view_w, view_h)
    other_x = sx - 9 - text_w if first[0] > sx else sx + 9
    candidates = [first, (other_x, first[1]), (first[0], sy + 9 + ascent), (other_x, sy + 9 + ascent)]
    for k in (1, 2, 3):
        candidates += [(first[0], first[1] - k * line), (first[0], first[1] + k * line)]
    inside = []
    for x, y in candidates:
        x = min(max(4.0, x), max(4.0, view_w - 4 - text_w))
        y = min(max(ascent + 3, y), view_h - descent - 3)
        inside.append((x, y, rect_at(x, y)))
    for avoid in (placed + list(obstacles), placed):
        for x, y, r in inside:
            if not any(r.intersects(o) for o in avoid):
                return x, y, r
    # crowded (a small zoom): the place that covers the least of the labels already placed
    return min(inside, key=lambda c: sum(_area(c[2].intersected(o)) for o in placed))


def _area(r: QRectF) -> float:
    return max(0.0, r.width()) * max(0.0, r.height())


def label_position(sx: float, sy: float, text_width: float, view_w: float, view_h: float) -> tuple[float, float]:
    """Baseline start of a label next to the widget point (sx, sy), kept inside the view."""
    x = sx + 9 if sx + 9 + text_width <= view_w - 4 else sx - 9 - text_width
    x = min(max(4.0, x), max(4.0, view_w - 4 - text_width))
    y = min(max(16.0, sy - 9), view_h - 6)
    return x, y


def _draw_marker(painter: QPainter, item: OverlayItem, vt: ViewTransform) -> None:
    sx, sy = vt.to_widget(*item.points[0])
    r = MARKER_RADIUS if item.role != "zone_target" else 4.0
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    if item.selected:
        painter.setPen(_pen(item, item.width + 4, (*SELECTION[:3], 160)))
        painter.drawEllipse(QPointF(sx, sy), r + 2, r + 2)
    outline = QPen(QColor(0, 0, 0, min(200, int(item.color[3]))))
    outline.setWidthF(item.width + 2)
    for pen in (outline, _pen(item)):
        painter.setPen(pen)
        painter.drawLine(QPointF(sx - r, sy), QPointF(sx + r, sy))
        painter.drawLine(QPointF(sx, sy - r), QPointF(sx, sy + r))
        if item.role == "tip":
            painter.drawEllipse(QPointF(sx, sy), r * 0.6, r * 0.6)
    if item.role == "tip":  # a solid centre in the verdict colour, easy to read (and to test)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QBrush(qcolor(item.color)))
        painter.drawEllipse(QPointF(sx, sy), 3.0, 3.0)
    painter.restore()


def _draw_arrow_head(painter: QPainter, item: OverlayItem, vt: ViewTransform) -> None:
    (ax, ay), (bx, by) = vt.to_widget(*item.points[-2]), vt.to_widget(*item.points[-1])
    ang = math.atan2(by - ay, bx - ax)
    size = 12.0
    pts = [QPointF(bx, by)]
    for d in (math.radians(155), -math.radians(155)):
        pts.append(QPointF(bx + size * math.cos(ang + d), by + size * math.sin(ang + d)))
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QBrush(qcolor(item.color)))
    painter.drawPolygon(QPolygonF(pts))
    painter.restore()


def _draw_handles(painter: QPainter, item: OverlayItem, vt: ViewTransform) -> None:
    painter.save()
    painter.setPen(QPen(QColor(0, 0, 0)))
    painter.setBrush(QBrush(qcolor(SELECTION)))
    for p in item.handles:
        sx, sy = vt.to_widget(*p)
        painter.drawRect(QRectF(sx - HANDLE / 2, sy - HANDLE / 2, HANDLE, HANDLE))
    painter.restore()


def draw_text(painter: QPainter, x: float, y: float, text: str, color=(255, 255, 255, 255),
              align: Qt.AlignmentFlag = Qt.AlignmentFlag.AlignLeft) -> None:
    """Text with a dark halo so it reads on any grey; (x, y) is the baseline start (or end when right-aligned)."""
    painter.save()
    fm = painter.fontMetrics()
    if align & Qt.AlignmentFlag.AlignRight:
        x -= fm.horizontalAdvance(text)
    elif align & Qt.AlignmentFlag.AlignHCenter:
        x -= fm.horizontalAdvance(text) / 2
    painter.setPen(QColor(0, 0, 0, 220))
    for dx, dy in ((-1, 0), (1, 0), (0, -1), (0, 1)):
        painter.drawText(QPointF(x + dx, y + dy), text)
    painter.setPen(qcolor(color))
    painter.drawText(QPointF(x, y), text)
    painter.restore()


def nice_length(target: float) -> float:
    """The largest of 1, 2, 5 x 10^k not above ``target`` (> 0)."""
    if target <= 0:
        return 0.0
    exp = math.floor(math.log10(target))
    for m in (5, 2, 1):
        if m * 10**exp <= target:
            return m * 10**exp
    return 10**exp


def scale_bar(mm_per_image_px: float | None, zoom: float, max_screen_px: float = 140.0) -> tuple[float, float] | None:
    """(length in mm, length in screen px) of a round-numbered bar, or None without a mm scale."""
    if not mm_per_image_px or zoom <= 0:
        return None
    mm_per_screen_px = mm_per_image_px / zoom
    mm = nice_length(max_screen_px * mm_per_screen_px)
    if mm <= 0:
        return None
    return mm, mm / mm_per_screen_px


def small_font(painter: QPainter) -> QFont:
    font = QFont(painter.font())
    font.setPixelSize(13)
    return font
