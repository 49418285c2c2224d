"""The real application on a real X server: Xvfb + Qt's ``xcb`` platform, not ``offscreen``.

Starts ``fluoro-annotator`` on the sample case as a subprocess, waits for its main window,
screenshots the screen through X, checks the picture is not blank and closes the window the way
a window manager does; the app must exit 0. A system library missing for Qt's xcb plugin makes
this test fail (the app aborts with "Could not load the Qt platform plugin"). It skips only off
Linux, or when the X11 tools are absent outside CI (``CI=true`` makes that a failure).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.ui_x11 import x11

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "sample_images" / "cases" / "right_L5_on_target"
TITLE = "Fluoro Annotator"

pytestmark = [pytest.mark.xcb, pytest.mark.slow]


def require_x11_tools() -> None:
    if not sys.platform.startswith("linux"):
        pytest.skip("the xcb smoke test runs on Linux only")
    missing = x11.missing_tools()
    if missing:
        message = "X11 tools missing: " + ", ".join(missing)
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail(message + " (CI must install them: see .ci/run)")
        pytest.skip(message)


def launcher() -> list[str]:
    """The installed ``fluoro-annotator`` script next to this Python, as ``make run`` starts it."""
    script = Path(sys.executable).parent / "fluoro-annotator"
    if script.is_file():
        return [str(script)]
    return [sys.executable, "-c", "import sys; from annotator.cli.launch import main; sys.exit(main())"]


def app_env(display: str, home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("QT_", "WAYLAND"))}
    env.update(DISPLAY=display, QT_QPA_PLATFORM="xcb", HOME=str(home), XDG_DATA_HOME=str(home / "data"),
               XDG_CONFIG_HOME=str(home / "config"), XDG_CACHE_HOME=str(home / "cache"),
               XDG_RUNTIME_DIR=str(home / "runtime"), QT_DEBUG_PLUGINS="0")
    (home / "runtime").mkdir(mode=0o700, parents=True, exist_ok=True)
    return env


def test_real_app_opens_on_xcb_draws_and_quits_cleanly(tmp_path):
    require_x11_tools()
    import numpy as np
    from PIL import Image

    case = tmp_path / "case"
    shutil.copytree(SAMPLE, case)
    shot = tmp_path / "screen.png"
    with x11.xvfb() as display:
        app = subprocess.Popen([*launcher(), str(case)],
                               env=app_env(display, tmp_path / "home"), cwd=tmp_path,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            window = x11.wait_for_window(display, TITLE, timeout=90, alive=lambda: app.poll() is None)
            if window is None:
                app.kill()
                out, err = app.communicate(timeout=30)
                pytest.fail(f"no main window on {display} (exit code {app.returncode}): {err.strip()[-2000:]}")
            blank = True
            for _ in range(20):  # the first paint may follow the map by a moment
                x11.screenshot(display, shot)
                pixels = np.asarray(Image.open(shot).convert("L"), dtype=np.float64)
                if pixels.std() > 20:
                    blank = False
                    break
            assert not blank, f"the screen stayed blank (pixel std {pixels.std():.1f})"
            x11.close_window(display, window)
            out, err = app.communicate(timeout=60)
        finally:
            if app.poll() is None:
                app.kill()
                app.communicate()
    assert app.returncode == 0, err[-2000:]
    assert "Could not load the Qt platform plugin" not in err
    assert "Traceback" not in err
