"""CLI ``assist``: confirmed work is skipped and reported; default frame of a multi-frame file."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from annotator.cli import main
from annotator.io.casefile import load_case
from annotator.model.annotations import Role

CASES = Path(__file__).resolve().parents[2] / "sample_images" / "cases"


@pytest.fixture
def l5_case(tmp_path):
    dst = tmp_path / "l5"
    shutil.copytree(CASES / "left_L5_cutoff", dst)
    return dst


@pytest.fixture
def cine_case(tmp_path):
    dst = tmp_path / "cine"
    shutil.copytree(CASES / "cine_venous_blush", dst)
    return dst


def test_assist_case_skips_confirmed_and_says_so(l5_case, capsys):
    assert main(["assist", str(l5_case)]) == 0
    lines = capsys.readouterr().out.splitlines()
    case = load_case(l5_case / "case.json")
    for film in case.films():
        line = next(s for s in lines if s.startswith(f"film {film.id}:"))
        assert "skipped (already confirmed): needle, contrast_cutoff" in line
        assert "needle tip" not in line and "no needle found" not in line
        assert not [a for a in film.annotations if a.suggested and a.role in (Role.TIP, Role.SHAFT)]
    assert not [f for r in case.roots for f in r.findings if f.suggested and f.code == "contrast_cutoff"]


def test_assist_case_all_overrides(l5_case, capsys):
    assert main(["assist", str(l5_case), "--all", "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert out.count("needle tip") == 2 and "skipped" not in out


def _needle_tip(capsys, args):
    assert main(args + ["--json"]) == 0
    captured = capsys.readouterr()
    import json

    return json.loads(captured.out)["tip"], captured.err


def test_default_frame_is_the_case_key_frame_with_a_note(cine_case, capsys):
    f = str(cine_case / "01_ap_run.dcm")
    tip, err = _needle_tip(capsys, ["assist", "needle", f])
    explicit, err_explicit = _needle_tip(capsys, ["assist", "needle", f, "--frame", "23"])
    assert tip == explicit
    assert "used frame 23 of 0..23" in err and "key frame" in err and "--frame" in err
    assert err_explicit == ""


def test_default_frame_without_a_case_is_the_last_frame(cine_case, tmp_path, capsys):
    lone = tmp_path / "lone"
    lone.mkdir()
    shutil.copy(cine_case / "01_ap_run.dcm", lone / "run.dcm")
    tip, err = _needle_tip(capsys, ["assist", "needle", str(lone / "run.dcm")])
    last, _ = _needle_tip(capsys, ["assist", "needle", str(lone / "run.dcm"), "--frame", "23"])
    assert tip == last
    assert "used frame 23 of 0..23 (the last frame)" in err


def test_single_frame_file_has_no_note(l5_case, capsys):
    _, err = _needle_tip(capsys, ["assist", "needle", str(l5_case / "02_ap.dcm")])
    assert err == ""


def test_help_documents_the_default_frame(capsys):
    with pytest.raises(SystemExit):
        main(["assist", "--help"])
    out = " ".join(capsys.readouterr().out.split())
    assert "LAST frame" in out and "key frame" in out and "--all" in out
