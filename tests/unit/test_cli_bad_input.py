"""Bad input through the real console entry: one line on stderr, exit 2, no
traceback, no library chatter, no folder path (it may carry a patient name)."""

from __future__ import annotations

import random
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

FILM = Path(__file__).resolve().parents[2] / "sample_images/cases/right_L5_on_target/02_ap.dcm"


def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "annotator.cli", *args], capture_output=True, text=True,
                          timeout=120)


@pytest.fixture(scope="module")
def bad_files(tmp_path_factory) -> dict[str, Path]:
    assert FILM.exists(), "the sample film ships with the repository"
    folder = tmp_path_factory.mktemp("DOE^JANE")  # a folder named like a patient
    data = FILM.read_bytes()
    truncated = folder / "truncated.dcm"
    truncated.write_bytes(data[: len(data) // 2])
    garbled = bytearray(data)
    rng = random.Random(1)
    for i in range(2000):  # damage the JPEG-LS stream, keep the header intact
        garbled[len(data) - 200_000 + i] = rng.randrange(256)
    (folder / "garbled.dcm").write_bytes(bytes(garbled))
    (folder / "notes.txt").write_text("not an image\n")
    shutil.copy(FILM, folder / "good.dcm")
    return {p.stem: p for p in folder.iterdir()}


def _assert_one_clean_line(result: subprocess.CompletedProcess, name: str) -> None:
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: ") and name in lines[0]
    assert "Traceback" not in result.stderr and "DOE^JANE" not in result.stderr


@pytest.mark.parametrize("stem", ["truncated", "garbled", "notes"])
def test_render_bad_files(bad_files, tmp_path, stem):
    result = _cli("render", str(bad_files[stem]), "--out", str(tmp_path / "out.png"))
    _assert_one_clean_line(result, bad_files[stem].name)
    assert not (tmp_path / "out.png").exists()


@pytest.mark.parametrize("stem", ["truncated", "notes"])
def test_info_bad_files(bad_files, stem):
    _assert_one_clean_line(_cli("info", str(bad_files[stem])), bad_files[stem].name)


def test_debug_shows_the_details(bad_files, tmp_path):
    result = _cli("--debug", "render", str(bad_files["garbled"]), "--out", str(tmp_path / "o.png"))
    assert result.returncode != 0 and "Traceback" in result.stderr


def test_good_file_still_renders(bad_files, tmp_path):
    result = _cli("render", str(bad_files["good"]), "--out", str(tmp_path / "o.png"))
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "o.png").stat().st_size > 1000


@pytest.mark.parametrize("argv", [[], ["render"], ["info"], ["assist", "needle", "x.dcm", "--frame", "x"],
                                  ["check", ".", "--lang", "fr"], ["no-such-command"]])
def test_usage_errors_are_one_line_with_exit_2(argv, capsys):
    from annotator.cli import main

    with pytest.raises(SystemExit) as info:
        main(argv)
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and "--help" in err and "Traceback" not in err
