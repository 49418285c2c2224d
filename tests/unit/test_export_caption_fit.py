"""A very long caption stays on the slide: smaller, then cut with an ellipsis, whole in the notes."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from annotator.export.case_export import export_case
from annotator.export.deck import CAPTION_MIN_PT, SLIDE_H_IN, SLIDE_W_IN
from annotator.export.fonts import find_font
from tests.unit.test_export_fixtures import make_case

needs_cjk = pytest.mark.skipif(find_font(True) is None, reason="no CJK font installed (fonts-wqy-microhei)")
LONG = {"en": "contrast along the L5 root sheath to the axilla, then proximal spread into the lateral recess " * 12,
        "zh": "造影剂沿L5神经根鞘流动至腋部，随后向近端扩散至侧隐窝，神经根显影清晰，" * 12}


def _caption_case(folder: Path, lang: str):
    case = make_case(folder, n_films=1)
    case.roots[0].films[0].caption = LONG[lang].strip()
    return case


@pytest.mark.parametrize("lang", ["en", pytest.param("zh", marks=needs_cjk)])
def test_long_caption_fits_the_pptx_slide(tmp_path: Path, lang: str) -> None:
    from pptx import Presentation

    export_case(_caption_case(tmp_path / "c", lang), tmp_path / "c", pptx=tmp_path / "d.pptx", lang=lang)
    prs = Presentation(str(tmp_path / "d.pptx"))
    slide = list(prs.slides)[2]  # the annotated slide: caption with the long sentence
    box = max((s for s in slide.shapes if s.has_text_frame), key=lambda s: len(s.text_frame.text))
    assert box.left >= 0 and box.top >= 0
    assert box.left + box.width <= prs.slide_width and box.top + box.height <= prs.slide_height
    assert abs(prs.slide_width - SLIDE_W_IN * 914400) < 1000
    sizes = {r.font.size.pt for p in box.text_frame.paragraphs for r in p.runs}
    (size,) = sizes
    assert size >= CAPTION_MIN_PT
    lines = len(box.text_frame.paragraphs)
    assert lines * size * 1.2 + 7.2 <= box.height.pt  # the lines fit the box at PowerPoint's line height
    assert box.text_frame.text.endswith("…")
    notes = slide.notes_slide.notes_text_frame.text
    assert LONG[lang].strip()[:200] in notes.replace("\n", " ")  # the whole caption is in the notes


@pytest.mark.parametrize("lang", ["en", pytest.param("zh", marks=needs_cjk)])
def test_long_caption_stays_on_the_pdf_page(tmp_path: Path, lang: str) -> None:
    pdftotext = shutil.which("pdftotext")
    if pdftotext is None:
        if os.environ.get("CI"):
            pytest.fail("pdftotext (poppler-utils) is not installed on CI")
        pytest.skip("pdftotext (poppler-utils) is not installed")
    export_case(_caption_case(tmp_path / "c", lang), tmp_path / "c", pdf=tmp_path / "d.pdf", lang=lang)
    html = subprocess.run([pdftotext, "-bbox", "-f", "3", "-l", "3", str(tmp_path / "d.pdf"), "-"],
                          capture_output=True, text=True, check=True).stdout
    words = re.findall(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>', html)
    assert len(words) > 5
    for x0, y0, x1, y1, w in words:
        assert 0 <= float(x0) and float(x1) <= SLIDE_W_IN * 72 + 0.5, w
        assert 0 <= float(y0) and float(y1) <= SLIDE_H_IN * 72 + 0.5, w  # nothing below the page
    assert "…" in words[-1][4] or any("…" in w for *_, w in words)
