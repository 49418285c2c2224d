"""CLI ``assist``: JSON shapes of needle/path, and ``assist CASE`` writing only unconfirmed suggestions."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from annotator.cli import main
from annotator.io.casefile import load_case

CASES = Path(__file__).resolve().parents[2] / "sample_images" / "cases"


@pytest.fixture
def cine_case(tmp_path):
    dst = tmp_path / "cine"
    shutil.copytree(CASES / "cine_venous_blush", dst)
    return dst


def test_needle_json(cine_case, capsys):
    assert main(["assist", "needle", str(cine_case / "01_ap_run.dcm"), "--frame", "23", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert {"tip", "shaft", "confidence", "other_end", "end_cues", "cues_disagree"} <= set(data)
    assert len(data["tip"]) == 2 and len(data["shaft"]) == 2 and all(len(p) == 2 for p in data["shaft"])
    assert data["shaft"][1] == data["tip"]
    truth = json.loads((cine_case / "01_ap_run.truth.json").read_text())
    assert abs(data["tip"][0] - truth["tip"][0]) < 6 and abs(data["tip"][1] - truth["tip"][1]) < 6


def test_path_json(cine_case, capsys):
    truth = json.loads((cine_case / "01_ap_run.truth.json").read_text())
    (x0, y0), (x1, y1) = truth["contrast_path"][0], truth["contrast_path"][-1]
    args = ["assist", "path", str(cine_case / "01_ap_run.dcm"), "--from", f"{x0},{y0}", "--to", f"{x1},{y1}",
            "--frame", "23", "--json"]
    assert main(args) == 0
    data = json.loads(capsys.readouterr().out)
    assert list(data) == ["path"]
    assert len(data["path"]) >= 2 and all(len(p) == 2 for p in data["path"])
    assert data["path"][0] == pytest.approx([x0, y0], abs=0.01)
    assert main(args + ["--profile"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert {"path", "profile", "suggestions"} <= set(data)


def test_bad_input_exit_2(cine_case, capsys):
    f = str(cine_case / "01_ap_run.dcm")
    assert main(["assist", "needle", f, "--frame", "99"]) == 2
    assert main(["assist", "path", f, "--from", "1,2"]) == 2
    assert main(["assist", "path", f, "--from", "a,b", "--to", "3,4"]) == 2
    assert main(["assist", str(cine_case / "nothing_here")]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err


def test_assist_case_writes_only_suggestions(cine_case, capsys):
    before = load_case(cine_case / "case.json")
    confirmed_before = {(f.id, a.id) for f in before.films() for a in f.annotations}
    findings_before = {f.id for r in before.roots for f in r.findings}
    # --all: the sample already has a confirmed tip and intravascular finding; suggest them anyway
    assert main(["assist", str(cine_case), "--all"]) == 0
    out = capsys.readouterr().out
    assert "frame 9" in out
    after = load_case(cine_case / "case.json")
    new_anns = [(f, a) for f in after.films() for a in f.annotations if (f.id, a.id) not in confirmed_before]
    new_findings = [f for r in after.roots for f in r.findings if f.id not in findings_before]
    assert new_anns and new_findings
    assert all(a.suggested for _, a in new_anns)
    assert all(f.suggested for f in new_findings)
    roles = {a.role.value for _, a in new_anns}
    assert {"tip", "shaft", "finding"} <= roles
    assert any(f.code == "intravascular" for f in new_findings)
    # the confirmed items are untouched
    for f in before.films():
        for a in f.annotations:
            assert after.film(f.id)[1].annotation(a.id) == a
    # running again replaces the earlier suggestions instead of piling them up
    assert main(["assist", str(cine_case), "--all"]) == 0
    again = load_case(cine_case / "case.json")
    assert sum(len(f.annotations) for f in again.films()) == sum(len(f.annotations) for f in after.films())


def test_assist_case_dry_run_leaves_the_file(cine_case):
    text = (cine_case / "case.json").read_text()
    assert main(["assist", str(cine_case / "case.json"), "--dry-run", "--json"]) == 0
    assert (cine_case / "case.json").read_text() == text


def test_assist_case_suggests_the_cutoff_of_the_sample(tmp_path, capsys):
    dst = tmp_path / "cut"
    shutil.copytree(CASES / "left_L5_cutoff", dst)
    # --all: the sample's cutoff and tips are already confirmed, which would be skipped otherwise
    assert main(["assist", str(dst), "--all"]) == 0
    case = load_case(dst / "case.json")
    for film in case.films():
        truth = json.loads((dst / film.path.replace(".dcm", ".truth.json")).read_text())
        cut = [a for a in film.annotations if a.suggested and a.text == "contrast_cutoff"]
        assert len(cut) == 1
        x, y = cut[0].points[0]
        mm = film.effective_calibration().mean_mm_per_px()
        assert ((x - truth["cutoff"][0]) ** 2 + (y - truth["cutoff"][1]) ** 2) ** 0.5 * mm <= 2.0
        # the needle proposal lands on the true tip
        tip = next(a for a in film.annotations if a.suggested and a.role.value == "tip")
        assert ((tip.points[0][0] - truth["tip"][0]) ** 2 + (tip.points[0][1] - truth["tip"][1]) ** 2) ** 0.5 * mm <= 1.0
