"""Case files: bad files are reported with the failing field and never rewritten."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from annotator.errors import CaseFileError
from annotator.io.casefile import dumps_case, field_path, load_case
from annotator.io.migrations import CURRENT_VERSION
from annotator.model import Annotation, Case, DrugDose, Film, Root


def good() -> dict:
    case = Case(roots=[Root("L5", "right", drugs=[DrugDose("lidocaine"), DrugDose("dexamethasone", dose_mg=5)],
                            films=[Film("a.dcm", annotations=[Annotation("tip", "point", [(1, 2)])])])])
    return json.loads(dumps_case(case))


def write(tmp_path: Path, data: object) -> Path:
    p = tmp_path / "case.json"
    p.write_text(data if isinstance(data, str) else json.dumps(data), encoding="utf-8")
    return p


def error_of(tmp_path: Path, data: object) -> CaseFileError:
    p = write(tmp_path, data)
    before = p.read_bytes()
    with pytest.raises(CaseFileError) as info:
        load_case(p)
    assert p.read_bytes() == before  # reported, never touched
    return info.value


def test_field_path_form() -> None:
    assert field_path(["roots", 0, "drugs", 1, "dose_mg"]) == "roots[0].drugs[1].dose_mg"
    assert field_path([]) == ""


def test_wrong_type_names_the_nested_field(tmp_path: Path) -> None:
    data = good()
    data["roots"][0]["drugs"][1]["dose_mg"] = "five"
    err = error_of(tmp_path, data)
    assert err.field == "roots[0].drugs[1].dose_mg"
    assert str(err) == "case.json: roots[0].drugs[1].dose_mg: must be a number"


def test_missing_required_field(tmp_path: Path) -> None:
    data = good()
    del data["roots"][0]["level"]
    err = error_of(tmp_path, data)
    assert err.field == "roots[0].level" and "missing" in err.problem


@pytest.mark.parametrize(
    ("edit", "field", "words"),
    [
        (lambda d: d["roots"][0].__setitem__("level", "L6"), "roots[0].level", "one of L1"),
        (lambda d: d["roots"][0].__setitem__("contrast_volume_ml", -2), "roots[0].contrast_volume_ml", "at least 0"),
        (lambda d: d.__setitem__("age", 130), "age", "at most 120"),
        (lambda d: d["roots"][0]["films"][0].__setitem__("view", "PA"), "roots[0].films[0].view", "one of AP"),
        (lambda d: d["roots"][0]["films"][0]["annotations"][0].__setitem__("points", [[1, "x"]]),
         "roots[0].films[0].annotations[0].points[0][1]", "must be a number"),
        (lambda d: d["roots"][0].__setitem__("subtraction_used", "yes"), "roots[0].subtraction_used", "true or false"),
    ],
)
def test_schema_errors_name_the_field(tmp_path: Path, edit, field: str, words: str) -> None:
    data = good()
    edit(data)
    err = error_of(tmp_path, data)
    assert err.field == field
    assert words in err.problem


def test_model_rule_errors_name_the_field(tmp_path: Path) -> None:
    """Checks the schema cannot express (shape kind allowed for a role) still name the field."""
    data = good()
    data["roots"][0]["films"][0]["annotations"][0]["kind"] = "line"
    data["roots"][0]["films"][0]["annotations"][0]["points"] = [[0, 0], [1, 1]]
    err = error_of(tmp_path, data)
    assert err.field == "roots[0].films[0].annotations[0].kind"
    assert "tip" in err.problem and "not allowed" in err.problem


def test_duplicate_film_ids_are_reported(tmp_path: Path) -> None:
    data = good()
    data["roots"][0]["films"].append(dict(data["roots"][0]["films"][0]))
    err = error_of(tmp_path, data)
    assert err.field == "roots[0].films[1].id" and "duplicate" in err.problem


def test_bad_json_reports_line_and_column(tmp_path: Path) -> None:
    err = error_of(tmp_path, '{\n  "schema_version": 1,\n  "title": "x",,\n}')
    assert "line 3, column 16" in str(err)
    assert err.path is not None and err.path.name == "case.json"


def test_truncated_file_is_reported(tmp_path: Path) -> None:
    text = json.dumps(good())
    err = error_of(tmp_path, text[: len(text) // 2])
    assert "not valid JSON" in str(err)


def test_not_an_object(tmp_path: Path) -> None:
    assert "JSON object" in str(error_of(tmp_path, "[1, 2]"))


def test_binary_file(tmp_path: Path) -> None:
    p = tmp_path / "case.json"
    p.write_bytes(b"\x89PNG\r\n\x1a\n\xff\xfe")
    with pytest.raises(CaseFileError, match="not UTF-8"):
        load_case(p)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(CaseFileError, match="no such case file"):
        load_case(tmp_path / "nope.json")


def test_folder_instead_of_file(tmp_path: Path) -> None:
    with pytest.raises(CaseFileError, match="is a folder: open the case.json inside it"):
        load_case(tmp_path)


def test_newer_schema_version_asks_to_update(tmp_path: Path) -> None:
    data = good()
    data["schema_version"] = CURRENT_VERSION + 1
    err = error_of(tmp_path, data)
    assert "made by a newer fluoro-annotator" in str(err) and "update the application" in str(err)


@pytest.mark.parametrize("version", ["1", -1, 1.5, True])
def test_bad_schema_version(tmp_path: Path, version: object) -> None:
    data = good()
    data["schema_version"] = version
    err = error_of(tmp_path, data)
    assert err.field == "schema_version"


def test_message_never_shows_the_folder(tmp_path: Path) -> None:
    folder = tmp_path / "Zhang San 1950-01-01"
    folder.mkdir()
    data = good()
    data["age"] = -1
    err = error_of(folder, data)
    assert "Zhang" not in str(err) and "1950" not in str(err)


def test_nan_is_refused_with_the_field(tmp_path: Path) -> None:
    text = json.dumps(good()).replace('"contrast_volume_ml": null', '"contrast_volume_ml": NaN')
    err = error_of(tmp_path, text)
    assert err.field == "roots[0].contrast_volume_ml" and "finite" in err.problem


def test_spacing_without_source_names_the_calibration(tmp_path: Path) -> None:
    data = good()
    data["roots"][0]["films"][0]["calibration"] = {"row_mm": 0.2, "col_mm": 0.2}
    err = error_of(tmp_path, data)
    assert err.field == "roots[0].films[0].calibration" and "source" in err.problem


def test_error_in_a_later_item_is_located(tmp_path: Path) -> None:
    data = good()
    data["roots"].append(dict(data["roots"][0], id="r2", films=[{"path": "b.dcm", "key_frame": -1}]))
    err = error_of(tmp_path, data)
    assert err.field == "roots[1].films[0].key_frame" and "at least 0" in err.problem


@pytest.mark.parametrize("length", ["abc", -5, 0, None])
def test_bad_calibration_length_names_the_field(tmp_path: Path, length: object) -> None:
    data = good()
    data["roots"][0]["films"][0]["annotations"].append(
        {"role": "calibration", "kind": "line", "points": [[0, 0], [50, 0]], "attrs": {"length_mm": length}})
    err = error_of(tmp_path, data)
    assert err.field == "roots[0].films[0].annotations[1].attrs.length_mm"
    assert "number" in err.problem or "positive" in err.problem


def test_directions_on_one_patient_axis_are_refused(tmp_path: Path) -> None:
    data = good()
    data["roots"][0]["films"][0]["directions_override"] = {"x": "L", "y": "R", "source": "user"}
    err = error_of(tmp_path, data)
    assert err.field == "roots[0].films[0].directions_override" and "left-right" in err.problem


@pytest.mark.parametrize("data", [{"name": "settings", "theme": "dark"}, {"film": "a.dcm", "expected": {}}, {}])
def test_a_json_file_that_is_not_a_case_is_refused(tmp_path: Path, data: dict) -> None:
    err = error_of(tmp_path, data)
    assert "not a fluoro-annotator case file" in str(err)
