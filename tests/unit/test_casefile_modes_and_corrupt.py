"""Case-file saves: permission bits like a normal file, and a damaged case.json never replaces a good .bak."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from annotator.io.casefile import load_case, new_file_mode, save_case
from annotator.model import Case, Film, Root


def make_case(title: str) -> Case:
    return Case(title=title, roots=[Root("L4", "left", films=[Film("x.dcm")])])


@pytest.fixture
def umask_027():
    old = os.umask(0o027)
    try:
        yield
    finally:
        os.umask(old)


def mode(p: Path) -> int:
    return stat.S_IMODE(p.stat().st_mode)


def test_new_file_mode_follows_the_umask(umask_027) -> None:
    assert new_file_mode() == 0o640


def test_a_new_case_file_gets_0666_minus_umask(tmp_path: Path, umask_027) -> None:
    p = tmp_path / "case.json"
    save_case(make_case("a"), p)
    assert mode(p) == 0o640


def test_a_saved_case_file_keeps_its_previous_mode(tmp_path: Path, umask_027) -> None:
    p = tmp_path / "case.json"
    save_case(make_case("a"), p)
    p.chmod(0o664)
    save_case(make_case("b"), p)
    assert mode(p) == 0o664 and mode(tmp_path / "case.json.bak") == 0o664


def test_saving_over_a_corrupt_case_keeps_the_good_bak(tmp_path: Path) -> None:
    p = tmp_path / "case.json"
    save_case(make_case("first"), p)
    assert save_case(make_case("second"), p) is None
    good_bak = (tmp_path / "case.json.bak").read_bytes()
    assert load_case(tmp_path / "case.json.bak").title == "first"
    p.write_text('{"schema_version": 1, "title": "half writ', encoding="utf-8")  # damaged on disk

    note = save_case(make_case("third"), p)

    assert (tmp_path / "case.json.bak").read_bytes() == good_bak  # the good backup survives
    aside = sorted(tmp_path.glob("case.json.corrupt-*"))
    assert len(aside) == 1 and aside[0].read_text(encoding="utf-8").endswith("half writ")
    assert note is not None and aside[0].name in note and "damaged" in note
    assert load_case(p).title == "third"
    assert not list(tmp_path.glob("*.tmp"))


def test_a_valid_json_that_is_not_a_case_is_set_aside_too(tmp_path: Path) -> None:
    p = tmp_path / "case.json"
    save_case(make_case("first"), p)
    save_case(make_case("second"), p)
    p.write_text("[1, 2, 3]", encoding="utf-8")
    assert save_case(make_case("third"), p) is not None
    assert load_case(tmp_path / "case.json.bak").title == "first"
    # two corrupt saves in the same second get distinct names
    p.write_text("{", encoding="utf-8")
    save_case(make_case("fourth"), p)
    assert len(list(tmp_path.glob("case.json.corrupt-*"))) == 2
