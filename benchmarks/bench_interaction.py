"""Interaction: a tip drag step and a window/level step in the main window, rules, case files.

The main window runs offscreen on a copy of the sample case ``right_L5_on_target``
(1600 x 1000, three viewports of 1024 x 1024 films). A *tip drag step* is one
mouse move of a left-drag on the AP film's needle tip: the document update
(merged into one undo step), the rules, the verdict panel, the overlay and a
synchronous repaint of the viewport. A *window/level step* is one move of a
right-drag with its repaint. The baseline, timed in alternation with them, is
the same viewport repainted with nothing changed: the floor of any step.
Target: a step within one frame at 60 Hz (16.7 ms).

``evaluate_film`` is timed per rule on the sample films, and ``load_case``
(JSON parse, schema validation, model) beside ``json.loads`` of the same text.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path

from benchmarks.timing import interleaved_ms, table

ROOT = Path(__file__).resolve().parents[1]
CASES = ROOT / "sample_images" / "cases"
FRAME_MS = 1000.0 / 60.0


def _window_steps(folder: Path) -> list[tuple[str, float, float]]:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PyQt6.QtCore import QPoint, Qt
    from PyQt6.QtTest import QTest
    from PyQt6.QtWidgets import QApplication

    from annotator.model import Role
    from annotator.ui.dialogs import ScriptedPrompter
    from annotator.ui.main_window import MainWindow

    app = QApplication.instance() or QApplication([])
    w = MainWindow(prompter=ScriptedPrompter(), restore_layout=False)
    w.resize(1600, 1000)
    w.show()
    app.processEvents()
    assert w.open_case(folder / "case.json")
    app.processEvents()
    canvas = w.workspace.viewport("AP").canvas
    tip = canvas.film.first(Role.TIP).points[0]
    start = QPoint(*(round(v) for v in canvas.transform.to_widget(*tip)))
    left, right = Qt.MouseButton.LeftButton, Qt.MouseButton.RightButton
    step = {"k": 0}

    def wiggle(button: Qt.MouseButton) -> None:  # one move of a drag, then a synchronous repaint
        step["k"] += 1
        QTest.mouseMove(canvas, start + QPoint(1 + step["k"] % 5, step["k"] % 3))
        canvas.repaint()

    def repaint_only() -> None:
        canvas.repaint()

    QTest.mousePress(canvas, left, pos=start)
    drag, floor = interleaved_ms([lambda: wiggle(left), repaint_only], repeats=41, warmup=3)
    QTest.mouseRelease(canvas, left, pos=start)
    before = w.document.undo_text
    QTest.mousePress(canvas, right, pos=start)
    wl, floor2 = interleaved_ms([lambda: wiggle(right), repaint_only], repeats=41, warmup=3)
    QTest.mouseRelease(canvas, right, pos=start)
    assert before, "the drag was one undo step on the document"
    w.autosaver.timer.stop()
    w.document.mark_saved()  # no prompt, no recovery file
    w.close()
    return [("tip drag step (document, rules, panels, overlay, repaint)", drag, floor),
            ("window/level step (right-drag, repaint)", wl, floor2)]


def _rules_rows(folder: Path) -> list[tuple[str, float]]:
    from annotator.io.casefile import load_case
    from annotator.rules import evaluate_film
    from benchmarks.timing import median_ms

    rows = []
    for name in ("right_L5_on_target", "right_S1"):
        case = load_case(folder.parent / name / "case.json")
        for root in case.roots:
            for film in root.films:
                v = evaluate_film(film, root).verdict
                if v is None:
                    continue
                us = 1000.0 * median_ms(lambda f=film, r=root: evaluate_film(f, r), repeats=201, warmup=5)
                rows.append((f"evaluate_film {v.rule_id} ({name}, {film.view.value})", us))
    return rows


def run() -> str:
    from annotator.io.casefile import load_case

    with tempfile.TemporaryDirectory() as tmp:
        for name in ("right_L5_on_target", "right_S1"):
            shutil.copytree(CASES / name, Path(tmp) / name)
        folder = Path(tmp) / "right_L5_on_target"
        os.environ["XDG_CONFIG_HOME"] = str(Path(tmp) / "config")  # no settings of the user touched
        steps = _window_steps(folder)
        rules = _rules_rows(folder)
        path = folder / "case.json"
        text = path.read_text(encoding="utf-8")
        ours, parse = interleaved_ms([lambda: load_case(path), lambda: json.loads(text)], repeats=51, warmup=2)

    rows = [(label, ms, floor, "meets" if ms <= FRAME_MS else "misses") for label, ms, floor in steps]
    out = table(("step (1024 x 1024 film, 1600 x 1000 window)", "median ms", "baseline: repaint only (ms)",
                 f"<= {FRAME_MS:.1f} ms (60 Hz)"), rows)
    out += "\n\n" + table(("rule", "median µs"), [(label, f"{us:.0f}") for label, us in rules])
    out += "\n\n" + table(("case file", "median ms", "baseline: json.loads of the text (ms)"),
                          [("load_case (parse, schema, model) right_L5_on_target", ours, parse)])
    return out
