"""Burned-in films: the display buffer of a film at full resolution with overlays drawn in.

Coordinates are stored-image pixels (origin at the top-left corner of the
top-left pixel, +x right, +y down; domain.md §3); the film keeps its own pixel
grid at the top left of the output, so a point (x, y) lands on the same spot
as on screen. Verdict, warnings, legend and scale bar never cover the image:
they go in a column right of the film (``legend_panel``); a caption, when
asked for, goes in a band *below*.

Sizes are points of the output (``output_scale``: the film as seen on a 16:9
slide), not film pixels: labels ``LABEL_PT`` (14 pt), lines at least 1.5 pt,
on a 512-pixel cine film as on a 2048-pixel one.

Order of drawing: redaction rectangles first and always (black, opaque, even
for a "clean" film), then target zone, annotation shapes, then the labels,
placed by ``label_placer`` clear of every drawn pixel and of each other (leader
lines when moved away), then the column and the caption. Colours come from
``annotator.render.style``, the definition the screen uses too; marker shapes
and label texts are the screen's (``annotator.render.labels``).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from annotator.errors import ExportError
from annotator.export.fonts import pil_font
from annotator.export.label_placer import LabelRequest, Occupancy, PlacedLabel, grow, place_labels
from annotator.export.legend_panel import LegendEntry, PanelText, ScaleBar, draw_panel
from annotator.export.output_scale import (
    LABEL_GAP_PT,
    LABEL_MAX_PT,
    LABEL_NEAR_PT,
    LABEL_PT,
    MARKER_PT,
    PANEL_BG,
    OutputScale,
)
from annotator.export.text import status_label, word
from annotator.export.text_layout import wrap_text
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
    labels: bool = True  # the annotations' text (with annotations)

    @classmethod
    def clean(cls, caption: bool = False) -> Layers:
        return cls(False, False, False, False, False, caption, False)


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
    """Pillow drawing with the shared style, sizes in points of the output (``OutputScale``)."""

    def __init__(self, img: Any, lang: str, scale: OutputScale) -> None:
        from PIL import ImageDraw

        self.img = img
        self.h = img.height
        self.lang = lang
        self.scale = scale
        self.draw = ImageDraw.Draw(img)
        self.font_px = scale.px(LABEL_PT)
        self.font = pil_font(max(1, int(round(self.font_px))), lang)
        self.stroke = max(1, int(round(scale.px(1.0))))  # the dark outline of label text

    def width(self, role: Role) -> int:
        return self.scale.line_px(style.role_style(role).width)

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

    def text_box(self, s: str) -> tuple[float, float, float, float]:
        """(left, top, right, bottom) of ``s`` drawn at (0, 0) with anchor "lt", outline included."""
        return tuple(float(v) for v in self.draw.textbbox((0, 0), s, font=self.font, anchor="lt",
                                                          stroke_width=self.stroke))  # type: ignore[return-value]


def draw_annotation(p: _Painter, a: Annotation, tip_color: Any = None) -> None:
    """The shape of one annotation as the screen draws it (``annotator.ui.viewport.painting``):
    role colour and dash of the shared style, point markers as a "+" with a dark outline (the
    needle tip with a ring and a solid centre, in the verdict colour ``tip_color`` when there
    is a verdict), a filled arrow head. Sizes in points of the output; labels are placed
    afterwards (:func:`annotation_anchor`, ``label_placer``)."""
    st = style.role_style(a.role)
    color = tip_color if (a.role is Role.TIP and tip_color is not None) else st.color
    width = p.width(a.role)
    halo = width + 2 * max(1, int(round(p.scale.px(0.75))))
    if a.kind is ShapeKind.POINT:
        (x, y) = a.points[0]
        r = p.scale.px(MARKER_PT)
        for c, w in ((style.TEXT_SHADOW, halo), (color, width)):
            p.draw.line([(x - r, y), (x + r, y)], fill=c, width=w)
            p.draw.line([(x, y - r), (x, y + r)], fill=c, width=w)
            if a.role is Role.TIP:
                q = r * 0.6
                p.draw.ellipse([x - q, y - q, x + q, y + q], outline=c, width=w)
        if a.role is Role.TIP:
            d = max(1.5, r / 2.5)
            p.draw.ellipse([x - d, y - d, x + d, y + d], fill=color)
        return
    pts = a.outline() if a.kind in (ShapeKind.POLYGON, ShapeKind.ELLIPSE, ShapeKind.RECT) else a.points
    closed = a.kind in (ShapeKind.POLYGON, ShapeKind.ELLIPSE, ShapeKind.RECT)
    p.polyline(pts, style.TEXT_SHADOW, halo, closed=closed)  # the screen's dark halo
    p.polyline(pts, color, width, st.dash, closed=closed)
    if a.role is Role.ARROW and len(a.points) >= 2:
        (x0, y0), (x1, y1) = a.points[-2], a.points[-1]
        ang = math.atan2(y1 - y0, x1 - x0)
        size = p.scale.px(9.0)
        head = [(x1, y1)] + [(x1 + size * math.cos(ang + d), y1 + size * math.sin(ang + d))
                             for d in (math.radians(155), -math.radians(155))]
        p.draw.polygon(head, fill=color)


def annotation_anchor(a: Annotation) -> tuple[float, float]:
    """What a label names: a point marker, an arrow's tail (its head points at the thing, as on
    screen), the last point of a line or outline."""
    x, y = a.points[0] if a.kind is ShapeKind.POINT or a.role is Role.ARROW else a.points[-1]
    return float(x), float(y)


def _along(a: Annotation, spacing: float) -> tuple[tuple[float, float], ...]:
    """Points every ``spacing`` px along a line or outline (what its label may sit beside)."""
    if a.kind is ShapeKind.POINT or a.role is Role.ARROW:
        return ()
    pts = list(a.outline()) if a.kind in (ShapeKind.POLYGON, ShapeKind.ELLIPSE, ShapeKind.RECT) else list(a.points)
    out: list[tuple[float, float]] = []
    for (x0, y0), (x1, y1) in zip(pts, pts[1:]):
        n = max(1, int(math.hypot(x1 - x0, y1 - y0) // max(1.0, spacing)))
        out += [(x0 + (x1 - x0) * t / n, y0 + (y1 - y0) * t / n) for t in range(n)]
    return tuple(out[::-1])  # from the anchor's end first


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
    ow = p.scale.line_px(style.ZONE_OUTLINE_WIDTH)
    if zone.kind == "disc" and zone.center is not None and zone.r_on_px is not None:
        (cx, cy), (rx, ry) = zone.center, zone.r_on_px
        od.ellipse([cx - rx, cy - ry, cx + rx, cy + ry], fill=fill)
    elif zone.polygon:
        od.polygon(list(zone.polygon), fill=fill)
    out = Image.alpha_composite(img.convert("RGBA"), overlay).convert("RGB")
    q = _Painter(out, p.lang, p.scale)
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


def _scale_bar(film: Film, scale: OutputScale) -> ScaleBar | None:
    """A round length (mm) about two thirds of the legend column wide, in film pixels."""
    cal = film.effective_calibration()
    if cal.mean_mm_per_px() is None or cal.col_mm is None:
        return None
    room_mm = scale.panel_px * 0.66 * cal.col_mm
    nice = max((v for v in (1, 2, 5, 10, 20, 50, 100, 200) if v <= room_mm), default=1)
    return ScaleBar(nice / cal.col_mm, f"{nice} {cal.unit_label}")


@dataclass
class BurnedFilm:
    """A burned-in film and how its overlay was laid out (film pixels; the film at (0, 0))."""

    image: Any  # Pillow RGB: the film, then the legend column on its right, then the caption band
    film_size: tuple[int, int]
    scale: OutputScale
    labels: list[PlacedLabel] = field(default_factory=list)
    near_px: float = 0.0  # labels farther than this have a leader line
    max_px: float = 0.0  # and none is farther than this
    panel_x: int | None = None  # where the column starts, None without one


def burn_film(buffer: np.ndarray, film: Film, **kwargs: Any) -> Any:
    """The film as a Pillow RGB image with the chosen layers drawn in (see :func:`render_film`)."""
    return render_film(buffer, film, **kwargs).image


def render_film(
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
    panel: bool | None = None,
    scale: OutputScale | None = None,
    tip_colors: Mapping[str, Any] | None = None,
) -> BurnedFilm:
    """The film at full resolution with the chosen layers, and the layout of its labels.

    ``buffer``: the display buffer of the frame (``annotator.render.display_frame``),
    ``verdict``/``warnings``: from ``annotator.rules.evaluate_film``; ``caption``:
    text already free of identity (the caller scrubs it). ``frame``: whose
    annotations to draw (default ``film.key_frame``). ``scale``: points of the
    output per film pixel (default: the film on a 16:9 slide); ``text_scale`` makes
    text and lines larger still. ``config``: the rules' configuration whose findings
    vocabulary names finding markers. Verdict, warnings, legend and scale bar go in a
    column right of the film (``panel``: True always -- slides, so the clean and the
    annotated film line up --, False never, None when it has something to show).
    ``tip_colors``: on a film several roots use, the other roots' tips (annotation id -> their
    root colour); the verdict colours only the tip of the root whose verdict it is.
    """
    from PIL import Image

    rgb = apply_redactions(to_rgb(buffer).copy(), film)
    img = Image.fromarray(rgb, "RGB")
    w, h = img.size
    scale = scale or OutputScale.slide(w, h)
    if text_scale != 1.0:
        scale = OutputScale(scale.pt_per_px / text_scale)
    frame = film.key_frame if frame is None else frame
    p = _Painter(img, lang, scale)
    if layers.target_zone and verdict is not None:
        img = draw_zone(p, img, verdict)
        p = _Painter(img, lang, scale)
    shown = [a for a in film.annotations if a.frame == frame and not a.suggested]
    tip_color = style.status_color(verdict.status) if verdict is not None else None
    out = BurnedFilm(img, (w, h), scale, near_px=scale.px(LABEL_NEAR_PT), max_px=scale.px(LABEL_MAX_PT))
    if layers.annotations:
        for a in sorted(shown, key=lambda a: a.role is Role.TIP):  # the needle tip on top
            draw_annotation(p, a, (tip_colors or {}).get(a.id, tip_color))
        if layers.labels:
            out.labels = _draw_labels(p, rgb, shown, film, tip_color, config, out, tip_colors or {})
    lines: list[PanelText] = []
    if layers.verdict and verdict is not None:
        head = f"{word('verdict', lang)}: {status_label(verdict.status, lang)}"
        if verdict.distance is not None:
            head += f" ({verdict.distance:.1f} {verdict.unit})"
        lines.append(PanelText(head, style.status_color(verdict.status)))
    if layers.verdict:
        for wng in warnings:
            danger = getattr(wng, "severity", "") == "danger"
            lines.append(PanelText(wng.message(lang), style.STATUS_COLORS["off" if danger else "near"], True))
    legend: list[LegendEntry] = []
    if layers.legend and layers.annotations and shown:
        for role in dict.fromkeys(a.role for a in shown):
            kind = next(a.kind for a in shown if a.role is role)
            color = tip_color if (role is Role.TIP and tip_color is not None) else style.role_color(role)
            legend.append(LegendEntry(role_name(role, lang), color, p.width(role), style.role_style(role).dash,
                                      marker=kind is ShapeKind.POINT))
    bar = _scale_bar(film, scale) if layers.scale_bar else None
    image = img
    if panel or (panel is None and (lines or legend or bar)):
        column = draw_panel(h, scale, lines, legend, bar, lang)
        image = Image.new("RGB", (w + scale.gap_px + column.width, h), PANEL_BG)
        image.paste(img, (0, 0))
        image.paste(column, (w + scale.gap_px, 0))
        out.panel_x = w + scale.gap_px
    if layers.caption and caption:
        image = _with_caption(image, caption, lang, scale)
    out.image = image
    return out


def _draw_labels(p: _Painter, before: np.ndarray, shown: Sequence[Annotation], film: Film, tip_color: Any,
                 config: Any, out: BurnedFilm, tip_colors: Mapping[str, Any]) -> list[PlacedLabel]:
    """Place (``label_placer``) and draw the labels of ``shown``; ``before``: the film before any
    overlay, so the drawn geometry is exactly the pixels that changed."""
    from annotator.render.labels import annotation_label

    scale = p.scale
    gap = scale.px(LABEL_GAP_PT)
    drawn = np.any(np.asarray(p.img) != before, axis=2)
    occupancy = Occupancy(grow(drawn, int(math.ceil(gap))))
    requests: list[LabelRequest] = []
    for k, a in enumerate(shown):
        text = annotation_label(a, film, p.lang, config)
        if not text:
            continue
        x0, y0, x1, y1 = p.text_box(text)
        requests.append(LabelRequest(text, annotation_anchor(a), x1 - x0 + 2, y1 - y0 + 2,
                                     "level" if a.role is Role.LEVEL_LABEL else "", k,
                                     _along(a, scale.px(LABEL_MAX_PT) / 2)))
    margin = scale.px(2.0)
    bounds = (margin, margin, p.img.width - margin, p.img.height - margin)
    placed = place_labels(requests, occupancy, bounds, gap_px=gap, near_px=out.near_px, max_px=out.max_px)
    for lab in placed:
        a = shown[lab.request.key]
        color = tip_colors.get(a.id) or (
            tip_color if (a.role is Role.TIP and tip_color is not None) else style.role_color(a.role))
        if lab.leader is not None:
            lw = scale.line_px(1.0)
            p.draw.line(lab.leader, fill=style.TEXT_SHADOW, width=lw + 2)
            p.draw.line(lab.leader, fill=color, width=lw)
        l0, t0, _r, _b = p.text_box(lab.request.text)
        p.draw.text((lab.box[0] + 1 - l0, lab.box[1] + 1 - t0), lab.request.text, font=p.font, fill=color,
                    anchor="lt", stroke_width=p.stroke, stroke_fill=style.TEXT_SHADOW)
    return placed


def _with_caption(img: Any, caption: str, lang: str, scale: OutputScale) -> Any:
    """A dark band under the image with the caption (``LABEL_PT``), wrapped to the image width."""
    from PIL import Image, ImageDraw

    font = pil_font(max(1, int(round(scale.px(LABEL_PT)))), lang)
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
