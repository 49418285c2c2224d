"""The sample cases say what their names promise: ``check`` on each one, against hard-coded intent.

The intent is written here by hand (issue 2 §7a and sample_images/README.md),
not computed from the phantom geometry, so a generator change that silently
moves a needle is caught. Only ``case.json`` is needed: it is copied to tmp_path.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from annotator.cli import main

CASES = Path(__file__).resolve().parents[2] / "sample_images" / "cases"

# case -> (exit status, lines that must appear, lines that must not)
INTENT = {
    "right_L5_on_target": (
        0,
        ["Fig 1A (lateral): R-LAT on_target", "Fig 1B (AP): R-AP on_target", "Fig 1C (oblique): no target rule",
         "Fig 1D (AP): R-AP on_target", "needle position confirmed",
         "right L5: complete block → responsible root confirmed", "Responsible level(s): right L5."],
        ["not confirmed", "near", "caution"],
    ),
    "L4_bench_sign": (
        1,
        ["Fig 4A (lateral): R-LAT on_target", "Fig 4B (AP): R-AP near", "needle position not confirmed",
         "caution: needle position not confirmed"],
        [],
    ),
    "right_S1": (
        0,
        ["Fig 3A (AP): R-S1 on_target", "Fig 3B (lateral): no target rule", "needle position confirmed",
         "right S1: complete block → responsible root confirmed"],
        ["not confirmed"],
    ),
    "left_L5_cutoff": (
        0,
        ["Fig 2A (lateral): R-LAT on_target", "Fig 2B (AP): R-AP on_target",
         "left L5: partial block → possibly one of the responsible roots", "Possibly responsible: left L5."],
        ["Responsible level(s)"],
    ),
    "bilateral_L5": (
        1,
        ["Root right L5", "Fig 6A (AP): R-AP on_target", "Fig 6B (lateral): R-LAT on_target",
         "Root left L5", "Fig 6A (AP): R-AP near", "Fig 6C (lateral): R-LAT on_target",
         "right L5: complete block → responsible root confirmed", "Responsible level(s): right L5."],
        ["WRONG SIDE", "ambiguous"],
    ),
    "cine_venous_blush": (
        0,
        ["Fig 5A (AP): R-AP on_target", "[W3 danger]", "left L5: block not assessed → no conclusion"],
        [],
    ),
}


def test_every_sample_case_has_a_stated_intent():
    assert {p.parent.name for p in CASES.glob("*/case.json")} == set(INTENT)


@pytest.mark.parametrize("name", sorted(INTENT))
def test_check_on_the_sample_case_matches_its_intent(name, tmp_path, capsys):
    status, present, absent = INTENT[name]
    folder = tmp_path / name
    folder.mkdir()
    shutil.copy2(CASES / name / "case.json", folder / "case.json")
    assert main(["check", str(folder)]) == status
    out = capsys.readouterr().out
    for text in present:
        assert text in out, f"{name}: {text!r} missing from\n{out}"
    for text in absent:
        assert text not in out, f"{name}: {text!r} unexpected in\n{out}"
