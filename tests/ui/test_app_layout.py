"""The window gives the films the width: compact icon toolbar, one narrow dock column."""

from __future__ import annotations

import pytest
from PyQt6.QtCore import Qt

from annotator.ui import i18n
from annotator.ui.dialogs import ScriptedPrompter
from annotator.ui.main_window import DOCK_WIDTH, MainWindow
from annotator.ui.tools_toolbar import tool_icon


@pytest.fixture
def win(qtbot, synthetic_case):
    w = MainWindow(prompter=ScriptedPrompter(), restore_layout=False)
    qtbot.addWidget(w)
    w.open_case(synthetic_case)
    return w


def test_tool_icons_are_drawn_and_distinct():
    from annotator.ui.help_overlay import tool_specs

    specs = tool_specs()
    assert specs, "the tool specs exist"
    images = {}
    for spec in specs:
        img = tool_icon(spec.name).pixmap(32, 32).toImage()
        opaque = sum(1 for x in range(32) for y in range(32) if img.pixelColor(x, y).alpha() > 0)
        assert opaque > 20, f"{spec.name}: empty icon"
        images[spec.name] = bytes(img.constBits().asstring(img.sizeInBytes()))
    assert len(set(images.values())) == len(images), "two tools share an icon"


def test_toolbar_is_icon_only_with_translated_tooltips_and_keys(win):
    assert win.tool_actions, "the tools toolbar is installed"
    assert win.toolbar.toolButtonStyle() == Qt.ToolButtonStyle.ToolButtonIconOnly
    act, spec = win.tool_actions["tip"]
    assert act.text() == "Needle tip" and "(T)" in act.toolTip()
    i18n.set_language("zh", remember=False)
    assert act.text() == "针尖"
    assert "(T)" in act.toolTip()


def test_films_get_most_of_the_width(win, qtbot):
    """Everything but one ~340 px dock column is the workspace (the offscreen screen is small,
    so this is checked at the screen's width rather than at 1600 px)."""
    avail = win.screen().availableGeometry()
    win.resize(avail.width(), avail.height())
    win.show()
    qtbot.waitExposed(win)
    qtbot.wait(50)
    assert win.dockWidgetArea(win.docks["case"]) == Qt.DockWidgetArea.RightDockWidgetArea
    assert win.docks["record"] in win.tabifiedDockWidgets(win.docks["verdict"])
    assert win.docks["case"].width() <= DOCK_WIDTH + 40
    assert win.workspace.width() >= win.width() - DOCK_WIDTH - 60
    assert win.toolbar.height() < 60  # one row of icons on top, not a column of text buttons


def test_assist_toolbar_is_installed_and_its_tools_uncheck_the_tools_toolbar(win):
    assert win.assist_toolbar is not None, "the assist toolbar is installed"
    assist = win.assist_toolbar.assist
    assert win.toolBarArea(win.assist_toolbar) == Qt.ToolBarArea.TopToolBarArea
    assist.actions["snap_tip"].trigger()
    assert not any(act.isChecked() for act, _spec in win.tool_actions.values())
    win.tool_actions["tip"][0].trigger()
    assert [n for n, (a, _s) in win.tool_actions.items() if a.isChecked()] == ["tip"]


def test_panels_menu_lists_docks_and_toolbars(win):
    texts = [a.text() for a in win.panels_menu.actions() if not a.isSeparator()]
    assert {"Case", "Verdicts", "Record", "Tools"} <= set(texts)
    if win.assist_toolbar is not None:
        assert {"Contrast profile", "Assist"} <= set(texts)
