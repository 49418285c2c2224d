"""The phantom cases: every sample film's verdict equals its scenario's intent.

``sample_images/cases/<case>/case.json`` is a case file; each film has a
ground-truth JSON beside it (``<film stem>*.json``) with
``"expected": {"rule": "R-AP" | ... | null, "status": "on_target" | ...}``.
The test skips cleanly while the samples are not generated.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from annotator.io.casefile import load_case
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
        if isinstance(data, dict) and isinstance(data.get("expected"), dict):
            out[p] = data
    return out


def _truth_for(film_path: str, folder: Path, truths: dict[Path, dict]) -> dict | None:
    film = (folder / film_path).resolve()
    stem = film.name.split(".")[0]
    for p, data in truths.items():
        named = data.get("film") or data.get("file") or data.get("image") or data.get("path")
        if isinstance(named, str) and (folder / named).resolve() in (film, (p.parent / named).resolve()):
            return data
    for p, data in truths.items():
        if p.parent == film.parent and p.name.split(".")[0] == stem:
            return data
    return None


@pytest.mark.parametrize("case_file", _case_files() or [None], ids=lambda p: p.parent.name if p else "none")
def test_phantom_verdicts_match_the_scenario(case_file: Path | None, tmp_path: Path):
    if case_file is None:
        pytest.skip("sample cases not generated (sample_images/cases/*/case.json)")
    case = load_case(case_file)
    truths = _truths(case_file.parent)
    checked = 0
    for root in case.roots:
        for film in root.films:
            truth = _truth_for(film.path, case_file.parent, truths)
            if truth is None:
                continue
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
    if checked == 0:
        pytest.skip(f"{case_file.parent.name}: no film has a ground truth with 'expected'")
    evaluate_case(case)  # the whole case evaluates without error
