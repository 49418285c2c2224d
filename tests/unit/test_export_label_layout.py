"""The measured check of slide-quality overlays (issue #12): for every sample film at 512², 1024²,
2048² and a non-square size, labels cover no drawn geometry, no other label and no legend, stay
within their distance limit, level labels keep their order, and text and lines have their
minimum size in points on the 16:9 slide."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from annotator.export import deck as dk
from annotator.export.burn_in import Layers, apply_redactions, render_film, to_rgb
from annotator.export.films import iter_films, load_rule_config, prepare_film
from annotator.export.label_placer import rect_distance, segment_hits_rect
from annotator.export.output_scale import LABEL_PT, LINE_MIN_PT
from annotator.geometry import Calibration
from annotator.io.casefile import load_case
from annotator.model import Film, Role
from annotator.render import style
from annotator.rules import evaluate_film

SAMPLES = Path(__file__).resolve().parents[2] / "sample_images" / "cases"
SIZES = [(512, 512), (1024, 1024), (2048, 2048), (1280, 720)]


def _films() -> list[tuple[str, object, Path, object, Film, int]]:
    if not SAMPLES.is_dir():
        return []
    out = []
    for case_file in sorted(SAMPLES.glob("*/case.json")):
        case = load_case(case_file)
        for index, (root, film) in enumerate(iter_films(case)):
            out.append((f"{case_file.parent.name}-{index}", case, case_file.parent, root, film, index))
    return out


FILMS = _films()


def _scaled(film: Film, sx: float, sy: float) -> Film:
    """``film`` with every coordinate and its calibration scaled to a film resampled by (sx, sy)."""
    def pts(points):
        return tuple((x * sx, y * sy) for x, y in points)

    anns = [replace(a, points=pts(a.points), radii=(a.radii[0] * sx, a.radii[1] * sy) if a.radii else None)
            for a in film.annotations]
    reds = [replace(r, x0=r.x0 * sx, x1=r.x1 * sx, y0=r.y0 * sy, y1=r.y1 * sy) for r in film.redactions]
    cal = film.calibration
    if cal.row_mm is not None and cal.col_mm is not None:
        cal = Calibration(cal.row_mm / sy, cal.col_mm / sx, cal.source)
    over = film.calibration_override
    if over is not None and over.row_mm is not None and over.col_mm is not None:
        over = Calibration(over.row_mm / sy, over.col_mm / sx, over.source)
    return replace(film, annotations=anns, redactions=reds, calibration=cal, calibration_override=over)


@pytest.mark.skipif(not FILMS, reason="sample cases not generated")
@pytest.mark.parametrize("size", SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
@pytest.mark.parametrize("name, case, folder, root, film, index", FILMS, ids=[f[0] for f in FILMS])
def test_labels_clear_of_geometry_labels_and_legend(name, case, folder, root, film, index, size) -> None:
    config = load_rule_config()
    pf = prepare_film(case, folder, root, film, index, 1, "en", config, None)
    h0, w0 = pf.buffer.shape[:2]
    w, h = size
    buf = np.asarray(Image.fromarray(pf.buffer).resize((w, h), Image.Resampling.BILINEAR))
    sfilm = _scaled(pf.film, w / w0, h / h0)
    result = evaluate_film(sfilm, root, config)
    kwargs = dict(verdict=result.verdict, warnings=result.warnings, config=config, panel=True)
    full = render_film(buf, sfilm, layers=Layers(caption=False), **kwargs)
    shapes = render_film(buf, sfilm, layers=Layers(caption=False, labels=False), **kwargs)
    base = apply_redactions(to_rgb(buf).copy(), sfilm)
    film_px = np.asarray(shapes.image)[:h, :w]
    geometry = np.any(film_px != base, axis=2)  # every pixel the overlay's shapes and zone changed
    text = np.any(np.asarray(full.image)[:h, :w] != film_px, axis=2)  # what the labels drew

    labels = full.labels
    assert labels, "every sample film has labelled marks"
    covered = np.zeros((h, w), bool)
    for lab in labels:
        x0, y0, x1, y1 = (int(np.floor(lab.box[0])), int(np.floor(lab.box[1])),
                          int(np.ceil(lab.box[2])), int(np.ceil(lab.box[3])))
        assert 0 <= x0 and x1 <= w and 0 <= y0 and y1 <= h, (lab.request.text, lab.box)  # on the film
        assert int(geometry[y0:y1, x0:x1].sum()) == 0, f"{lab.request.text!r} covers drawn geometry"
        assert full.panel_x is not None and x1 <= full.panel_x  # the legend is beside the film
        named = min(rect_distance(lab.box, q) for q in lab.request.points)  # what the label names
        assert named <= full.max_px + 1e-6, lab.request.text
        if lab.distance > full.near_px:
            assert lab.leader is not None
        covered[y0:y1, x0:x1] = True
        for other in labels:
            if other is lab:
                continue
            a, b = lab.box, other.box
            overlap = max(0.0, min(a[2], b[2]) - max(a[0], b[0])) * max(0.0, min(a[3], b[3]) - max(a[1], b[1]))
            assert overlap == 0, (lab.request.text, other.request.text)
            if lab.leader is not None:
                assert not segment_hits_rect(*lab.leader, other.box), (lab.request.text, other.request.text)
    leaders = np.zeros((h, w), bool)
    for lab in labels:
        if lab.leader is not None:
            (ax, ay), (bx, by) = lab.leader
            n = int(max(abs(bx - ax), abs(by - ay))) + 2
            for t in np.linspace(0, 1, n):
                x, y = int(ax + (bx - ax) * t), int(ay + (by - ay) * t)
                r = full.scale.line_px(1.0) + 2
                leaders[max(0, y - r):y + r + 1, max(0, x - r):x + r + 1] = True
    assert not (text & ~covered & ~leaders).any(), "label text drawn outside its box"

    levels = sorted((lab for lab in labels if lab.request.order_group == "level"), key=lambda lab: lab.request.anchor[1])
    centres = [(lab.box[1] + lab.box[3]) / 2 for lab in levels]
    assert centres == sorted(centres), [lab.request.text for lab in levels]

    # sizes in points on the 16:9 slide: the slide image is film + column, fitted to the image area
    img_w, img_h = full.image.size
    _x, _y, _sw, sh = dk.fit_image(img_w, img_h)
    pt_per_px = sh * 72 / img_h
    assert pt_per_px == pytest.approx(full.scale.pt_per_px, rel=1e-3)
    label_h_pt = max(lab.box[3] - lab.box[1] for lab in labels) * pt_per_px
    assert label_h_pt >= 0.7 * LABEL_PT  # cap height + descender of a 14-pt font: the font is 14 pt
    assert full.scale.pt(full.scale.px(LABEL_PT)) >= LABEL_PT - 1e-9
    for role in {a.role for a in sfilm.annotations}:
        assert full.scale.line_px(style.role_style(Role(role)).width) * pt_per_px >= LINE_MIN_PT - 1e-6
