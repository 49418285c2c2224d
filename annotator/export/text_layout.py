"""Text on burned-in films and slides: wrapping, and boxes laid out so that none overlaps another.

``wrap_text`` breaks Latin text between words and CJK text between characters
(a run of Chinese has no spaces), in the same line: "needle tip 到位 — block"
breaks at spaces and around Chinese characters, never inside "block".

``layout_boxes`` places the verdict box (top left) and the legend (top right)
of a burned-in film at any film size: side by side when both fit, the legend
under the verdict box when they do not, the text smaller (down to
``MIN_FONT_PX``) when even that does not fit; lines too long for the film are
wrapped, never cut off at its edge.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

MIN_FONT_PX = 8.0

# one token per CJK character (ideographs, kana, hangul, CJK and full-width punctuation)
_CJK = "\u2e80-\u2fff\u3000-\u303f\u3040-\u30ff\u3100-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef"
_TOKEN = re.compile(f"[{_CJK}]|[^\\s{_CJK}]+|\\s+")
_NO_LINE_START = set("，。；：、！？）》」』】〕,.;:!?)")


def wrap_text(text: str, measure: Callable[[str], float], width: float) -> list[str]:
    """Greedy wrap to ``width`` (in ``measure``'s units): Latin text by words, CJK text by
    characters (closing punctuation stays with the character before it); a single word
    wider than the line is broken by characters."""
    out: list[str] = []
    for para in text.splitlines() or [""]:
        line = ""
        for tok in _TOKEN.findall(para):
            if tok.isspace():
                if line:
                    line += " "
                continue
            cand = line + tok
            if tok in _NO_LINE_START or measure(cand.rstrip()) <= width:
                line = cand
                continue
            if line.strip():
                out.append(line.rstrip())
            line = tok
            while measure(line) > width and len(line) > 1:  # one word longer than the line
                cut = len(line) - 1
                while cut > 1 and measure(line[:cut]) > width:
                    cut -= 1
                out.append(line[:cut])
                line = line[cut:]
        out.append(line.rstrip())
    return out


@dataclass(frozen=True)
class Box:
    """A text box in image pixels: ``x``, ``y`` top-left corner, ``w`` x ``h``, its lines."""

    x: float
    y: float
    w: float
    h: float
    lines: tuple[tuple[str, tuple[int, int, int], bool], ...]  # (text, colour, warning icon)
    font_px: float

    def intersects(self, other: Box) -> bool:
        return not (self.x + self.w <= other.x or other.x + other.w <= self.x
                    or self.y + self.h <= other.y or other.y + other.h <= self.y)


Line = tuple[str, tuple[int, int, int], bool]
Measure = Callable[[str, float], float]  # (text, font px) -> width in px


def _box(lines: Sequence[Line], font_px: float, width: float, measure: Measure) -> tuple[list[Line], float, float]:
    """Lines wrapped to ``width`` (text width, icons included); (lines, box width, box height)."""
    pad = max(2.0, font_px * 0.4)
    icon = font_px * 1.1 if any(w for _, _, w in lines) else 0.0  # every line indented alike
    avail = max(font_px, width - 2 * pad - icon)
    wrapped: list[Line] = []
    for text, color, warn in lines:
        parts = wrap_text(text, lambda s: measure(s, font_px), avail)
        wrapped += [(p, color, warn and i == 0) for i, p in enumerate(parts)]
    text_w = max((measure(t, font_px) for t, _, _ in wrapped), default=0.0) + icon
    return wrapped, text_w + 2 * pad, int(font_px * 1.3) * len(wrapped) + 2 * pad


def layout_boxes(image_w: int, image_h: int, verdict: Sequence[Line], legend: Sequence[Line], font_px: float,
                 measure: Measure, bottom_reserve: float = 0.0) -> list[Box]:
    """The verdict box (first, if any lines) and the legend box (second, if any), in image
    pixels, inside the image and not overlapping each other. ``bottom_reserve``: pixels at
    the bottom left to keep free (the scale bar)."""
    size = font_px
    while True:
        pad = max(2.0, size * 0.4)
        inner = image_w - 2 * pad
        leg, lw, lh = _box(legend, size, inner, measure) if legend else ([], 0.0, 0.0)
        boxes: list[Box] = []
        side_by_side = bool(verdict) and bool(legend) and inner - lw - pad >= 0.4 * image_w
        vwidth = inner - lw - pad if side_by_side else inner
        ver, vw, vh = _box(verdict, size, vwidth, measure) if verdict else ([], 0.0, 0.0)
        if ver:
            boxes.append(Box(pad, pad, min(vw, vwidth), vh, tuple(ver), size))
        if leg:
            lw = min(lw, inner)
            y = pad if side_by_side or not ver else pad + vh + pad
            boxes.append(Box(image_w - pad - lw, y, lw, lh, tuple(leg), size))
        bottom = max((b.y + b.h for b in boxes), default=0.0)
        if bottom <= image_h - pad - bottom_reserve or size <= MIN_FONT_PX:
            return boxes
        size = max(MIN_FONT_PX, size * 0.85)
