"""``assist evaluate``: proposals against the user's confirmed marks, read-only (issue 14)."""

from __future__ import annotations

import csv
import hashlib
import json
import shutil
from pathlib import Path

import pytest

from annotator.cli import main

CASES = Path(__file__).resolve().parents[2] / "sample_images" / "cases"


def _hashes(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def library(tmp_path):
    dst = tmp_path / "library"
    for name in ("right_S1", "left_L5_cutoff"):
        shutil.copytree(CASES / name, dst / name)
    return dst


def test_evaluate_prints_the_table_and_changes_nothing(library, capsys):
    before = _hashes(library)
    assert main(["assist", "evaluate", str(library)]) == 0
    out = capsys.readouterr().out
    assert "tip error median / 95th pct" in out and "confidence reliability" in out and "worst films" in out
    assert "cases / films with a confirmed tip    2 / 4" in out
    assert _hashes(library) == before


def test_evaluate_json_and_csv(library, tmp_path, capsys):
    target = tmp_path / "films.csv"
    assert main(["assist", "evaluate", str(library / "right_S1"), str(library / "left_L5_cutoff" / "case.json"),
                 "--json", "--csv", str(target)]) == 0
    data = json.loads(capsys.readouterr().out)
    s = data["summary"]
    assert s["films"] == 4 and s["proposed"] == 4
    assert s["tip_error_median_mm"] < 1.0 and s["wrong_end"] == 0
    assert s["paths"] == 4 and s["cutoff_films"] == 4
    assert sum(r["proposals"] for r in s["reliability"]) == 4
    rows = list(csv.DictReader(target.open()))
    assert [r["film"] for r in rows] == [f["film"] for f in data["films"]]
    assert all(float(r["tip_error"]) < 1.5 for r in rows)


def test_evaluate_without_confirmed_tips_says_so(library, capsys):
    case = library / "right_S1" / "case.json"
    data = json.loads(case.read_text())
    for root in data["roots"]:
        for film in root["films"]:
            film["annotations"] = [a for a in film["annotations"] if a["role"] != "tip"]
    case.write_text(json.dumps(data))
    assert main(["assist", "evaluate", str(library / "right_S1")]) == 1
    out = capsys.readouterr().out.strip().splitlines()
    assert len(out) == 1 and "no film with a user-confirmed needle tip" in out[0]


def test_evaluate_empty_folder_exits_1(tmp_path, capsys):
    assert main(["assist", "evaluate", str(tmp_path)]) == 1
    assert "no case file" in capsys.readouterr().out


@pytest.mark.parametrize("args", [["assist", "evaluate"], ["assist", "evaluate", "/no/such/case"]])
def test_evaluate_bad_input_is_one_line_exit_2(args, capsys):
    assert main(args) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "Traceback" not in err[0]


def test_evaluate_csv_into_a_folder_is_refused(library, tmp_path, capsys):
    assert main(["assist", "evaluate", str(library), "--csv", str(tmp_path)]) == 2
    assert "is a folder" in capsys.readouterr().err
