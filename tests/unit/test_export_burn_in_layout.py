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


@pytest.mark.parametrize(("width", "height"), [(512, 512), (256, 256), (1024, 1024), (2048, 2048), (1280, 720),
                                              (300, 900)])
@pytest.mark.parametrize("lang", ["en", pytest.param("zh", marks=needs_cjk)])
def test_verdict_warnings_and_legend_sit_beside_the_film_never_over_it(width: int, height: int, lang: str) -> None:
    film = Film(path="a.dcm", view=View.AP)
    cx, cy = width / 2, height / 2
    film.annotations += [Annotation(r, k, pts) for r, k, pts in (
        (Role.TIP, ShapeKind.POINT, ((cx, cy),)), (Role.SHAFT, ShapeKind.LINE, ((cx + 50, cy - 80), (cx, cy))),
        (Role.CONTRAST_PATH, ShapeKind.POLYLINE, ((cx, cy), (cx + 5, cy + 60))),
        (Role.PEDICLE_MARGIN, ShapeKind.LINE, ((cx - 40, cy - 10), (cx + 40, cy - 10))),
        (Role.SAP_MARGIN, ShapeKind.LINE, ((cx - 40, cy + 20), (cx + 40, cy + 20))),
        (Role.MIDLINE, ShapeKind.LINE, ((cx, 0.0), (cx, height - 1.0))),
        (Role.ILIAC_CREST, ShapeKind.LINE, ((0.0, cy + 70), (width - 1.0, cy + 70))))]
    verdict = Verdict("R-AP", "seed", "on_target", distance=1.9, unit="mm (ERMF)")
    buf = np.full((height, width), 128, np.uint8)
    marks = Layers(verdict=False, legend=False, scale_bar=False, caption=False, target_zone=False)
    full = Layers(caption=False, scale_bar=False, target_zone=False)
    with_boxes = np.asarray(burn_film(buf, film, layers=full, verdict=verdict, warnings=(W3, W1), lang=lang))
    only_marks = np.asarray(burn_film(buf, film, layers=marks, verdict=verdict, lang=lang))
    assert with_boxes.shape[0] == height and with_boxes.shape[1] > width  # a column right of the film
    assert only_marks.shape[:2] == (height, width)  # nothing for the column to show: no column
    assert (with_boxes[:, :width] == only_marks).all()  # the film itself is the same with or without them
    column = with_boxes[:, width:].astype(int)
    green = (column[..., 1] > 150) & (column[..., 0] < 60)  # the verdict line in the on-target colour
    red = (column[..., 0] > 200) & (column[..., 1] < 80) & (column[..., 2] < 80)  # W3 in danger red
    assert green.any() and red.any()
    magenta = (column[..., 0] > 200) & (column[..., 1] > 130) & (column[..., 2] > 200)  # shaft sample + name
    assert magenta.any()


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
    arr = np.asarray(img).astype(int)[:, 512:]  # the column beside the film
    red = (arr[..., 0] > 200) & (arr[..., 1] < 80) & (arr[..., 2] < 80)
    triangle = red[:, :40]  # before the text of the first warning line
    assert triangle[:60].sum() > 20
    assert isinstance(img, Image.Image)


def test_an_annotation_label_stays_on_the_film_clear_of_the_legend() -> None:
    # an arrow whose tail (where its text goes) lies in the film's top-right corner
    buf = np.full((512, 512), 128, np.uint8)

    def burn(text: str, legend: bool) -> np.ndarray:
        arrow = Annotation(Role.ARROW, ShapeKind.LINE, [(500, 10), (300, 250)], text=text)
        film = Film("a.png", View.AP, annotations=[arrow])
        layers = Layers(legend=legend, verdict=False, scale_bar=False, caption=False, target_zone=False)
        return np.asarray(burn_film(buf, film, layers=layers, panel=True), dtype=np.int16)

    label = np.abs(burn("bulging disc here", True) - burn("", True)).sum(axis=2) > 0
    legend = np.abs(burn("", True) - burn("", False)).sum(axis=2) > 0
    ys, xs = np.nonzero(label)
    assert xs.size and xs.max() < 512  # the label on the film
    ys, xs = np.nonzero(legend)
    assert xs.size and xs.min() >= 512  # the legend beside it
