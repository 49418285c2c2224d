"""The overlay style is plain data covering every role and verdict status."""

from __future__ import annotations

import pytest

from annotator.model.annotations import Role
from annotator.render import style


def _rgb(c):
    return isinstance(c, tuple) and len(c) == 3 and all(isinstance(v, int) and 0 <= v <= 255 for v in c)


def test_every_role_has_a_style():
    for role in Role:
        s = style.role_style(role)
        assert _rgb(s.color) and s.width > 0
        assert style.role_color(role.value) == s.color


def test_status_colours_are_the_traffic_light():
    on, near, off, insufficient = (style.status_color(s) for s in ("on_target", "near", "off", "insufficient"))
    assert on[1] > on[0] and on[1] > on[2]  # green
    assert off[0] > 200 and off[1] < 100  # red
    assert near[0] > 200 and 100 < near[1] < 220 and near[2] < 60  # amber
    assert max(insufficient) - min(insufficient) < 10  # grey
    assert len({on, near, off, insufficient}) == 4


def test_no_landmark_wears_a_verdict_colour():
    verdicts = set(style.STATUS_COLORS.values())
    assert not verdicts & {s.color for s in style.ROLE_STYLES.values()}


def test_unknown_status_is_refused():
    with pytest.raises(ValueError, match="unknown verdict status"):
        style.status_color("great")


def test_export_sizes_scale_with_image_height():
    assert style.font_px(style.REFERENCE_HEIGHT) == pytest.approx(style.SCREEN_FONT_PX)
    assert style.font_px(2048) == pytest.approx(2 * style.SCREEN_FONT_PX)
    assert style.font_px(100) == style.MIN_EXPORT_FONT_PX
    assert style.line_width(Role.TIP, 2048) == pytest.approx(2 * style.role_style(Role.TIP).width)
    assert style.line_width(Role.MIDLINE, 64) == 1.0
    assert style.marker_radius(4096) > style.marker_radius(1024)
    with pytest.raises(ValueError):
        style.line_width(Role.TIP, 0)


def test_with_alpha():
    assert style.with_alpha((1, 2, 3), style.ZONE_FILL_ALPHA)[3] == round(style.ZONE_FILL_ALPHA * 255)
    with pytest.raises(ValueError):
        style.with_alpha((1, 2, 3), 1.5)


def test_labels_keep_the_users_words_for_angles_and_the_iliac_crest():
    from annotator.model import Annotation, Film, Role, ShapeKind, View
    from annotator.render.labels import annotation_label

    film = Film("a.png", View.AP)
    angle = Annotation(Role.ANGLE, ShapeKind.POLYLINE, [(0, 10), (0, 0), (10, 0)], text="L5 tilt")
    assert annotation_label(angle, film) == "L5 tilt 90.0°"
    crest = Annotation(Role.ILIAC_CREST, ShapeKind.LINE, [(0, 0), (10, 0)])
    assert annotation_label(crest, film, "zh") == "髂嵴连线（≈ L4 / L4-5）"
    assert annotation_label(Annotation(Role.ILIAC_CREST, ShapeKind.LINE, [(0, 0), (10, 0)], text="L4/5 gap"),
                            film) == "L4/5 gap"
