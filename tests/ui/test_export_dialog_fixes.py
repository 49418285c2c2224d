"""The export dialog a clinician can act on: one output folder outside the case, names from the
case, burned-in text caught before the export with the fixes offered as buttons, no folder left
behind by a failed export."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotator.io.casefile import save_case
from annotator.model import Case, Film, Phase, Root, Side, View
from annotator.ui import export_dialog as ed
from annotator.ui.dialogs import ScriptedPrompter
from tests.ui.test_i18n_visible import on_modal
from tests.unit.test_export_fixtures import make_dicom


@pytest.fixture
def burned_case(tmp_path):
    """A new case whose AP film says BurnedInAnnotation YES and has no redaction."""
    folder = tmp_path / "new case"
    folder.mkdir()
    make_dicom(folder / "01_ap.dcm", identity={}, view="AP")
    film = Film(path="01_ap.dcm", view=View.AP, phase=Phase.AFTER_CONTRAST)
    path = folder / "case.json"
    save_case(Case(roots=[Root(level="L5", side=Side.RIGHT, films=[film])]), path)
    return path


def test_one_output_folder_outside_the_case_with_names_from_the_case(make_window, synthetic_case, qtbot):
    w = make_window(case=synthetic_case)
    dialog = ed.ExportDialog(Path(w.document.folder), w, case=w.document.case)
    qtbot.addWidget(dialog)
    folder = Path(dialog.folder.text())
    assert not folder.resolve().is_relative_to(synthetic_case.parent.resolve())
    assert folder.name == "Fluoro Annotator exports"
    for key in ed.FORMATS:
        dialog.checks[key].setChecked(True)
    opts = dialog.options()
    assert (opts.pptx, opts.pdf, opts.png_dir, opts.dicom_dir) == (
        folder / "right_L5.pptx", folder / "right_L5.pdf", folder / "right_L5_films", folder / "right_L5_dicom")
    dialog.checks["png"].setChecked(False)
    dialog.checks["dicom"].setChecked(False)
    assert dialog.layers_box.isEnabled()  # the legend and other layers apply to the slides too
    dialog.checks["pptx"].setChecked(False)
    dialog.checks["pdf"].setChecked(False)
    dialog.checks["dicom"].setChecked(True)
    assert not dialog.layers_box.isEnabled()


def test_burned_in_text_is_caught_in_the_dialog_and_redaction_is_one_click(make_window, burned_case, qtbot,
                                                                           tmp_path):
    w = make_window(case=burned_case, size=(1200, 800))
    film = w.document.case.roots[0].films[0]
    seen = {}

    def inspect(dialog):
        dialog.folder.setText(str(tmp_path / "out"))
        dialog.checks["pdf"].setChecked(True)
        dialog.export_button.click()
        seen["open"] = dialog.isVisible()  # refused in place: the typed folder is still there
        seen["text"] = dialog.problem_text.text()
        seen["shown"] = dialog.problem.isVisibleTo(dialog)
        seen["folder"] = dialog.folder.text()
        dialog.redact_button.click()

    assert on_modal(qtbot, lambda: ed.export_from_window(w), inspect) is None
    assert seen["open"] and seen["shown"] and seen["folder"] == str(tmp_path / "out")
    assert "after contrast · 01_ap.dcm" in seen["text"] and "1A" not in seen["text"]
    assert "--identified" not in seen["text"]
    assert not (tmp_path / "out").exists()  # nothing was exported, nothing created
    assert w.tool_actions["redaction"][0].isChecked()
    assert w.film_id == film.id and w.workspace.active_viewport().film_id == film.id
    assert "redact" in w.statusBar().currentMessage()
    assert w.case_panel.tree.currentItem().text(0) == "after contrast · 01_ap.dcm"


def test_including_identity_from_the_problem_box_lets_the_export_run(make_window, burned_case, qtbot, tmp_path):
    w = make_window(case=burned_case)
    runs = []

    def inspect(dialog):
        dialog.folder.setText(str(tmp_path / "out"))
        dialog.checks["pptx"].setChecked(False)
        dialog.checks["png"].setChecked(True)
        dialog.export_button.click()
        assert dialog.isVisible() and not dialog.identified.isChecked()
        dialog.identify_button.click()
        assert dialog.identified.isChecked() and not dialog.warning.isHidden()
        dialog.export_button.click()

    runs.append(on_modal(qtbot, lambda: ed.export_from_window(w), inspect))
    run = runs[0]
    assert run is not None
    qtbot.waitUntil(lambda: run.ok is not None, timeout=60_000)
    assert run.ok, run.message
    assert len(list((tmp_path / "out" / "right_L5_films").glob("*.png"))) == 1


def test_a_failed_export_leaves_no_folder_behind(make_window, synthetic_case, qtbot, tmp_path):
    w = make_window(case=synthetic_case, prompter=ScriptedPrompter())
    (Path(w.document.folder) / "ap.png").unlink()
    target = tmp_path / "fresh" / "exports"
    run = ed.export_from_window(w, ed.ExportOptions(png_dir=target / "films", pdf=target / "deck.pdf"))
    qtbot.waitUntil(lambda: run.ok is not None, timeout=60_000)
    assert run.ok is False
    assert not (tmp_path / "fresh").exists()
    keep = tmp_path / "existing"
    keep.mkdir()
    run = ed.export_from_window(w, ed.ExportOptions(png_dir=keep / "films"))
    qtbot.waitUntil(lambda: run.ok is not None, timeout=60_000)
    assert keep.is_dir() and not (keep / "films").exists()  # the user's own folder stays


def test_failure_messages_name_films_as_the_case_panel_does(make_window, synthetic_case):
    w = make_window(case=synthetic_case)
    case = w.document.case
    text = ed.name_films("Export failed: film 7C: cannot read it", case)
    assert text == "Export failed: film 7C · after contrast · ap.png: cannot read it"
    assert ed.name_films("film 9Z: x", case) == "film 9Z: x"  # unknown labels stay
