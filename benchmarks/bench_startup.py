"""Start-up time: process start to the main window shown (first paint) on the sample case.

Each run spawns a fresh ``python -c`` (offscreen Qt, settings in a temporary
folder) that imports the application, builds the main window on the case,
shows it and prints the wall-clock time of the window's first paint event;
the parent subtracts the time it spawned the process. The baseline, in the
same run and interleaved with ours, is a bare PyQt6 program that shows an
empty ``QMainWindow``: the floor any PyQt6 application pays. Target: median
at most 1.5 s on a 2-core machine. Heavy libraries (scikit-image,
matplotlib, highdicom, python-pptx, reportlab) must not be imported on the
way; the table says which of them were.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
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


def measure(runs: int = RUNS) -> dict[str, object]:
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        case, what = _case_path(tmp)
        env = dict(os.environ, QT_QPA_PLATFORM="offscreen", XDG_CONFIG_HOME=str(tmp / "config"))
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


def run() -> str:
    r = measure()
    ours, base = r["ours"], r["baseline"]
    med, med_b = statistics.median(ours), statistics.median(base)
    rows = [
        ["fluoro-annotator main window on the case", med, min(ours), max(ours),
         "yes" if med <= TARGET_S else "NO"],
        ["baseline: bare PyQt6 empty QMainWindow", med_b, min(base), max(base), ""],
        ["our overhead over the baseline", med - med_b, "", "", ""],
    ]
    heavy = ", ".join(r["heavy"]) or "none"
    return (
        f"### Start-up: process start to first paint ({RUNS} runs each, interleaved; {r['case']})\n\n"
        + table(["program", "median s", "min s", "max s", f"median ≤ {TARGET_S} s"], rows)
        + f"\n\nHeavy libraries imported before the first paint: {heavy}.\n"
    )


if __name__ == "__main__":
    print(run())
