"""Lecture decks from many cases: title, contents, a section per case, quiz mode, notes, en/zh, deid."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest

from annotator.errors import ExportError
from annotator.export.case_export import export_cases
from annotator.export.fonts import find_font
from annotator.export.lecture import LectureOptions
from tests.unit.test_export_fixtures import PLANTED, make_case

pytestmark = pytest.mark.filterwarnings("ignore::UserWarning:highdicom")


@pytest.fixture
def cases(tmp_path: Path):
    a = make_case(tmp_path / "a", n_films=2)
    b = make_case(tmp_path / "b", n_films=1)
    return [(a, tmp_path / "a"), (b, tmp_path / "b")]


def _slides(path: Path):
    from pptx import Presentation

    return list(Presentation(str(path)).slides)


def _text(slide) -> str:
    return "\n".join(s.text_frame.text for s in slide.shapes if s.has_text_frame)


def _has_picture(slide) -> bool:
    return any(s.shape_type == 13 for s in slide.shapes)


def _sections(path: Path) -> list[tuple[str, int]]:
    xml = zipfile.ZipFile(path).read("ppt/presentation.xml").decode()
    out = []
    for m in re.finditer(r'<p14:section name="([^"]*)"[^>]*>(.*?)</p14:section>', xml):
        out.append((m.group(1), m.group(2).count("<p14:sldId ")))
    return out


def test_lecture_deck_has_title_contents_and_a_section_per_case(tmp_path: Path, cases) -> None:
    out = tmp_path / "lecture.pptx"
    export_cases(cases, pptx=out, pdf=tmp_path / "lecture.pdf",
                 lecture=LectureOptions(title="Failed S1 blocks"))
    slides = _slides(out)
    # title, contents, then per case: title + clean/annotated per film + summary
    assert len(slides) == 2 + (1 + 2 * 2 + 1) + (1 + 2 * 1 + 1)
    assert "Failed S1 blocks" in _text(slides[0]) and "2 cases" in _text(slides[0])
    contents = _text(slides[1])
    assert "Contents" in contents and "Case 1: right L5" in contents and "Case 2: right L5" in contents
    assert [_has_picture(s) for s in slides[2:8]] == [False, True, True, True, True, False]
    assert _sections(out) == [("Failed S1 blocks", 2), ("Case 1", 6), ("Case 2", 4)]
    notes = slides[2].notes_slide.notes_text_frame.text
    assert "Case record" in notes and "70-year-old man" in notes and "Block result: complete block" in notes
    assert "dexamethasone 5 mg" in notes
    pdf = (tmp_path / "lecture.pdf").read_bytes()
    assert re.search(rb"/Count %d\b" % len(slides), pdf)  # the page tree: one page per slide
    assert b"/Outlines" in pdf and all(t in pdf for t in (b"(Failed S1 blocks)", b"(Case 1)", b"(Case 2)"))


def test_quiz_mode_asks_then_answers(tmp_path: Path, cases) -> None:
    out = tmp_path / "quiz.pptx"
    export_cases(cases, pptx=out, lecture=LectureOptions(quiz=True, contents=False))
    slides = _slides(out)
    texts = [_text(s) for s in slides]
    assert "quiz" in texts[0] and "Contents" not in "".join(texts)
    # case 1: title, (question, answer) x 2 films, root question, summary
    q1, a1 = texts[2], texts[3]
    assert "Is the tip on target?" in q1 and _has_picture(slides[2])
    assert "Answer" in a1 and _has_picture(slides[3])
    assert re.search(r"Answer: (on target|near target|off target|insufficient)", a1)
    assert "Fig 1A" in q1 and "after contrast):" not in q1  # the question keeps the caption back
    root_q = texts[6]
    assert "Which root is responsible?" in root_q and "A. right L5" in root_q and not _has_picture(slides[6])
    assert "Answer — Case 1: Case summary" in texts[7] and "Responsible level(s): right L5" in texts[7]


def test_lecture_is_de_identified_in_every_case(tmp_path: Path, cases) -> None:
    out = tmp_path / "quiz.pptx"
    export_cases(cases, pptx=out, lecture=LectureOptions(quiz=True, title="Lecture"))
    with zipfile.ZipFile(out) as z:
        text = " ".join(z.read(n).decode("utf-8", "replace") for n in z.namelist() if n.endswith(".xml"))
    assert [p for p in PLANTED if p.lower() in text.lower()] == []


def test_a_leak_in_one_case_exports_nothing(tmp_path: Path, cases, monkeypatch: pytest.MonkeyPatch) -> None:
    import annotator.export.deid as deid

    monkeypatch.setattr(deid.IdentityScrubber, "scrub", lambda self, text: text)  # a scrubber bug
    with pytest.raises(ExportError, match="identity found"):
        export_cases(cases, pptx=tmp_path / "o" / "q.pptx", pdf=tmp_path / "o" / "q.pdf",
                     lecture=LectureOptions(quiz=True), confirm_text=True)  # past the free-text check
    assert not (tmp_path / "o" / "q.pptx").exists() and not (tmp_path / "o" / "q.pdf").exists()


@pytest.mark.skipif(find_font(True) is None, reason="no CJK font installed (fonts-wqy-microhei)")
def test_chinese_quiz(tmp_path: Path, cases) -> None:
    out = tmp_path / "zh.pptx"
    export_cases(cases, pptx=out, lang="zh", lecture=LectureOptions(quiz=True))
    texts = [_text(s) for s in _slides(out)]
    assert "教学讲座" in texts[0] and "目录" in texts[1]
    assert "针尖是否到位？" in texts[3] and "答案" in texts[4] and "哪一支是责任神经根？" in texts[7]
    assert _sections(out)[1][0] == "病例 1"
