"""Start-up time: process start to the main window shown (first paint) on the sample case.

Each run spawns a fresh ``python -c`` (settings and data in a temporary folder) that imports
the application, builds the main window on the case, shows it and prints the wall-clock time
of the window's first paint event; the parent subtracts the time it spawned the process. It is
measured on a real X server (Xvfb, Qt's ``xcb`` platform: what a user's display costs, fonts,
window mapping and all) and offscreen; without Xvfb only offscreen, and the table says so. The
baseline, in the same run and interleaved with ours on the same platform, is a bare PyQt6
program that shows an empty ``QMainWindow``: the floor any PyQt6 application pays. Target:
median at most 1.5 s on a 2-core machine. Heavy libraries (scikit-image, matplotlib,
highdicom, python-pptx, reportlab) must not be imported on the way; the table says which were.
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from benchmarks.timing import table

RUNS = 7
TARGET_S = 1.5
HEAVY = ("skimage", "matplotlib", "highdicom", "pptx", "reportlab", "scipy")
ROOT = Path(__file__).resolve().parents[1]

# The window's first Paint event starts the first paint pass; its children (the
# viewports drawing the films) paint later in the same pass, so the time is taken
# from a zero-delay timer queued then, which fires once the whole pass is done.
_PAINT_FILTER = """
import os, sys, time
from PyQt6.QtCore import QEvent, QObject, QTimer
def _report():
    print(f"SHOWN {time.time():.6f}", flush=True)
    print("HEAVY " + ",".join(sorted({m.split('.')[0] for m in sys.modules} & set(HEAVY))), flush=True)
    os._exit(0)
class _FirstPaint(QObject):
    seen = False
    def eventFilter(self, obj, event):
        if event.type() == QEvent.Type.Paint and not self.seen:
            self.seen = True
            QTimer.singleShot(0, _report)
        return False
"""

APP_CHILD = _PAINT_FILTER + """
from annotator.ui.app import build_window, make_application
from annotator.ui.dialogs import ScriptedPrompter
app = make_application([])
window = build_window(CASE, "en", None, prompter=ScriptedPrompter())
f = _FirstPaint(); window.installEventFilter(f)
window.resize(1600, 1000); window.show()
app.exec()
"""

BASELINE_CHILD = _PAINT_FILTER + """
from PyQt6.QtWidgets import QApplication, QMainWindow
app = QApplication(["baseline"])
window = QMainWindow()
f = _FirstPaint(); window.installEventFilter(f)
window.resize(1600, 1000); window.show()
app.exec()
"""


def _case_path(tmp: Path) -> tuple[Path, str]:
    from annotator.ui.app import sample_case_path

    sample = sample_case_path()
    if sample is not None:
        return sample, f"sample case {sample.parent.name}"
    return _synthetic_case(tmp), "synthetic 2-film PNG case (sample cases not generated)"


def _synthetic_case(tmp: Path) -> Path:
    import numpy as np
    from PIL import Image

    from annotator.io.casefile import save_case
    from annotator.model import Case, Film, Root, Side, View

    folder = tmp / "case"
    folder.mkdir()
    films = []
    for name, view in (("ap.png", View.AP), ("lat.png", View.LATERAL), ("obl.png", View.OBLIQUE)):
        Image.fromarray((np.arange(1024 * 1024) % 251).astype(np.uint8).reshape(1024, 1024)).save(folder / name)
        films.append(Film(path=name, view=view))
    path = folder / "case.json"
    save_case(Case(title="startup", roots=[Root(level="L5", side=Side.RIGHT, films=films)]), path)
    return path


def _once(code: str, env: dict[str, str]) -> tuple[float, str]:
    t0 = time.time()
    proc = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=120)
    shown = heavy = None
    for line in proc.stdout.splitlines():
        if line.startswith("SHOWN "):
            shown = float(line.split()[1])
        elif line.startswith("HEAVY"):
            heavy = line[6:].strip()
    if shown is None:
        raise RuntimeError(f"the child never painted (exit {proc.returncode}): {proc.stderr.strip()[-300:]}")
    return shown - t0, heavy or ""


@contextmanager
def xvfb(size: str = "1600x1000x24") -> Iterator[str]:
    """Xvfb on a display number it picks itself; yields ``:N``; stopped afterwards."""
    read_fd, write_fd = os.pipe()
    proc = subprocess.Popen(["Xvfb", "-displayfd", str(write_fd), "-screen", "0", size, "-nolisten", "tcp"],
                            pass_fds=(write_fd,), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    os.close(write_fd)
    try:
        with os.fdopen(read_fd) as pipe:
            number = pipe.readline().strip()
        if not number.isdigit():
            raise RuntimeError("Xvfb did not start")
        yield f":{number}"
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def measure(runs: int = RUNS, platform: str = "offscreen", display: str | None = None) -> dict[str, object]:
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        case, what = _case_path(tmp)
        env = dict(os.environ, QT_QPA_PLATFORM=platform, XDG_CONFIG_HOME=str(tmp / "config"),
                   XDG_DATA_HOME=str(tmp / "data"))
        if display is not None:
            env["DISPLAY"] = display
        head = f"HEAVY = {HEAVY!r}\nCASE = {str(case)!r}\n"
        ours, base, heavy = [], [], set()
        _once(head + BASELINE_CHILD, env)  # warm the file cache once, not timed
        for _ in range(runs):
            t, _h = _once(head + BASELINE_CHILD, env)
            base.append(t)
            t, h = _once(head + APP_CHILD, env)
            ours.append(t)
            heavy.update(x for x in h.split(",") if x)
    return {"ours": ours, "baseline": base, "heavy": sorted(heavy), "case": what}


def _rows(label: str, r: dict[str, object]) -> list[list[object]]:
    ours, base = r["ours"], r["baseline"]
    assert isinstance(ours, list) and isinstance(base, list)
    med, med_b = statistics.median(ours), statistics.median(base)
    return [
        [f"{label}: fluoro-annotator main window on the case", med, min(ours), max(ours),
         "yes" if med <= TARGET_S else "NO"],
        [f"{label}: bare PyQt6 empty QMainWindow", med_b, min(base), max(base), ""],
        [f"{label}: our overhead over the baseline", med - med_b, "", "", ""],
    ]


def run() -> str:
    rows: list[list[object]] = []
    heavy: set[str] = set()
    what = ""
    note = ""
    if shutil.which("Xvfb") is not None:
        with xvfb() as display:
            r = measure(platform="xcb", display=display)
        rows += _rows("xcb (Xvfb)", r)
        heavy.update(r["heavy"])  # type: ignore[arg-type]
        what = str(r["case"])
    else:
        note = "Xvfb is not installed (Debian package xvfb): the X11 rows are missing.\n\n"
    r = measure(platform="offscreen")
    rows += _rows("offscreen", r)
    heavy.update(r["heavy"])  # type: ignore[arg-type]
    what = what or str(r["case"])
    return (
        f"### Start-up: process start to first paint ({RUNS} runs each, interleaved; {what})\n\n"
        + note
        + table(["program", "median s", "min s", "max s", f"median ≤ {TARGET_S} s"], rows)
        + f"\n\nHeavy libraries imported before the first paint: {', '.join(sorted(heavy)) or 'none'}.\n"
    )


if __name__ == "__main__":
    print(run())
