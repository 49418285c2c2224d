"""Burned-in films: redactions first and always, overlays where the annotations are, no metadata."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from annotator.errors import ExportError
from annotator.export.burn_in import Layers, burn_film, save_image, wrap_text
from annotator.export.output_scale import MARKER_PT, OutputScale
from annotator.geometry import Calibration, CalibrationSource
from annotator.model import Annotation, Film, Phase, Redaction, Role, ShapeKind, View
from annotator.render import style
from annotator.rules.verdict import TargetZone, Verdict
from tests.unit.test_export_fixtures import spy_drawn_text


def _film() -> Film:
    f = Film(path="x.dcm", view=View.AP, phase=Phase.AFTER_CONTRAST,
             calibration=Calibration(0.25, 0.25, CalibrationSource.PIXEL_SPACING))
    f.redactions.append(Redaction(100.2, 255.5, 150.7, 270.1))  # where no text box, mark or zone is drawn
    f.annotations += [
        Annotation(Role.TIP, ShapeKind.POINT, ((150.0, 120.0),)),
        Annotation(Role.PEDICLE_MARGIN, ShapeKind.LINE, ((100.0, 200.0), (200.0, 200.0)), level="L5"),
        Annotation(Role.CONTRAST_PATH, ShapeKind.POLYLINE, ((150.0, 120.0), (150.0, 250.0)), suggested=True),
    ]
    return f


BUF = np.full((300, 256), 200, dtype=np.uint8)


def _verdict(status: str = "near") -> Verdict:
    return Verdict("R-AP", "seed", status, distance=4.0, unit="mm",
                   zone=TargetZone("disc", center=(150.0, 200.0), r_on_px=(12.0, 12.0), r_near_px=(24.0, 24.0)))


@pytest.mark.parametrize("layers", [Layers(), Layers.clean(), Layers(False, False, False, False, False, False)])
def test_redaction_is_black_whatever_the_layers(layers: Layers) -> None:
    img = np.asarray(burn_film(BUF, _film(), layers=layers, verdict=_verdict(), caption="Fig 1A"))
    # every pixel touched by the rectangle (x 100.2..150.7 -> columns 100..150, y 255.5..270.1 -> rows 255..270)
    assert img[255:271, 100:151].max() == 0
    assert img[254, 100:151].min() == 200 and img[271, 100:151].min() == 200  # only those rows
    assert img[150, 40].tolist() == [200, 200, 200]  # outside the rectangle and the boxes: untouched


def test_clean_film_is_the_redacted_buffer_only() -> None:
    img = np.asarray(burn_film(BUF, _film(), layers=Layers.clean()))
    expected = np.repeat(BUF[:, :, None], 3, axis=2).copy()
    expected[255:271, 100:151] = 0
    assert img.shape == (300, 256, 3)
    np.testing.assert_array_equal(img, expected)


def test_annotations_drawn_in_role_colour_at_their_pixels() -> None:
    img = np.asarray(burn_film(BUF, _film(), layers=Layers(target_zone=False, verdict=False, legend=False,
                                                           scale_bar=False, caption=False)))
    assert tuple(img[200, 150]) == style.role_color(Role.PEDICLE_MARGIN)
    assert tuple(img[120, 150]) == style.role_color(Role.TIP)  # centre of the tip cross
    # the suggested (unconfirmed) contrast path is not exported
    assert tuple(img[240, 150]) == (200, 200, 200)


def test_target_zone_tinted_in_status_colour() -> None:
    on = np.asarray(burn_film(BUF, _film(), layers=Layers(annotations=False, verdict=False, legend=False,
                                                          scale_bar=False), verdict=_verdict("on_target")))
    px = on[205, 150].astype(int)  # inside the on-target disc, off the margin line
    green = np.array(style.status_color("on_target"))
    a = style.ZONE_FILL_ALPHA
    np.testing.assert_allclose(px, (1 - a) * 200 + a * green, atol=2)


def test_caption_goes_in_a_band_below_the_film() -> None:
    img = burn_film(BUF, _film(), layers=Layers.clean(caption=True), caption="Fig 1A (intraoperative AP film)")
    assert img.width == 256 and img.height > 300
    arr = np.asarray(img)
    assert arr[300:].max() > 200  # white caption text in the band


def test_chinese_caption_renders_glyphs() -> None:
    img = burn_film(BUF, _film(), layers=Layers.clean(caption=True), caption="图1A（术中正位片）：造影剂沿神经根鞘流动",
                    lang="zh")
    band = np.asarray(img)[300:]
    assert (band > 128).sum() > 200  # glyphs, not empty boxes of a Latin font (those are few pixels)


def test_colour_buffer_and_bad_buffers() -> None:
    rgb = np.zeros((40, 50, 3), np.uint8)
    assert burn_film(rgb, Film(path="a.png")).size == (50, 40)
    with pytest.raises(ExportError):
        burn_film(np.zeros((4, 4), np.uint16), Film(path="a.png"))


def _png_chunks(data: bytes) -> list[bytes]:
    i, kinds = 8, []
    while i < len(data):
        n = int.from_bytes(data[i:i + 4], "big")
        kinds.append(data[i + 4:i + 8])
        i += 12 + n
    return kinds


def test_png_and_jpeg_carry_no_metadata(tmp_path: Path) -> None:
    img = burn_film(BUF, _film())
    img.info["comment"] = "Zzyzx^Quintavious"  # anything attached must not be written
    save_image(img, tmp_path / "a.png")
    save_image(img, tmp_path / "a.jpg")
    kinds = _png_chunks((tmp_path / "a.png").read_bytes())
    assert set(kinds) <= {b"IHDR", b"IDAT", b"IEND"}
    with Image.open(tmp_path / "a.jpg") as j:
        assert not j.getexif()
        assert "comment" not in j.info and "exif" not in j.info
    assert b"Zzyzx" not in (tmp_path / "a.jpg").read_bytes()
    with pytest.raises(ExportError):
        save_image(img, tmp_path / "a.gif")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.jpg", "a.png"]  # no temporary files left


def test_wrap_text_by_words_and_by_characters() -> None:
    assert wrap_text("aa bb cc", len, 5) == ["aa bb", "cc"]
    assert wrap_text("造影剂沿神经", len, 4) == ["造影剂沿", "神经"]


def test_export_png_with_the_users_layers(tmp_path: Path) -> None:
    from annotator.export.case_export import export_case
    from tests.unit.test_export_fixtures import TEXT_BOX, make_case

    case = make_case(tmp_path / "c", n_films=1)
    export_case(case, tmp_path / "c", png_dir=tmp_path / "all")
    export_case(case, tmp_path / "c", png_dir=tmp_path / "clean", layers=Layers.clean())
    full = np.asarray(Image.open(tmp_path / "all" / "case1-fig1A.png"))
    clean = np.asarray(Image.open(tmp_path / "clean" / "case1-fig1A.png"))
    assert full.shape[0] > 256 and clean.shape == (256, 240, 3)  # caption band only when asked
    x0, y0, x1, y1 = TEXT_BOX
    assert clean[y0:y1, x0:x1].max() == 0
    assert (clean[..., 0] == clean[..., 1]).all()  # grey: nothing drawn


def test_export_overlay_matches_the_screen(monkeypatch: pytest.MonkeyPatch) -> None:
    """Labels from annotator.render.labels (finding names, iliac crest, pedicle level); markers are the
    screen's "+" with the needle tip's centre in the verdict colour."""
    drawn = spy_drawn_text(monkeypatch)
    f = _film()
    f.annotations += [
        Annotation(Role.FINDING, ShapeKind.POINT, ((60.0, 250.0),), text="contrast_cutoff"),
        Annotation(Role.ILIAC_CREST, ShapeKind.LINE, ((0.0, 60.0), (255.0, 60.0))),
        Annotation(Role.LEVEL_LABEL, ShapeKind.POINT, ((40.0, 150.0),), text="L4"),
    ]
    only_marks = Layers(target_zone=False, verdict=False, legend=False, scale_bar=False, caption=False)
    img = np.asarray(burn_film(BUF, f, layers=only_marks, verdict=_verdict("near")))
    assert "contrast cut-off" in drawn and "contrast_cutoff" not in drawn  # the vocabulary's name
    assert "iliac crest (≈ L4 / L4-5)" in drawn and "L5" in drawn and "L4" in drawn  # crest, pedicle, level
    r = int(OutputScale.slide(256, 300).px(MARKER_PT))  # marker half-size: 6 pt on the slide
    assert tuple(img[120, 150]) == style.status_color("near")  # tip centre: verdict colour, as on screen
    assert tuple(img[120, 150 + r]) == style.status_color("near")  # "+" arm
    assert tuple(img[120 - r + 1, 150 - r + 1]) == (200, 200, 200)  # no "x" diagonal
    assert tuple(img[150, 40 + r]) == style.role_color(Role.LEVEL_LABEL)  # level marker "+" arm too
