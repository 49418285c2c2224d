"""Rule data shipped as JSON and the department override (deep merge, validation)."""

from __future__ import annotations

import json

import pytest

from annotator.errors import AnnotatorError
from annotator.model import Side, View
from annotator.rules import RuleConfigError, Status, evaluate_film, load_config
from tests.unit.test_rules_builders import L5_MARGIN, film, root, tip


def test_default_tolerances_match_domain_guide():
    t = load_config().tolerances
    assert (t.r_on_mm, t.r_near_mm) == (3.0, 6.0)
    assert (t.pedicle_on_factor, t.pedicle_near_factor) == (0.4, 0.8)
    assert t.w1_medial_factor == 0.5 and t.caudal_guide_deg == 20.0
    assert t.posterior_fraction == pytest.approx(1 / 3) and t.anterior_fraction == pytest.approx(2 / 3)


def test_drug_table_rows():
    drugs = load_config().drugs
    assert set(drugs) == {
        "lidocaine", "bupivacaine", "ropivacaine", "prednisolone_acetate", "methylprednisolone",
        "dexamethasone", "compound_betamethasone", "triamcinolone_acetonide",
    }
    b = drugs["bupivacaine"]
    assert (b.zh, b.drug_class, b.usual, b.unit, b.maximum) == ("布比卡因", "local_anaesthetic", (0.1, 0.125), "%", 0.15)
    assert drugs["lidocaine"].onset == "3–5 min" and drugs["ropivacaine"].duration == "4–5 h"
    assert not drugs["dexamethasone"].particulate and drugs["triamcinolone_acetonide"].particulate
    assert drugs["methylprednisolone"].usual == (40.0, 80.0) and drugs["methylprednisolone"].unit == "mg"
    assert drugs["compound_betamethasone"].mg_per_ml == 7.0


def test_findings_vocabulary_has_seed_and_ext_entries():
    f = load_config().findings
    seed = {"contrast_cutoff", "bench_sign", "tip_in_sheath", "irregular_root", "drg_visualized",
            "proximal_spread", "distal_spread", "root_to_axilla", "negative_image", "l5_course",
            "injection_resistance"}
    ext = {"intravascular", "intradiscal", "intrathecal", "epidural_spread", "adjacent_root",
           "extraforaminal_only", "radiculogram_grade", "l5_tilt_angle"}
    assert {k for k, v in f.items() if v.source == "seed"} == seed
    assert {k for k, v in f.items() if v.source == "ext"} == ext
    assert "pars_defect" in f["contrast_cutoff"].sites and f["contrast_cutoff"].zh.startswith("神经根造影剂中断")
    assert f["contrast_cutoff"].label_of("lateral_recess", "zh") == "椎弓根 / 侧隐窝"
    assert f["injection_resistance"].values == ("none", "mild", "marked")
    assert f["l5_course"].levels == ("L5",) and f["tip_in_sheath"].name("zh") == "针尖确认"


def write(tmp_path, data):
    p = tmp_path / "department.json"
    p.write_text(json.dumps(data), "utf-8")
    return p


def test_override_deep_merges_and_changes_verdicts(tmp_path):
    cfg = load_config(write(tmp_path, {
        "tolerances": {"r_on_mm": 1.5, "caudal_angle": {"tolerance_deg": 5}},
        "drugs": {"levobupivacaine": {"en": "levobupivacaine", "zh": "左布比卡因", "class": "local_anaesthetic",
                                      "usual": [0.1, 0.25], "unit": "%", "particulate": False}},
        "warnings": {"W1": {"severity": "danger"}},
    }))
    t = cfg.tolerances
    assert (t.r_on_mm, t.r_near_mm, t.caudal_tolerance_deg, t.caudal_guide_deg) == (1.5, 6.0, 5.0, 20.0)
    assert cfg.drugs["levobupivacaine"].source == "department" and "lidocaine" in cfg.drugs
    assert cfg.warnings["W1"].severity == "danger" and "6 o'clock" in cfg.warnings["W1"].en
    assert cfg.origin == "department.json"
    # a tip 2 mm from T: on target by default, near with r_on = 1.5 mm
    f = film(View.AP, tip(120, 204), L5_MARGIN)
    r = root("L5", Side.RIGHT, f)
    assert evaluate_film(f, r).verdict.status is Status.ON_TARGET
    assert evaluate_film(f, r, cfg).verdict.status is Status.NEAR


@pytest.mark.parametrize(
    ("data", "where"),
    [
        ({"tolerances": {"r_onn_mm": 2}}, "tolerances.r_onn_mm"),
        ({"tolerances": {"r_on_mm": -1}}, "tolerances.r_on_mm"),
        ({"tolerances": {"r_on_mm": 9}}, "tolerances.r_on_mm"),  # above r_near
        ({"tolerances": {"uncalibrated": 5}}, "tolerances.uncalibrated"),
        ({"tolerances": {"uncalibrated": {"pedicle_on_factor": "big"}}}, "tolerances.uncalibrated.pedicle_on_factor"),
        ({"drugs": {"x": {"en": "x", "class": "local_anaesthetic", "usual": [1, 2], "unit": "%",
                          "particulate": False}}}, "drugs.x.zh"),
        ({"drugs": {"lidocaine": {"usual": [0.5, 0.2]}}}, "drugs.lidocaine.usual"),
        ({"drugs": {"lidocaine": {"unit": "ml"}}}, "drugs.lidocaine.unit"),
        ({"drugs": {"bupivacaine": {"maximum": 0.11}}}, "drugs.bupivacaine.maximum"),
        ({"findings": {"new": {"en": "x", "zh": "x", "location": "area"}}}, "findings.new.location"),
        ({"warnings": {"W9": {"severity": "info"}}}, "warnings.W9"),
        ({"warnings": {"W3": {"severity": "red"}}}, "warnings.W3.severity"),
        ({"colours": {}}, "colours"),
        ({"drugs": []}, "drugs"),
    ],
)
def test_bad_override_names_the_key(tmp_path, data, where):
    with pytest.raises(RuleConfigError) as info:
        load_config(write(tmp_path, data))
    assert isinstance(info.value, AnnotatorError)
    message = str(info.value)
    assert message.startswith("department.json: ") and where in message
    assert "\n" not in message


def test_unreadable_or_invalid_rule_file(tmp_path):
    with pytest.raises(RuleConfigError, match="cannot read"):
        load_config(tmp_path / "missing.json")
    p = tmp_path / "broken.json"
    p.write_text("{not json", "utf-8")
    with pytest.raises(RuleConfigError, match="broken.json: not valid JSON"):
        load_config(p)
    p.write_text("[1, 2]", "utf-8")
    with pytest.raises(RuleConfigError, match="JSON object"):
        load_config(p)


def test_finding_problems_against_the_vocabulary():
    from annotator.model import Finding
    from annotator.rules.vocabulary import finding_problems

    assert finding_problems(Finding("contrast_cutoff", site="pars_defect"), "L5") == []
    assert finding_problems(Finding("injection_resistance", value="marked")) == []
    assert finding_problems(Finding("l5_tilt_angle", angle_deg=65), "L5") == []
    assert finding_problems(Finding("nonsense")) == ["code: 'nonsense' is not in the findings vocabulary"]
    assert finding_problems(Finding("contrast_cutoff", site="knee"))[0].startswith("site: 'knee' is not one of")
    assert finding_problems(Finding("injection_resistance", value="huge"))[0].startswith("value: 'huge'")
    assert finding_problems(Finding("l5_course", value="straight"), "L4") == ["level: l5_course applies to L5 only"]
    assert finding_problems(Finding("l5_tilt_angle"), "L5") == ["angle_deg: l5_tilt_angle needs the measured angle"]
    assert finding_problems(Finding("bench_sign", value="x")) == ["value: bench_sign has no value"]
