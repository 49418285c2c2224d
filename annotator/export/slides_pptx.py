"""Write a :class:`~annotator.export.deck.Deck` as PowerPoint (python-pptx).

Every text run names a Latin and an East Asian typeface (``a:latin`` and
``a:ea``, ``annotator.export.fonts.PPTX_*``) so Chinese renders with a CJK
font in PowerPoint and LibreOffice. Core properties carry no person and no
date of the export: author, last-modified-by, comments empty; created and
modified fixed at 2000-01-01.
"""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import Any

from annotator.export import deck as dk
from annotator.export.atomic import atomic_path
from annotator.export.fonts import PPTX_EA_FONT, PPTX_LATIN_FONT

FIXED_DATE = dt.datetime(2000, 1, 1)


def _rgb(c: tuple[int, int, int]) -> Any:
    from pptx.dml.color import RGBColor

    return RGBColor(*c)


def _style_run(run: Any, size: float, color: tuple[int, int, int], bold: bool = False) -> None:
    from lxml import etree
    from pptx.oxml.ns import qn
    from pptx.util import Pt

    run.font.size = Pt(size)
    run.font.bold = bold
    run.font.color.rgb = _rgb(color)
    rpr = run._r.get_or_add_rPr()
    latin = rpr.get_or_add_latin()
    latin.set("typeface", PPTX_LATIN_FONT)
    ea = rpr.find(qn("a:ea"))
    if ea is None:
        ea = etree.Element(qn("a:ea"))
        latin.addnext(ea)
    ea.set("typeface", PPTX_EA_FONT)


def _text_box(slide: Any, box: tuple[float, float, float, float], lines: list[str], size: float,
              color: tuple[int, int, int] = dk.FOREGROUND, bold: bool = False, center: bool = False) -> Any:
    from pptx.enum.text import MSO_ANCHOR, PP_ALIGN
    from pptx.util import Inches

    x, y, w, h = box
    shape = slide.shapes.add_textbox(Inches(x), Inches(y), Inches(w), Inches(h))
    tf = shape.text_frame
    tf.word_wrap = True
    tf.vertical_anchor = MSO_ANCHOR.TOP
    for i, line in enumerate(lines):
        p = tf.paragraphs[0] if i == 0 else tf.add_paragraph()
        if center:
            p.alignment = PP_ALIGN.CENTER
        indent = len(line) - len(line.lstrip(" "))
        p.level = min(4, indent // 4)
        run = p.add_run()
        run.text = line.strip()
        _style_run(run, size - 2 * p.level, color, bold)
    return shape


def _flowing_caption(s: Any) -> str:
    """The caption as one paragraph the viewer wraps itself at the fitted size: hard line breaks
    made with our font's widths leave orphan words in a viewer whose font is wider (LibreOffice).
    A caption cut to fit keeps its cut ("…")."""
    lines = s.caption_lines or [s.caption]
    if not lines[-1].endswith(" …") or s.caption.endswith("…"):
        return s.caption
    return ("" if dk.slide_lang(s) == "zh" else " ").join(line.strip() for line in lines)


def _notes(slide: Any, text: str) -> None:
    if not text:
        return
    tf = slide.notes_slide.notes_text_frame
    for i, line in enumerate(text.splitlines()):
        p = tf.paragraphs[0] if i == 0 else tf.add_paragraph()
        run = p.add_run()
        run.text = line
        _style_run(run, 12, (0, 0, 0))


def _add_slide(prs: Any, s: dk.Slide) -> None:
    from pptx.util import Inches

    slide = prs.slides.add_slide(prs.slide_layouts[6])  # blank
    fill = slide.background.fill
    fill.solid()
    fill.fore_color.rgb = _rgb(dk.BACKGROUND)
    if s.kind == "title":
        _text_box(slide, (0.8, 2.2, 11.7, 1.2), [s.title], 36, bold=True, center=True)
        _text_box(slide, (0.8, 3.6, 11.7, 3.0), s.bullets, 24, color=dk.MUTED, center=True)
    else:
        big = s.kind in dk.BODY_KINDS
        _text_box(slide, dk.TITLE_BOX, [s.title], dk.TITLE_PT if big else 20,
                  bold=True, color=dk.FOREGROUND if big else dk.MUTED)
    if s.kind == "question":
        _text_box(slide, dk.QUESTION_BOX, [s.caption], dk.QUESTION_PT, bold=True, center=True)
        _text_box(slide, dk.CHOICES_BOX, s.bullets, dk.BODY_PT + 4, color=dk.MUTED, center=True)
        _notes(slide, s.notes)
        return
    if s.image is not None:
        x, y, w, h = dk.fit_image(s.image.width, s.image.height)
        slide.shapes.add_picture(io.BytesIO(s.image.data), Inches(x), Inches(y), Inches(w), Inches(h))
        if s.accent is not None:
            from pptx.enum.shapes import MSO_SHAPE

            bar = slide.shapes.add_shape(MSO_SHAPE.RECTANGLE, Inches(x - 0.12), Inches(y), Inches(0.08),
                                         Inches(h))
            bar.fill.solid()
            bar.fill.fore_color.rgb = _rgb(s.accent)
            bar.line.fill.background()
    if s.caption:
        from pptx.enum.text import MSO_AUTO_SIZE

        box = _text_box(slide, dk.CAPTION_BOX, [_flowing_caption(s)], s.caption_pt)
        box.text_frame.auto_size = MSO_AUTO_SIZE.NONE  # fitted already (deck.fit_caption): no growing
    if s.kind in dk.BODY_KINDS:
        from pptx.enum.text import MSO_AUTO_SIZE

        body = _text_box(slide, dk.BODY_BOX, s.bullets, dk.body_size(len(s.bullets)))
        body.text_frame.auto_size = MSO_AUTO_SIZE.TEXT_TO_FIT_SHAPE  # the viewer shrinks long summaries
    _notes(slide, s.notes)


_SECTIONS_EXT = "{521415D9-36F7-43E2-AB2F-B90AF26B5E84}"  # PowerPoint 2010 sections (p14:sectionLst)
_P14 = "http://schemas.microsoft.com/office/powerpoint/2010/main"


def _add_sections(prs: Any, deck: dk.Deck) -> None:
    """PowerPoint sections from ``Slide.section`` (lecture decks: the title part, then one per case)."""
    if not any(s.section for s in deck.slides):
        return
    from lxml import etree
    from pptx.oxml.ns import qn

    groups: list[tuple[str, list[str]]] = []
    for s, sld_id in zip(deck.slides, prs.slides._sldIdLst.sldId_lst):
        name = s.section or (groups[-1][0] if groups else "")
        if not groups or groups[-1][0] != name:
            groups.append((name, []))
        groups[-1][1].append(str(sld_id.id))
    root = prs.part._element
    ext_lst = root.find(qn("p:extLst"))
    if ext_lst is None:
        ext_lst = etree.SubElement(root, qn("p:extLst"))
    ext = etree.SubElement(ext_lst, qn("p:ext"), uri=_SECTIONS_EXT)
    section_lst = etree.SubElement(ext, f"{{{_P14}}}sectionLst", nsmap={"p14": _P14})
    for number, (name, ids) in enumerate(groups, start=1):
        sec = etree.SubElement(section_lst, f"{{{_P14}}}section", name=name,
                               id=f"{{5EC7A0{number:02X}-0000-4000-8000-000000000000}}")
        lst = etree.SubElement(sec, f"{{{_P14}}}sldIdLst")
        for sid in ids:
            etree.SubElement(lst, f"{{{_P14}}}sldId", id=sid)


def _clear_properties(prs: Any, title: str) -> None:
    cp = prs.core_properties
    cp.author = ""
    cp.last_modified_by = ""
    cp.comments = ""
    cp.keywords = ""
    cp.subject = ""
    cp.category = ""
    cp.title = title
    cp.created = FIXED_DATE
    cp.modified = FIXED_DATE
    cp.last_printed = FIXED_DATE
    cp.revision = 1


def write_pptx(deck: dk.Deck, path: Path) -> None:
    """Write ``deck`` to ``path`` (atomically: a failure leaves no file behind)."""
    from pptx import Presentation
    from pptx.util import Inches

    prs = Presentation()
    prs.slide_width = Inches(dk.SLIDE_W_IN)
    prs.slide_height = Inches(dk.SLIDE_H_IN)
    for s in deck.slides:
        _add_slide(prs, s)
    _add_sections(prs, deck)
    _clear_properties(prs, deck.title)
    with atomic_path(Path(path)) as tmp:
        prs.save(str(tmp))
