"""The phantom cases: every sample film's verdict equals its scenario's intent.

``sample_images/cases/<case>/case.json`` is a case file; each film has a
ground-truth JSON beside it (``<film stem>*.json``) with
``"expected": {"rule": "R-AP" | ... | null, "status": "on_target" | ...}``.
Two checks: the case file as saved (landmarks as the case builder placed
them), and the raw ground truth (``phantom-truth/1``: exact landmark
geometry) turned into annotations here, leaving out the landmarks listed
under ``"unmarked"``. The samples are committed: a missing case or a truth
file without ``expected`` is a failure, never a skip.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from annotator.geometry import Calibration, CalibrationSource, Directions
from annotator.io.casefile import load_case
from annotator.model import Annotation, Film, Role, Root, ShapeKind, Side, View
from annotator.rules import evaluate_case, evaluate_film

CASES = Path(__file__).resolve().parents[2] / "sample_images" / "cases"


def _case_files() -> list[Path]:
    return sorted(CASES.glob("*/case.json")) if CASES.is_dir() else []


def _truths(folder: Path) -> dict[Path, dict]:
    out = {}
    for p in folder.rglob("*.json"):
        if p.name == "case.json" or ".autosave" in p.name:
            continue
        try:
            data = json.loads(p.read_text("utf-8"))
        except (OSError, ValueError):
            continue
        if isinstance(data, dict) and data.get("schema") == "phantom-truth/1":
            assert isinstance(data.get("expected"), dict), f"{p.parent.name}/{p.name}: no 'expected' verdict"
            out[p] = data
    return out


def _truth_for(film_path: str, folder: Path, truths: dict[Path, dict]) -> dict | None:
    film = (folder / film_path).resolve()
    stem = film.name.split(".")[0]
    for p, data in truths.items():
        named = data.get("film") or data.get("file") or data.get("image") or data.get("path")
        if isinstance(named, str):
            cand = (p.parent / named).resolve()
            if cand == film or (cand.parent == film.parent and cand.name.split(".")[0] == stem):
                return data
    for p, data in truths.items():
        if p.parent == film.parent and p.name.split(".")[0] == stem:
            return data
    return None


@pytest.mark.parametrize("case_file", _case_files() or [None], ids=lambda p: p.parent.name if p else "none")
def test_phantom_verdicts_match_the_scenario(case_file: Path | None, tmp_path: Path):
    assert case_file is not None, "sample cases missing (sample_images/cases/*/case.json)"
    case = load_case(case_file)
    truths = _truths(case_file.parent)
    checked = 0
    for root in case.roots:
        for film in root.films:
            truth = _truth_for(film.path, case_file.parent, truths)
            assert truth is not None, f"{case_file.parent.name}/{film.path}: no ground truth file"
            expected = truth["expected"]
            verdict = evaluate_film(film, root).verdict
            where = f"{case_file.parent.name}/{film.path}"
            if expected.get("rule") is None:
                assert verdict is None, f"{where}: expected no rule, got {verdict and verdict.rule_id}"
                checked += 1
                continue
            assert verdict is not None, f"{where}: expected {expected['rule']}, got no rule"
            assert verdict.rule_id == expected["rule"], where
            if "status" in expected:
                assert verdict.status.value == expected["status"], f"{where}: {verdict.explain('en')}"
            checked += 1
    assert checked > 0, f"{case_file.parent.name}: no film has a ground truth with 'expected'"
    evaluate_case(case)  # the whole case evaluates without error


def _truth_files() -> list[Path]:
    return sorted(CASES.glob("*/*.truth.json")) if CASES.is_dir() else []


def film_from_truth(t: dict) -> tuple[Film, Root]:
    """The landmarks of a ``phantom-truth/1`` file as a film of a root (patient-plane spacing)."""
    anns = []
    unmarked = set(t.get("unmarked", ()))
    if t.get("tip"):
        anns.append(Annotation(Role.TIP, ShapeKind.POINT, [t["tip"]]))
    if t.get("shaft"):
        anns.append(Annotation(Role.SHAFT, ShapeKind.LINE, t["shaft"]))
    if t.get("pedicle_margin") and "pedicle_margin" not in unmarked:
        m = t["pedicle_margin"]
        anns.append(Annotation(Role.PEDICLE_MARGIN, ShapeKind.LINE, m["points"], level=m["level"]))
    if t.get("sap_margin") and "sap_margin" not in unmarked:
        m = t["sap_margin"]
        anns.append(Annotation(Role.SAP_MARGIN, ShapeKind.LINE, m["points"], level=m["level"]))
    if t.get("foramen"):
        anns.append(Annotation(Role.FORAMEN, ShapeKind.POLYGON, t["foramen"]["polygon"], level=t["level"]))
    if t.get("s1_foramen"):
        e = t["s1_foramen"]
        anns.append(Annotation(Role.S1_FORAMEN, ShapeKind.ELLIPSE, [e["center"]], radii=e["radii"],
                               rotation_deg=e["rotation_deg"]))
    if t.get("midline"):
        anns.append(Annotation(Role.MIDLINE, ShapeKind.LINE, t["midline"]))
    s = t["spacing_mm"]
    film = Film(
        "film.png", View(t["view"]), calibration=Calibration(s, s, CalibrationSource.PIXEL_SPACING),
        directions=Directions(t["directions"]["x"], t["directions"]["y"], "phantom"), annotations=anns,
    )
    return film, Root(t["level"], Side(t["side"]), films=[film])


@pytest.mark.parametrize(
    "truth_file", _truth_files() or [None], ids=lambda p: f"{p.parent.name}/{p.name.split('.')[0]}" if p else "none"
)
def test_phantom_truth_landmarks_give_the_intended_verdict(truth_file: Path | None):
    assert truth_file is not None, "sample films missing (sample_images/cases/*/*.truth.json)"
    t = json.loads(truth_file.read_text("utf-8"))
    assert t.get("schema") == "phantom-truth/1", f"{truth_file.name}: not a phantom-truth/1 file"
    assert isinstance(t.get("expected"), dict), f"{truth_file.name}: no 'expected' verdict"
    film, root = film_from_truth(t)
    result = evaluate_film(film, root)
    expected = t["expected"]
    if expected.get("rule") is None:
        assert result.verdict is None
        return
    v = result.verdict
    assert v is not None and v.rule_id == expected["rule"]
    assert v.status.value == expected["status"], v.explain("en")
    if "distance_mm" in expected and expected.get("status") != "on_target":
        assert v.distance == pytest.approx(expected["distance_mm"], abs=0.01)
    if "fraction" in expected and v.fraction is not None:
        assert v.fraction == pytest.approx(expected["fraction"], abs=0.001)
    if film.view is View.LATERAL and t.get("params", {}).get("caudal_deg") is not None:
        assert result.caudal_angle_deg == pytest.approx(t["params"]["caudal_deg"], abs=1.0)


def test_a_truth_file_without_expected_fails_instead_of_being_skipped(tmp_path: Path):
    (tmp_path / "01_ap.truth.json").write_text(json.dumps({"schema": "phantom-truth/1", "view": "AP"}), "utf-8")
    with pytest.raises(AssertionError, match="no 'expected'"):
        _truths(tmp_path)


def test_unmarked_landmarks_are_left_out_of_the_film():
    t = json.loads((CASES / "right_L5_on_target" / "03_oblique.truth.json").read_text("utf-8"))
    assert t["unmarked"] == ["pedicle_margin"] and t.get("pedicle_margin")
    film, _ = film_from_truth(t)
    assert all(a.role is not Role.PEDICLE_MARGIN for a in film.annotations)
