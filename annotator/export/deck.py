"""The teaching deck as a format-free slide model, written to PPTX and PDF by their writers.

Per case (domain.md §9): a title slide (roots, "70-year-old man", symptoms);
for each film a clean slide, then the same film annotated (the reveal) with
the article-style caption; a summary slide (findings, verdicts, position
check, warnings, block result, conclusion with its cautions, drugs and doses,
the responsible levels) built from ``annotator.rules.evaluate_case`` so it
agrees with ``check``. Speaker notes carry findings and verdicts, and on the
summary slide the whole ``check`` report.

Slide images are encoded once (JPEG, at most ``MAX_SLIDE_PX`` on the long
side) and the same bytes go into both formats. Text is already free of
identity when the deck is built de-identified: the writers add none.
"""

from __future__ import annotations

import functools
import io
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from annotator.errors import AnnotatorError
from annotator.export import text as tx
from annotator.export.burn_in import Layers
from annotator.export.films import PreparedFilm
from annotator.model import Case

log = logging.getLogger(__name__)

MAX_SLIDE_PX = 1400
JPEG_QUALITY = 90
SLIDE_W_IN, SLIDE_H_IN = 13.333, 7.5  # 16:9


@dataclass(frozen=True)
class SlideImage:
    data: bytes  # JPEG
    width: int  # pixels
    height: int


@dataclass
class Slide:
    kind: str  # "title", "film_clean", "film_annotated", "summary"
    title: str
    bullets: list[str] = field(default_factory=list)
    image: SlideImage | None = None
    caption: str = ""
    caption_lines: list[str] = field(default_factory=list)  # the caption fitted to CAPTION_BOX
    caption_pt: float = 16.0
    notes: str = ""
    accent: tuple[int, int, int] | None = None  # verdict status colour for the annotated slide
    section: str = ""  # the deck section it opens or belongs to (lecture decks: one per case)


@dataclass
class Deck:
    title: str
    lang: str
    slides: list[Slide] = field(default_factory=list)


def encode_slide_image(img: Any) -> SlideImage:
    """Downscale to ``MAX_SLIDE_PX`` and encode as metadata-free JPEG."""
    from PIL import Image

    img = img.convert("RGB")
    scale = MAX_SLIDE_PX / max(img.size)
    if scale < 1:
        img = img.resize((max(1, round(img.width * scale)), max(1, round(img.height * scale))),
                         Image.Resampling.LANCZOS)
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=JPEG_QUALITY, exif=b"")
    return SlideImage(buf.getvalue(), img.width, img.height)


def _sep(lang: str) -> str:
    return "；" if lang == "zh" else "; "


def _colon(lang: str) -> str:
    return "：" if lang == "zh" else ": "


def title_slide(case: Case, number: int, lang: str, scrub: Any, identified: bool) -> Slide:
    roots = ", ".join(tx.root_label(r, lang) for r in case.roots) or "—"
    title = f"{tx.word('case', lang)} {number}{_colon(lang)}{roots}"
    if identified and case.title.strip():
        title += f" — {case.title.strip()}"
    bullets = []
    who = tx.age_sex(case, lang)
    if who:
        bullets.append(who)
    if case.symptoms.strip():
        bullets.append(f"{tx.word('symptoms', lang)}{_colon(lang)}{scrub(case.symptoms.strip())}")
    notes = scrub(case.notes.strip()) if case.notes.strip() else ""
    return Slide("title", title, bullets, notes=notes)


def film_slides(pf: PreparedFilm, layers: Layers | None = None) -> list[Slide]:
    """The clean and the annotated slide of a film; ``layers``: what the annotated one shows
    (the user's choice for the burned-in films; its caption is the slide's own text box)."""
    lang = pf.lang
    shown = replace(layers, caption=False) if layers is not None else None
    head = f"{tx.word('case', lang)} {pf.case_number} · {tx.root_label(pf.root, lang)}"
    notes = "\n".join(pf.notes())
    clean = with_caption(Slide("film_clean", head, image=encode_slide_image(pf.image(annotated=False, panel=True)),
                                notes=notes), pf.short_caption)
    accent = None
    if pf.verdict is not None:
        from annotator.render import style

        accent = style.status_color(pf.verdict.status)
    revealed = Slide("film_annotated", head,
                     image=encode_slide_image(pf.image(annotated=True, layers=shown, panel=True)),
                     notes=notes, accent=accent)
    return [clean, with_caption(revealed, pf.caption)]


def with_caption(slide: Slide, caption: str) -> Slide:
    """``slide`` with ``caption`` fitted to the caption box; when even the smallest size cannot
    hold it, the box ends with "…" and the speaker notes start with the whole caption."""
    slide.caption = caption
    slide.caption_lines, slide.caption_pt, cut = fit_caption(caption, slide_lang(slide))
    if cut:
        slide.notes = caption + ("\n" + slide.notes if slide.notes else "")
    return slide


def slide_lang(slide: Slide) -> str:
    return "zh" if any("\u4e00" <= ch <= "\u9fff" for ch in slide.caption + slide.title) else "en"


def _width(s: str, font: str, size: float) -> float:
    from reportlab.pdfbase.pdfmetrics import stringWidth

    return float(stringWidth(s, font, size))


def fit_caption(text: str, lang: str, box: tuple[float, float, float, float] | None = None
                ) -> tuple[list[str], float, bool]:
    """(lines, font size in pt, truncated) of ``text`` in ``box`` (default ``CAPTION_BOX``, inches):
    the largest size from ``CAPTION_PT`` down to ``CAPTION_MIN_PT`` at which the wrapped lines
    fit (line height ``LINE_SPACING`` x size; width measured with the export font, with a margin
    for the PPTX viewer's own font); at the floor, cut with an ellipsis."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    from annotator.export.fonts import reportlab_font
    from annotator.export.text_layout import wrap_text

    _x, _y, w_in, h_in = box or CAPTION_BOX
    font = reportlab_font(lang)
    width = w_in * 72 * CAPTION_WIDTH_MARGIN
    size = float(CAPTION_PT)
    while True:
        lines = wrap_text(text, functools.partial(_width, font=font, size=size), width)
        fits = int((h_in * 72 - CAPTION_INSET_PT) // (size * LINE_SPACING))
        if len(lines) <= fits:
            return lines, size, False
        if size <= CAPTION_MIN_PT:
            break
        size = max(float(CAPTION_MIN_PT), size - 1.0)
    kept = lines[:max(1, fits)]
    last = kept[-1]
    while last and stringWidth(last + " …", font, size) > width:
        last = last[:-1]
    kept[-1] = last.rstrip() + " …"
    return kept, size, True


def evaluate_summary(case: Case, config: Any) -> Any:
    """``annotator.rules.evaluate_case`` (the same judgement as ``check``); None if the rules cannot say."""
    try:
        from annotator.rules import evaluate_case

        return evaluate_case(case, config)
    except AnnotatorError:
        raise
    except Exception as exc:  # a rule bug must not stop a teaching export; say so in the log
        log.warning("rules could not summarise a case (%s): summary without conclusions", type(exc).__name__)
        return None


def _warning_bullets(rs: Any, lang: str) -> list[str]:
    seen: dict[str, bool] = {}
    for w in rs.all_warnings:
        seen.setdefault(w.message(lang), w.is_danger)
    return [f"    {'!!!' if danger else '!'} {msg}" for msg, danger in seen.items()]


def summary_slide(case: Case, number: int, lang: str, config: Any, scrub: Any,
                  films: Sequence[PreparedFilm]) -> Slide:
    """Findings, verdicts, position check, warnings, block result, conclusion and drugs per root.

    Position, cautions ("needle position not confirmed — …"), W3 and the
    responsible / possibly responsible levels come from
    ``annotator.rules.evaluate_case``, so the slide says what ``check`` says.
    The speaker notes carry the full ``check`` report.
    """
    c = _colon(lang)
    summary = evaluate_summary(case, config)
    by_root = {rs.root_id: rs for rs in summary.roots} if summary is not None else {}
    bullets: list[str] = []
    for root in case.roots:
        rs = by_root.get(root.id)
        bullets.append(f"{tx.word('root', lang)} {tx.root_label(root, lang)}")
        finds = list(dict.fromkeys(tx.finding_text(f, lang, config) for f in root.findings if not f.suggested))
        bullets.append(f"    {tx.word('findings', lang)}{c}{_sep(lang).join(finds) or tx.word('none', lang)}")
        verdicts = [f"{pf.label} {tx.status_label(pf.verdict.status, lang)}"
                    for pf in films if pf.root is root and pf.verdict is not None]
        if verdicts:
            bullets.append(f"    {tx.word('verdict', lang)}{c}{_sep(lang).join(verdicts)}")
        if rs is not None:
            bullets.append(f"    {rs.position_text(lang)}")
            bullets += _warning_bullets(rs, lang)
        bullets.append(f"    {tx.word('block', lang)}{c}{tx.block_label(root.block_result.value, lang)}")
        if root.concordance.value != "not_assessed":
            bullets.append(f"    {tx.word('concordance', lang)}{c}"
                           f"{tx.concordance_label(root.concordance.value, lang)}")
        if rs is not None:
            conclusion = rs.conclusion_only(lang)
        else:
            conclusion = tx.conclusion_label(root.block_result.value, lang)
            if root.concordance.value == "no":
                conclusion += _sep(lang) + tx.concordance_label("no", lang)
        bullets.append(f"    {tx.word('conclusion', lang)}{c}{conclusion}")
        doses = [tx.dose_text(d, lang, config) for d in root.drugs]
        bullets.append(f"    {tx.word('drugs', lang)}{c}{_sep(lang).join(doses) or tx.word('none', lang)}")
    if summary is not None:
        bullets.append(summary.headline(lang))
    notes = [scrub(t) for r in case.roots for t in (r.notes.strip(), r.adjustments.strip()) if t]
    for root in case.roots:  # the findings and verdicts of every root, also when check says no more
        finds = [tx.finding_with_note(f, lang, config, scrub) for f in root.findings if not f.suggested]
        verdicts = [f"{pf.label} {tx.status_label(pf.verdict.status, lang)}"
                    for pf in films if pf.root is root and pf.verdict is not None]
        notes.append(f"{tx.root_label(root, lang)}{c}{tx.word('findings', lang)}{c}"
                     f"{_sep(lang).join(finds) or tx.word('none', lang)}")
        if verdicts:
            notes.append(f"{tx.root_label(root, lang)}{c}{tx.word('verdict', lang)}{c}{_sep(lang).join(verdicts)}")
    if summary is not None:
        from annotator.rules.report import case_summary_lines

        notes += [line for line in case_summary_lines(summary, lang) if line.strip()]
    return Slide("summary", f"{tx.word('case', lang)} {number}{c}{tx.word('summary', lang)}", bullets,
                 notes="\n".join(notes))


def case_slides(case: Case, number: int, films: Sequence[PreparedFilm], lang: str, config: Any,
                scrub: Any, identified: bool, layers: Layers | None = None) -> list[Slide]:
    """Title, clean + annotated slide per film, summary: the slides of one case (``layers``:
    what the annotated slides show, as for the burned-in films)."""
    slides = [title_slide(case, number, lang, scrub, identified)]
    for pf in films:
        slides += film_slides(pf, layers)
    slides.append(summary_slide(case, number, lang, config, scrub, films))
    return slides


# Shared layout, inches from the top-left corner of a 16:9 slide.
BACKGROUND = (16, 16, 16)
FOREGROUND = (240, 240, 240)
MUTED = (170, 170, 170)
TITLE_BOX = (0.5, 0.25, 12.3, 0.8)
IMAGE_AREA = (0.5, 1.1, 12.3, 5.25)
CAPTION_BOX = (0.5, 6.45, 12.3, 0.9)
BODY_BOX = (0.8, 1.3, 11.7, 5.8)
TITLE_PT, BODY_PT, CAPTION_PT = 28, 20, 16
BODY_KINDS = ("summary", "contents")  # slides of a title and a body of bullets
QUESTION_BOX = (0.8, 2.0, 11.7, 1.4)  # a quiz question slide: the question, then the choices
CHOICES_BOX = (0.8, 3.6, 11.7, 3.4)
QUESTION_PT = 40
CAPTION_MIN_PT = 10  # smallest caption size before it is cut (the full caption goes to the notes)
LINE_SPACING = 1.3  # line height / font size, both writers
CAPTION_WIDTH_MARGIN = 0.94  # PowerPoint measures with its own font: room for a slightly wider one
CAPTION_INSET_PT = 7.2  # a PowerPoint text box's top and bottom insets (0.05 in each)


def fit_image(width: int, height: int, area: tuple[float, float, float, float] = IMAGE_AREA
              ) -> tuple[float, float, float, float]:
    """(x, y, w, h) in inches: the image scaled to fit ``area``, centred."""
    ax, ay, aw, ah = area
    s = min(aw / width, ah / height)
    w, h = width * s, height * s
    return ax + (aw - w) / 2, ay + (ah - h) / 2, w, h


def body_size(lines: int) -> int:
    """Body font size (pt) so ``lines`` lines fit the body box."""
    fit = int(BODY_BOX[3] * 72 / (max(1, lines) * 1.35))
    return max(10, min(BODY_PT, fit))
