"""Burned-in films: the display buffer of a film at full resolution with overlays drawn in.

Coordinates are stored-image pixels (origin at the top-left corner of the
top-left pixel, +x right, +y down; domain.md §3); the output has the film's
own pixel grid, so a point (x, y) lands on the same spot as on screen. A
caption, when asked for, goes in a band *below* the film, so the output is
then taller than the film.

Order of drawing: redaction rectangles first and always (black, opaque, even
for a "clean" film), then target zone, annotations, verdict text, legend,
scale bar, caption. Colours and sizes come from ``annotator.render.style``,
the definition the screen uses too; marker shapes and labels are the
screen's (``annotator.render.labels``).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from annotator.errors import ExportError
from annotator.export.fonts import pil_font
from annotator.export.text import status_label, word
from annotator.export.text_layout import Box, layout_boxes, wrap_text
from annotator.model import Annotation, Film, Role, ShapeKind
from annotator.render import style

# Legend entries: role -> (en, zh)
_ROLE_NAMES = {
    Role.TIP: ("needle tip", "针尖"),
    Role.SHAFT: ("needle shaft", "针道"),
    Role.CONTRAST_PATH: ("contrast path", "造影剂路径"),
    Role.PEDICLE_MARGIN: ("pedicle lower margin", "椎弓根下缘"),
    Role.SAP_MARGIN: ("SAP superior margin", "上关节突上缘"),
    Role.FORAMEN: ("foramen", "椎间孔"),
    Role.S1_FORAMEN: ("S1 foramen", "第一骶神经孔"),
    Role.MIDLINE: ("midline", "中线"),
    Role.ILIAC_CREST: ("iliac-crest line", "髂嵴连线"),
    Role.LEVEL_LABEL: ("level", "节段"),
    Role.FINDING: ("finding", "所见"),
    Role.RULER: ("ruler", "测距"),
    Role.ANGLE: ("angle", "角度"),
    Role.ARROW: ("arrow", "箭头"),
    Role.CALIBRATION: ("calibration", "校准"),
}


def role_name(role: Role, lang: str) -> str:
    en, zh = _ROLE_NAMES[role]
    return zh if lang == "zh" else en


@dataclass(frozen=True)
class Layers:
    """What to draw over the film (redactions are always applied)."""

    annotations: bool = True
    target_zone: bool = True
    verdict: bool = True
    legend: bool = True
    scale_bar: bool = True
    caption: bool = True

    @classmethod
    def clean(cls, caption: bool = False) -> Layers:
        return cls(False, False, False, False, False, caption)


def to_rgb(buffer: np.ndarray) -> np.ndarray:
    """A display buffer (H x W uint8 grey or H x W x 3) as a contiguous H x W x 3 uint8 array."""
    a = np.asarray(buffer)
    if a.dtype != np.uint8:
        raise ExportError("the display buffer must be 8-bit")
    if a.ndim == 2:
        return np.repeat(a[:, :, None], 3, axis=2)
    if a.ndim == 3 and a.shape[2] == 3:
        return np.ascontiguousarray(a)
    raise ExportError(f"a display buffer of shape {a.shape} cannot be exported")


def apply_redactions(rgb: np.ndarray, film: Film) -> np.ndarray:
    """Black out every redaction rectangle of ``film`` (pixels any part of which is covered)."""
    h, w = rgb.shape[:2]
    for r in film.redactions:
        x0, x1 = sorted((r.x0, r.x1))
        y0, y1 = sorted((r.y0, r.y1))
        c0, c1 = max(0, math.floor(x0)), min(w, math.ceil(x1))
        r0, r1 = max(0, math.floor(y0)), min(h, math.ceil(y1))
        if c1 > c0 and r1 > r0:
            rgb[r0:r1, c0:c1] = style.REDACTION_COLOR
    return rgb


class _Painter:
    """Pillow drawing with the shared style, sizes scaled to the film height."""

    def __init__(self, img: Any, lang: str, text_scale: float = 1.0) -> None:
        from PIL import ImageDraw

        self.img = img
        self.h = img.height
        self.lang = lang
        self.text_scale = text_scale
        self.font_px = style.font_px(self.h) * text_scale
        self.draw = ImageDraw.Draw(img)
        self.font = pil_font(int(round(self.font_px)), lang)
        self.pad = max(2, int(self.font_px * 0.4))
        # rectangles (x0, y0, x1, y1) labels must not cover: the text boxes, labels placed so far
        self.taken: list[tuple[float, float, float, float]] = []

    def _width(self, role: Role) -> int:
        return max(1, int(round(style.line_width(role, self.h))))

    def polyline(self, pts: Sequence[tuple[float, float]], color: Any, width: int,
                 dash: Sequence[float] = (), closed: bool = False) -> None:
        pts = list(pts) + ([pts[0]] if closed and pts else [])
        if not dash:
            self.draw.line(pts, fill=color, width=width, joint="curve")
            return
        pattern = [max(1.0, d * width) for d in dash]
        for (x0, y0), (x1, y1) in zip(pts, pts[1:]):
            seg = math.hypot(x1 - x0, y1 - y0)
            t, i, on = 0.0, 0, True
            while t < seg:
                step = min(pattern[i % len(pattern)], seg - t)
                if on:
                    a, b = t / seg, (t + step) / seg
                    self.draw.line([(x0 + (x1 - x0) * a, y0 + (y1 - y0) * a),
                                    (x0 + (x1 - x0) * b, y0 + (y1 - y0) * b)], fill=color, width=width)
                t += step
                i += 1
                on = not on

    def text(self, xy: tuple[float, float], s: str, color: Any = style.TEXT_COLOR, anchor: str = "la") -> None:
        self.draw.text(xy, s, font=self.font, fill=color, anchor=anchor,
                       stroke_width=max(1, self.pad // 3), stroke_fill=style.TEXT_SHADOW)

    def draw_box(self, box: Box) -> None:
        """A laid-out text box (``text_layout.layout_boxes``): dark ground, coloured lines, a
        drawn warning triangle before warning lines (no font has to carry a "⚠" glyph)."""
        font = pil_font(max(1, int(round(box.font_px))), self.lang)
        pad = max(2.0, box.font_px * 0.4)
        lh = int(box.font_px * 1.3)
        self.draw.rectangle([box.x, box.y, box.x + box.w, box.y + box.h], fill=(0, 0, 0))
        icon = box.font_px * 1.1 if any(w for _, _, w in box.lines) else 0.0
        for i, (s, color, warn) in enumerate(box.lines):
            x, y = box.x + pad, box.y + pad + i * lh
            if warn:
                t = box.font_px * 0.95
                tri = [(x, y + t), (x + t / 2, y + t * 0.08), (x + t, y + t)]
                self.draw.polygon(tri, fill=color)
                self.draw.text((x + t / 2, y + t * 0.98), "!", font=pil_font(max(1, int(t * 0.75)), self.lang),
                               fill=(0, 0, 0), anchor="ms")
            self.draw.text((x + icon, y), s, font=font, fill=color)

    def measure(self, s: str, font_px: float) -> float:
        return float(self.draw.textlength(s, font=pil_font(max(1, int(round(font_px))), self.lang)))


def draw_annotation(p: _Painter, a: Annotation, film: Film, tip_color: Any = None, config: Any = None) -> None:
    """One annotation as the screen draws it (``annotator.ui.viewport.painting``): role colour and
    dash of the shared style, point markers as a "+" with a dark outline (the needle tip with a
    ring and a solid centre, in the verdict colour ``tip_color`` when there is a verdict), a
    filled arrow head, and the label of ``annotator.render.labels`` beside the last point (an
    arrow's at its tail)."""
    from annotator.render.labels import annotation_label

    st = style.role_style(a.role)
    color = tip_color if (a.role is Role.TIP and tip_color is not None) else st.color
    width = p._width(a.role)
    scale = p.h / style.REFERENCE_HEIGHT
    if a.kind is ShapeKind.POINT:
        (x, y) = a.points[0]
        r = style.marker_radius(p.h)
        for c, w in ((style.TEXT_SHADOW, width + 2), (color, width)):
            p.draw.line([(x - r, y), (x + r, y)], fill=c, width=w)
            p.draw.line([(x, y - r), (x, y + r)], fill=c, width=w)
            if a.role is Role.TIP:
                q = r * 0.6
                p.draw.ellipse([x - q, y - q, x + q, y + q], outline=c, width=w)
        if a.role is Role.TIP:
            d = max(1.5, r / 2)
            p.draw.ellipse([x - d, y - d, x + d, y + d], fill=color)
    else:
        pts = a.outline() if a.kind in (ShapeKind.POLYGON, ShapeKind.ELLIPSE, ShapeKind.RECT) else a.points
        closed = a.kind in (ShapeKind.POLYGON, ShapeKind.ELLIPSE, ShapeKind.RECT)
        p.polyline(pts, style.TEXT_SHADOW, width + 2, closed=closed)  # the screen's dark halo
        p.polyline(pts, color, width, st.dash, closed=closed)
        if a.role is Role.ARROW and len(a.points) >= 2:
            (x0, y0), (x1, y1) = a.points[-2], a.points[-1]
            ang = math.atan2(y1 - y0, x1 - x0)
            size = max(6.0, 12.0 * scale)
            head = [(x1, y1)] + [(x1 + size * math.cos(ang + d), y1 + size * math.sin(ang + d))
                                 for d in (math.radians(155), -math.radians(155))]
            p.draw.polygon(head, fill=color)
    label = annotation_label(a, film, p.lang, config)
    if label:
        # an arrow's text sits at its tail (the head points at the thing), as on screen
        x, y = a.points[0] if a.kind is ShapeKind.POINT or a.role is Role.ARROW else a.points[-1]
        lx, ly = _label_place(p, label, x, y, max(4.0, 9.0 * scale))
        p.text((lx, ly), label, color=color, anchor="ls")


def _label_place(p: _Painter, label: str, x: float, y: float, off: float) -> tuple[float, float]:
    """Baseline-left position of ``label`` near (x, y): above right, above left, below right,
    below left, then a line further out each round, the first that covers no text box and no
    earlier label (the nearest place when none is free)."""
    tw = float(p.draw.textlength(label, font=p.font))
    asc = p.font_px
    w_img = p.img.width

    def clamp(lx: float, ly: float) -> tuple[float, float]:
        return (min(max(2.0, lx), max(2.0, w_img - 2 - tw)), min(max(asc + 2, ly), p.h - 2))

    def free(lx: float, ly: float) -> bool:
        r = (lx - 1, ly - asc - 1, lx + tw + 1, ly + asc * 0.3 + 1)
        return not any(r[0] < t[2] and t[0] < r[2] and r[1] < t[3] and t[1] < r[3] for t in p.taken)

    right_first = x + off + tw <= w_img - 2
    sides = (x + off, x - off - tw) if right_first else (x - off - tw, x + off)
    lh = asc * 1.3
    candidates = []
    for n in range(8):  # one line further away each round
        for ly in (y - off - n * lh, y + off + asc + n * lh):
            candidates += [clamp(lx, ly) for lx in sides]
    spot = next((c for c in candidates if free(*c)), candidates[0])
    p.taken.append((spot[0] - 1, spot[1] - asc - 1, spot[0] + tw + 1, spot[1] + asc * 0.3 + 1))
    return spot


def draw_zone(p: _Painter, img: Any, verdict: Any) -> Any:
    """The verdict's target zone (disc or polygon) in the status colour; returns the new image."""
    from PIL import Image, ImageDraw

    zone = getattr(verdict, "zone", None)
    if zone is None:
        return img
    color = style.status_color(verdict.status)
    overlay = Image.new("RGBA", img.size, (0, 0, 0, 0))
    od = ImageDraw.Draw(overlay)
    fill = style.with_alpha(color, style.ZONE_FILL_ALPHA)
    ow = max(1, int(round(style.ZONE_OUTLINE_WIDTH * p.h / style.REFERENCE_HEIGHT)))
    if zone.kind == "disc" and zone.center is not None and zone.r_on_px is not None:
        (cx, cy), (rx, ry) = zone.center, zone.r_on_px
        od.ellipse([cx - rx, cy - ry, cx + rx, cy + ry], fill=fill)
    elif zone.polygon:
        od.polygon(list(zone.polygon), fill=fill)
    out = Image.alpha_composite(img.convert("RGBA"), overlay).convert("RGB")
    q = _Painter(out, p.lang, p.text_scale)
    if zone.kind == "disc" and zone.center is not None and zone.r_on_px is not None:
        (cx, cy), (rx, ry) = zone.center, zone.r_on_px
        q.draw.ellipse([cx - rx, cy - ry, cx + rx, cy + ry], outline=color, width=ow)
        if zone.r_near_px is not None:
            nx, ny = zone.r_near_px
            ring = [(cx + nx * math.cos(t), cy + ny * math.sin(t))
                    for t in np.linspace(0, 2 * math.pi, 73)[:-1]]
            q.polyline(ring, color, ow, style.ZONE_NEAR_DASH, closed=True)
    elif zone.polygon:
        q.polyline(list(zone.polygon), color, ow, closed=True)
        if zone.cut_line is not None:
            q.polyline(list(zone.cut_line), color, ow, style.ZONE_NEAR_DASH)
    return out


def _scale_bar(p: _Painter, film: Film) -> None:
    cal = film.effective_calibration()
    mm_px = cal.mean_mm_per_px()
    if mm_px is None or cal.col_mm is None:
        return
    w = p.img.width
    target = w * 0.2 * mm_px  # about a fifth of the width, in mm
    nice = max(v for v in (1, 2, 5, 10, 20, 50, 100, 200) if v <= max(1.0, target))
    length_px = nice / cal.col_mm  # along +x
    x0 = p.pad * 3
    y0 = p.h - p.pad * 3
    lw = max(2, int(style.line_width(Role.RULER, p.h)) + 1)
    p.draw.line([(x0, y0), (x0 + length_px, y0)], fill=style.TEXT_COLOR, width=lw)
    for x in (x0, x0 + length_px):
        p.draw.line([(x, y0 - p.pad), (x, y0 + p.pad)], fill=style.TEXT_COLOR, width=lw)
    p.text((x0, y0 - p.pad * 1.5), f"{nice} {cal.unit_label}", anchor="ld")


def burn_film(
    buffer: np.ndarray,
    film: Film,
    *,
    layers: Layers = Layers(),
    verdict: Any = None,
    warnings: Sequence[Any] = (),
    caption: str = "",
    lang: str = "en",
    frame: int | None = None,
    text_scale: float = 1.0,
    config: Any = None,
    tip_colors: Mapping[str, Any] | None = None,
) -> Any:
    """The film as a Pillow RGB image at full resolution with the chosen layers drawn in.

    ``buffer``: the display buffer of the frame (``annotator.render.display_frame``),
    ``verdict``/``warnings``: from ``annotator.rules.evaluate_film``; ``caption``:
    text already free of identity (the caller scrubs it). ``frame``: whose
    annotations to draw (default ``film.key_frame``). ``text_scale``: text size
    relative to the screen style (slides use larger text: they are seen smaller).
    ``config``: the rules' configuration whose findings vocabulary names finding markers.
    ``tip_colors``: on a film several roots use, the other roots' tips (annotation id -> their
    root colour); the verdict colours only the tip of the root whose verdict it is.
    Verdict box and legend never overlap (``text_layout.layout_boxes``).
    """
    from PIL import Image

    rgb = apply_redactions(to_rgb(buffer).copy(), film)
    img = Image.fromarray(rgb, "RGB")
    frame = film.key_frame if frame is None else frame
    p = _Painter(img, lang, text_scale)
    if layers.target_zone and verdict is not None:
        img = draw_zone(p, img, verdict)
        p = _Painter(img, lang, text_scale)
    shown = [a for a in film.annotations if a.frame == frame and not a.suggested]
    tip_color = style.status_color(verdict.status) if verdict is not None else None
    verdict_lines: list[tuple[str, Any, bool]] = []
    if layers.verdict and (verdict is not None or warnings):
        if verdict is not None:
            head = f"{word('verdict', lang)}: {status_label(verdict.status, lang)}"
            if verdict.distance is not None:
                head += f" ({verdict.distance:.1f} {verdict.unit})"
            verdict_lines.append((head, style.status_color(verdict.status), False))
        for wng in warnings:
            danger = getattr(wng, "severity", "") == "danger"
            verdict_lines.append((wng.message(lang), style.STATUS_COLORS["off" if danger else "near"], True))
    legend_lines: list[tuple[str, Any, bool]] = []
    if layers.legend and layers.annotations and shown:
        roles = list(dict.fromkeys(a.role for a in shown))
        # the tip is drawn in the verdict colour: its legend line says so in the same colour
        legend_lines = [("— " + role_name(r, lang),
                         tip_color if (r is Role.TIP and tip_color is not None) else style.role_color(r), False)
                        for r in roles]
    reserve = p.pad * 6 + p.font_px if layers.scale_bar else 0.0
    boxes = layout_boxes(img.width, img.height, verdict_lines, legend_lines, p.font_px, p.measure, reserve)
    # the boxes are laid out first so that annotation labels keep clear of them and of the
    # redactions (the boxes are drawn last, on top, as on screen)
    p.taken.extend((b.x, b.y, b.x + b.w, b.y + b.h) for b in boxes)
    p.taken.extend((r.x0, r.y0, r.x1, r.y1) for r in film.redactions)  # corners ordered when built
    if layers.annotations:
        for a in sorted(shown, key=lambda a: a.role is Role.TIP):  # the needle tip on top
            draw_annotation(p, a, film, (tip_colors or {}).get(a.id, tip_color), config)
    for box in boxes:
        p.draw_box(box)
    if layers.scale_bar:
        _scale_bar(p, film)
    if layers.caption and caption:
        img = _with_caption(img, caption, lang, text_scale)
    return img


def _with_caption(img: Any, caption: str, lang: str, text_scale: float = 1.0) -> Any:
    """A dark band under the film with the caption, wrapped to the film width."""
    from PIL import Image, ImageDraw

    font = pil_font(int(round(style.font_px(img.height) * 1.2 * text_scale)), lang)
    d = ImageDraw.Draw(img)
    lines = wrap_text(caption, lambda s: d.textlength(s, font=font), img.width * 0.96)
    lh = int(font.size * 1.35)
    band = lh * len(lines) + lh // 2
    out = Image.new("RGB", (img.width, img.height + band), (0, 0, 0))
    out.paste(img, (0, 0))
    od = ImageDraw.Draw(out)
    for i, s in enumerate(lines):
        od.text((img.width * 0.02, img.height + lh // 4 + i * lh), s, font=font, fill=style.TEXT_COLOR)
    return out


def save_image(img: Any, path: Path, fmt: str | None = None, quality: int = 92) -> None:
    """Write PNG/JPEG with no metadata at all (no text chunks, no EXIF, no ICC), atomically."""
    from annotator.export.atomic import atomic_path

    path = Path(path)
    fmt = (fmt or path.suffix.lstrip(".")).upper()
    fmt = "JPEG" if fmt in ("JPG", "JPEG") else "PNG" if fmt == "PNG" else fmt
    if fmt not in ("PNG", "JPEG"):
        raise ExportError(f"{path.name}: burned-in films are written as .png or .jpg")
    img = img.convert("RGB")
    img.info.clear()
    with atomic_path(path) as tmp:
        if fmt == "PNG":
            img.save(tmp, "PNG", optimize=False, compress_level=6)
        else:
            img.save(tmp, "JPEG", quality=quality, exif=b"", icc_profile=None)
