"""Case files: every field survives save -> load; unknown keys are kept on every level."""

from __future__ import annotations

import json
from dataclasses import MISSING, fields
from pathlib import Path

import jsonschema
from hypothesis import HealthCheck, given, settings

from annotator.geometry import Calibration, CalibrationSource, Directions
from annotator.io import casefile
from annotator.io.casefile import dumps_case, load_case, loads_case, save_case
from annotator.model import (
    Annotation,
    Approach,
    BlockResult,
    Case,
    CheckResult,
    Concordance,
    DrugDose,
    Film,
    Finding,
    Phase,
    Redaction,
    Resistance,
    Root,
    Side,
    Technique,
    View,
)
from tests.unit.test_model_strategies import cases


def full_case() -> Case:
    """A case where every field of every dataclass differs from its default."""
    ann = Annotation(
        role="s1_foramen", kind="ellipse", points=((10.5, 20.25),), frame=2, id="a1", text="S1",
        level="S1", radii=(4.0, 6.5), rotation_deg=12.5, attrs={"length_mm": 10.0, "note": [1, 2]},
        suggested=True, extra={"x_ann": {"nested": True}}, side="right", root_id="r1",
    )
    tip = Annotation(role="tip", kind="point", points=((1.0, 2.0),), id="a2")
    film = Film(
        path="films/ap 1.dcm", view=View.AP, phase=Phase.AFTER_DRUG, id="f1", caption="Fig 7D", figure_label="7D",
        key_frame=3, view_evidence="ViewPosition = 'AP'",
        calibration=Calibration(0.15, 0.16, CalibrationSource.DETECTOR),
        directions=Directions("L", "F", "PatientOrientation"),
        directions_override=Directions("R", "F", "user"),
        redactions=[Redaction(0, 0, 50, 20, id="x1", extra={"x_red": 1})], annotations=[ann, tip],
        extra={"x_film": "kept"}, calibration_override=Calibration(0.2, 0.2, CalibrationSource.USER),
        columns=640, rows=480,
    )
    root = Root(
        level="L5", side=Side.LEFT, id="r1", technique=Technique.BLOCK, approach=Approach.INFRANEURAL,
        needle_type="Quincke", needle_gauge="22G", contrast_agent="iohexol 300", contrast_volume_ml=2.5,
        resistance=Resistance.MARKED, flash=CheckResult.NEGATIVE, aspiration=CheckResult.POSITIVE,
        subtraction_used=True,
        drugs=[DrugDose("lidocaine", 0.5, 10.0, 2.0, extra={"x_drug": "lot 7"}), DrugDose("dexamethasone", None, 5.0)],
        concordance=Concordance.YES, block_result=BlockResult.PARTIAL, block_assessed_min=15.0,
        adjustments="redirected laterally", notes="root note", films=[film],
        findings=[Finding("contrast_cutoff", id="n1", film_id="f1", annotation_id="a1", site="lateral_recess",
                          value="marked", angle_deg=62.5, note="stops at pedicle", suggested=True,
                          extra={"x_finding": 3})],
        extra={"x_root": [1]}, shared_film_ids=["f2"],
    )
    other = Root(level="L5", side=Side.RIGHT, id="r2", films=[Film(path="films/ap 2.dcm", id="f2")])
    return Case(
        title="left L5 study", id="c1", age=70, sex="M", symptoms="left leg pain",
        iodine_allergy_test_done=True, planned_roots=["left L5"], notes="case note", roots=[root, other],
        extra={"x_case": {"a": 1}},
    )


def test_full_case_really_sets_every_field() -> None:
    """Guards the round-trip test below: a field left at its default would prove nothing."""
    c = full_case()
    r = c.roots[0]
    f = r.films[0]
    for obj in (c, r, f, f.annotations[0], r.drugs[0], r.findings[0], f.redactions[0]):
        for fl in fields(obj):
            default = fl.default if fl.default is not MISSING else (
                fl.default_factory() if fl.default_factory is not MISSING else MISSING)  # type: ignore[misc]
            if fl.name == "id":
                continue
            assert getattr(obj, fl.name) != default, f"{type(obj).__name__}.{fl.name} left at its default"


def test_every_field_survives_save_and_load(tmp_path: Path) -> None:
    case = full_case()
    save_case(case, tmp_path / "case.json")
    back = load_case(tmp_path / "case.json")
    assert back == case
    assert back.roots[0].films[0].annotations[0].extra == {"x_ann": {"nested": True}}
    assert isinstance(back.roots[0].side, Side) and isinstance(back.roots[0].films[0].view, View)


def test_saved_file_is_valid_against_the_shipped_schema(tmp_path: Path) -> None:
    save_case(full_case(), tmp_path / "case.json")
    data = json.loads((tmp_path / "case.json").read_text(encoding="utf-8"))
    assert data["schema_version"] == 2
    assert data["roots"][0]["films"][0]["path"] == "films/ap 1.dcm"
    jsonschema.Draft202012Validator(casefile.schema()).validate(data)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cases())
def test_random_cases_round_trip(case: Case) -> None:
    text = dumps_case(case)
    assert loads_case(text) == case
    assert dumps_case(loads_case(text)) == text  # unknown keys of nested objects too (not in ==)


def _with_unknown_keys() -> dict:
    data = json.loads(dumps_case(full_case()))
    data["future_case_key"] = {"k": [1, 2]}
    root = data["roots"][0]
    root["future_root_key"] = "r"
    root["drugs"][1]["future_drug_key"] = 1.5
    film = root["films"][0]
    film["future_film_key"] = None
    film["calibration"]["future_cal_key"] = 1
    film["directions_override"] = {"x": "R", "y": "F", "source": "user", "future_dir_key": "d"}
    film["annotations"][1]["future_ann_key"] = [True]
    film["redactions"][0]["future_red_key"] = "z"
    root["findings"][0]["future_finding_key"] = {"deep": {"er": 1}}
    return data


def test_unknown_keys_survive_load_and_save_on_every_level(tmp_path: Path) -> None:
    data = _with_unknown_keys()
    p = tmp_path / "case.json"
    p.write_text(json.dumps(data), encoding="utf-8")
    save_case(load_case(p), p)
    again = json.loads(p.read_text(encoding="utf-8"))
    again.pop("app"), data.pop("app")
    assert again == data


def test_unknown_keys_are_kept_in_extra(tmp_path: Path) -> None:
    p = tmp_path / "case.json"
    p.write_text(json.dumps(_with_unknown_keys()), encoding="utf-8")
    c = load_case(p)
    assert c.extra["future_case_key"] == {"k": [1, 2]}
    assert c.roots[0].drugs[1].extra == {"future_drug_key": 1.5}
    assert c.roots[0].films[0].annotations[1].extra == {"future_ann_key": [True]}
    assert "schema_version" not in c.extra and "app" not in c.extra


def test_minimal_hand_written_file_gets_defaults(tmp_path: Path) -> None:
    p = tmp_path / "case.json"
    p.write_text(json.dumps({"schema_version": 1, "roots": [
        {"level": "S1", "side": "right", "films": [{"path": "a.png", "annotations": [
            {"role": "tip", "kind": "point", "points": [[3, 4]]}]}]}]}), encoding="utf-8")
    c = load_case(p)
    film = c.roots[0].films[0]
    assert film.calibration == Calibration() and film.view is View.UNKNOWN
    assert film.annotations[0].points == ((3.0, 4.0),)
    assert c.id and c.roots[0].id and film.id and film.annotations[0].id


def test_saved_text_is_utf8_and_keeps_chinese(tmp_path: Path) -> None:
    c = full_case()
    c.symptoms = "右下肢放射痛"
    save_case(c, tmp_path / "c.json")
    assert "右下肢放射痛" in (tmp_path / "c.json").read_text(encoding="utf-8")
    assert load_case(tmp_path / "c.json").symptoms == "右下肢放射痛"
