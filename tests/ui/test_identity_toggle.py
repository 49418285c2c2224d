"""Patient identity in the corner text: hidden by default, shown only while the user wants it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from annotator.ui.dialogs import ScriptedPrompter
from annotator.ui.main_window import MainWindow

CASE = Path(__file__).resolve().parents[2] / "sample_images/cases/right_S1"


@pytest.fixture
def win(qtbot, tmp_path):
    if not (CASE / "case.json").exists():
        pytest.fail("sample cases missing: run `make samples`")
    folder = tmp_path / "case"
    shutil.copytree(CASE, folder)
    w = MainWindow(prompter=ScriptedPrompter(), autosave_ms=None)
    qtbot.addWidget(w)
    assert w.open_case(folder)
    yield w
    w.autosaver.timer.stop()
    w.hide()


def _corner_lines(w) -> list[str]:
    lines = []
    for view in ("AP", "lateral", "oblique"):
        lines += sum(w.workspace.viewport(view).canvas.corner_text().values(), [])
    return lines


def test_identity_hidden_until_turned_on(win):
    assert not win.identity_action.isChecked()
    # the patient's name (PHANTOM^TEST) and ID; "PHANTOM DEFAULT" is the file's window name, not identity
    assert not any("PHANTOM TEST" in line or "FAKE-0001" in line for line in _corner_lines(win))
    win.identity_action.setChecked(True)
    assert any("PHANTOM TEST" in line for line in _corner_lines(win))
    assert any("FAKE-0001" in line for line in _corner_lines(win))
    win.identity_action.setChecked(False)
    assert not any("PHANTOM TEST" in line or "FAKE-0001" in line for line in _corner_lines(win))


def test_choice_survives_opening_another_case(win, tmp_path):
    win.identity_action.setChecked(True)
    other = tmp_path / "other"
    shutil.copytree(CASE, other)
    assert win.open_case(other)
    assert any("PHANTOM TEST" in line for line in _corner_lines(win))
