"""The deck's summary slide says what ``check`` says: position, cautions, W3, possibly responsible roots."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotator.export.case_export import export_case
from annotator.model import BlockResult, Finding
from annotator.rules import evaluate_case
from tests.unit.test_export_fixtures import make_case

# hard-coded wording (annotator/rules/messages.py, rules/data/warnings.json): the test must not just echo the code
EXPECTED = {
    "en": ("caution: needle position not confirmed — interpret the block with care",
           "needle position not confirmed",
           "Intravascular contrast — reposition before injecting any drug.",
           "Possibly responsible: right L5."),
    "zh": ("注意：针尖位置未确认 —— 阻滞结果需谨慎解读",
           "针尖位置未确认",
           "造影剂入血 —— 注射任何药物前请调整针尖位置。",
           "可能的责任节段：右 L5。"),
}


def _summary_and_notes(path: Path) -> tuple[str, str]:
    from pptx import Presentation

    slide = list(Presentation(str(path)).slides)[-1]
    text = "\n".join(s.text_frame.text for s in slide.shapes if s.has_text_frame)
    return text, slide.notes_slide.notes_text_frame.text


def _unconfirmed_case(folder: Path):
    case = make_case(folder, n_films=1)
    root = case.roots[0]
    root.findings = [f for f in root.findings if f.code != "tip_in_sheath"]  # position cannot be confirmed
    root.findings.append(Finding("intravascular", value="venous"))
    root.block_result = BlockResult.PARTIAL
    return case


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_summary_slide_carries_the_caution_w3_and_possible_root(tmp_path: Path, lang: str) -> None:
    case = _unconfirmed_case(tmp_path / "c")
    assert not evaluate_case(case).roots[0].position_confirmed
    out = tmp_path / f"{lang}.pptx"
    export_case(case, tmp_path / "c", pptx=out, lang=lang)
    summary, notes = _summary_and_notes(out)
    caution, position, w3, possible = EXPECTED[lang]
    for text in (caution, position, w3, possible):
        assert text in summary, f"{text!r} missing from the summary slide:\n{summary}"
        assert text in notes, f"{text!r} missing from the summary notes:\n{notes}"
    assert ("Responsible level(s)" if lang == "en" else "责任节段：右") not in summary.replace(possible, "")


def test_summary_of_a_confirmed_case_has_no_caution(tmp_path: Path) -> None:
    case = make_case(tmp_path / "c", n_films=1)
    assert evaluate_case(case).roots[0].position_confirmed
    out = tmp_path / "en.pptx"
    export_case(case, tmp_path / "c", pptx=out)
    summary, _ = _summary_and_notes(out)
    assert "caution" not in summary and "needle position confirmed" in summary
    assert "Responsible level(s): right L5." in summary


def test_notes_carry_the_roots_findings_and_verdicts(tmp_path: Path) -> None:
    """tip_in_sheath is tagged on the root, on no film: film and summary notes still name it."""
    from pptx import Presentation

    case = make_case(tmp_path / "c", n_films=2)
    out = tmp_path / "en.pptx"
    export_case(case, tmp_path / "c", pptx=out)
    slides = list(Presentation(str(out)).slides)
    film_notes = slides[2].notes_slide.notes_text_frame.text
    assert "Findings (right L5): tip confirmed in the root sheath" in film_notes
    summary_notes = slides[-1].notes_slide.notes_text_frame.text
    assert "right L5: Findings: " in summary_notes and "tip confirmed in the root sheath" in summary_notes
    assert "(pedicle / lateral recess) — seen by [removed]" in summary_notes  # site and (scrubbed) note
    assert "right L5: Tip position: 1A " in summary_notes and "; 1B " in summary_notes


def test_chinese_deck_makes_the_generated_parts_of_an_english_caption_chinese(tmp_path: Path) -> None:
    from pptx import Presentation

    case = make_case(tmp_path / "c", n_films=1)
    case.roots[0].films[0].caption = "Fig 7A (intraoperative AP film): contrast along the root sheath"
    out = tmp_path / "zh.pptx"
    export_case(case, tmp_path / "c", pptx=out, lang="zh")
    slides = list(Presentation(str(out)).slides)

    def texts(slide) -> list[str]:
        return [s.text_frame.text for s in slide.shapes if s.has_text_frame]

    assert "图7A（术中正位片，注射造影剂后）" in texts(slides[1])  # clean slide: the head only, in Chinese
    assert "图7A（术中正位片，注射造影剂后）：contrast along the root sheath" in texts(slides[2])  # user's words kept


def test_a_complete_caption_without_a_colon_keeps_its_sentence_in_the_other_language(tmp_path: Path) -> None:
    from pptx import Presentation

    case = make_case(tmp_path / "c", n_films=1)
    case.roots[0].films[0].caption = "Figure 12 shows contrast along the L5 sleeve."
    out = tmp_path / "zh.pptx"
    export_case(case, tmp_path / "c", pptx=out, lang="zh")
    annotated = list(Presentation(str(out)).slides)[2]
    text = "\n".join(s.text_frame.text for s in annotated.shapes if s.has_text_frame)
    assert "contrast along the L5 sleeve" in text
