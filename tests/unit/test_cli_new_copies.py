"""``new`` copies films under a temporary name and renames; a rerun replaces its own partial copies."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from annotator.cli import main
from annotator.io.film_copy import is_partial_copy
from annotator.io.temp_names import remove_stale, temp_prefix
from tests.unit.test_cli_new import write_dicom


def dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def test_a_rerun_replaces_a_cut_short_copy_instead_of_adding_a_second(tmp_path: Path, capsys) -> None:
    src = write_dicom(tmp_path / "ap.dcm", view_position="AP")
    case = tmp_path / "case"
    films = case / "films"
    films.mkdir(parents=True)
    whole = src.read_bytes()
    (films / "ap.dcm").write_bytes(whole[: len(whole) // 3])  # what a killed copy used to leave
    assert main(["new", str(case), str(src)]) == 0
    assert sorted(p.name for p in films.iterdir()) == ["ap.dcm"]
    assert (films / "ap.dcm").read_bytes() == whole
    assert '"path": "films/ap.dcm"' in (case / "case.json").read_text()
    capsys.readouterr()


def test_an_empty_copy_is_partial_and_a_different_film_is_not(tmp_path: Path) -> None:
    src = write_dicom(tmp_path / "a.dcm")
    empty, other = tmp_path / "e.dcm", tmp_path / "o.dcm"
    empty.write_bytes(b"")
    other.write_bytes(src.read_bytes()[:100] + b"x")
    assert is_partial_copy(src, empty)
    assert not is_partial_copy(src, other) and not is_partial_copy(src, src)


def test_another_film_of_the_same_name_is_kept_and_the_copy_numbered(tmp_path: Path, capsys) -> None:
    src = write_dicom(tmp_path / "ap.dcm", view_position="AP")
    films = tmp_path / "case" / "films"
    films.mkdir(parents=True)
    other = write_dicom(films / "ap.dcm", view_position="LL", instance=9)
    kept = other.read_bytes()
    assert main(["new", str(tmp_path / "case"), str(src)]) == 0
    assert (films / "ap.dcm").read_bytes() == kept and (films / "ap-2.dcm").read_bytes() == src.read_bytes()
    capsys.readouterr()


def test_temporary_files_of_a_dead_process_are_removed_and_a_live_ones_kept(tmp_path: Path, capsys) -> None:
    pid = dead_pid()
    films = tmp_path / "case" / "films"
    films.mkdir(parents=True)
    stale = films / f".ap.dcm.{pid}.abcd1234.tmp"
    live = films / f"{temp_prefix('ap.dcm')}zzzz9999.tmp"
    user = films / ".ap.dcm.notes.tmp"  # not our pattern: never touched
    for p in (stale, live, user):
        p.write_bytes(b"half")
    src = write_dicom(tmp_path / "ap.dcm")
    assert main(["new", str(tmp_path / "case"), str(src)]) == 0
    assert not stale.exists() and live.exists() and user.exists()
    assert remove_stale(films) == []
    capsys.readouterr()


def test_a_failed_copy_leaves_neither_film_nor_temporary(tmp_path: Path, capsys, monkeypatch) -> None:
    src = write_dicom(tmp_path / "ap.dcm")
    real = os.replace

    def failing(a, b):  # the disk fills at the rename of the copy
        if str(b).endswith("ap.dcm") and "films" in str(b):
            raise OSError(28, "No space left on device")
        return real(a, b)

    monkeypatch.setattr(os, "replace", failing)
    assert main(["new", str(tmp_path / "case"), str(src)]) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1
    assert list((tmp_path / "case" / "films").iterdir()) == []
    assert not (tmp_path / "case" / "case.json").exists()


@pytest.mark.parametrize("name", [".x.dcm.12.abcdefgh.tmp", ".deck.pptx.12.previous", ".d.12.abcd_123.part.pdf"])
def test_the_temporary_name_pattern(name: str) -> None:
    from annotator.io.temp_names import stale_pid

    assert stale_pid(name.replace(".12.", f".{dead_pid()}.")) is not None
    assert stale_pid(name.replace(".12.", f".{os.getpid()}.")) is None
