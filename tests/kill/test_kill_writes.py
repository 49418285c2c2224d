"""SIGKILL at random moments of ``new``, ``assist CASE``, ``export``, GUI save and autosave.

Each run starts the real code in a subprocess, kills it after a random delay, and checks
what a user would find: every case file the old or a new complete version, every film
complete or absent, no user file moved or changed, and -- after running the command again --
no temporary file left. ``KILL_COUNT`` (default 1) kills per command; ``make kill`` runs 100.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from annotator.io.casefile import load_case, save_case
from annotator.io.temp_names import stale_pid
from tests.unit.test_export_fixtures import make_case, make_dicom

pytestmark = [pytest.mark.slow, pytest.mark.filterwarnings("ignore::UserWarning")]

COUNT = int(os.environ.get("KILL_COUNT", "1"))
SEED = int(os.environ.get("FUZZ_SEED", "0"))
ROOT = Path(__file__).resolve().parents[2]
CLI = [sys.executable, "-m", "annotator.cli"]


def run(argv: list[str], timeout: float = 300) -> subprocess.CompletedProcess[str]:
    return subprocess.run(argv, capture_output=True, text=True, timeout=timeout, cwd=ROOT,
                          env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})


def kill_after(argv: list[str], delay: float) -> int:
    """Start ``argv``, SIGKILL it after ``delay`` s (if still running); its return code."""
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT,
                            env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    try:
        proc.wait(timeout=delay)
    except subprocess.TimeoutExpired:
        proc.send_signal(signal.SIGKILL)
    return proc.wait()


def timed(argv: list[str]) -> float:
    started = time.monotonic()
    result = run(argv)
    assert result.returncode == 0, result.stderr
    return time.monotonic() - started


def delays(full: float, name: str) -> list[float]:
    rng = random.Random(f"{SEED}-{name}")
    return [rng.uniform(0.2 * full, 1.05 * full) for _ in range(COUNT)]


def files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def leftovers(folder: Path) -> list[str]:
    return [str(p) for p in folder.rglob(".*") if p.is_file() and (stale_pid(p.name) is not None or ".part" in p.name
                                                                   or p.name.endswith((".tmp", ".previous")))]


@pytest.fixture(scope="module")
def sources(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("sources")
    for i in range(4):  # films big enough for a copy to take a moment
        make_dicom(folder / f"film{i}.dcm", rows=1400, cols=1300, identity={}, view="AP" if i % 2 else "LL")
    return folder


def test_kill_during_new(sources: Path, tmp_path: Path) -> None:
    before = files(sources)
    argv_for = lambda case: [*CLI, "new", str(case), str(sources), "--level", "L5", "--side", "left"]  # noqa: E731
    full = timed(argv_for(tmp_path / "reference"))
    for k, delay in enumerate(delays(full, "new")):
        case = tmp_path / f"case{k}"
        kill_after(argv_for(case), delay)
        assert files(sources) == before  # nothing of the user's moved or changed
        for rel, data in files(case).items():
            name = Path(rel).name
            if name.startswith("."):
                continue  # a temporary copy: hidden, removed by the next run
            if name == "case.json":
                assert len(load_case(case / rel).films()) == 4  # complete, or absent
            else:
                assert data == before[name], f"{rel} is not a complete film"
        again = run([*argv_for(case), "--force"])
        assert again.returncode == 0, again.stderr
        assert sorted(p.name for p in (case / "films").iterdir()) == sorted(before)  # no film-2.dcm
        assert not leftovers(case)


@pytest.fixture
def case_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "case"
    save_case(make_case(folder, n_films=2, identity=False), folder / "case.json")
    return folder


def check_case_files(case_dir: Path, old: bytes) -> None:
    """case.json (and its .bak, recovery file) each the old or a complete new version."""
    for name in ("case.json", "case.json.bak", "case.autosave.json"):
        path = case_dir / name
        if path.exists() and path.read_bytes() != old:
            load_case(path)  # a complete version: raises on a half-written file


def test_kill_during_assist_case(case_dir: Path, tmp_path: Path) -> None:
    import shutil

    reference = tmp_path / "reference"
    shutil.copytree(case_dir, reference)
    full = timed([*CLI, "assist", str(reference)])
    films_before = {k: v for k, v in files(case_dir).items() if k.endswith(".dcm")}
    for k, delay in enumerate(delays(full, "assist")):
        old = (case_dir / "case.json").read_bytes()
        kill_after([*CLI, "assist", str(case_dir)], delay)
        check_case_files(case_dir, old)
        assert {k: v for k, v in files(case_dir).items() if k.endswith(".dcm")} == films_before
    again = run([*CLI, "assist", str(case_dir)])
    assert again.returncode == 0, again.stderr
    assert not leftovers(case_dir)


def complete_output(path: Path) -> None:
    if path.suffix == ".pptx":
        with zipfile.ZipFile(path) as z:
            assert z.testzip() is None
    elif path.suffix == ".pdf":
        assert path.read_bytes().rstrip().endswith(b"%%EOF")
    elif path.suffix == ".png":
        from PIL import Image

        with Image.open(path) as im:
            im.load()
    elif path.suffix == ".dcm":
        import pydicom

        ds = pydicom.dcmread(path)  # reads to the end: a cut file raises or loses its last elements
        if path.stem.endswith(("-sc", "-image")):
            assert "PixelData" in ds


def test_kill_during_export(case_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    argv = [*CLI, "export", str(case_dir), "--pptx", str(out / "d.pptx"), "--pdf", str(out / "d.pdf"),
            "--png", str(out / "png"), "--dicom", str(out / "dcm"), "--quiet"]
    full = timed(argv)  # an earlier export is in place: each kill must leave it or the new one
    mine = out / "png" / "mine.txt"
    mine.write_text("the user's own file")
    case_before = files(case_dir)
    for delay in delays(full, "export"):
        kill_after(argv, delay)
        assert files(case_dir) == case_before and mine.read_text() == "the user's own file"
        for p in out.rglob("*"):
            if p.is_file() and not p.name.startswith(".") and p != mine:
                complete_output(p)
        assert (out / "d.pptx").exists() and (out / "d.pdf").exists()  # replaced, never removed
    again = run(argv)
    assert again.returncode == 0, again.stderr
    assert not leftovers(out)


def test_kill_during_gui_save_and_autosave(case_dir: Path) -> None:
    path = case_dir / "case.json"
    argv = [sys.executable, "-m", "tests.kill.saver", str(path), "40"]
    full = timed(argv)
    save_case(make_case(case_dir, n_films=2, identity=False), path)
    for delay in delays(full, "save"):
        old = path.read_bytes()
        kill_after(argv, delay)
        check_case_files(case_dir, old)
    timed([sys.executable, "-m", "tests.kill.saver", str(path), "1"])  # the next save cleans up
    assert not leftovers(case_dir)
