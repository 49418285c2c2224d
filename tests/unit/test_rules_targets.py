"""Hand-computed verdicts for R-AP, R-OBL, R-LAT and R-S1 (arithmetic in the comments)."""

from __future__ import annotations

import math

import pytest

from annotator.geometry import Calibration, CalibrationSource, Directions
from annotator.model import Role, Side, View
from annotator.rules import Status, evaluate_film
from tests.unit.test_rules_builders import (
    FORAMEN,
    L5_MARGIN,
    NO_MM,
    ellipse,
    film,
    line,
    point,
    polygon,
    root,
    tip,
)


def verdict_of(f, r=None):
    r = r or root("L5", Side.RIGHT, f)
    if f not in r.films:
        r.films.append(f)
    return evaluate_film(f, r).verdict


# ----------------------------------------------------------------------------- R-AP


def test_ap_tip_at_2mm_is_on_target_with_offsets():
    # T = (120, 200); tip (120, 204): 4 px * 0.5 = 2.0 mm <= 3 mm -> on target, 2.0 mm caudal
    v = verdict_of(film(View.AP, tip(120, 204), L5_MARGIN))
    assert (v.rule_id, v.source, v.status) == ("R-AP", "seed", Status.ON_TARGET)
    assert v.distance == pytest.approx(2.0)
    assert v.unit == "mm"
    assert dict(v.offsets) == {"caudal": pytest.approx(2.0), "medial": 0.0}
    assert v.zone.kind == "disc" and v.zone.center == (120.0, 200.0)
    assert v.zone.r_on_px == (6.0, 6.0) and v.zone.r_near_px == (12.0, 12.0)  # 3 mm / 0.5, 6 mm / 0.5


def test_ap_tip_at_5mm_is_near_and_offsets_split_medial_caudal():
    # tip (126, 208): dx 6, dy 8 -> 10 px = 5.0 mm -> near; +x is patient left = medial for a right root
    v = verdict_of(film(View.AP, tip(126, 208), L5_MARGIN))
    assert v.status is Status.NEAR
    assert v.distance == pytest.approx(5.0)
    assert v.offset("caudal") == pytest.approx(4.0) and v.offset("medial") == pytest.approx(3.0)
    assert "5.0 mm" in v.explain("en") and "near" in v.explain("en")
    assert "接近靶点" in v.explain("zh")


def test_ap_left_root_has_medial_toward_patient_right():
    # left root: midline toward patient right = -x; tip (114, 200): 6 px = 3 mm toward -x -> medial
    margin = line(Role.PEDICLE_MARGIN, (100, 200), (140, 200), level="L5")
    v = verdict_of(film(View.AP, tip(114, 200), margin), root("L5", Side.LEFT))
    assert v.offset("medial") == pytest.approx(3.0) and v.status is Status.ON_TARGET


def test_ap_tip_at_10mm_is_off():
    # tip (120, 220): 20 px = 10 mm > 6 mm
    v = verdict_of(film(View.AP, tip(120, 220), L5_MARGIN))
    assert v.status is Status.OFF and v.distance == pytest.approx(10.0)


def test_ap_below_sap_margin_is_off_too_caudal():
    # SAP top at y = 206 (3 mm below T); tip (120, 208) is 4 mm from T (near by distance)
    # but caudal to the SAP margin -> off, "too caudal"
    sap = point(Role.SAP_MARGIN, 120, 206)
    v = verdict_of(film(View.AP, tip(120, 208), L5_MARGIN, sap))
    assert v.status is Status.OFF and v.reasons == ("too_caudal",)
    assert v.distance == pytest.approx(4.0)
    assert "too caudal" in v.explain("en") and "过于偏尾侧" in v.explain("zh")


def test_ap_sap_segment_is_read_at_the_tips_position():
    # SAP segment slopes from y 210 (x 100) to y 202 (x 140); at x = 130 its height is y = 204.
    # tip (130, 205) is below it -> too caudal; tip (110, 205) is above it (segment at y 208) -> near
    sap = line(Role.SAP_MARGIN, (100, 210), (140, 202))
    v = verdict_of(film(View.AP, tip(130, 205), L5_MARGIN, sap))
    assert "too_caudal" in v.reasons and v.status is Status.OFF
    v = verdict_of(film(View.AP, tip(110, 205), L5_MARGIN, sap))
    # distance: dx -10, dy 5 -> sqrt(125) = 11.18 px = 5.59 mm -> near
    assert v.reasons == () and v.status is Status.NEAR
    assert v.distance == pytest.approx(math.sqrt(125) / 2)


def test_ap_over_the_pedicle_above_its_margin_is_too_cranial():
    # tip (124, 192): over the pedicle (x in 100..140), 8 px above the margin;
    # distance sqrt(4^2 + 8^2) = 8.944 px = 4.472 mm -> near, "too cranial"
    v = verdict_of(film(View.AP, tip(124, 192), L5_MARGIN))
    assert v.status is Status.NEAR and v.reasons == ("too_cranial",)
    assert v.distance == pytest.approx(math.sqrt(80) / 2)
    # lateral of the pedicle (x = 90 < 100) the tip is not over it: no "too cranial"
    v = verdict_of(film(View.AP, tip(90, 192), L5_MARGIN))
    assert v.reasons == () and v.status is Status.OFF
    # within r_on the label is not given: tip (120, 198) is 1 mm above T -> on target
    v = verdict_of(film(View.AP, tip(120, 198), L5_MARGIN))
    assert v.status is Status.ON_TARGET and v.reasons == ()


def test_ap_without_mm_scale_uses_pedicle_margin_fraction_and_says_so():
    # margin 40 px -> r_on = 0.4 * 40 = 16 px, r_near = 0.8 * 40 = 32 px
    cases = [((120, 215), Status.ON_TARGET), ((120, 230), Status.NEAR), ((120, 233), Status.OFF)]
    for (x, y), expected in cases:
        v = verdict_of(film(View.AP, tip(x, y), L5_MARGIN, calibration=NO_MM))
        assert v.status is expected, (x, y)
        assert v.unit == "px" and v.fallback == "pedicle"
    assert v.distance == pytest.approx(33.0)
    assert dict(v.tolerances)["r_on"] == pytest.approx(16.0)
    assert "no mm scale" in v.explain("en") and "0.4" in v.explain("en")
    assert "无毫米标尺" in v.explain("zh")
    assert v.zone.r_near_px == (32.0, 32.0)


def test_ap_anisotropic_spacing_gives_elliptic_zone_and_true_mm():
    # row 0.4 mm, column 0.2 mm; tip (130, 205): dx 10*0.2 = 2 mm, dy 5*0.4 = 2 mm -> 2.83 mm on target
    cal = Calibration(0.4, 0.2, CalibrationSource.DETECTOR)
    v = verdict_of(film(View.AP, tip(130, 205), L5_MARGIN, calibration=cal))
    assert v.distance == pytest.approx(math.hypot(2, 2)) and v.status is Status.ON_TARGET
    assert v.unit == "mm (detector)"
    assert v.zone.r_on_px == pytest.approx((15.0, 7.5))  # 3 mm / 0.2, 3 mm / 0.4


def test_ap_user_calibration_line_wins():
    # a calibration line of 100 px said to be 20 mm -> 0.2 mm/px; tip 20 px below T = 4 mm -> near
    cal_line = line(Role.CALIBRATION, (0, 0), (100, 0))
    cal_line = type(cal_line)(Role.CALIBRATION, cal_line.kind, cal_line.points, attrs={"length_mm": 20.0})
    v = verdict_of(film(View.AP, tip(120, 220), L5_MARGIN, cal_line))
    assert v.unit == "mm (calibrated)" and v.distance == pytest.approx(4.0) and v.status is Status.NEAR


def test_ap_missing_landmarks_are_named():
    v = verdict_of(film(View.AP, L5_MARGIN))
    assert v.status is Status.INSUFFICIENT and v.missing == ("tip",)
    assert "needle tip" in v.explain("en") and "针尖" in v.explain("zh")
    v = verdict_of(film(View.AP))
    assert v.missing == ("tip", "pedicle_margin")
    assert "pedicle lower margin of L5" in v.explain("en")


def test_ap_uses_the_pedicle_margin_of_the_roots_level():
    l4 = line(Role.PEDICLE_MARGIN, (140, 100), (100, 100), level="L4")
    # only an L4 margin for an L5 root: insufficient
    v = verdict_of(film(View.AP, tip(120, 204), l4))
    assert v.status is Status.INSUFFICIENT and "pedicle_margin" in v.missing
    # both: the L5 one is used (2 mm), not the L4 one (52 mm)
    v = verdict_of(film(View.AP, tip(120, 204), l4, L5_MARGIN))
    assert v.distance == pytest.approx(2.0)
    # an unlabelled margin is accepted
    bare = line(Role.PEDICLE_MARGIN, (140, 200), (100, 200))
    assert verdict_of(film(View.AP, tip(120, 204), bare)).status is Status.ON_TARGET


def test_midline_decides_the_medial_sense():
    # Directions +x = patient RIGHT (e.g. a PA image): side alone says medial = -x for a right root.
    pa = Directions("R", "F", "test")
    f = film(View.AP, tip(126, 200), L5_MARGIN, directions=pa)
    assert verdict_of(f).offset("lateral") == pytest.approx(3.0)
    # a marked midline at x = 300 (toward +x of the tip) says medial = +x: it wins
    mid = line(Role.MIDLINE, (300, 0), (300, 400))
    f = film(View.AP, tip(126, 200), L5_MARGIN, mid, directions=pa)
    assert verdict_of(f).offset("medial") == pytest.approx(3.0)


def test_a_tip_across_the_midline_is_medial_not_lateral():
    # right root, T = (120, 200), midline at x = 150 (toward +x of T: medial = +x).
    # tip (170, 200) has crossed the midline: 50 px = 25 mm medial of T, never "lateral"
    mid = line(Role.MIDLINE, (150, 0), (150, 400))
    v = verdict_of(film(View.AP, tip(170, 200), L5_MARGIN, mid))
    assert v.offset("medial") == pytest.approx(25.0) and v.offset("lateral") == 0
    # the same tip without the midline: the injection side says the same
    v = verdict_of(film(View.AP, tip(170, 200), L5_MARGIN))
    assert v.offset("medial") == pytest.approx(25.0)


def test_zero_length_pedicle_margin_is_insufficient():
    margin = line(Role.PEDICLE_MARGIN, (120, 200), (120, 200), level="L5")
    v = verdict_of(film(View.AP, tip(121, 200), margin))
    assert v.status is Status.INSUFFICIENT and v.missing == ("pedicle_margin",)


# ----------------------------------------------------------------------------- R-OBL


def test_oblique_with_pedicle_margin_applies_r_obl():
    v = verdict_of(film(View.OBLIQUE, tip(126, 208), L5_MARGIN))
    assert (v.rule_id, v.source, v.status) == ("R-OBL", "ext", Status.NEAR)
    assert "oblique film" in v.explain("en") and "斜位片" in v.explain("zh")


def test_oblique_without_pedicle_margin_is_informational():
    f = film(View.OBLIQUE, tip(126, 208))
    assert evaluate_film(f, root("L5", Side.RIGHT, f)).verdict is None


# ----------------------------------------------------------------------------- R-LAT
# s = p·a with a = (-1, 0) (anterior = image left), in mm: s = -x/2.
# s_post = -95 (x = 190), s_ant = -50 (x = 100), span 45 mm; cut at s = -80 (x = 160).


def test_lat_posterior_third_inside_is_on_target_with_cranial_half():
    # tip (175, 120): f = (-87.5 + 95) / 45 = 0.1667 <= 1/3 -> on target
    # cranial axis c = -y/2: c in [-80, -50], cranial half c >= -65; tip c = -60 -> cranial half
    v = verdict_of(film(View.LATERAL, tip(175, 120), FORAMEN))
    assert (v.rule_id, v.status, v.distance) == ("R-LAT", Status.ON_TARGET, 0.0)
    assert v.fraction == pytest.approx(7.5 / 45)
    assert v.cranial_half is True
    assert "safe triangle" in v.explain("en") and "安全三角" in v.explain("zh")
    # tip (175, 150): c = -75 < -65 -> caudal half
    assert verdict_of(film(View.LATERAL, tip(175, 150), FORAMEN)).cranial_half is False
    v = verdict_of(film(View.LATERAL, tip(175, 120), FORAMEN))
    assert v.zone.kind == "polygon"
    xs = sorted({p[0] for p in v.zone.polygon})
    assert xs == pytest.approx([160.0, 190.0])  # the posterior third, in pixels
    assert sorted(p[0] for p in v.zone.cut_line) == pytest.approx([160.0, 160.0])


def test_lat_middle_third_is_off_with_distance_to_the_posterior_third():
    # tip (145, 130): f = (-72.5 + 95)/45 = 0.5 -> middle third; distance (160 - 145)/2 = 7.5 mm,
    # the tip lies 7.5 mm anterior of the nearest point of the posterior third
    v = verdict_of(film(View.LATERAL, tip(145, 130), FORAMEN))
    assert v.status is Status.OFF and v.reasons == ("middle_third",)
    assert v.fraction == pytest.approx(0.5) and v.distance == pytest.approx(7.5)
    assert dict(v.offsets) == {"anterior": pytest.approx(7.5), "cranial": 0.0}


def test_lat_anterior_third_is_off_too_anterior():
    # tip (110, 130): f = (-55 + 95)/45 = 0.889 > 2/3
    v = verdict_of(film(View.LATERAL, tip(110, 130), FORAMEN))
    assert v.status is Status.OFF and v.reasons == ("anterior_third",)
    assert "too anterior" in v.explain("en")


def test_lat_outside_decided_by_distance_to_posterior_third():
    # tip (200, 130): 10 px = 5 mm posterior of the region -> near
    v = verdict_of(film(View.LATERAL, tip(200, 130), FORAMEN))
    assert v.status is Status.NEAR and v.reasons == ("outside_foramen",)
    assert v.distance == pytest.approx(5.0) and v.offset("posterior") == pytest.approx(5.0)
    assert v.cranial_half is None
    # tip (206, 130): 16 px = 8 mm -> off
    assert verdict_of(film(View.LATERAL, tip(206, 130), FORAMEN)).status is Status.OFF
    # tip (170, 94): 6 px = 3 mm above the region -> near, 3 mm cranial
    v = verdict_of(film(View.LATERAL, tip(170, 94), FORAMEN))
    assert v.status is Status.NEAR and v.offset("cranial") == pytest.approx(3.0)
    # tip (140, 96): nearest region point is the corner (160, 100): sqrt(400 + 16) px = 10.2 mm -> off
    v = verdict_of(film(View.LATERAL, tip(140, 96), FORAMEN))
    assert v.status is Status.OFF and v.distance == pytest.approx(math.sqrt(416) / 2)


def test_lat_without_mm_scale_uses_foramen_height():
    # height 60 px -> r_near = 0.4 * 60 = 24 px; tip 10 px out -> near, 25 px out -> off
    v = verdict_of(film(View.LATERAL, tip(200, 130), FORAMEN, calibration=NO_MM))
    assert v.status is Status.NEAR and v.fallback == "foramen" and v.unit == "px"
    assert "foramen height" in v.explain("en")
    assert verdict_of(film(View.LATERAL, tip(215, 130), FORAMEN, calibration=NO_MM)).status is Status.OFF


def test_lat_anterior_on_image_right_flips_the_third():
    # Directions +x = anterior: posterior edge is x = 100, posterior third x in [100, 130]
    d = Directions("A", "F", "user")
    assert verdict_of(film(View.LATERAL, tip(115, 130), FORAMEN, directions=d)).status is Status.ON_TARGET
    assert verdict_of(film(View.LATERAL, tip(175, 130), FORAMEN, directions=d)).reasons == ("anterior_third",)


def test_lat_insufficient_without_foramen_or_orientation():
    v = verdict_of(film(View.LATERAL, tip(175, 120)))
    assert v.status is Status.INSUFFICIENT and v.missing == ("foramen",)
    # an AP-style orientation on a lateral film has no anterior axis
    v = verdict_of(film(View.LATERAL, tip(175, 120), FORAMEN, directions=Directions("L", "F")))
    assert v.missing == ("orientation_anterior",)
    assert "orientation" in v.explain("en")


def test_lat_level_matching_of_foramen():
    l4 = polygon(Role.FORAMEN, [(100, 0), (190, 0), (190, 60), (100, 60)], level="L4")
    v = verdict_of(film(View.LATERAL, tip(175, 120), l4, FORAMEN))
    assert v.status is Status.ON_TARGET


# ----------------------------------------------------------------------------- R-S1


def test_lat_distance_to_a_notched_foramen_region_ignores_the_cut_bridge():
    # foramen with a posterior notch (x 120..200, y 140..160); cut at x = 166.67 px (s_post x = 200).
    # tip (162, 150) px in the notch: nearest region point (166.67, 140) -> 4.67 px, 10 px
    # at 0.5 mm/px = 2.33 mm, 5 mm -> 5.52 mm (near); a bridge along the cut would give 2.33 mm
    notched = polygon(Role.FORAMEN, [(100, 100), (200, 100), (200, 140), (120, 140), (120, 160), (200, 160),
                                     (200, 200), (100, 200)], level="L5")
    v = verdict_of(film(View.LATERAL, tip(162, 150), notched))
    assert v.status is Status.NEAR and v.reasons == ("outside_foramen",)
    assert v.distance == pytest.approx(math.hypot(14 / 6, 5))


def s1_root(*films):
    return root("S1", Side.RIGHT, *films)


def test_s1_inside_ellipse_is_on_target_with_centroid_offsets():
    # ellipse centre (200, 300), radii (20, 10) px; tip (210, 302): (10/20)^2 + (2/10)^2 = 0.29 < 1 -> inside;
    # from the centre: 10 px = 5 mm medial (+x for a right root), 2 px = 1 mm caudal
    f = film(View.AP, tip(210, 302), ellipse(Role.S1_FORAMEN, (200, 300), (20, 10)))
    v = verdict_of(f, s1_root(f))
    assert (v.rule_id, v.status, v.distance) == ("R-S1", Status.ON_TARGET, 0.0)
    assert v.offset("medial") == pytest.approx(5.0) and v.offset("caudal") == pytest.approx(1.0, abs=1e-6)
    assert "centre" in v.explain("en")


def test_s1_tip_on_the_ellipse_edge_is_inside():
    # a tip exactly on the ellipse (x = 200 + 20 cos 45°, y = 300 + 10 sin 45°), between the 64-gon's vertices
    ell = ellipse(Role.S1_FORAMEN, (200, 300), (20, 10))
    edge = (200 + 20 * math.cos(math.radians(45 + 360 / 128)), 300 + 10 * math.sin(math.radians(45 + 360 / 128)))
    f = film(View.AP, tip(*edge), ell)
    assert verdict_of(f, s1_root(f)).status is Status.ON_TARGET


def test_s1_outside_distance_to_outline():
    ell = ellipse(Role.S1_FORAMEN, (200, 300), (20, 10))
    # the sampled outline has a vertex at (220, 300): tip (230, 300) is 10 px = 5 mm away -> near
    f = film(View.AP, tip(230, 300), ell)
    v = verdict_of(f, s1_root(f))
    assert v.status is Status.NEAR and v.distance == pytest.approx(5.0)
    # vertex (200, 310): tip (200, 325) is 15 px = 7.5 mm away -> off
    f = film(View.AP, tip(200, 325), ell)
    v = verdict_of(f, s1_root(f))
    assert v.status is Status.OFF and v.distance == pytest.approx(7.5)
    assert v.offset("caudal") == pytest.approx(12.5)  # 25 px below the centre


def test_s1_medial_sense_comes_from_the_foramen_not_the_tip():
    # right S1, centre (200, 300), midline at x = 230 (medial = +x from the foramen);
    # tip (240, 300) lies across the midline: 40 px = 20 mm medial of the centre
    ell = ellipse(Role.S1_FORAMEN, (200, 300), (20, 10))
    f = film(View.AP, tip(240, 300), ell, line(Role.MIDLINE, (230, 0), (230, 600)))
    v = verdict_of(f, s1_root(f))
    assert v.offset("medial") == pytest.approx(20.0) and v.offset("lateral") == 0


def test_s1_polygon_without_mm_scale_uses_equivalent_diameter():
    # square 20 x 20 px: area 400, diameter 2*sqrt(400/pi) = 22.57 px, r_near = 0.6 * 22.57 = 13.54 px
    sq = polygon(Role.S1_FORAMEN, [(190, 290), (210, 290), (210, 310), (190, 310)])
    f = film(View.AP, tip(200, 323), sq, calibration=NO_MM)
    v = verdict_of(f, s1_root(f))
    assert v.status is Status.NEAR and v.distance == pytest.approx(13.0) and v.fallback == "s1"
    assert v.tolerances["r_near"] == pytest.approx(0.6 * 2 * math.sqrt(400 / math.pi))
    f = film(View.AP, tip(200, 325), sq, calibration=NO_MM)
    assert verdict_of(f, s1_root(f)).status is Status.OFF


def test_s1_root_lateral_film_has_no_rule_and_missing_outline_is_named():
    f = film(View.LATERAL, tip(1, 1))
    assert evaluate_film(f, s1_root(f)).verdict is None
    f = film(View.AP, tip(1, 1))
    v = verdict_of(f, s1_root(f))
    assert v.status is Status.INSUFFICIENT and v.missing == ("s1_foramen",)
    assert "第一骶孔" in v.explain("zh")


def test_unknown_view_has_no_rule():
    f = film(View.UNKNOWN, tip(1, 1), L5_MARGIN)
    assert evaluate_film(f, root("L5", Side.RIGHT, f)).verdict is None
