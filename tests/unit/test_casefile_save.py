"""Case files: atomic save with .bak; failures never destroy the last good file; recovery files."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest

from annotator.errors import CaseFileError
from annotator.io import casefile
from annotator.io.casefile import (
    discard_recovery,
    load_case,
    load_recovery,
    recovery_path,
    save_case,
    save_recovery,
)
from annotator.model import Case, Film, Root


def make_case(title: str = "first") -> Case:
    return Case(title=title, roots=[Root("L4", "left", films=[Film("x.dcm")])])


def saved(tmp_path: Path, title: str = "first") -> Path:
    p = tmp_path / "case.json"
    save_case(make_case(title), p)
    return p


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


def test_second_save_keeps_previous_as_bak(tmp_path: Path) -> None:
    p = saved(tmp_path, "first")
    first = p.read_bytes()
    save_case(make_case("second"), p)
    assert (tmp_path / "case.json.bak").read_bytes() == first
    assert load_case(p).title == "second"
    assert leftovers(tmp_path) == []


def test_first_save_makes_no_bak(tmp_path: Path) -> None:
    saved(tmp_path)
    assert sorted(x.name for x in tmp_path.iterdir()) == ["case.json"]


def test_serializer_failure_leaves_file_untouched(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    p = saved(tmp_path)
    before = p.read_bytes()

    def broken(case: Case) -> dict:
        raise TypeError("boom")

    monkeypatch.setattr(casefile, "case_to_dict", broken)
    with pytest.raises(CaseFileError, match="previous file is unchanged"):
        save_case(make_case("second"), p)
    assert p.read_bytes() == before
    assert not (tmp_path / "case.json.bak").exists()
    assert leftovers(tmp_path) == []


def test_unserialisable_value_is_refused_before_writing(tmp_path: Path) -> None:
    p = saved(tmp_path)
    before = p.read_bytes()
    c = make_case()
    c.extra["x_bad"] = object()
    with pytest.raises(CaseFileError):
        save_case(c, p)
    assert p.read_bytes() == before and leftovers(tmp_path) == []


def test_replace_failure_leaves_file_untouched(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    p = saved(tmp_path)
    before = p.read_bytes()
    real = os.replace

    def failing_replace(src, dst):  # the .bak goes in, the new file does not
        if Path(dst) == p:
            raise OSError(28, "No space left on device")
        real(src, dst)

    monkeypatch.setattr(casefile.os, "replace", failing_replace)
    with pytest.raises(CaseFileError, match="No space left"):
        save_case(make_case("second"), p)
    assert p.read_bytes() == before
    assert leftovers(tmp_path) == []
    assert load_case(p).title == "first"


def test_backup_failure_leaves_file_untouched(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    p = saved(tmp_path, "first")
    save_case(make_case("second"), p)  # now case.json.bak holds "first"
    before, bak_before = p.read_bytes(), (tmp_path / "case.json.bak").read_bytes()
    real = os.replace

    def failing_replace(src, dst):
        if Path(dst).name == "case.json.bak":
            raise OSError(28, "No space left on device")
        real(src, dst)

    monkeypatch.setattr(casefile.os, "replace", failing_replace)
    with pytest.raises(CaseFileError):
        save_case(make_case("third"), p)
    assert p.read_bytes() == before
    assert (tmp_path / "case.json.bak").read_bytes() == bak_before
    assert leftovers(tmp_path) == []


def test_half_written_temp_file_never_replaces(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The disk fills after half the text: fsync fails, the case file stays the old one."""
    p = saved(tmp_path)
    before = p.read_bytes()

    def failing_fsync(fd: int) -> None:
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(casefile.os, "fsync", failing_fsync)
    with pytest.raises(CaseFileError, match="Input/output error"):
        save_case(make_case("second"), p)
    assert p.read_bytes() == before and leftovers(tmp_path) == []


def test_unwritable_folder_simulated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    p = saved(tmp_path)
    before = p.read_bytes()

    def denied(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(casefile.tempfile, "mkstemp", denied)
    with pytest.raises(CaseFileError, match="Permission denied"):
        save_case(make_case("second"), p)
    assert p.read_bytes() == before


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root ignores permissions")
def test_read_only_folder(tmp_path: Path) -> None:
    p = saved(tmp_path)
    before = p.read_bytes()
    tmp_path.chmod(0o555)
    try:
        with pytest.raises(CaseFileError, match="previous file is unchanged"):
            save_case(make_case("second"), p)
    finally:
        tmp_path.chmod(0o755)
    assert p.read_bytes() == before


def test_save_keeps_file_mode(tmp_path: Path) -> None:
    p = saved(tmp_path)
    p.chmod(0o640)
    save_case(make_case("second"), p)
    assert p.stat().st_mode & 0o777 == 0o640


def test_recovery_path_matches_gitignore_pattern(tmp_path: Path) -> None:
    assert recovery_path(tmp_path / "case.json") == tmp_path / "case.autosave.json"
    assert recovery_path(tmp_path / "case.json").name.endswith(".autosave.json")


def test_recovery_newer_than_case_is_offered(tmp_path: Path) -> None:
    p = saved(tmp_path, "saved")
    old = time.time() - 60
    os.utime(p, (old, old))
    rec = save_recovery(make_case("unsaved edits"), p)
    assert rec == recovery_path(p) and rec.exists()
    got = load_recovery(p)
    assert got is not None and got.title == "unsaved edits"
    discard_recovery(p)
    assert not rec.exists() and load_recovery(p) is None
    discard_recovery(p)  # twice is fine


def test_recovery_older_than_case_is_ignored(tmp_path: Path) -> None:
    p = tmp_path / "case.json"
    save_recovery(make_case("stale"), p)
    old = time.time() - 60
    os.utime(recovery_path(p), (old, old))
    save_case(make_case("saved later"), p)
    assert load_recovery(p) is None


def test_recovery_without_case_file(tmp_path: Path) -> None:
    p = tmp_path / "never_saved.json"
    save_recovery(make_case("new"), p)
    got = load_recovery(p)
    assert got is not None and got.title == "new"


def test_corrupt_recovery_is_ignored(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    p = tmp_path / "case.json"
    recovery_path(p).write_text("{broken", encoding="utf-8")
    assert load_recovery(p) is None
    assert "recovery" in caplog.text


def test_saved_file_ends_with_newline_and_is_indented(tmp_path: Path) -> None:
    text = saved(tmp_path).read_text(encoding="utf-8")
    assert text.endswith("}\n") and '\n  "schema_version": 2' in text
    assert json.loads(text)["title"] == "first"


def test_temp_files_of_a_killed_save_are_cleaned_up_by_the_next(tmp_path: Path) -> None:
    p = tmp_path / "case.json"
    save_case(make_case(), p)
    old = tmp_path / ".case.json.abc123.tmp"  # what a save killed before os.replace leaves
    old.write_text("{half", encoding="utf-8")
    hour_ago = time.time() - casefile.STALE_TEMP_S - 10
    os.utime(old, (hour_ago, hour_ago))
    fresh = tmp_path / ".case.json.def456.tmp"  # maybe another save running right now: kept
    fresh.write_text("{", encoding="utf-8")
    save_case(make_case("second"), p)
    assert not old.exists() and fresh.exists()
    assert load_case(p).title == "second"
