"""The viewport's furniture: orientation letters, scale bar, corner text, magnifier.

Functions of the canvas (``c``) and a QPainter, in widget coordinates. Corner
text shows frame, time, window, zoom and display state. Patient identity is
hidden unless the user turns it on (View menu; off at every start): only then
is it read from the file's header (``annotator.io.identity``).
"""

from __future__ import annotations

from dataclasses import replace

from PyQt6.QtCore import QPointF, QRectF, Qt
from PyQt6.QtGui import QColor, QPainter, QPainterPath, QTransform

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

def paint_scale_bar(p: QPainter, c) -> None:
    film = c.film
    if film is None:
        return
    cal = film.effective_calibration()
    bar = painting.scale_bar(cal.mean_mm_per_px(), c.transform.zoom)
    if bar is None:
        return
    mm, px = bar
    x1, y = c.width() - 16.0, c.height() - 34.0
    x0 = x1 - px
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
    painting.draw_text(p, x1, y - 8, f"{mm:g} {cal.unit_label}", align=Qt.AlignmentFlag.AlignRight)

def corner_text(c) -> dict[str, list[str]]:
    """Corner lines: top-left frame/time, bottom-left window and zoom, top-right view/tool state."""
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
    text = corner_text(c)
    line = 16
    for i, s in enumerate(text["top_left"]):
        painting.draw_text(p, 8, 36 + i * line, s)
    bl = text["bottom_left"]
    for i, s in enumerate(bl):
        painting.draw_text(p, 8, c.height() - 12 - (len(bl) - 1 - i) * line, s)
    for i, s in enumerate(text["top_right"]):
        painting.draw_text(p, c.width() - 8, 36 + i * line, s, align=Qt.AlignmentFlag.AlignRight)

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
