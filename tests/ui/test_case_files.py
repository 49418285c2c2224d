"""Which files open as a case, where recovery files go, and the sample case's working copy."""

from __future__ import annotations

import hashlib
import os
import shutil
from dataclasses import replace
from pathlib import Path

import pytest

from annotator.io.casefile import case_to_dict, load_case, recovery_path, save_case
from annotator.model import Role
from annotator.ui import app, settings
from annotator.ui.dialogs import Prompter, Recovery, ScriptedPrompter, Unsaved


@pytest.fixture
def window(make_window):
    return lambda prompter=None: make_window(prompter=prompter)


def _edit(doc, title="unsaved title"):
    film = doc.case.roots[0].films[0]
    tip = film.first(Role.TIP)
    doc.update_annotation(film.id, replace(tip, points=((33.0, 44.0),)))
    doc.update_case(title=title)


def _age(path: Path, seconds: float = 10.0) -> None:
    """Make ``path`` older, so a recovery file written now is newer on any file system."""
    t = path.stat().st_mtime - seconds
    os.utime(path, (t, t))


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# -- 1: only case.json opens from a folder ---------------------------------------------------

def test_a_folder_without_case_json_opens_as_a_new_case_and_other_json_is_left_alone(window, synthetic_case):
    folder = synthetic_case.parent
    settings_json = folder / "settings.json"
    synthetic_case.rename(settings_json)  # a JSON that even reads as a case: still not this folder's case
    (folder / "01_ap.truth.json").write_text('{"schema": "phantom-truth/1", "tip": [1, 2]}')
    before = {p.name: _digest(p) for p in folder.glob("*.json")}
    w = window()
    assert w.open_case(folder)
    assert Path(w.document.path) == (folder / "case.json").resolve()
    assert w.document.case.roots == [] and not w.document.dirty
    assert "case.json" in w.statusBar().currentMessage()
    w.case_panel.add_root("L5", "right")
    assert w.save()
    assert (folder / "case.json").is_file() and load_case(folder / "case.json").roots[0].level == "L5"
    assert {p.name: _digest(p) for p in folder.glob("*.json") if p.name != "case.json"} == before


def test_a_json_file_the_user_picks_opens_only_when_it_is_a_case(window, synthetic_case):
    folder = synthetic_case.parent
    truth = folder / "ap.truth.json"
    truth.write_text('{"schema": "phantom-truth/1", "tip": [1, 2]}')
    prompter = ScriptedPrompter()
    w = window(prompter)
    assert not w.open_case(truth)
    assert w.document is None and len(prompter.errors) == 1 and "ap.truth.json" in prompter.errors[0]
    assert prompter.errors[0].startswith("Could not open the case: ")
    other = folder / "teaching-copy.json"
    shutil.copy(synthetic_case, other)
    assert w.open_case(other) and Path(w.document.path) == other.resolve()


def test_a_recovery_file_does_not_open_by_itself(window, synthetic_case):
    w = window()
    w.open_case(synthetic_case)
    _edit(w.document)
    rec = w.autosaver.save_now()
    w.document.mark_saved()
    prompter = ScriptedPrompter()
    w2 = window(prompter)
    assert not w2.open_case(rec)
    assert "recovery file" in prompter.errors[0] and "case.json" in prompter.errors[0]


# -- 2: discarded changes and saved changes leave no recovery file ------------------------------

def test_discarded_changes_do_not_come_back(window, synthetic_case, tmp_path):
    other = tmp_path / "other"
    shutil.copytree(synthetic_case.parent, other)
    prompter = ScriptedPrompter(unsaved=[Unsaved.DISCARD], restore=[Recovery.RESTORE])
    w = window(prompter)
    w.open_case(synthetic_case)
    original = case_to_dict(w.document.case)
    _age(synthetic_case)
    _edit(w.document)
    w.autosaver.save_now()
    assert w.open_case(other / "case.json")  # the unsaved prompt: Discard
    assert prompter.asked == ["unsaved"]
    assert not recovery_path(synthetic_case).exists()
    assert w.open_case(synthetic_case)
    assert prompter.asked == ["unsaved"]  # no recovery offered
    assert case_to_dict(w.document.case) == original


def test_save_as_into_a_new_folder_removes_the_old_recovery_file(window, synthetic_case, tmp_path):
    w = window()
    w.open_case(synthetic_case)
    _edit(w.document)
    w.autosaver.save_now()
    assert recovery_path(synthetic_case).exists()
    target = tmp_path / "elsewhere" / "case.json"
    target.parent.mkdir()
    assert w._save_to(target)
    assert not recovery_path(synthetic_case).exists()
    assert not recovery_path(target).exists()
    assert load_case(target).title == "unsaved title"


# -- 3: the next start offers the recovery of a recent case ------------------------------------

def _crash_with_unsaved_work(window, case_path: Path) -> dict:
    w = window()
    assert w.open_case(case_path)  # now a recent case
    _age(case_path)
    _edit(w.document, "work before the crash")
    assert w.autosaver.save_now() == recovery_path(case_path)
    unsaved = case_to_dict(w.document.case)
    w.autosaver.timer.stop()
    return unsaved  # the window is dropped without a clean close


def test_next_start_offers_the_recovery_of_the_case_worked_on(qtbot, window, synthetic_case):
    unsaved = _crash_with_unsaved_work(window, synthetic_case)
    prompter = ScriptedPrompter(restore=[Recovery.RESTORE])
    w = app.build_window(None, "en", None, prompter=prompter, restore_layout=False)
    qtbot.addWidget(w)
    assert prompter.asked == ["recovery"] and prompter.recovery_folders == [str(synthetic_case.parent)]
    text = prompter.recovery_texts[0]
    assert str(synthetic_case.parent) in text and "Later: keep them and ask again at the next start" in text
    assert "Discard: delete these unsaved changes for good" in text
    assert Path(w.document.path) == synthetic_case.resolve()
    assert case_to_dict(w.document.case) == unsaved and w.document.dirty
    assert "*" in w.windowTitle()
    assert w.save() and not recovery_path(synthetic_case).exists()
    w.autosaver.timer.stop()


def test_the_case_on_the_command_line_opens_and_another_cases_recovery_is_kept(qtbot, window, synthetic_case,
                                                                               tmp_path):
    _crash_with_unsaved_work(window, synthetic_case)
    other = tmp_path / "other"
    shutil.copytree(synthetic_case.parent, other)
    (other / "case.autosave.json").unlink(missing_ok=True)
    prompter = ScriptedPrompter(default_restore=Recovery.RESTORE)
    w = app.build_window(other / "case.json", "en", None, prompter=prompter, restore_layout=False)
    qtbot.addWidget(w)
    assert Path(w.document.path) == (other / "case.json").resolve() and not w.document.dirty
    assert prompter.asked == []  # nothing asked about the other case, nothing deleted
    assert recovery_path(synthetic_case).exists()
    qtbot.waitUntil(lambda: str(synthetic_case.parent) in w.statusBar().currentMessage())
    assert "kept" in w.statusBar().currentMessage()
    # opening that case offers its changes
    assert w.open_case(synthetic_case)
    assert prompter.asked == ["recovery"] and w.document.case.title == "work before the crash"
    w.autosaver.timer.stop()


def test_later_keeps_the_recovery_for_the_next_start_and_discard_deletes_it(qtbot, window, synthetic_case):
    _crash_with_unsaved_work(window, synthetic_case)
    prompter = ScriptedPrompter(restore=[Recovery.LATER, Recovery.DISCARD])
    made = []
    for _ in range(3):
        w = app.build_window(None, "en", None, prompter=prompter, restore_layout=False)
        qtbot.addWidget(w)
        w.autosaver.timer.stop()
        made.append(w)
        # no restore: the sample case opens, not the recovered one
        assert Path(w.document.path) != synthetic_case.resolve()
        if len(made) == 1:
            assert recovery_path(synthetic_case).exists()  # Later: kept
    assert prompter.asked == ["recovery", "recovery"]  # asked again after Later, not after Discard
    assert not recovery_path(synthetic_case).exists()


def test_opening_a_case_with_recovered_changes_can_be_cancelled_without_losing_them(window, synthetic_case):
    _crash_with_unsaved_work(window, synthetic_case)
    prompter = ScriptedPrompter(restore=[Recovery.LATER])
    w = window(prompter)
    assert not w.open_case(synthetic_case)
    assert w.document is None and recovery_path(synthetic_case).exists()
    assert "Later: keep them and do not open the case now" in prompter.recovery_texts[0]
    assert "kept" in w.statusBar().currentMessage()


def test_the_recovery_question_names_the_folder_and_esc_keeps_the_file(qtbot, window):
    from PyQt6.QtCore import Qt

    from tests.ui.test_i18n_visible import on_modal

    w = window()
    seen = {}

    def press(key):
        def inspect(box):
            seen["text"] = box.text()
            seen["buttons"] = sorted(b.text() for b in box.buttons())
            qtbot.keyClick(box, key)
        return inspect

    assert on_modal(qtbot, lambda: Prompter().ask_recovery(w, "/data/cases/a"), press(Qt.Key.Key_Escape)) \
        is Recovery.LATER
    assert "/data/cases/a" in seen["text"] and "delete these unsaved changes for good" in seen["text"]
    assert seen["buttons"] == ["Discard the unsaved changes", "Later", "Restore"]
    assert on_modal(qtbot, lambda: Prompter().ask_recovery(w, "/data/cases/a", opening=True),
                    press(Qt.Key.Key_Escape)) is Recovery.LATER
    assert seen["buttons"] == ["Discard the unsaved changes", "Later", "Restore"]  # "Later", as the README says


def test_the_work_of_a_never_saved_case_is_recovered_when_its_folder_is_opened_again(window, tmp_path):
    folder = tmp_path / "new case"
    folder.mkdir()
    w = window()
    assert w.open_case(folder)
    assert settings.recent_cases() == []  # listed once there is something to open
    w.case_panel.add_root("L4", "left")
    assert w.autosaver.save_now() == recovery_path(folder / "case.json").resolve()
    assert settings.recent_cases() == [(folder / "case.json").resolve()]
    w.autosaver.timer.stop()  # a crash: no clean close, no case.json
    prompter = ScriptedPrompter(restore=[Recovery.RESTORE])
    w2 = window(prompter)
    assert w2.open_case(folder)
    assert prompter.asked == ["recovery"] and prompter.recovery_folders == [str(folder.resolve())]
    assert [r.level for r in w2.document.case.roots] == ["L4"] and w2.document.dirty
    assert w2.save() and load_case(folder / "case.json").roots[0].level == "L4"
    assert not recovery_path(folder / "case.json").exists()


def test_the_work_of_a_never_saved_case_is_offered_at_the_next_start(qtbot, window, tmp_path):
    folder = tmp_path / "new case"
    folder.mkdir()
    w = window()
    assert w.open_case(folder)
    w.case_panel.add_root("S1", "right")
    w.autosaver.save_now()
    w.autosaver.timer.stop()
    sample = app.user_sample_case()
    assert sample is not None
    settings.add_recent_case(sample)  # a case opened later, whose file exists
    assert settings.recent_cases() == [sample.resolve(), (folder / "case.json").resolve()]
    prompter = ScriptedPrompter(restore=[Recovery.RESTORE])
    w2 = app.build_window(None, "en", None, prompter=prompter, restore_layout=False)
    qtbot.addWidget(w2)
    w2.autosaver.timer.stop()
    assert prompter.asked == ["recovery"]
    assert Path(w2.document.path) == (folder / "case.json").resolve()
    assert [r.level for r in w2.document.case.roots] == ["S1"]


def test_a_screenshot_neither_asks_about_nor_removes_recovery_files(window, synthetic_case, tmp_path):
    _crash_with_unsaved_work(window, synthetic_case)
    out = tmp_path / "shot.png"
    assert app.main([str(synthetic_case), "--screenshot", str(out), "--size", "800x600"]) == 0
    assert recovery_path(synthetic_case).exists()


# -- 16: no argument opens the user's copy of the sample case -----------------------------------

def test_no_argument_opens_a_copy_of_the_sample_case(qtbot, isolated_data_home):
    bundled = app.sample_case_path()
    assert bundled is not None
    digest = _digest(bundled)
    w = app.build_window(None, "en", None, prompter=ScriptedPrompter(), restore_layout=False)
    qtbot.addWidget(w)
    copy = isolated_data_home / "fluoro-annotator" / "sample" / bundled.parent.name / "case.json"
    assert Path(w.document.path) == copy.resolve()
    assert settings.recent_cases() == [copy.resolve()]
    w.document.update_case(title="my own notes")
    w.autosaver.save_now()
    assert w.save()
    assert _digest(bundled) == digest  # the repository's sample data is untouched
    assert not recovery_path(bundled).exists()
    assert load_case(copy).title == "my own notes"
    w.autosaver.timer.stop()
    # the copy is the user's: a second start keeps the edit, and a missing film is copied again
    film = copy.parent / load_case(copy).roots[0].films[0].path
    film.unlink()
    w2 = app.build_window(None, "en", None, prompter=ScriptedPrompter(), restore_layout=False)
    qtbot.addWidget(w2)
    assert w2.document.case.title == "my own notes" and film.is_file()
    assert not w2.film_problems
    w2.autosaver.timer.stop()


def test_the_sample_copy_goes_to_the_home_data_folder_without_xdg(monkeypatch, tmp_path):
    monkeypatch.delenv("XDG_DATA_HOME", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    assert app.user_data_dir() == tmp_path / ".local" / "share" / "fluoro-annotator"


def test_saving_a_case_keeps_case_json_valid_after_opening_a_new_folder(window, tmp_path, synthetic_case):
    # a folder with only films: Save writes a case that refers to them relatively
    folder = tmp_path / "films_only"
    folder.mkdir()
    shutil.copy(synthetic_case.parent / "ap.png", folder / "ap.png")
    w = window()
    assert w.open_case(folder)
    w.case_panel.add_root("L4", "left")
    added, problems = w.case_panel.add_files([folder / "ap.png"])
    assert added and not problems
    assert w.save()
    case = load_case(folder / "case.json")
    assert case.roots[0].films[0].path == "ap.png"
    save_case(case, folder / "case.json")


def test_a_missing_film_of_one_case_is_not_reported_for_the_next(window, synthetic_case, tmp_path):
    from annotator.model import Case, Root, Side

    (synthetic_case.parent / "ap.png").unlink()
    other = tmp_path / "no films"
    other.mkdir()
    save_case(Case(title="B", roots=[Root(level="L4", side=Side.LEFT)]), other / "case.json")
    w = window()
    assert w.open_case(synthetic_case)
    assert "ap.png" in w.statusBar().currentMessage() and w.film_problems
    assert w.open_case(other, ask_unsaved=False)
    assert not w.film_problems
    assert "ap.png" not in w.statusBar().currentMessage()
    assert w.statusBar().currentMessage() == "Opened no films"


# -- the sample copy follows a changed bundle, never over the user's changes -------------------

def _bundle(tmp_path: Path) -> Path:
    source = tmp_path / "bundle" / "right_L5_on_target"
    shutil.copytree(app.sample_case_path().parent, source)
    return source / "case.json"


def _change_bundle(bundled: Path, title: str) -> None:
    case = load_case(bundled)
    case.title = title
    save_case(case, bundled)
    (bundled.parent / "case.json.bak").unlink(missing_ok=True)
    (bundled.parent / "03_oblique.dcm").write_bytes((bundled.parent / "02_ap.dcm").read_bytes())


def test_an_unchanged_sample_copy_is_refreshed_when_the_bundle_changes(tmp_path, isolated_data_home):
    bundled = _bundle(tmp_path)
    copy = app.user_sample_case(bundled)
    assert copy == isolated_data_home / "fluoro-annotator" / "sample" / "right_L5_on_target" / "case.json"
    _change_bundle(bundled, "new sample")
    assert app.user_sample_case(bundled) == copy
    assert load_case(copy).title == "new sample"
    assert (copy.parent / "03_oblique.dcm").read_bytes() == (bundled.parent / "03_oblique.dcm").read_bytes()
    assert sorted(p.name for p in copy.parent.iterdir() if p.name != ".sample-manifest.json") == \
        sorted(p.name for p in bundled.parent.iterdir())


def test_a_changed_sample_copy_is_kept_and_the_new_bundle_goes_beside_it(tmp_path, isolated_data_home):
    bundled = _bundle(tmp_path)
    copy = app.user_sample_case(bundled)
    case = load_case(copy)
    case.title = "my teaching notes"
    save_case(case, copy)
    film = copy.parent / "03_oblique.dcm"
    old_film = film.read_bytes()
    _change_bundle(bundled, "new sample")
    result = app.sample_copy(bundled)
    assert load_case(copy).title == "my teaching notes" and film.read_bytes() == old_film  # untouched
    new = result.case
    assert new.parent.parent == copy.parent.parent and new.parent.name.startswith("right_L5_on_target-")
    assert load_case(new).title == "new sample"
    assert str(new.parent) in result.note and str(copy.parent) in result.note
    # the next start opens the new version again, without a new folder or a note
    again = app.sample_copy(bundled)
    assert again.case == new and again.note is None
    assert len(list(copy.parent.parent.iterdir())) == 2
    # a later bundle gets a folder of its own (the first copy is still the user's)
    _change_bundle(bundled, "newer sample")
    later = app.sample_copy(bundled)
    assert later.case.parent.name.startswith("right_L5_on_target-") and later.case.parent != new.parent
    assert load_case(later.case).title == "newer sample" and load_case(copy).title == "my teaching notes"


def test_the_window_names_the_new_sample_folder(qtbot, tmp_path, isolated_data_home, monkeypatch):
    bundled = _bundle(tmp_path)
    monkeypatch.setattr(app, "sample_case_path", lambda: bundled)
    copy = app.user_sample_case(bundled)
    (copy.parent / "case.autosave.json").write_text(copy.read_text())  # unsaved work in the copy
    _change_bundle(bundled, "new sample")
    w = app.build_window(None, "en", None, prompter=ScriptedPrompter(), restore_layout=False)
    qtbot.addWidget(w)
    w.autosaver.timer.stop()
    assert Path(w.document.path).parent.name.startswith("right_L5_on_target-")
    assert w.document.case.title == "new sample"
    qtbot.waitUntil(lambda: "The sample case was updated" in w.statusBar().currentMessage())
    assert str(copy.parent) in w.statusBar().currentMessage()
    assert (copy.parent / "case.autosave.json").exists()
