"""The viewport's furniture: orientation letters, scale bar, corner text, magnifier, empty hint.

Functions of the canvas (``c``) and a QPainter, in widget coordinates. Corner
text shows frame, time, window, zoom and display state. Patient identity is
hidden unless the user turns it on (View menu; off at every start): only then
is it read from the file's header (``annotator.io.identity``).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from PyQt6.QtCore import QPointF, QRectF, Qt
from PyQt6.QtGui import QColor, QFont, QFontMetricsF, QPainter, QPainterPath, QTransform

from annotator.ui.i18n import tr
from annotator.ui.viewport import painting
from annotator.ui.viewport.transform import ViewTransform

MAGNIFIER_RADIUS = 90.0
MAGNIFIER_ZOOM = 3.0
_VIEW_NAMES = {"AP": "AP", "lateral": "Lateral", "oblique": "Oblique", "unknown": "View unknown"}


def paint_letters(p: QPainter, c) -> None:
    film = c.film
    if film is None:
        return
    letters = c.transform.edge_letters(film.effective_directions())
    w, h = c.width(), c.height()
    color = (255, 220, 120, 255)
    painting.draw_text(p, w - 8, h / 2 + 5, letters["right"], color, Qt.AlignmentFlag.AlignRight)
    painting.draw_text(p, 8, h / 2 + 5, letters["left"], color)
    painting.draw_text(p, w / 2, 18, letters["top"], color, Qt.AlignmentFlag.AlignHCenter)
    painting.draw_text(p, w / 2, h - 8, letters["bottom"], color, Qt.AlignmentFlag.AlignHCenter)

BAR_RIGHT = 16.0  # screen px from the right edge to the scale bar's end
BAR_GAP = 12.0  # screen px kept between the scale bar (and its label) and the bottom-left text
MIN_BAR_PX = 30.0  # a shorter bar than this is moved up above the bottom-left text instead
LINE = 16  # corner text line step, screen px
HINT_MARGIN = 12.0
HINT_FLAGS = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop | Qt.TextFlag.TextWordWrap


def text_metrics(c) -> QFontMetricsF:
    """Metrics of the font the furniture is painted with (``painting.small_font`` of the widget font)."""
    font = QFont(c.font())
    font.setPixelSize(13)
    return QFontMetricsF(font)


def redaction_rects(c) -> list[QRectF]:
    """Widget rectangles (bounding boxes) of the film's redactions, as painted now."""
    film = c.film
    out = []
    for r in (film.redactions if film is not None else []):
        pts = [c.transform.to_widget(x, y) for x, y in ((r.x0, r.y0), (r.x1, r.y0), (r.x1, r.y1), (r.x0, r.y1))]
        xs, ys = [p[0] for p in pts], [p[1] for p in pts]
        out.append(QRectF(min(xs), min(ys), max(xs) - min(xs), max(ys) - min(ys)).adjusted(-2, -2, 2, 2))
    return out


@dataclass(frozen=True)
class CornerBlock:
    """One corner's lines: ``x`` (start, or end when right-aligned), the first baseline ``y``,
    and ``rect`` (widget px) around them."""

    lines: list[str]
    x: float
    y: float
    right: bool
    rect: QRectF


def corner_blocks(c, fm: QFontMetricsF) -> dict[str, CornerBlock]:
    """Where each corner's text goes: its corner, moved clear of the redactions (a top block
    below them, the bottom block above them), so the text stays readable and the redaction's
    outline stays visible."""
    text = corner_text(c)
    boxes = redaction_rects(c)
    out: dict[str, CornerBlock] = {}
    for key, lines in text.items():
        if not lines:
            continue
        width = max(fm.horizontalAdvance(s) for s in lines)
        right = key == "top_right"
        x = c.width() - 8.0 if right else 8.0
        left = x - width if right else x
        height = (len(lines) - 1) * LINE + fm.ascent() + fm.descent()
        top_block = key != "bottom_left"
        y = 36.0 if top_block else c.height() - 12.0 - (len(lines) - 1) * LINE
        for _ in range(len(boxes) + 1):
            rect = QRectF(left, y - fm.ascent(), width, height)
            hit = [b for b in boxes if b.intersects(rect)]
            if not hit:
                break
            y = (max(b.bottom() for b in hit) + fm.ascent() + 4 if top_block
                 else min(b.top() for b in hit) - 4 - fm.descent() - (len(lines) - 1) * LINE)
        out[key] = CornerBlock(lines, x, y, right, QRectF(left, y - fm.ascent(), width, height))
    return out


def bottom_left_rect(c, fm: QFontMetricsF) -> QRectF:
    """Widget rectangle of the bottom-left corner text (window, zoom); empty without lines."""
    block = corner_blocks(c, fm).get("bottom_left")
    return QRectF() if block is None else block.rect


@dataclass(frozen=True)
class ScaleBar:
    """Where the scale bar goes (widget px): the bar from ``x0`` to ``x1`` at height ``y``,
    its label right-aligned at ``x1`` above it; ``rect`` bounds bar, ticks and label."""

    mm: float
    label: str
    x0: float
    x1: float
    y: float
    rect: QRectF


def scale_bar_layout(c, fm: QFontMetricsF) -> ScaleBar | None:
    """The scale bar of the canvas: bottom right, shortened so it stays clear of the
    bottom-left text, or above that text when a narrow viewport leaves no room; None
    without a mm scale."""
    film = c.film
    if film is None:
        return None
    cal = film.effective_calibration()
    mm_per_px = cal.mean_mm_per_px() if cal.is_mm else None
    probe = painting.scale_bar(mm_per_px, c.transform.zoom)
    if probe is None:
        return None
    x1, y = c.width() - BAR_RIGHT, c.height() - 34.0
    label_w = fm.horizontalAdvance(f"{probe[0]:g} {cal.unit_label}")
    left = bottom_left_rect(c, fm)
    room = x1 - (left.right() + BAR_GAP) if not left.isEmpty() else 140.0
    if room >= max(MIN_BAR_PX, label_w):
        max_px = min(140.0, room)
    else:  # no room beside the text: put the bar above it
        max_px = min(140.0, max(MIN_BAR_PX, x1 - 8.0))
        if not left.isEmpty():
            y = min(y, left.top() - BAR_GAP - 7.5)
    bar = painting.scale_bar(mm_per_px, c.transform.zoom, max_px)
    if bar is None:
        return None
    mm, px = bar
    label = f"{mm:g} {cal.unit_label}"
    x0 = x1 - px
    label_w = fm.horizontalAdvance(label)
    top = y - 8.0 - fm.ascent()
    rect = QRectF(min(x0 - 2.5, x1 - label_w), top, max(px + 5.0, label_w + 2.5), y + 7.5 - top)
    return ScaleBar(mm, label, x0, x1, y, rect)


def paint_scale_bar(p: QPainter, c) -> None:
    bar = scale_bar_layout(c, QFontMetricsF(p.font()))
    if bar is None:
        return
    x0, x1, y = bar.x0, bar.x1, bar.y
    p.save()
    for color, width in ((QColor(0, 0, 0, 200), 5.0), (QColor(255, 255, 255), 2.0)):
        pen = p.pen()
        pen.setColor(color)
        pen.setWidthF(width)
        p.setPen(pen)
        p.drawLine(QPointF(x0, y), QPointF(x1, y))
        p.drawLine(QPointF(x0, y - 5), QPointF(x0, y + 5))
        p.drawLine(QPointF(x1, y - 5), QPointF(x1, y + 5))
    p.restore()
    painting.draw_text(p, x1, y - 8, bar.label, align=Qt.AlignmentFlag.AlignRight)


def empty_hint_rect(c, fm: QFontMetricsF, text: str) -> QRectF:
    """Where the word-wrapped empty-viewport hint is painted (widget px), inside the widget."""
    box = QRectF(HINT_MARGIN, 8.0, max(1.0, c.width() - 2 * HINT_MARGIN), max(1.0, c.height() - 16.0))
    return fm.boundingRect(box, int(HINT_FLAGS.value), text)


def paint_empty_hint(p: QPainter, c, text: str, error: bool = False) -> QRectF:
    """Paint ``text`` wrapped to the widget width (grey with a dark halo, amber for an
    ``error``); returns its rectangle."""
    rect = empty_hint_rect(c, QFontMetricsF(p.font()), text)
    box = QRectF(HINT_MARGIN, 8.0, max(1.0, c.width() - 2 * HINT_MARGIN), max(1.0, c.height() - 16.0))
    p.save()
    p.setPen(QColor(0, 0, 0, 220))
    for dx, dy in ((-1, 0), (1, 0), (0, -1), (0, 1)):
        p.drawText(box.translated(dx, dy), int(HINT_FLAGS.value), text)
    p.setPen(QColor(255, 170, 60) if error else QColor(180, 180, 180))
    p.drawText(box, int(HINT_FLAGS.value), text)
    p.restore()
    return rect


def corner_text(c) -> dict[str, list[str]]:
    """Corner lines: top-left frame/time, bottom-left window (preset key and name, C/W) and zoom,
    top-right view/tool state."""
    out: dict[str, list[str]] = {"top_left": [], "bottom_left": [], "top_right": []}
    if c.display is None:
        return out
    info = c.display.image.info
    n = c.display.frames
    if n > 1:
        out["top_left"].append(tr("Frame {n}/{total}").format(n=c.frame + 1, total=n))
    if info.frame_time_ms and n > 1:
        out["top_left"].append(tr("t = {s:.2f} s").format(s=c.frame * info.frame_time_ms / 1000.0))
    win = c.display.window
    name = c.display.window_name()
    if name:
        out["bottom_left"].append(name)
    if win is not None:
        out["bottom_left"].append(tr("C/W: {c:.0f} / {w:.0f}").format(c=win[0], w=win[1]))
    out["bottom_left"].append(tr("Zoom: {z:.0f}%").format(z=c.transform.zoom * 100))
    film = c.film
    if film is not None:
        out["top_right"].append(tr(_VIEW_NAMES.get(film.view.value, film.view.value)))
    if getattr(c, "show_identity", False):
        out["top_right"].extend(_identity_lines(c))
    if c.display.subtracting:
        out["top_right"].append(tr("Subtracted (mask frame {m})").format(m=c.display.mask_frame + 1))
    if c.display.invert:
        out["top_right"].append(tr("Inverted"))
    return out


def _identity_lines(c) -> list[str]:
    """Identity of the film shown, read once per image and kept on the canvas."""
    image = c.display.image
    cached = getattr(c, "_identity_cache", None)
    if cached is None or cached[0] is not image:
        from annotator.io.identity import read_identity

        identity = read_identity(image.info.path) if image.info.format == "DICOM" else None
        cached = (image, identity.lines() if identity is not None else [tr("No patient identity in this file")])
        c._identity_cache = cached
    return list(cached[1])


def paint_corners(p: QPainter, c) -> None:
    for block in corner_blocks(c, QFontMetricsF(p.font())).values():
        align = Qt.AlignmentFlag.AlignRight if block.right else Qt.AlignmentFlag.AlignLeft
        for i, s in enumerate(block.lines):
            painting.draw_text(p, block.x, block.y + i * LINE, s, align=align)

def magnifier_geometry(c, cursor: tuple[float, float]) -> tuple[float, float, ViewTransform]:
    """Inset centre (widget px) near the cursor but off it, and the magnified transform that
    shows the image point under the cursor at that centre."""
    cx, cy = cursor
    r = MAGNIFIER_RADIUS
    ix = min(max(cx + r + 20, r), c.width() - r)
    iy = min(max(cy - r - 20, r), c.height() - r)
    if abs(ix - cx) < r and abs(iy - cy) < r:  # keep the inset off the cursor
        ix = max(r, cx - r - 20)
    vt = replace(c.transform)
    px, py = vt.to_image(cx, cy)
    vt.zoom *= MAGNIFIER_ZOOM
    wx, wy = vt.to_widget(px, py)
    vt.pan(ix - wx, iy - wy)
    return ix, iy, vt


def paint_magnifier(p: QPainter, c, cursor: tuple[float, float]) -> None:
    """A round inset, MAGNIFIER_ZOOM times the view's zoom, with the overlay, near the cursor."""
    ix, iy, vt = magnifier_geometry(c, cursor)
    r = MAGNIFIER_RADIUS
    qt = QTransform(*vt.matrix())
    clip = QPainterPath()
    clip.addEllipse(QPointF(ix, iy), r, r)
    p.save()
    p.setClipPath(clip)
    p.fillPath(clip, QColor(0, 0, 0))
    p.save()
    p.setTransform(qt)
    p.drawImage(QPointF(0, 0), c._qimage)
    p.restore()
    painting.draw_items(p, c.overlay_items(), vt, qt)
    p.restore()
    p.save()
    pen = p.pen()
    pen.setColor(QColor(255, 220, 120))
    pen.setWidthF(2.0)
    p.setPen(pen)
    p.drawEllipse(QRectF(ix - r, iy - r, 2 * r, 2 * r))
    p.restore()
