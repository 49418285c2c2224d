"""File ▸ Export…: the dialog's choices, the threaded export with progress, save-first, errors."""

from __future__ import annotations

from pathlib import Path

import pytest
from PyQt6.QtWidgets import QProgressDialog

from annotator.ui.dialogs import ScriptedPrompter
from annotator.ui.export_dialog import ExportDialog, ExportOptions, export_from_window
from annotator.ui.main_window import MainWindow


@pytest.fixture
def win(qtbot, synthetic_case):
    w = MainWindow(prompter=ScriptedPrompter(), restore_layout=False)
    qtbot.addWidget(w)
    assert w.open_case(synthetic_case)
    return w


def wait_for(qtbot, run):
    with qtbot.waitSignal(run.finished, timeout=60_000) as blocker:
        pass
    return blocker.args


def test_dialog_defaults_are_de_identified_and_warn_on_identity(qtbot, tmp_path):
    dialog = ExportDialog(tmp_path)
    qtbot.addWidget(dialog)
    out = Path(dialog.folder.text())
    opts = dialog.options()
    assert opts.identified is False
    assert opts.pptx == out / "case.pptx"
    assert opts.pdf is None and opts.png_dir is None and opts.dicom_dir is None
    assert dialog.warning.isHidden()
    dialog.identified.setChecked(True)
    assert not dialog.warning.isHidden()
    assert "identity" in dialog.warning.text()
    assert dialog.options().identified is True
    dialog.checks["pptx"].setChecked(False)
    assert not dialog.export_button.isEnabled()  # nothing chosen: nothing to export
    dialog.checks["png"].setChecked(True)
    assert dialog.export_button.isEnabled()
    assert dialog.options().png_dir == out / "case_films"


def test_png_export_runs_in_a_thread_with_progress_to_100(win, qtbot, tmp_path):
    out = tmp_path / "out"
    run = export_from_window(win, ExportOptions(png_dir=out / "films", lang="en"))
    assert run is not None
    assert run.thread.isRunning() or run.ok is not None
    assert isinstance(run.dialog, QProgressDialog)
    qtbot.waitUntil(lambda: run.ok is not None, timeout=60_000)
    assert run.ok is True, run.message
    assert run.percent == 100
    pngs = sorted(p.name for p in (out / "films").glob("*.png"))
    assert len(pngs) == 2
    assert all(Path(f).exists() for f in run.files)
    assert "Exported 2 file(s)" in win.statusBar().currentMessage()
    assert not run.thread.isRunning()


def test_pptx_export_in_chinese(win, qtbot, tmp_path):
    deck = tmp_path / "deck.pptx"
    run = export_from_window(win, ExportOptions(pptx=deck, lang="zh"))
    qtbot.waitUntil(lambda: run.ok is not None, timeout=60_000)
    assert run.ok is True, run.message
    assert deck.is_file() and deck.stat().st_size > 10_000


def test_unsaved_case_is_saved_first_or_not_exported(win, qtbot, tmp_path, synthetic_case):
    doc = win.document
    doc.update_case(title="Changed")
    assert doc.dirty
    win.prompter.yes_no.append(False)  # "save it now?" -> no: nothing is exported
    assert export_from_window(win, ExportOptions(png_dir=tmp_path / "a")) is None
    assert not (tmp_path / "a").exists()
    assert doc.dirty
    win.prompter.yes_no.append(True)  # -> yes: saved, then exported
    run = export_from_window(win, ExportOptions(png_dir=tmp_path / "b"))
    assert run is not None
    assert not doc.dirty
    assert "Changed" in Path(synthetic_case).read_text(encoding="utf-8")
    qtbot.waitUntil(lambda: run.ok is not None, timeout=60_000)
    assert run.ok


def test_a_failed_export_is_one_line_for_the_user(win, qtbot, tmp_path):
    (Path(win.document.folder) / "ap.png").unlink()  # a film disappears before the export
    run = export_from_window(win, ExportOptions(png_dir=tmp_path / "films"))
    qtbot.waitUntil(lambda: run.ok is not None, timeout=60_000)
    assert run.ok is False, run.message
    assert win.prompter.errors and "\n" not in win.prompter.errors[-1]
    assert win.prompter.errors[-1].startswith("Export failed:")
    assert "Traceback" not in win.prompter.errors[-1]


def test_cancel_stops_the_export(win, qtbot, tmp_path):
    run = export_from_window(win, ExportOptions(png_dir=tmp_path / "films"))
    run.cancel()
    qtbot.waitUntil(lambda: run.ok is not None, timeout=60_000)
    assert run.ok is False
    assert "cancel" in run.message.lower()
    assert not win.prompter.errors


def test_export_menu_item_is_in_the_file_menu(win):
    texts = [a.text() for a in win.menus["file"].actions()]
    assert "&Export…" in texts and "&New case…" in texts


def test_progress_steps_and_dialog_are_translated(qtbot, tmp_path):
    from annotator.ui import i18n
    from annotator.ui.export_dialog import step_text

    assert step_text("writing film 1A") == "Exporting…\nWriting film 1A"
    i18n.set_language("zh", remember=False)
    assert step_text("case 1: rendering film 1A") == "正在导出…\n病例 1：正在渲染影像 1A"
    assert step_text("something new") == "正在导出…\nsomething new"  # unknown: shown as it is
    dialog = ExportDialog(tmp_path)
    qtbot.addWidget(dialog)
    assert dialog.windowTitle() == "导出"
    assert dialog.language.currentData() == "zh"  # the deck's language follows the interface


def test_closing_the_window_during_an_export_stops_it(win, qtbot, tmp_path):
    run = export_from_window(win, ExportOptions(png_dir=tmp_path / "films"))
    win.close()
    assert not run.thread.isRunning()


def test_dialog_remembers_formats_folder_and_language_but_never_identity(qtbot, tmp_path):
    first = ExportDialog(tmp_path)
    qtbot.addWidget(first)
    first.checks["pptx"].setChecked(False)
    first.checks["pdf"].setChecked(True)
    first.checks["dicom"].setChecked(True)
    first.folder.setText(str(tmp_path / "typed here"))
    first.language.setCurrentIndex(first.language.findData("zh"))
    first.identified.setChecked(True)
    first.export_button.click()
    second = ExportDialog(tmp_path / "other")
    qtbot.addWidget(second)
    opts = second.options()
    assert opts.pptx is None and opts.png_dir is None
    assert opts.pdf == tmp_path / "typed here" / "case.pdf"  # the folder typed last time
    assert opts.dicom_dir == tmp_path / "typed here" / "case_dicom"
    assert opts.lang == "zh"
    assert opts.identified is False


def test_layer_choice_reaches_the_burned_in_films(qtbot, tmp_path, monkeypatch):
    """The layers ticked in the dialog are the layers the export is asked to draw."""
    from annotator.ui import export_dialog as ed

    dialog = ed.ExportDialog(tmp_path)
    qtbot.addWidget(dialog)
    dialog.checks["png"].setChecked(True)
    for box in dialog.layer_checks.values():
        box.setChecked(False)
    opts = dialog.options()
    assert opts.layers == dict.fromkeys(ed.LAYER_LABELS, False)

    calls = []

    def fake_export_case(case, folder, **kw):
        calls.append(kw["layers"])
        raise RuntimeError("stop here")

    monkeypatch.setattr("annotator.export.case_export.export_case", fake_export_case)
    worker = ed._Worker(None, tmp_path, opts)
    failures = []
    worker.failed.connect(failures.append)
    worker._run()
    assert failures == ["stop here"]
    (layers,) = calls
    assert not any((layers.annotations, layers.target_zone, layers.verdict, layers.legend,
                    layers.scale_bar, layers.caption))
