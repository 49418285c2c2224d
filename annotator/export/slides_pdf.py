"""Write a :class:`~annotator.export.deck.Deck` as PDF (reportlab), one slide per page.

Text uses one embedded TrueType font (``annotator.export.fonts.reportlab_font``,
a CJK-capable font when one is installed) so Chinese renders anywhere. The
document information carries no person and no export date: author, subject
and keywords empty, creation and modification dates fixed by reportlab's
invariant mode. PDFs have no speaker notes: they are left out.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from annotator.export import deck as dk
from annotator.export.atomic import atomic_path
from annotator.export.burn_in import wrap_text
from annotator.export.fonts import reportlab_font

PT = 72.0  # points per inch


def _color(c: tuple[int, int, int]) -> tuple[float, float, float]:
    return (c[0] / 255, c[1] / 255, c[2] / 255)


class _Page:
    """Drawing in slide inches (origin top-left) on a reportlab canvas (origin bottom-left)."""

    def __init__(self, canvas: Any, font: str) -> None:
        self.c = canvas
        self.font = font
        self.h = dk.SLIDE_H_IN * PT

    def text(self, box: tuple[float, float, float, float], lines: list[str], size: float,
             color: tuple[int, int, int] = dk.FOREGROUND, center: bool = False) -> None:
        from reportlab.pdfbase.pdfmetrics import stringWidth

        x, y, w, _h = box
        self.c.setFillColorRGB(*_color(color))
        lead = size * 1.3
        cursor = self.h - y * PT - size
        for line in lines:
            indent = (len(line) - len(line.lstrip(" "))) // 4
            fs = max(8.0, size - 2 * indent)
            self.c.setFont(self.font, fs)
            left = x * PT + indent * 0.4 * PT
            def measure(s: str, fs: float = fs) -> float:
                return float(stringWidth(s, self.font, fs))

            for part in wrap_text(line.strip(), measure, w * PT - (left - x * PT)):
                if center:
                    self.c.drawCentredString(x * PT + w * PT / 2, cursor, part)
                else:
                    self.c.drawString(left, cursor, part)
                cursor -= fs * 1.3
            cursor -= (lead - fs * 1.3)

    def image(self, data: bytes, box: tuple[float, float, float, float]) -> None:
        from reportlab.lib.utils import ImageReader

        x, y, w, h = box
        self.c.drawImage(ImageReader(io.BytesIO(data)), x * PT, self.h - (y + h) * PT, w * PT, h * PT)

    def rect(self, box: tuple[float, float, float, float], color: tuple[int, int, int]) -> None:
        x, y, w, h = box
        self.c.setFillColorRGB(*_color(color))
        self.c.rect(x * PT, self.h - (y + h) * PT, w * PT, h * PT, stroke=0, fill=1)


def _draw_slide(p: _Page, s: dk.Slide) -> None:
    p.rect((0, 0, dk.SLIDE_W_IN, dk.SLIDE_H_IN), dk.BACKGROUND)
    if s.kind == "title":
        p.text((0.8, 2.2, 11.7, 1.2), [s.title], 36, center=True)
        p.text((0.8, 3.6, 11.7, 3.0), s.bullets, 24, color=dk.MUTED, center=True)
    else:
        big = s.kind in dk.BODY_KINDS
        p.text(dk.TITLE_BOX, [s.title], dk.TITLE_PT if big else 20,
               color=dk.FOREGROUND if big else dk.MUTED)
    if s.kind == "question":
        p.text(dk.QUESTION_BOX, [s.caption], dk.QUESTION_PT, center=True)
        p.text(dk.CHOICES_BOX, s.bullets, dk.BODY_PT + 4, color=dk.MUTED, center=True)
        return
    if s.image is not None:
        x, y, w, h = dk.fit_image(s.image.width, s.image.height)
        p.image(s.image.data, (x, y, w, h))
        if s.accent is not None:
            p.rect((x - 0.12, y, 0.08, h), s.accent)
    if s.caption:
        p.text(dk.CAPTION_BOX, s.caption_lines or [s.caption], s.caption_pt)
    if s.kind in dk.BODY_KINDS:
        p.text(dk.BODY_BOX, s.bullets, dk.body_size(len(s.bullets)))


def write_pdf(deck: dk.Deck, path: Path) -> None:
    """Write ``deck`` to ``path`` (atomically: a failure leaves no file behind)."""
    from reportlab import rl_config

    font = reportlab_font(deck.lang)
    a85 = rl_config.useA85
    rl_config.useA85 = 0  # JPEGs go in as binary: ASCII85 in pure Python took most of the time
    try:
        _write(deck, Path(path), font)
    finally:
        rl_config.useA85 = a85


def _write(deck: dk.Deck, path: Path, font: str) -> None:
    from reportlab.pdfgen.canvas import Canvas

    with atomic_path(Path(path)) as tmp:
        c = Canvas(str(tmp), pagesize=(dk.SLIDE_W_IN * PT, dk.SLIDE_H_IN * PT), invariant=1,
                   pageCompression=1, initialFontName=font)
        c.setTitle(deck.title)
        c.setAuthor("")
        c.setSubject("")
        c.setKeywords("")
        c.setCreator("fluoro-annotator")
        p = _Page(c, font)
        section = ""
        for number, s in enumerate(deck.slides):
            if s.section and s.section != section:  # one outline entry (bookmark) per section
                section = s.section
                c.bookmarkPage(f"s{number}")
                c.addOutlineEntry(section, f"s{number}", level=0)
            _draw_slide(p, s)
            c.showPage()
        c.save()
