"""The leak check reads the text drawn on PDF pages, not only the document information."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotator.errors import ExportError
from annotator.export.case_export import export_case
from annotator.export.deck import Deck, Slide
from annotator.export.deid import IdentityScrubber, text_parts
from annotator.export.fonts import find_font
from annotator.export.pdf_text import PdfTextError, page_texts
from annotator.export.slides_pdf import write_pdf
from tests.unit.test_export_fixtures import make_case

needs_cjk = pytest.mark.skipif(find_font(True) is None, reason="no CJK font installed (fonts-wqy-microhei)")


@pytest.mark.parametrize("lang", ["en", pytest.param("zh", marks=needs_cjk)])
def test_unscrubbed_page_text_is_caught(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, lang: str) -> None:
    """With scrubbing switched off, the name is only in the page text (captions, symptoms): found."""
    case = make_case(tmp_path / "c", n_films=1)
    monkeypatch.setattr(IdentityScrubber, "scrub", lambda self, text: text)  # a scrubber bug
    out = tmp_path / "out"
    # the free-text check would list the names first; confirmed (wrongly), the page text check remains
    with pytest.raises(ExportError, match="identity found"):
        export_case(case, tmp_path / "c", pdf=out / "d.pdf", lang=lang, confirm_text=True)
    assert not out.exists()


@needs_cjk
def test_page_text_of_many_glyph_subsets_comes_back_whole(tmp_path: Path) -> None:
    """More than one font subset (reportlab switches every 128 glyphs), Chinese, brackets, backslash."""
    many = "".join(chr(0x4E00 + 7 * i) for i in range(300))  # 300 distinct CJK characters
    caption = f"{many}张三 (Zzyzx) \\ 2023年11月17日"
    deck = Deck("Teaching deck", "zh", [Slide("summary", "病例 1", [caption])])
    write_pdf(deck, tmp_path / "d.pdf")
    text = "".join("".join(page_texts((tmp_path / "d.pdf").read_bytes())).split("\n"))
    assert caption.replace(" ", "") in text.replace(" ", "")
    leaks = IdentityScrubber(["张三", "Zzyzx"]).find_leaks(text_parts(tmp_path / "d.pdf"))
    assert sorted(leaks) == ["Zzyzx", "张三"]


def test_text_in_a_font_without_unicode_map_is_not_passed_unread() -> None:
    content = b"BT /F9 12 Tf (secret) Tj ET"
    pdf = (b"%PDF-1.4\n1 0 obj\n<< /Type /Page /Resources << /Font << /F9 2 0 R >> >> /Contents 3 0 R >>\nendobj\n"
           b"2 0 obj\n<< /Type /Font /Subtype /TrueType /BaseFont /ABCDEF+Mystery >>\nendobj\n"
           + f"3 0 obj\n<< /Length {len(content)} >>\nstream\n".encode() + content
           + b"\nendstream\nendobj\n%%EOF\n")
    with pytest.raises(PdfTextError):
        page_texts(pdf)
