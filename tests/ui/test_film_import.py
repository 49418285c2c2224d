"""Films into a case with the mouse: File ▸ Add films… and Import this folder's films; a folder
of C-arm DICOMs without case.json ends as a saved, exported case without the keyboard."""

from __future__ import annotations

from pathlib import Path

import pytest
from PyQt6.QtCore import QPoint, Qt

from annotator.ui.dialogs import ScriptedPrompter
from tests.ui.test_i18n_visible import on_modal
from tests.unit.test_export_fixtures import make_dicom


@pytest.fixture
def carm_folder(tmp_path):
    """A folder as a C-arm exports it: two DICOM films (AP, lateral), no case.json."""
    folder = tmp_path / "carm export"
    folder.mkdir()
    make_dicom(folder / "IM0001.dcm", identity={}, view="AP")
    make_dicom(folder / "IM0002.dcm", identity={}, view="LL")
    return folder


def file_action(w, name):
    menu = w.menus["file"]
    menu.aboutToShow.emit()
    return next(a for a in menu.actions() if a.objectName() == name)


def test_a_folder_without_case_json_offers_its_own_films(make_window, carm_folder):
    w = make_window(prompter=ScriptedPrompter(roots=[("L5", "right")]), size=(1400, 900))
    assert w.open_case(carm_folder)
    assert "2 film(s) wait" in w.statusBar().currentMessage()
    hint = w.workspace.viewport("AP").canvas.hint_text()
    assert "Add films" in hint and "case panel" not in hint  # the panel is empty: do not send the user there
    act = file_action(w, "import_folder_films")
    assert act.isEnabled() and act.text() == "Import this folder's films (2)"
    act.trigger()
    assert w.prompter.asked == ["root"]
    root = w.document.case.roots[0]
    assert (root.level, root.side.value) == ("L5", "right")
    assert sorted(f.path for f in root.films) == ["IM0001.dcm", "IM0002.dcm"]
    assert sorted(f.view.value for f in root.films) == ["AP", "lateral"]
    assert "2 film(s) added" in w.statusBar().currentMessage()
    act = file_action(w, "import_folder_films")
    assert not act.isEnabled()  # nothing left to import
    assert w.workspace.viewport("AP").film_id is not None


def test_add_films_asks_for_files_and_adds_them_to_the_selected_root(make_window, synthetic_case, tmp_path):
    extra = tmp_path / "elsewhere"
    extra.mkdir()
    make_dicom(extra / "oblique.dcm", identity={}, view="RAO")
    prompter = ScriptedPrompter(films=[[extra / "oblique.dcm"]])
    w = make_window(case=synthetic_case, prompter=prompter)
    before = len(w.document.case.roots[0].films)
    file_action(w, "add_films").trigger()
    assert prompter.asked == ["films"]  # a root exists: not asked
    films = w.document.case.roots[0].films
    assert len(films) == before + 1 and films[-1].path.endswith("oblique.dcm")
    file_action(w, "add_films").trigger()  # cancelled the second time: nothing changes
    assert len(w.document.case.roots[0].films) == before + 1


def test_without_a_root_chosen_no_film_is_added(make_window, carm_folder):
    w = make_window(prompter=ScriptedPrompter())  # the root question is cancelled
    assert w.open_case(carm_folder)
    file_action(w, "import_folder_films").trigger()
    assert not w.document.case.roots and "root" in w.statusBar().currentMessage()


def test_from_a_carm_folder_to_a_saved_exported_case_with_the_mouse(make_window, carm_folder, qtbot, tmp_path):
    """The films say BurnedInAnnotation YES: export offers the redaction, the user drags one per
    film, saves, and exports again."""
    prompter = ScriptedPrompter(roots=[("L5", "right")], yes_no=[True, True, True])
    w = make_window(prompter=prompter, size=(1400, 900))
    assert w.open_case(carm_folder)
    file_action(w, "import_folder_films").trigger()
    out = tmp_path / "exports"
    for _ in range(2):  # one redaction per film, each offered by the export dialog

        def refuse(dialog):
            dialog.folder.setText(str(out))
            dialog.export_button.click()
            assert dialog.problem.isVisibleTo(dialog)
            dialog.redact_button.click()

        assert on_modal(qtbot, w.export, refuse) is None
        vp = w.workspace.active_viewport()
        canvas = vp.canvas
        assert w.tool_actions["redaction"][0].isChecked()
        a = QPoint(*(round(v) for v in canvas.transform.to_widget(165, 220)))
        b = QPoint(*(round(v) for v in canvas.transform.to_widget(235, 250)))
        qtbot.mousePress(canvas, Qt.MouseButton.LeftButton, pos=a)
        qtbot.mouseMove(canvas, pos=QPoint((a.x() + b.x()) // 2, (a.y() + b.y()) // 2))
        qtbot.mouseMove(canvas, pos=b)
        qtbot.mouseRelease(canvas, Qt.MouseButton.LeftButton, pos=b)
        assert w.document.film(canvas.film_id).redactions
    runs = []

    def export(dialog):
        dialog.folder.setText(str(out))
        dialog.checks["pptx"].setChecked(False)
        dialog.checks["png"].setChecked(True)
        dialog.export_button.click()

    runs.append(on_modal(qtbot, w.export, export))
    run = runs[0]
    assert run is not None
    qtbot.waitUntil(lambda: run.ok is not None, timeout=60_000)
    assert run.ok, run.message
    assert (carm_folder / "case.json").is_file()  # saved on the way (export asks to save first)
    assert not w.document.dirty
    assert len(list((out / "right_L5_films").glob("*.png"))) == 2
    assert Path(w.document.path) == (carm_folder / "case.json").resolve()


def test_burned_in_text_is_flagged_on_the_film_when_imported_and_one_click_starts_the_redaction(
        make_window, carm_folder, qtbot):
    w = make_window(prompter=ScriptedPrompter(roots=[("L5", "right")]), size=(1400, 900))
    assert w.open_case(carm_folder)
    file_action(w, "import_folder_films").trigger()
    pane = w.workspace._panes["lateral"]
    assert pane.burned_in.isVisible() and "Burned-in text" in pane.burned_in.text()
    assert "patient identity" in pane.burned_in.toolTip()
    w.workspace.set_active("AP")
    qtbot.mouseClick(pane.burned_in, Qt.MouseButton.LeftButton)
    assert w.workspace.active_key == "lateral"
    assert w.tool_actions["redaction"][0].isChecked()
    assert "burned-in text" in w.statusBar().currentMessage()
    canvas = w.workspace.viewport("lateral").canvas
    a = QPoint(*(round(v) for v in canvas.transform.to_widget(165, 220)))
    b = QPoint(*(round(v) for v in canvas.transform.to_widget(235, 250)))
    qtbot.mousePress(canvas, Qt.MouseButton.LeftButton, pos=a)
    qtbot.mouseMove(canvas, pos=b)
    qtbot.mouseRelease(canvas, Qt.MouseButton.LeftButton, pos=b)
    assert w.document.film(canvas.film_id).redactions
    assert not pane.burned_in.isVisible()  # redacted: the warning goes


def test_a_plain_film_shows_no_burned_in_warning(make_window, synthetic_case):
    w = make_window(case=synthetic_case, size=(1400, 900))
    assert not any(p.burned_in.isVisible() for p in w.workspace._panes.values())


def test_the_burned_in_warning_never_widens_the_window(make_window, carm_folder):
    w = make_window(prompter=ScriptedPrompter(roots=[("L5", "right")]), size=(1400, 900))
    assert w.open_case(carm_folder)
    file_action(w, "import_folder_films").trigger()
    assert w.workspace._panes["AP"].burned_in.isVisible()
    assert w.minimumSizeHint().width() <= 1400 and w.width() == 1400
    assert w.docks["case"].isVisible() and w.docks["case"].width() > 200
