"""Burned-in text: every character has a glyph, boxes never overlap, words are not broken."""

from __future__ import annotations

import functools
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw

from annotator.export.burn_in import Layers, burn_film
from annotator.export.case_export import export_case
from annotator.export.fonts import find_font
from annotator.export.text_layout import wrap_text
from annotator.model import Annotation, Film, Role, ShapeKind, View
from annotator.rules.verdict import RuleWarning, Verdict
from tests.unit.test_export_fixtures import spy_drawn_text

needs_cjk = pytest.mark.skipif(find_font(True) is None, reason="no CJK font installed (fonts-wqy-microhei)")


@functools.lru_cache(maxsize=8)
def _cmap(path: str, index: int) -> frozenset[int]:
    from fontTools.ttLib import TTFont

    with TTFont(path, fontNumber=index, lazy=True) as f:
        return frozenset(f.getBestCmap() or {})


@needs_cjk
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_character_burned_in_has_a_glyph_in_its_font(tmp_path: Path, sample_copy: Path, lang: str,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """The cine case: W3 warning line, verdict, legend, iliac-crest and level labels, caption."""
    from annotator.io.casefile import load_case

    drawn: list[tuple[str, str, int]] = []
    real = ImageDraw.ImageDraw.text

    def spy(self, xy, text, fill=None, font=None, *a, **k):
        drawn.append((str(text), font.path, font.index))
        return real(self, xy, text, fill, font, *a, **k)

    monkeypatch.setattr(ImageDraw.ImageDraw, "text", spy)
    folder = sample_copy / "cine_venous_blush"
    export_case(load_case(folder / "case.json"), folder, png_dir=tmp_path / "png", pptx=tmp_path / "d.pptx",
                lang=lang)
    text = "".join(t for t, _, _ in drawn)
    assert "—" in text or "——" in text  # the W3 line was drawn (its dash is in the message)
    missing = {ch for t, path, index in drawn for ch in t if not ch.isspace() and ord(ch) not in _cmap(path, index)}
    assert missing == set(), f"drawn without a glyph (a box on the film): {sorted(missing)}"
    if lang == "zh":
        assert any("\u4e00" <= ch <= "\u9fff" for ch in text)


@needs_cjk
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_character_on_pdf_pages_has_a_glyph(tmp_path: Path, sample_copy: Path, lang: str) -> None:
    from reportlab.pdfbase import pdfmetrics

    from annotator.export.fonts import reportlab_font
    from annotator.export.pdf_text import page_texts
    from annotator.io.casefile import load_case

    folder = sample_copy / "cine_venous_blush"
    export_case(load_case(folder / "case.json"), folder, pdf=tmp_path / "d.pdf", lang=lang)
    glyphs = pdfmetrics.getFont(reportlab_font(lang)).face.charToGlyph
    text = "".join(page_texts((tmp_path / "d.pdf").read_bytes()))
    missing = {ch for ch in text if not ch.isspace() and ord(ch) not in glyphs}
    assert text and missing == set(), sorted(missing)


W3 = RuleWarning("W3", "danger", "seed", "ref", {"en": "Intravascular contrast — reposition before injecting any "
                                                        "drug.", "zh": "造影剂入血 —— 注射任何药物前请调整针尖位置。"})
W1 = RuleWarning("W1", "strong", "seed", "ref", {"en": "Tip medial to the 6 o'clock position of the pedicle.",
                                                 "zh": "针尖位于椎弓根6点钟位置内侧。"})


@pytest.mark.parametrize(("size", "scale"), [(512, 2.0), (512, 1.0), (256, 2.0), (1024, 2.0), (2048, 1.0),
                                             (300, 3.0)])
@pytest.mark.parametrize("lang", ["en", pytest.param("zh", marks=needs_cjk)])
def test_verdict_box_and_legend_never_overlap(size: int, scale: float, lang: str,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    import annotator.export.burn_in as bi
    from annotator.export.fonts import pil_font

    laid: list = []
    real = bi.layout_boxes
    monkeypatch.setattr(bi, "layout_boxes", lambda *a, **k: laid.extend(real(*a, **k)) or laid)
    film = Film(path="a.dcm", view=View.AP)
    c = size / 2
    film.annotations += [Annotation(r, k, pts) for r, k, pts in (
        (Role.TIP, ShapeKind.POINT, ((c, c),)), (Role.SHAFT, ShapeKind.LINE, ((c + 50, c - 80), (c, c))),
        (Role.CONTRAST_PATH, ShapeKind.POLYLINE, ((c, c), (c + 5, c + 60))),
        (Role.PEDICLE_MARGIN, ShapeKind.LINE, ((c - 40, c - 10), (c + 40, c - 10))),
        (Role.SAP_MARGIN, ShapeKind.LINE, ((c - 40, c + 20), (c + 40, c + 20))),
        (Role.MIDLINE, ShapeKind.LINE, ((c, 0.0), (c, size - 1.0))),
        (Role.ILIAC_CREST, ShapeKind.LINE, ((0.0, c + 70), (size - 1.0, c + 70))))]
    verdict = Verdict("R-AP", "seed", "on_target", distance=1.9, unit="mm (ERMF)")
    buf = np.full((size, size), 128, np.uint8)
    img = np.asarray(burn_film(buf, film, layers=Layers(caption=False, scale_bar=False, target_zone=False),
                               verdict=verdict, warnings=(W3, W1), lang=lang, text_scale=scale))
    verdict_box, legend_box = laid  # both drawn
    assert not verdict_box.intersects(legend_box)
    assert len(legend_box.lines) == 7 and legend_box.lines[0][0].endswith(("needle tip", "针尖"))
    assert any(w for _, _, w in verdict_box.lines) and len(verdict_box.lines) >= 3  # verdict, W3, W1
    for box in laid:
        assert 0 < box.x and box.x + box.w < size and 0 < box.y and box.y + box.h < size  # inside the film
        font = pil_font(int(round(box.font_px)), lang)
        draw = ImageDraw.Draw(Image.new("RGB", (1, 1)))
        for text, _color, _warn in box.lines:  # no line runs past its box (nothing cut off)
            assert draw.textlength(text, font=font) <= box.w, text
        x, y = int(box.x + 1), int(box.y + 1)
        assert img[y, x].tolist() == [0, 0, 0]  # and the box is what was drawn there


def test_wrap_breaks_english_between_words_even_beside_non_ascii() -> None:
    text = "complete block — responsible root confirmed; caution: needle position not confirmed"
    lines = wrap_text(text, len, 20)
    assert " ".join(lines) == text
    words = set(text.split())
    for line in lines:
        assert all(w in words for w in line.split()), line  # no word cut in two ("bloc|k")
    assert wrap_text("造影剂沿神经", len, 4) == ["造影剂沿", "神经"]
    mixed = wrap_text("L5 神经根 complete block", len, 9)
    assert "complete" in mixed and "block" in mixed  # Latin words whole, CJK broken per character
    assert wrap_text("造影剂沿神经，阻滞", len, 6) == ["造影剂沿神经，", "阻滞"]  # no line starts with "，"
    assert wrap_text("aaaaaaaaaa", len, 4) == ["aaaa", "aaaa", "aa"]  # a word longer than the line


def test_warning_lines_carry_a_drawn_triangle_not_a_font_glyph(monkeypatch: pytest.MonkeyPatch) -> None:
    drawn = spy_drawn_text(monkeypatch)
    img = burn_film(np.full((512, 512), 128, np.uint8), Film(path="a.dcm"), warnings=(W3,))
    assert not any("⚠" in t for t in drawn)
    arr = np.asarray(img).astype(int)
    red = (arr[..., 0] > 200) & (arr[..., 1] < 80) & (arr[..., 2] < 80)
    assert red[:40, :30].sum() > 20  # the red triangle before the first warning line
    assert isinstance(img, Image.Image)


def _bbox(mask: np.ndarray) -> tuple[int, int, int, int]:
    ys, xs = np.nonzero(mask)
    assert xs.size, "nothing drawn"
    return int(xs.min()), int(ys.min()), int(xs.max()), int(ys.max())


@pytest.mark.parametrize("scale", [1.0, 2.0])
def test_an_annotation_label_keeps_clear_of_the_legend(scale: float) -> None:
    # an arrow whose tail (where its text goes) lies under the legend's top-right corner
    buf = np.full((512, 512), 128, np.uint8)

    def burn(text: str, legend: bool) -> np.ndarray:
        arrow = Annotation(Role.ARROW, ShapeKind.LINE, [(470, 20), (300, 250)], text=text)
        film = Film("a.png", View.AP, annotations=[arrow])
        layers = Layers(legend=legend, verdict=False, scale_bar=False, caption=False, target_zone=False)
        return np.asarray(burn_film(buf, film, layers=layers, text_scale=scale), dtype=np.int16)

    label = np.abs(burn("bulging disc here", True) - burn("", True)).sum(axis=2) > 0
    legend = np.abs(burn("", True) - burn("", False)).sum(axis=2) > 0
    lx0, ly0, lx1, ly1 = _bbox(label)
    gx0, gy0, gx1, gy1 = _bbox(legend)
    assert lx1 < gx0 or gx1 < lx0 or ly1 < gy0 or gy1 < ly0, ((lx0, ly0, lx1, ly1), (gx0, gy0, gx1, gy1))
