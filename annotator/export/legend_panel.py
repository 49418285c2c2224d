"""The column beside a burned-in film: verdict, warnings, legend and scale bar, never over the image.

On a slide the column sits beside the film (the slide image is film + column,
fitted so the film has the scale of ``output_scale.OutputScale.slide``); on a
PNG it is the margin band on the right. Text is ``LABEL_PT`` points high
(smaller, down to ``PANEL_MIN_PT``, only when a long list would not fit the
film's height); each legend entry shows a sample of the line as it is drawn
(colour, width, dash). The scale bar has the film's scale: the column is
drawn at the film's pixel size.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from annotator.export.fonts import pil_font
from annotator.export.output_scale import LABEL_PT, PANEL_BG, PANEL_MIN_PT, OutputScale
from annotator.export.text_layout import wrap_text

RGB = tuple[int, int, int]


@dataclass(frozen=True)
class LegendEntry:
    name: str
    color: RGB
    width_px: int  # the drawn line width
    dash: tuple[float, ...] = ()  # in multiples of the width
    marker: bool = False  # a point marker (cross) rather than a line


@dataclass(frozen=True)
class PanelText:
    text: str
    color: RGB
    warning: bool = False  # drawn triangle before it


@dataclass(frozen=True)
class ScaleBar:
    length_px: float  # film pixels
    text: str


def _layout(draw: Any, lines: Sequence[PanelText], legend: Sequence[LegendEntry], width: float,
            font_px: float, lang: str) -> tuple[list[tuple[str, RGB, bool, int]], float]:
    """Wrapped text lines (text, colour, triangle, legend index or -1) and the height they need."""
    font = pil_font(max(1, int(round(font_px))), lang)
    icon = font_px * 1.2
    sample = font_px * 2.2
    out: list[tuple[str, RGB, bool, int]] = []
    for t in lines:
        parts = wrap_text(t.text, lambda s: float(draw.textlength(s, font=font)), width - icon)
        out += [(p, t.color, t.warning and i == 0, -1) for i, p in enumerate(parts)]
    if lines and legend:
        out.append(("", (0, 0, 0), False, -2))  # a blank line between the verdict and the legend
    for k, e in enumerate(legend):
        parts = wrap_text(e.name, lambda s: float(draw.textlength(s, font=font)), width - sample)
        out += [(p, e.color, False, k if i == 0 else -3) for i, p in enumerate(parts)]
    return out, len(out) * font_px * 1.3


def draw_panel(height: int, scale: OutputScale, lines: Sequence[PanelText], legend: Sequence[LegendEntry],
               bar: ScaleBar | None, lang: str) -> Any:
    """The column as a Pillow RGB image ``scale.panel_px`` wide and ``height`` px high."""
    from PIL import Image, ImageDraw

    width = scale.panel_px
    img = Image.new("RGB", (width, height), PANEL_BG)
    draw = ImageDraw.Draw(img)
    pad = scale.px(4.0)
    bar_h = scale.px(LABEL_PT * 2.6) if bar is not None else 0.0
    pt = LABEL_PT
    while True:
        font_px = scale.px(pt)
        laid, need = _layout(draw, lines, legend, width - 2 * pad, font_px, lang)
        if need <= height - bar_h - 2 * pad or pt <= PANEL_MIN_PT:
            break
        pt = max(PANEL_MIN_PT, pt - 0.5)
    font = pil_font(max(1, int(round(font_px))), lang)
    lh = font_px * 1.3
    y = pad
    for text, color, warn, k in laid:
        x = pad
        if warn:
            t = font_px * 0.95
            draw.polygon([(x, y + t), (x + t / 2, y + t * 0.08), (x + t, y + t)], fill=color)
            draw.text((x + t / 2, y + t * 0.98), "!", font=pil_font(max(1, int(t * 0.75)), lang), fill=(0, 0, 0),
                      anchor="ms")
        if k == -1 and any(w for _, _, w, kk in laid if kk == -1):
            x += font_px * 1.2
        if k >= 0 or k == -3:
            if k >= 0:
                _sample(draw, legend[k], x, y + lh * 0.45, font_px * 1.8)
            x += font_px * 2.2
        if text:
            draw.text((x, y), text, font=font, fill=color)
        y += lh
    if bar is not None:
        _scale_bar(draw, bar, pad, height - pad - scale.px(LABEL_PT * 0.6), font, scale)
    return img


def _sample(draw: Any, e: LegendEntry, x: float, y: float, length: float) -> None:
    if e.marker:
        r = length * 0.3
        cx = x + length / 2
        draw.line([(cx - r, y), (cx + r, y)], fill=e.color, width=e.width_px)
        draw.line([(cx, y - r), (cx, y + r)], fill=e.color, width=e.width_px)
        return
    if not e.dash:
        draw.line([(x, y), (x + length, y)], fill=e.color, width=e.width_px)
        return
    pattern = [max(1.0, d * e.width_px) for d in e.dash]
    t, i = 0.0, 0
    while t < length:
        step = min(pattern[i % len(pattern)], length - t)
        if i % 2 == 0:
            draw.line([(x + t, y), (x + t + step, y)], fill=e.color, width=e.width_px)
        t += step
        i += 1


def _scale_bar(draw: Any, bar: ScaleBar, x0: float, y0: float, font: Any, scale: OutputScale) -> None:
    lw = scale.line_px(2.0)
    tick = scale.px(4.0)
    draw.line([(x0, y0), (x0 + bar.length_px, y0)], fill=(255, 255, 255), width=lw)
    for x in (x0, x0 + bar.length_px):
        draw.line([(x, y0 - tick), (x, y0 + tick)], fill=(255, 255, 255), width=lw)
    draw.text((x0, y0 - tick * 1.5), bar.text, font=font, fill=(255, 255, 255), anchor="ld")
