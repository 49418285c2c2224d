"""Case files and marks' sides/roots (issue #9): migration of version-1 files, bad
root ids and sides refused with one line naming the field (exit 2), round trip."""

from __future__ import annotations

import json

import pytest

from annotator.cli import main
from annotator.io.casefile import dumps_case, load_case, loads_case
from annotator.model import MarkSide, Role

# a version-1 case file as the previous release wrote it: no sides, no root ids
V1_FILM = {
    "path": "films/ap.dcm", "view": "AP", "id": "f1", "columns": None,
    "calibration": {"row_mm": 0.5, "col_mm": 0.5, "source": "PixelSpacing"},
    "annotations": [
        {"role": "pedicle_margin", "kind": "line", "points": [[372, 200], [412, 200]], "level": "L5", "id": "pl"},
        {"role": "tip", "kind": "point", "points": [[120, 202]], "id": "t1", "custom_key": 7},
        {"role": "pedicle_margin", "kind": "line", "points": [[140, 200], [100, 200]], "level": "L5", "id": "pr"},
    ],
}


def v1_case(midline: bool, directions: dict | None = None) -> dict:
    film = json.loads(json.dumps(V1_FILM))
    if midline:
        film["annotations"].append({"role": "midline", "kind": "line", "points": [[256, 0], [256, 512]]})
    if directions is not None:
        film["directions"] = directions
    film.pop("columns")
    return {"schema_version": 1, "title": "old", "roots": [{"level": "L5", "side": "right", "id": "r1",
                                                             "films": [film], "findings": [{"code": "tip_in_sheath"}]}]}


def write(tmp_path, data) -> str:
    folder = tmp_path / "case"
    folder.mkdir(exist_ok=True)
    (folder / "case.json").write_text(json.dumps(data), encoding="utf-8")
    return str(folder)


def test_version_1_file_gets_root_ids_and_sides_from_the_midline(tmp_path, capsys):
    folder = write(tmp_path, v1_case(midline=True))
    case = load_case(f"{folder}/case.json")
    f = case.roots[0].films[0]
    sides = {a.id: a.side for a in f.annotations if a.role is Role.PEDICLE_MARGIN}
    assert sides == {"pl": MarkSide.LEFT, "pr": MarkSide.RIGHT}
    assert f.annotation("t1").root_id == "r1" and f.annotation("t1").extra == {"custom_key": 7}
    assert main(["check", folder]) == 0  # the right margin is used, whatever its place in the file
    assert "R-AP on_target, 1.0 mm" in capsys.readouterr().out


def test_flipped_version_1_file_infers_mirrored_sides(tmp_path):
    folder = write(tmp_path, v1_case(midline=True, directions={"x": "R", "y": "F", "source": "PatientOrientation"}))
    f = load_case(f"{folder}/case.json").roots[0].films[0]
    assert f.annotation("pl").side is MarkSide.RIGHT and f.annotation("pr").side is MarkSide.LEFT


def test_version_1_file_without_midline_or_size_gets_unknown_sides_and_an_ambiguous_verdict(tmp_path, capsys):
    folder = write(tmp_path, v1_case(midline=False))
    f = load_case(f"{folder}/case.json").roots[0].films[0]
    assert {a.side for a in f.annotations if a.role is Role.PEDICLE_MARGIN} == {MarkSide.UNKNOWN}
    assert main(["check", folder]) == 1  # never guessed: the user must set the sides
    assert "R-AP ambiguous" in capsys.readouterr().out


def test_sides_and_roots_round_trip():
    case = loads_case(json.dumps(v1_case(midline=True)))
    again = loads_case(dumps_case(case))
    assert [(a.side, a.root_id) for a in again.roots[0].films[0].annotations] == [
        (a.side, a.root_id) for a in case.roots[0].films[0].annotations]
    data = json.loads(dumps_case(case))
    assert data["schema_version"] == 2 and data["roots"][0]["shared_film_ids"] == []
    assert data["roots"][0]["films"][0]["annotations"][0]["side"] == "left"


def current(**ann_changes) -> dict:
    data = json.loads(dumps_case(loads_case(json.dumps(v1_case(midline=True)))))
    data["roots"][0]["films"][0]["annotations"][ann_changes.pop("index", 1)].update(ann_changes)
    return data


@pytest.mark.parametrize(("data", "field"), [
    (current(index=1, root_id="nope"), "roots[0].films[0].annotations[1].root_id"),
    (current(index=0, side="middle"), "roots[0].films[0].annotations[0].side"),
    (current(index=0, side="L"), "roots[0].films[0].annotations[0].side"),
])
def test_bad_root_id_or_side_is_refused_with_one_line_naming_the_field(tmp_path, capsys, data, field):
    folder = write(tmp_path, data)
    assert main(["check", folder]) == 2
    out, err = capsys.readouterr()
    assert out == "" and len(err.strip().splitlines()) == 1 and field in err and "Traceback" not in err


def test_shared_film_id_must_name_another_roots_film(tmp_path, capsys):
    data = current()
    data["roots"].append({"level": "L5", "side": "left", "shared_film_ids": ["f9"]})
    assert main(["check", write(tmp_path, data)]) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and "roots[1].shared_film_ids[0]" in err
