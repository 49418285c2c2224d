"""No lost work: dirty -> autosave -> recovery file -> the next start offers it -> restored state."""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path

from annotator.io.casefile import case_to_dict, recovery_path
from annotator.model import Role
from annotator.ui.app import build_window
from annotator.ui.dialogs import Recovery, ScriptedPrompter, Unsaved
from annotator.ui.main_window import MainWindow


def _window(qtbot, prompter, autosave_ms=None):
    w = MainWindow(prompter=prompter, autosave_ms=autosave_ms)
    qtbot.addWidget(w)
    return w


def _edit(doc):
    film = doc.case.roots[0].films[0]
    tip = film.first(Role.TIP)
    doc.update_annotation(film.id, replace(tip, points=((33.0, 44.0),)))
    doc.update_case(title="unsaved title")


def test_clean_document_writes_no_recovery(qtbot, synthetic_case):
    w = _window(qtbot, ScriptedPrompter())
    w.open_case(synthetic_case)
    assert w.autosaver.save_now() is None
    assert not recovery_path(synthetic_case).exists()


def test_timer_writes_recovery_and_next_start_restores_it(qtbot, synthetic_case):
    w = _window(qtbot, ScriptedPrompter(), autosave_ms=50)
    w.open_case(synthetic_case)
    t = synthetic_case.stat().st_mtime - 10  # the recovery file is newer on any file system
    os.utime(synthetic_case, (t, t))
    _edit(w.document)
    unsaved = case_to_dict(w.document.case)
    with qtbot.waitSignal(w.autosaver.saved, timeout=3000):
        pass
    assert recovery_path(synthetic_case).is_file()
    w.autosaver.timer.stop()
    # a crash: the window goes away without a clean close; the next start (no case on the
    # command line: it would open the sample case) offers the work back
    prompter = ScriptedPrompter(restore=[Recovery.RESTORE])
    w2 = build_window(None, "en", None, prompter=prompter, restore_layout=False)
    qtbot.addWidget(w2)
    assert prompter.asked == ["recovery"]
    assert Path(w2.document.path) == synthetic_case.resolve()
    assert case_to_dict(w2.document.case) == unsaved
    assert w2.document.dirty  # restored work is not on disk yet
    assert w2.save()
    assert not recovery_path(synthetic_case).exists()  # removed on save


def test_discarding_the_recovery_when_opening_deletes_it(qtbot, synthetic_case):
    w = _window(qtbot, ScriptedPrompter())
    w.open_case(synthetic_case)
    original = case_to_dict(w.document.case)
    _edit(w.document)
    assert w.autosaver.save_now() == recovery_path(synthetic_case)
    prompter = ScriptedPrompter(restore=[Recovery.DISCARD])
    w2 = _window(qtbot, prompter)
    w2.open_case(synthetic_case)
    assert case_to_dict(w2.document.case) == original and not w2.document.dirty
    assert not recovery_path(synthetic_case).exists()
    w3 = _window(qtbot, prompter)
    w3.open_case(synthetic_case)
    assert prompter.asked == ["recovery"]  # not asked again


def test_clean_close_discards_the_recovery(qtbot, synthetic_case):
    w = _window(qtbot, ScriptedPrompter(unsaved=[Unsaved.DISCARD]))
    w.open_case(synthetic_case)
    w.show()
    _edit(w.document)
    w.autosaver.save_now()
    assert recovery_path(synthetic_case).exists()
    assert w.close()
    assert not recovery_path(synthetic_case).exists()
