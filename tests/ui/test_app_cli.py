"""The application entry: arguments, --screenshot in-process and as a process, the error hook."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from annotator.ui import app

ROOT = Path(__file__).resolve().parents[2]


def _png_size(path: Path) -> tuple[int, int]:
    from PIL import Image

    with Image.open(path) as im:
        return im.size


def test_arguments():
    args = app.parse_args(["case.json", "--lang", "zh", "--view", "lateral", "--screenshot", "x.png"])
    assert (args.case, args.lang, args.view, args.screenshot) == ("case.json", "zh", "lateral", "x.png")
    with pytest.raises(SystemExit):
        app.parse_args(["--lang", "fr"])


def test_screenshot_in_process(qapp, synthetic_case, tmp_path):
    out = tmp_path / "shot.png"
    assert app.main([str(synthetic_case), "--screenshot", str(out), "--size", "1200x800"]) == 0
    assert _png_size(out) == (1200, 800)


def test_screenshot_single_view_in_chinese(qapp, synthetic_case, tmp_path):
    from annotator.ui import i18n

    out = tmp_path / "zh.png"
    assert app.main([str(synthetic_case), "--screenshot", str(out), "--lang", "zh", "--view", "ap",
                     "--size", "1000x700"]) == 0
    assert out.stat().st_size > 1000
    assert i18n.current_language() == "zh"


def test_screenshot_of_a_dialog(qapp, synthetic_case, tmp_path):
    for name in app.DIALOGS:
        out = tmp_path / f"{name}.png"
        assert app.main([str(synthetic_case), "--screenshot", str(out), "--dialog", name]) == 0
        w, h = _png_size(out)
        assert 200 < w < 1200 and 100 < h < 900  # the dialog, not the 1600 x 1000 window


def test_screenshot_of_a_missing_case_still_renders(qapp, tmp_path, capsys):
    out = tmp_path / "empty.png"
    assert app.main([str(tmp_path / "nope" / "case.json"), "--screenshot", str(out), "--size", "900x600"]) == 0
    assert out.is_file()


@pytest.mark.slow
def test_screenshot_as_a_process(synthetic_case, tmp_path):
    out = tmp_path / "proc.png"
    env = dict(os.environ)
    env.pop("QT_QPA_PLATFORM", None)  # the app sets offscreen itself for --screenshot
    env["XDG_CONFIG_HOME"] = str(tmp_path / "config")
    proc = subprocess.run(
        [sys.executable, "-c", "import sys; from annotator.cli.launch import main; sys.exit(main())",
         str(synthetic_case), "--screenshot", str(out)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    assert _png_size(out) == app.SCREENSHOT_SIZE


def test_excepthook_prints_one_line(capsys):
    from annotator.errors import CaseFileError

    saved = sys.excepthook
    try:
        app.install_excepthook(show_dialog=False)
        try:
            raise CaseFileError("case.json", "bad value", field="roots[0].level")
        except CaseFileError as exc:
            sys.excepthook(type(exc), exc, exc.__traceback__)
    finally:
        sys.excepthook = saved
    err = capsys.readouterr().err
    assert err.strip() == "error: case.json: roots[0].level: bad value"


def test_sample_case_is_found_when_generated():
    path = app.sample_case_path()
    assert path is not None, "the sample cases ship with the repository"
    assert path.name == "case.json" and path.is_file()
