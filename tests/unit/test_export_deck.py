"""Teaching decks: slide order, captions, notes, Chinese glyphs in PPTX and PDF, clean properties."""

from __future__ import annotations

import os
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest

from annotator.errors import ExportError
from annotator.export.case_export import ExportCancelled, export_case, export_cases
from annotator.export.fonts import PPTX_EA_FONT, find_font
from tests.unit.test_export_fixtures import make_case

needs_cjk = pytest.mark.skipif(find_font(True) is None, reason="no CJK font installed (fonts-wqy-microhei)")


def _poppler(tool: str) -> str:
    path = shutil.which(tool)
    if path is None:
        if os.environ.get("CI"):  # CI installs poppler-utils: missing there is a broken CI, not a skip
            pytest.fail(f"{tool} (poppler-utils) is not installed on CI")
        pytest.skip(f"{tool} (poppler-utils) is not installed")
    return path


@pytest.fixture
def two_cases(tmp_path: Path):
    a = make_case(tmp_path / "a", n_films=2)
    b = make_case(tmp_path / "b", n_films=1)
    return [(a, tmp_path / "a"), (b, tmp_path / "b")]


def _slides(path: Path):
    from pptx import Presentation

    return list(Presentation(str(path)).slides)


def _texts(slide) -> list[str]:
    return [s.text_frame.text for s in slide.shapes if s.has_text_frame]


def test_deck_structure_for_several_cases(tmp_path: Path, two_cases) -> None:
    out = tmp_path / "deck.pptx"
    export_cases(two_cases, pptx=out)
    slides = _slides(out)
    # per case: title + (clean, annotated) per film + summary
    assert len(slides) == (1 + 2 * 2 + 1) + (1 + 2 * 1 + 1)
    kinds = ["title", "clean", "annotated", "clean", "annotated", "summary", "title", "clean", "annotated",
             "summary"]
    for slide, kind in zip(slides, kinds):
        pics = [s for s in slide.shapes if s.shape_type == 13]
        assert bool(pics) == (kind in ("clean", "annotated"))
    title = " ".join(_texts(slides[0]))
    assert "Case 1: right L5" in title and "70-year-old man" in title and "Symptoms: right leg pain" in title
    clean, revealed = " ".join(_texts(slides[1])), " ".join(_texts(slides[2]))
    assert "Fig 1A (intraoperative AP film, after contrast)" in clean
    assert clean.strip().endswith("after contrast)")  # the clean slide keeps the answer back
    assert revealed.startswith("Case 1") and "Fig 1A (intraoperative AP film, after contrast): " in revealed
    assert "Fig 1B (intraoperative lateral film, after contrast)" in " ".join(_texts(slides[3]))
    assert "Fig 2A" in " ".join(_texts(slides[7]))
    summary = "\n".join(_texts(slides[5]))
    for words in ("Findings: contrast", "Block result: complete block", "Conclusion: responsible root confirmed",
                  "lidocaine 0.5 %, 2 ml", "dexamethasone 5 mg", "Responsible level(s): right L5"):
        assert words in summary
    notes = slides[2].notes_slide.notes_text_frame.text
    assert "Tip position:" in notes and "Findings:" in notes


def test_user_figure_label_is_kept(tmp_path: Path) -> None:
    case = make_case(tmp_path / "c", n_films=1)
    case.roots[0].films[0].figure_label = "7A"
    export_case(case, tmp_path / "c", pptx=tmp_path / "d.pptx")
    assert any("Fig 7A (" in t for t in _texts(_slides(tmp_path / "d.pptx")[2]))


@needs_cjk
def test_chinese_pptx_names_an_east_asian_font(tmp_path: Path) -> None:
    case = make_case(tmp_path / "c", n_films=1)
    export_case(case, tmp_path / "c", pptx=tmp_path / "zh.pptx", lang="zh")
    slides = _slides(tmp_path / "zh.pptx")
    assert "病例 1：右L5" in " ".join(_texts(slides[0]))
    assert "70岁男性" in " ".join(_texts(slides[0]))
    assert "图1A（术中正位片，注射造影剂后）" in " ".join(_texts(slides[1]))
    summary = " ".join(_texts(slides[-1]))
    assert "阻滞结果：完全阻滞" in summary and "利多卡因" in summary
    runs = [r for s in slides for sh in s.shapes if sh.has_text_frame
            for p in sh.text_frame.paragraphs for r in p.runs]
    assert runs
    for r in runs:
        ea = r._r.rPr.find("{http://schemas.openxmlformats.org/drawingml/2006/main}ea")
        assert ea is not None and ea.get("typeface") == PPTX_EA_FONT


@needs_cjk
def test_chinese_pdf_embeds_font_and_text_comes_back(tmp_path: Path) -> None:
    pdftotext, pdffonts = _poppler("pdftotext"), _poppler("pdffonts")
    case = make_case(tmp_path / "c", n_films=2)
    pdf = tmp_path / "zh.pdf"
    export_case(case, tmp_path / "c", pdf=pdf, lang="zh")
    text = subprocess.run([pdftotext, str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    for s in ("病例 1：右L5", "70岁男性", "图1A（术中正位片，注射造影剂后）", "阻滞结果：完全阻滞", "地塞米松 5 mg"):
        assert s in text
    fonts = subprocess.run([pdffonts, str(pdf)], capture_output=True, text=True, check=True).stdout
    used = [line for line in fonts.splitlines()[2:] if "TrueType" in line]
    assert used and all(" yes " in line for line in used)  # embedded (emb column)


def test_pdf_pages_render_and_metadata_is_clean(tmp_path: Path) -> None:
    pdftoppm, pdfinfo = _poppler("pdftoppm"), _poppler("pdfinfo")
    case = make_case(tmp_path / "c", n_films=1)
    pdf = tmp_path / "en.pdf"
    export_case(case, tmp_path / "c", pdf=pdf)
    subprocess.run([pdftoppm, "-r", "20", "-png", str(pdf), str(tmp_path / "page")], check=True)
    assert len(list(tmp_path.glob("page-*.png"))) == 4
    info = subprocess.run([pdfinfo, str(pdf)], capture_output=True, text=True, check=True).stdout
    fields = dict(line.split(":", 1) for line in info.splitlines() if ":" in line)
    assert fields["Author"].strip() == "" and fields["Subject"].strip() == ""
    assert "2000" in fields["CreationDate"]  # invariant date, not the day of the export


def test_pptx_core_properties_carry_nobody(tmp_path: Path) -> None:
    from pptx import Presentation

    case = make_case(tmp_path / "c", n_films=1)
    export_case(case, tmp_path / "c", pptx=tmp_path / "d.pptx")
    cp = Presentation(str(tmp_path / "d.pptx")).core_properties
    assert cp.author == "" and cp.last_modified_by == "" and cp.comments == ""
    assert cp.created.year == 2000 and cp.modified.year == 2000
    with zipfile.ZipFile(tmp_path / "d.pptx") as z:
        assert b"Steve Canny" not in z.read("docProps/core.xml")


def test_progress_reports_every_step_and_can_cancel(tmp_path: Path) -> None:
    case = make_case(tmp_path / "c", n_films=2)
    seen: list[tuple[int, int, str]] = []
    export_case(case, tmp_path / "c", pptx=tmp_path / "d.pptx", pdf=tmp_path / "d.pdf",
                progress=lambda d, t, m: seen.append((d, t, m)))
    assert [d for d, _, _ in seen] == list(range(len(seen)))
    assert all(t == 4 for _, t, _ in seen) and seen[-1][:2] == (4, 4)

    def cancel_at_writing(done: int, total: int, message: str) -> bool:
        return "PDF" not in message

    with pytest.raises(ExportCancelled):
        export_case(case, tmp_path / "c", pptx=tmp_path / "e.pptx", pdf=tmp_path / "e.pdf",
                    progress=cancel_at_writing)
    assert (tmp_path / "e.pptx").exists() and not (tmp_path / "e.pdf").exists()


def test_failed_write_leaves_no_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import annotator.export.slides_pdf as sp

    case = make_case(tmp_path / "c", n_films=1)

    def broken(*a, **k):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(sp, "_draw_slide", broken)
    with pytest.raises(RuntimeError):
        export_case(case, tmp_path / "c", pdf=tmp_path / "out" / "d.pdf")
    assert not (tmp_path / "out").exists()  # no file, and the folder the export made is gone too


def test_nothing_to_export_and_bad_language(tmp_path: Path) -> None:
    case = make_case(tmp_path / "c", n_films=1)
    with pytest.raises(ExportError):
        export_case(case, tmp_path / "c")
    with pytest.raises(ValueError):
        export_case(case, tmp_path / "c", pdf=tmp_path / "x.pdf", lang="fr")


def test_a_complete_user_caption_is_used_as_written(tmp_path: Path) -> None:
    case = make_case(tmp_path / "c", n_films=1)
    case.roots[0].films[0].caption = "Fig 7A (intraoperative AP film): contrast along the root sheath"
    export_case(case, tmp_path / "c", pptx=tmp_path / "d.pptx")
    slides = _slides(tmp_path / "d.pptx")
    assert "Fig 7A (intraoperative AP film)" in _texts(slides[1])  # clean: up to the colon
    assert "Fig 7A (intraoperative AP film): contrast along the root sheath" in _texts(slides[2])


def test_sample_cases_make_one_deck(tmp_path: Path, sample_copy: Path) -> None:
    from annotator.io.casefile import load_case

    folders = [sample_copy / "right_L5_on_target", sample_copy / "right_S1"]
    items = [(load_case(f / "case.json"), f) for f in folders]
    r = export_cases(items, pptx=tmp_path / "d.pptx", pdf=tmp_path / "d.pdf")
    n_films = sum(len(root.films) for case, _ in items for root in case.roots)
    assert len(_slides(tmp_path / "d.pptx")) == 2 * 2 + 2 * n_films
    assert [p.name for p in r.files] == ["d.pptx", "d.pdf"]


def test_chinese_without_a_cjk_font_is_a_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import annotator.export.fonts as fonts

    case = make_case(tmp_path / "c", n_films=1)
    monkeypatch.setattr(fonts, "find_font", lambda need_cjk=True: None)
    with pytest.raises(ExportError, match="Chinese font"):
        export_case(case, tmp_path / "c", pdf=tmp_path / "zh.pdf", lang="zh")
    assert not (tmp_path / "zh.pdf").exists()


@pytest.mark.slow
@needs_cjk
def test_libreoffice_opens_the_chinese_deck(tmp_path: Path) -> None:
    soffice = shutil.which("soffice")
    if soffice is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    pdftotext = _poppler("pdftotext")
    case = make_case(tmp_path / "c", n_films=1)
    export_case(case, tmp_path / "c", pptx=tmp_path / "zh.pptx", lang="zh")
    subprocess.run([soffice, "--headless", f"-env:UserInstallation=file://{tmp_path}/lo", "--convert-to", "pdf",
                    "--outdir", str(tmp_path / "lo-out"), str(tmp_path / "zh.pptx")],
                   check=True, capture_output=True, timeout=180)
    text = subprocess.run([pdftotext, str(tmp_path / "lo-out" / "zh.pdf"), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert "岁男性" in text and "阻滞结果：完全阻滞" in text  # LibreOffice spaces Latin runs apart


def test_clean_slide_shows_the_film_without_marks_and_the_reveal_with_them(tmp_path: Path) -> None:
    import io

    import numpy as np
    from PIL import Image

    case = make_case(tmp_path / "c", n_films=1)
    export_case(case, tmp_path / "c", pptx=tmp_path / "d.pptx")
    clean, revealed = (
        np.asarray(Image.open(io.BytesIO(s.image.blob)).convert("RGB")).astype(int)
        for slide in _slides(tmp_path / "d.pptx")[1:3] for s in slide.shapes if s.shape_type == 13)

    def coloured(px: np.ndarray) -> int:
        return int(((abs(px[..., 0] - px[..., 1]) > 40) | (abs(px[..., 1] - px[..., 2]) > 40)).sum())

    assert coloured(clean) == 0  # a grey film: no mark, zone, verdict or legend on the clean slide
    assert coloured(revealed) > 500  # the reveal has them
