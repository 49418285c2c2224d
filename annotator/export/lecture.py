"""A lecture deck from many cases: title, contents, one section per case, optional quiz mode.

Built from the same parts as the teaching deck (``deck.py``): per case its
title slide opens the case's section, then its films (clean, then annotated),
then the summary. In quiz mode each film is first shown clean with a question
("Is the tip on target?" when the rules judge that film, otherwise "What does
the contrast show?"), then the answer slide shows the annotated film with the
verdict; before the summary a question slide asks "Which root is responsible?"
(the tested roots as choices) and the summary is its answer. Speaker notes of a
case's title slide carry the case record (patient age band and sex, symptoms,
roots and technique, drugs, block results) -- scrubbed like every other text.

De-identification and the all-or-nothing writing are those of
``case_export.export_cases`` (``lecture=LectureOptions(...)`` there).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from annotator.export import deck as dk
from annotator.export import text as tx
from annotator.export.films import PreparedFilm
from annotator.model import Case

_WORDS = {
    "en": {
        "lecture": "Lecture", "contents": "Contents", "quiz": "Quiz", "answer": "Answer",
        "tip_question": "Is the tip on target?", "contrast_question": "What does the contrast show?",
        "root_question": "Which root is responsible?", "cases": "cases", "quiz_mode": "quiz",
        "record": "Case record", "technique": "Technique", "approach": "Approach", "needle": "Needle",
    },
    "zh": {
        "lecture": "教学讲座", "contents": "目录", "quiz": "提问", "answer": "答案",
        "tip_question": "针尖是否到位？", "contrast_question": "造影表现如何？",
        "root_question": "哪一支是责任神经根？", "cases": "个病例", "quiz_mode": "提问模式",
        "record": "病例记录", "technique": "操作", "approach": "入路", "needle": "穿刺针",
    },
}


def word(key: str, lang: str) -> str:
    return _WORDS[lang][key]


@dataclass(frozen=True)
class LectureOptions:
    """``title``: the lecture's title ('' = "Lecture"); ``quiz``: question then answer slides;
    ``contents``: a contents slide after the title."""

    title: str = ""
    quiz: bool = False
    contents: bool = True


def _colon(lang: str) -> str:
    return "：" if lang == "zh" else ": "


def case_topic(case: Case, lang: str, config: Any) -> str:
    """"right L4 — bench sign (root lifted); ..." for the contents slide (no identity: roots and
    the findings vocabulary only)."""
    roots = ", ".join(tx.root_label(r, lang) for r in case.roots) or "—"
    finds = list(dict.fromkeys(tx.finding_label(f.code, lang, config) for r in case.roots for f in r.findings
                               if not f.suggested and f.code not in ("injection_resistance", "tip_in_sheath")))
    sep = "；" if lang == "zh" else "; "
    return f"{roots} — {sep.join(finds[:3])}" if finds else roots


def case_record(case: Case, lang: str, config: Any, scrub: Callable[[str], str]) -> list[str]:
    """Speaker-note lines of a case record (what was done and what came of it)."""
    c = _colon(lang)
    lines = [word("record", lang)]
    who = tx.age_sex(case, lang)
    if who:
        lines.append(who)
    if case.symptoms.strip():
        lines.append(f"{tx.word('symptoms', lang)}{c}{scrub(case.symptoms.strip())}")
    for root in case.roots:
        parts = [f"{word('technique', lang)} {root.technique.value}"]
        if root.approach.value != "unknown":
            parts.append(f"{word('approach', lang)} {root.approach.value}")
        needle = " ".join(x for x in (root.needle_type.strip(), root.needle_gauge.strip()) if x)
        if needle:
            parts.append(f"{word('needle', lang)} {scrub(needle)}")
        doses = "; ".join(tx.dose_text(d, lang, config) for d in root.drugs) or tx.word("none", lang)
        lines.append(f"{tx.root_label(root, lang)}{c}{', '.join(parts)}; {tx.word('drugs', lang)}{c}{doses}; "
                     f"{tx.word('block', lang)}{c}{tx.block_label(root.block_result.value, lang)}")
    return lines


def _question(title: str, question: str, bullets: list[str], section: str) -> dk.Slide:
    return dk.Slide("question", title, bullets, caption=question, section=section)


def _quiz_film(pf: PreparedFilm, section: str) -> list[dk.Slide]:
    clean, annotated = dk.film_slides(pf)
    lang = pf.lang
    ask = word("tip_question", lang) if pf.verdict is not None else word("contrast_question", lang)
    clean.title = f"{clean.title} · {word('quiz', lang)}{_colon(lang)}{ask}"
    answer = f"{word('answer', lang)}{_colon(lang)}"
    if pf.verdict is not None:  # the verdict's full explanation is in the speaker notes (pf.notes)
        answer += tx.status_label(pf.verdict.status, lang)
        if pf.verdict.distance is not None:
            answer += f" ({pf.verdict.distance:.1f} {pf.verdict.unit})"
        answer += "。" if lang == "zh" else ". "
    annotated.title = f"{annotated.title} · {word('answer', lang)}"
    annotated = dk.with_caption(annotated, answer + pf.caption)
    clean.section = annotated.section = section
    return [clean, annotated]


def lecture_slides(items: Sequence[tuple[Case, Any]], prepared: Sequence[Sequence[PreparedFilm]], lang: str,
                   config: Any, scrub: Callable[[str], str], identified: bool, options: LectureOptions
                   ) -> list[dk.Slide]:
    """Every slide of the lecture (see the module docstring)."""
    title = options.title.strip() or word("lecture", lang)
    n = len(items)
    sub = [f"{n}{word('cases', lang)}" if lang == "zh" else f"{n} {word('cases', lang)}"]
    if options.quiz:
        sub.append(word("quiz_mode", lang))
    slides = [dk.Slide("title", title, sub, section=title)]
    if options.contents:
        bullets = [f"{tx.word('case', lang)} {i}{_colon(lang)}{case_topic(case, lang, config)}"
                   for i, (case, _f) in enumerate(items, start=1)]
        slides.append(dk.Slide("contents", word("contents", lang), bullets, section=title))
    for number, ((case, _folder), films) in enumerate(zip(items, prepared), start=1):
        section = f"{tx.word('case', lang)} {number}"
        head = dk.title_slide(case, number, lang, scrub, identified)
        record = "\n".join(case_record(case, lang, config, scrub))
        head.notes = record + ("\n" + head.notes if head.notes else "")
        head.section = section
        slides.append(head)
        if options.quiz:
            for pf in films:
                slides += _quiz_film(pf, section)
            choices = [f"{chr(ord('A') + i)}. {tx.root_label(r, lang)}" for i, r in enumerate(case.roots)]
            slides.append(_question(f"{section} · {word('quiz', lang)}", word("root_question", lang), choices,
                                    section))
        else:
            for pf in films:
                for s in dk.film_slides(pf):
                    s.section = section
                    slides.append(s)
        summary = dk.summary_slide(case, number, lang, config, scrub, films)
        if options.quiz:
            summary.title = f"{word('answer', lang)} — {summary.title}"
        summary.section = section
        slides.append(summary)
    return slides
