"""The main window on a case: open, verdicts, undo/redo through the menu, save and reopen, prompts."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from annotator.io.casefile import case_to_dict, load_case
from annotator.model import Role
from annotator.ui.dialogs import ScriptedPrompter, Unsaved


@pytest.fixture
def window(make_window):
    """Main windows that restore the remembered layout (the layout tests need it)."""

    def make(prompter=None, autosave_ms=None):
        return make_window(prompter=prompter, autosave_ms=autosave_ms, restore_layout=True)

    return make


def move_tip(doc, film_index: int, xy: tuple[float, float]) -> None:
    film = doc.case.roots[0].films[film_index]
    tip = film.first(Role.TIP)
    doc.update_annotation(film.id, replace(tip, points=(xy,)))


def test_open_case_shows_roots_films_and_verdicts(window, synthetic_case):
    w = window()
    assert w.open_case(synthetic_case)
    tree = w.case_panel.tree
    assert tree.topLevelItemCount() == 1
    root_item = tree.topLevelItem(0)
    assert root_item.text(0) == "right L5"
    views = sorted(root_item.child(i).text(0) for i in range(root_item.childCount()))
    assert views == ["AP", "lateral"]
    text = w.verdict_panel.plain_text()
    assert "R-AP" in text and "R-LAT" in text
    assert "on target" in text
    assert w.windowTitle().startswith("Synthetic right L5")


def test_verdict_follows_a_tip_moved_by_a_command(window, synthetic_case):
    w = window()
    w.open_case(synthetic_case)
    before = w.verdict_panel.plain_text()
    move_tip(w.document, 0, (230.0, 20.0))
    after = w.verdict_panel.plain_text()
    assert after != before
    assert "off target" in after
    assert w.document.dirty and w.windowTitle().count("*") == 1


def test_undo_redo_through_the_edit_menu(window, synthetic_case):
    w = window()
    w.open_case(synthetic_case)
    undo, redo = w.actions_by_key["undo"], w.actions_by_key["redo"]
    assert not undo.isEnabled() and not redo.isEnabled()
    start = w.document.case.roots[0].films[0].first(Role.TIP).points
    move_tip(w.document, 0, (10.0, 10.0))
    assert undo.isEnabled() and undo.text() == "&Undo Edit needle tip"
    undo.trigger()
    assert w.document.case.roots[0].films[0].first(Role.TIP).points == start
    assert redo.isEnabled() and not undo.isEnabled()
    redo.trigger()
    assert w.document.case.roots[0].films[0].first(Role.TIP).points == ((10.0, 10.0),)
    assert {s.toString() for s in redo.shortcuts()} == {"Ctrl+Shift+Z", "Ctrl+Y"}
    assert undo.shortcut().toString() == "Ctrl+Z"


def test_save_and_reopen_gives_the_same_case(window, synthetic_case, tmp_path):
    w = window()
    w.open_case(synthetic_case)
    move_tip(w.document, 1, (105.0, 110.0))
    w.document.update_case(title="Edited")
    assert w.save()
    assert not w.document.dirty and "*" not in w.windowTitle()
    saved = case_to_dict(w.document.case)
    w2 = window()
    assert w2.open_case(synthetic_case)
    assert case_to_dict(w2.document.case) == saved
    assert case_to_dict(load_case(synthetic_case)) == saved


def test_save_as_elsewhere_keeps_films_reachable(window, synthetic_case, tmp_path):
    w = window()
    w.open_case(synthetic_case)
    other = tmp_path / "elsewhere" / "copy.json"
    other.parent.mkdir()
    assert w._save_to(other)
    case = load_case(other)
    for film in case.roots[0].films:
        assert (other.parent / film.path).resolve().is_file()


def test_close_asks_before_losing_changes(window, synthetic_case):
    prompter = ScriptedPrompter(unsaved=[Unsaved.CANCEL, Unsaved.DISCARD])
    w = window(prompter)
    w.open_case(synthetic_case)
    w.show()
    w.document.update_case(title="unsaved")
    assert not w.close()  # cancelled
    assert w.isVisible()
    assert w.close()  # discarded
    assert prompter.asked == ["unsaved", "unsaved"]
    assert load_case(synthetic_case).title == "Synthetic right L5"


def test_close_with_save_answer_writes_the_file(window, synthetic_case):
    w = window(ScriptedPrompter(unsaved=[Unsaved.SAVE]))
    w.open_case(synthetic_case)
    w.show()
    w.document.update_case(title="kept")
    assert w.close()
    assert load_case(synthetic_case).title == "kept"


def test_opening_another_case_asks_first(window, synthetic_case):
    prompter = ScriptedPrompter(unsaved=[Unsaved.CANCEL])
    w = window(prompter)
    w.open_case(synthetic_case)
    w.document.update_case(title="unsaved")
    assert not w.open_case(synthetic_case)
    assert w.document.case.title == "unsaved"


def test_open_a_folder_and_a_bad_file(window, synthetic_case, tmp_path):
    prompter = ScriptedPrompter()
    w = window(prompter)
    assert w.open_case(synthetic_case.parent)
    bad = tmp_path / "bad.json"
    bad.write_text("{not json", encoding="utf-8")
    assert not w.open_case(bad, ask_unsaved=False)
    assert len(prompter.errors) == 1 and "\n" not in prompter.errors[0]
    assert "bad.json" in prompter.errors[0]


def test_recent_cases_and_window_state_are_remembered(window, synthetic_case):
    from annotator.ui import settings

    w = window()
    w.open_case(synthetic_case)
    assert settings.recent_cases()[0] == Path(synthetic_case).resolve()
    w.show()
    w.resize(640, 500)  # the offscreen screen is small: stay inside it
    size = (w.size().width(), w.size().height())  # may be widened to the minimum size
    assert size[1] == 500
    w.docks["record"].hide()
    w.close()
    assert settings.window_geometry() is not None
    w2 = window()
    assert w2.size().height() == size[1]  # widths are clamped to the small offscreen screen
    w2.show()
    assert w2.docks["record"].isHidden() and not w2.docks["case"].isHidden()


def test_tools_toolbar_is_exclusive_and_help_lists_keys(window, synthetic_case):
    from annotator.ui.help_overlay import help_html

    w = window()
    w.open_case(synthetic_case)
    assert w.tool_actions, "the tools toolbar is installed"
    names = list(w.tool_actions)
    w.tool_actions[names[1]][0].trigger()
    checked = [n for n, (a, _s) in w.tool_actions.items() if a.isChecked()]
    assert checked == [names[1]]
    tools = {key: vp.canvas.tool.name for key, vp in w.workspace.viewports().items()}
    assert tools == {"AP": names[1], "lateral": names[1], "oblique": names[1]}  # every viewport got it
    w.tool_actions[names[2]][0].trigger()
    assert {vp.canvas.tool.name for vp in w.workspace.viewports().values()} == {names[2]}
    text = help_html()
    for key in ("Space", "Ctrl+Z", "Ctrl+Y", "Esc", "1–5"):
        assert key in text
    spec = w.tool_actions[names[1]][1]
    assert spec.label in text
    w.show()
    w.actions_by_key["help"].trigger()
    assert w.help_overlay.isVisible()


def test_sample_case_opens_with_three_views(window, sample_copy):
    case = sample_copy / "right_L5_on_target" / "case.json"
    assert case.is_file(), "the sample case ships a case.json"
    w = window()
    assert w.open_case(case)
    shown = set(w._shown)
    assert {"AP", "lateral"} <= shown
    text = w.verdict_panel.plain_text()
    assert "R-AP" in text and "R-LAT" in text and "on target" in text
    assert w.statusBar().currentMessage() == "Opened right_L5_on_target"
