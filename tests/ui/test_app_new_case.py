"""File ▸ New case…: a folder, films and the root tested make a saved case shown in the window."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from annotator.io.casefile import load_case
from annotator.model import Side
from annotator.ui.dialogs import ScriptedPrompter, Unsaved
from annotator.ui.main_window import MainWindow
from annotator.ui.new_case_dialog import NewCaseDialog, NewCaseRequest, create_case, new_case_from_window


@pytest.fixture
def win(qtbot):
    w = MainWindow(prompter=ScriptedPrompter(), restore_layout=False)
    qtbot.addWidget(w)
    return w


def png(path, value=0):
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.fromarray(np.full((40, 40), value, np.uint8)).save(path)
    return path


def test_new_case_with_films_copies_outside_films_and_saves(win, tmp_path):
    outside = png(tmp_path / "incoming" / "a.png", 10)
    folder = tmp_path / "cases" / "c1"
    inside = png(folder / "b.png", 20)
    broken = tmp_path / "incoming" / "broken.png"
    broken.write_bytes(b"not an image")
    ok = new_case_from_window(win, NewCaseRequest(folder, [outside, inside, broken], "L4", Side.LEFT))
    assert ok
    case = load_case(folder / "case.json")
    root = case.roots[0]
    assert (root.level, root.side) == ("L4", Side.LEFT)
    assert sorted(f.path for f in root.films) == ["b.png", "films/a.png"]
    assert (folder / "films" / "a.png").is_file()
    assert all(f.directions is None for f in root.films)  # defaulted directions are not stored
    assert win.document.case.roots[0].id == root.id
    assert not win.document.dirty and not win.document.can_undo
    assert "skipped" in win.statusBar().currentMessage()


def test_empty_new_case_and_no_overwrite(win, tmp_path):
    folder = tmp_path / "empty"
    assert new_case_from_window(win, NewCaseRequest(folder, [], "S1", Side.RIGHT))
    assert load_case(folder / "case.json").roots[0].films == []
    assert not new_case_from_window(win, NewCaseRequest(folder, [], "L5", Side.RIGHT))
    assert "already holds a case" in win.prompter.errors[-1]
    assert load_case(folder / "case.json").roots[0].level == "S1"


def test_unsaved_changes_are_asked_about_first(win, tmp_path, synthetic_case):
    win.open_case(synthetic_case)
    win.document.update_case(title="edited")
    win.prompter.unsaved.append(Unsaved.CANCEL)
    assert not new_case_from_window(win, NewCaseRequest(tmp_path / "x", [], "L5", Side.RIGHT))
    assert not (tmp_path / "x").exists()


def test_dialog_reads_its_fields(qtbot, tmp_path):
    dialog = NewCaseDialog(start_folder=tmp_path / "n")
    qtbot.addWidget(dialog)
    dialog.level.setCurrentText("L3")
    dialog.side.setCurrentIndex(list(Side).index(Side.LEFT))
    dialog.files.addItem(str(tmp_path / "f.png"))
    req = dialog.request()
    assert (req.folder, req.level, req.side) == (tmp_path / "n", "L3", Side.LEFT)
    assert req.files == [tmp_path / "f.png"]


def test_create_case_same_file_twice_is_one_film(tmp_path):
    src = png(tmp_path / "in" / "a.png")
    doc, problems = create_case(NewCaseRequest(tmp_path / "c", [src, src, tmp_path / "in"]))
    assert problems == []
    assert [f.path for f in doc.case.roots[0].films] == ["films/a.png"]


def test_create_case_replaces_a_cut_short_copy_and_leaves_no_temporary(tmp_path):
    src = png(tmp_path / "in" / "a.png")
    films = tmp_path / "c" / "films"
    films.mkdir(parents=True)
    (films / "a.png").write_bytes(src.read_bytes()[:20])  # what a killed copy used to leave
    doc, problems = create_case(NewCaseRequest(tmp_path / "c", [src]))
    assert problems == [] and [f.path for f in doc.case.roots[0].films] == ["films/a.png"]
    assert sorted(p.name for p in films.iterdir()) == ["a.png"]  # no a-2.png, no hidden temporary
    assert (films / "a.png").read_bytes() == src.read_bytes()
