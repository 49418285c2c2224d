"""Warnings W1–W4, drug checks, caudal angle and L5 tilt (hand-computed)."""

from __future__ import annotations

import math

import pytest

from annotator.geometry import Calibration, CalibrationSource
from annotator.model import DrugDose, Finding, Role, Side, View
from annotator.rules import caudal_tilt_deg, default_config, drug_warnings, evaluate_film, evaluate_root
from tests.unit.test_rules_builders import FORAMEN, L5_MARGIN, film, line, root, tip


def codes(warnings):
    return [w.key for w in warnings]


def film_warnings(f, r=None):
    r = r or root("L5", Side.RIGHT, f)
    return evaluate_film(f, r).warnings


# ----------------------------------------------------------------------------- W1


def test_w1_tip_medial_by_more_than_half_the_margin():
    # margin 40 px = 20 mm -> limit 0.5 * 20 = 10 mm; tip 22 px = 11 mm medial of T (+x) -> W1
    ws = film_warnings(film(View.AP, tip(142, 200), L5_MARGIN))
    assert codes(ws) == ["W1"]
    w = ws[0]
    assert w.severity == "strong" and w.source == "ext" and "6 o'clock" in w.reference
    assert "11.0 mm" in w.message("en") and "dural puncture" in w.message("en")
    assert "硬脊膜" in w.message("zh")
    # 18 px = 9 mm medial: no W1; 30 px lateral: no W1
    assert codes(film_warnings(film(View.AP, tip(138, 200), L5_MARGIN))) == []
    assert codes(film_warnings(film(View.AP, tip(90, 200), L5_MARGIN))) == []


def test_w1_uses_pixels_consistently_without_mm_scale():
    # no mm: limit 0.5 * 40 px = 20 px; 21 px medial -> W1
    ws = film_warnings(film(View.AP, tip(141, 200), L5_MARGIN, calibration=Calibration.none()))
    assert codes(ws) == ["W1"] and "21 px" in ws[0].message("en")


def test_w1_fires_when_the_tip_has_crossed_the_midline():
    # midline at x = 150; tip (170, 200) is 50 px = 25 mm medial of T, beyond the midline -> W1
    ws = film_warnings(film(View.AP, tip(170, 200), L5_MARGIN, line(Role.MIDLINE, (150, 0), (150, 400))))
    assert codes(ws) == ["W1"] and "25.0 mm" in ws[0].message("en")


# ----------------------------------------------------------------------------- W2


def test_w2_anterior_third_on_lateral():
    # tip (110, 130): f = 0.889 > 2/3 inside the foramen -> W2
    assert codes(film_warnings(film(View.LATERAL, tip(110, 130), FORAMEN))) == ["W2"]
    # middle third (f = 0.5): no W2
    assert codes(film_warnings(film(View.LATERAL, tip(145, 130), FORAMEN))) == []
    # anterior of the foramen but 4 px = 2 mm outside (within r_near of it) -> W2 as well
    assert codes(film_warnings(film(View.LATERAL, tip(96, 130), FORAMEN))) == ["W2"]
    # far outside anterior (40 px = 20 mm): no W2
    assert codes(film_warnings(film(View.LATERAL, tip(60, 130), FORAMEN))) == []


# ----------------------------------------------------------------------------- W3


def test_w3_intravascular_is_danger_on_film_and_on_root():
    f = film(View.AP, tip(120, 204), L5_MARGIN)
    r = root("L5", Side.RIGHT, f, findings=[Finding("intravascular", film_id=f.id)])
    s = evaluate_root(r)
    assert codes(s.films[0].warnings) == ["W3"] and s.films[0].warnings[0].is_danger
    assert s.has_danger
    assert "reposition" in s.films[0].warnings[0].message("en")
    # a finding without film goes to the root's warnings
    r = root("L5", Side.RIGHT, f, findings=[Finding("intravascular")])
    s = evaluate_root(r)
    assert codes(s.warnings) == ["W3"] and codes(s.films[0].warnings) == []
    # a suggestion (not confirmed) raises nothing
    r = root("L5", Side.RIGHT, f, findings=[Finding("intravascular", suggested=True)])
    assert not evaluate_root(r).has_danger


# ----------------------------------------------------------------------------- W4 and doses


@pytest.mark.parametrize(
    ("dose", "expected"),
    [
        (DrugDose("methylprednisolone", dose_mg=40), ["W4"]),  # in range 40-80, particulate
        (DrugDose("methylprednisolone", dose_mg=120), ["W4", "DRUG_RANGE"]),
        (DrugDose("dexamethasone", dose_mg=5), []),  # non-particulate, in range
        (DrugDose("dexamethasone", dose_mg=4), ["DRUG_RANGE"]),
        (DrugDose("triamcinolone_acetonide", dose_mg=40), ["W4"]),
        (DrugDose("prednisolone_acetate", dose_mg=25), ["W4"]),
        (DrugDose("compound_betamethasone", volume_ml=1.0), ["W4"]),  # 1 ml * 7 mg/ml = 7 mg
        (DrugDose("compound_betamethasone", volume_ml=2.0), ["W4", "DRUG_RANGE"]),  # 14 mg
        (DrugDose("lidocaine", concentration_pct=0.5), []),
        (DrugDose("lidocaine", concentration_pct=1.0), ["DRUG_RANGE"]),
        (DrugDose("bupivacaine", concentration_pct=0.125), []),
        (DrugDose("bupivacaine", concentration_pct=0.14), ["DRUG_RANGE"]),  # above usual, below max
        (DrugDose("bupivacaine", concentration_pct=0.2), ["DRUG_MAX"]),  # above 0.15 % maximum
        (DrugDose("ropivacaine", concentration_pct=0.15), []),
        (DrugDose("ropivacaine"), ["DRUG_NO_DOSE"]),
        (DrugDose("aspirin", dose_mg=100), ["DRUG_UNKNOWN"]),
        # totals: 1 % = 10 mg/ml. lidocaine 0.5 % x 5 ml = 25 mg (fine); 2 % x 30 ml = 600 mg > 300 mg
        (DrugDose("lidocaine", concentration_pct=0.5, volume_ml=5), []),
        (DrugDose("lidocaine", concentration_pct=2.0, volume_ml=30), ["DRUG_TOTAL", "DRUG_RANGE"]),
        (DrugDose("lidocaine", concentration_pct=0.5, volume_ml=60), []),  # 300 mg: at the limit
        (DrugDose("lidocaine", concentration_pct=0.5, volume_ml=61), ["DRUG_TOTAL"]),  # 305 mg
        (DrugDose("bupivacaine", concentration_pct=0.125, volume_ml=121), ["DRUG_TOTAL"]),  # 151.25 > 150
        (DrugDose("bupivacaine", concentration_pct=0.125, volume_ml=120), []),  # 150 mg: at the limit
        # Diprospan 1 ml = 7 mg: 7 mg for 1 ml agrees, 7 mg for 2 ml does not
        (DrugDose("compound_betamethasone", dose_mg=7, volume_ml=1), ["W4"]),
        (DrugDose("compound_betamethasone", dose_mg=7, volume_ml=2), ["W4", "DRUG_DOSE_VOLUME"]),
    ],
)
def test_drug_checks(dose, expected):
    assert codes(drug_warnings(dose, default_config())) == expected


def test_drug_messages_and_severities():
    cfg = default_config()
    (w,) = drug_warnings(DrugDose("bupivacaine", concentration_pct=0.2), cfg)
    assert w.severity == "strong"
    assert w.message("en") == "bupivacaine 0.2 % is above the stated maximum of 0.15 %."
    assert "布比卡因" in w.message("zh")
    (w,) = drug_warnings(DrugDose("lidocaine", concentration_pct=1.0), cfg)
    assert w.severity == "warning" and "0.2–0.5 %" in w.message("en")
    w4 = drug_warnings(DrugDose("triamcinolone_acetonide", dose_mg=40), cfg)[0]
    assert "dexamethasone" in w4.message("en") and "曲安奈德" in w4.message("zh")
    assert "Rathmell" in w4.reference


def test_root_collects_drug_warnings():
    r = root("L5", Side.RIGHT, drugs=[DrugDose("bupivacaine", concentration_pct=0.2),
                                      DrugDose("methylprednisolone", dose_mg=40)])
    assert codes(evaluate_root(r).warnings) == ["DRUG_MAX", "W4"]


# ----------------------------------------------------------------------------- caudal angle


def test_caudal_tilt_from_the_shaft_on_lateral():
    # lateral, +x posterior: anterior a = (-1, 0), caudal c = (0, 1).
    # shaft hub (300, 0) -> tip (200, 100): u = (-100, 100) px; u·a = 100, u·c = 100 -> 45 degrees
    f = film(View.LATERAL, tip(200, 100), FORAMEN, line(Role.SHAFT, (300, 0), (200, 100)))
    assert caudal_tilt_deg(f) == pytest.approx(45.0)
    ws = film_warnings(f)
    assert "ANGLE" in codes(ws)
    angle_w = next(w for w in ws if w.code == "ANGLE")
    assert "45°" in angle_w.message("en") and "20 ± 10°" in angle_w.message("en")
    # hub at (300, 100 - 100*tan 20°): 20 degrees -> no warning
    hub_y = 100 - 100 * math.tan(math.radians(20))
    f = film(View.LATERAL, tip(200, 100), FORAMEN, line(Role.SHAFT, (300, hub_y), (200, 100)))
    assert caudal_tilt_deg(f) == pytest.approx(20.0)
    assert "ANGLE" not in codes(film_warnings(f))


def test_caudal_tilt_in_true_mm_with_anisotropic_spacing():
    # row 0.4, column 0.2: u = (-100*0.2, 100*0.4) = (-20, 40) mm -> atan2(40, 20) = 63.43 degrees
    cal = Calibration(0.4, 0.2, CalibrationSource.PIXEL_SPACING)
    f = film(View.LATERAL, tip(200, 100), line(Role.SHAFT, (300, 0), (200, 100)), calibration=cal)
    assert caudal_tilt_deg(f) == pytest.approx(math.degrees(math.atan2(40, 20)))


def test_caudal_tilt_only_on_lateral_with_shaft():
    assert caudal_tilt_deg(film(View.AP, tip(1, 1), line(Role.SHAFT, (0, 0), (1, 1)))) is None
    assert caudal_tilt_deg(film(View.LATERAL, tip(1, 1))) is None


def test_l5_tilt_finding_above_60_degrees():
    r = root("L5", Side.RIGHT, findings=[Finding("l5_tilt_angle", angle_deg=65.0)])
    (w,) = evaluate_root(r).warnings
    assert w.code == "L5_TILT" and "65°" in w.message("en")
    r = root("L5", Side.RIGHT, findings=[Finding("l5_tilt_angle", angle_deg=55.0)])
    assert evaluate_root(r).warnings == ()


def test_drug_checks_share_the_contract_code_drug():
    ws = drug_warnings(DrugDose("bupivacaine", concentration_pct=0.2), default_config())
    assert [(w.code, w.key) for w in ws] == [("DRUG", "DRUG_MAX")]
    w4 = drug_warnings(DrugDose("methylprednisolone", dose_mg=40), default_config())[0]
    assert (w4.code, w4.key) == ("W4", "W4")


def test_negligible_offsets_are_left_out_of_the_sentence():
    f = film(View.AP, tip(120, 204), L5_MARGIN)
    v = evaluate_film(f, root("L5", Side.RIGHT, f)).verdict
    assert dict(v.offsets)["medial"] == 0.0  # kept in the data
    assert "medial" not in v.explain("en") and "2.0 mm caudal" in v.explain("en")


def test_total_and_dose_volume_messages():
    cfg = default_config()
    (w,) = drug_warnings(DrugDose("lidocaine", concentration_pct=0.5, volume_ml=80), cfg)
    assert w.severity == "strong" and w.message("en") == (
        "lidocaine 0.5 % x 80 ml = 400 mg is above the usual single-injection maximum of 300 mg.")
    assert "利多卡因" in w.message("zh") and "400 mg" in w.message("zh")
    w = drug_warnings(DrugDose("compound_betamethasone", dose_mg=7, volume_ml=2), cfg)[1]
    assert "2 ml is 14 mg" in w.message("en") and "14 mg" in w.message("zh")


def test_findings_outside_the_vocabulary_are_warned():
    r = root("L5", Side.RIGHT, findings=[Finding("intravascluar"), Finding("contrast_cutoff", site="elbow"),
                                         Finding("contrast_cutoff", site="lateral_recess")])
    ws = evaluate_root(r).warnings
    assert codes(ws) == ["FINDING_UNKNOWN", "FINDING_ATTR"]
    assert "'intravascluar'" in ws[0].message("en") and "W3" in ws[0].message("en")
    assert "'elbow'" in ws[1].message("en") and "lateral_recess" in ws[1].message("en")
    assert "部位" in ws[1].message("zh")
