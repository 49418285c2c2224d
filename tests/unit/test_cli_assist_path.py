"""CLI ``assist path``: ``--profile`` runs what the GUI runs (it looks past the path's end),
and anchors in one working pixel still give a two-point path."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from annotator.cli import main

CASES = Path(__file__).resolve().parents[2] / "sample_images" / "cases"


@pytest.mark.parametrize("film", ["01_lateral", "02_ap"])
def test_profile_finds_a_stop_at_the_end_of_the_traced_path(film, capsys):
    dcm = CASES / "left_L5_cutoff" / f"{film}.dcm"
    truth = json.loads(dcm.with_suffix(".truth.json").read_text())
    (x0, y0), (x1, y1) = truth["contrast_path"][0], truth["contrast_path"][-1]  # traced up to the stop
    assert main(["assist", "path", str(dcm), "--from", f"{x0},{y0}", "--to", f"{x1},{y1}", "--profile",
                 "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    cuts = [s for s in data["suggestions"] if s["code"] == "contrast_cutoff"]
    assert len(cuts) == 1
    assert math.dist(cuts[0]["point"], truth["cutoff"]) * truth["spacing_mm"] <= 2.0
    # the profile ran on past the traced end
    path_len = sum(math.dist(p, q) for p, q in zip(data["path"][:-1], data["path"][1:])) * truth["spacing_mm"]
    assert data["profile"]["s"][-1] > path_len + 3.0


def test_anchors_in_one_working_pixel(capsys):
    dcm = str(CASES / "right_L5_on_target" / "02_ap.dcm")
    assert main(["assist", "path", dcm, "--from", "100,100", "--to", "101,100", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["path"] == [[100.0, 100.0], [101.0, 100.0]]
    assert main(["assist", "path", dcm, "--from", "100,100", "--to", "101,100", "--profile", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["path"] == [[100.0, 100.0], [101.0, 100.0]] and "profile" in data
