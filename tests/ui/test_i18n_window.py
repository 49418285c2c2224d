"""Switching the language at runtime retranslates menus, panels, toolbar and verdicts."""

from __future__ import annotations

from annotator.ui import i18n
from annotator.ui.dialogs import ScriptedPrompter
from annotator.ui.main_window import MainWindow


def test_language_switch_and_back(qtbot, synthetic_case):
    w = MainWindow(prompter=ScriptedPrompter())
    qtbot.addWidget(w)
    w.open_case(synthetic_case)
    assert w.menus["file"].title() == "&File"
    assert w.record_panel.labels["root.level"].text() == "Level"
    assert w.case_panel.add_button.text() == "Add root"
    assert "on target" in w.verdict_panel.plain_text()
    w.language_actions["zh"].trigger()
    assert i18n.current_language() == "zh"
    assert w.menus["file"].title() == "文件(&F)"
    assert w.record_panel.labels["root.level"].text() == "节段"
    assert w.case_panel.add_button.text() == "添加神经根"
    assert w.docks["verdict"].windowTitle() == "判定"
    assert "on target" not in w.verdict_panel.plain_text()
    assert "靶" in w.verdict_panel.plain_text()
    assert w.case_panel.tree.topLevelItem(0).text(0) == "右 L5"
    if w.tool_actions:
        act, spec = next(iter(w.tool_actions.values()))
        assert act.text() != spec.label
    w.language_actions["en"].trigger()
    assert w.menus["file"].title() == "&File"
    assert w.record_panel.labels["root.level"].text() == "Level"
    assert "on target" in w.verdict_panel.plain_text()


def test_tool_labels_and_help_are_translated():
    from annotator.ui.help_overlay import tool_specs
    from annotator.ui.locale import build

    catalog = build.parse_po((i18n.LOCALE_DIR / "zh.po").read_text(encoding="utf-8"))
    missing = [t for s in tool_specs() for t in (s.label, s.help) if t and not catalog.get(t)]
    assert not missing, "add to zh.po: " + "; ".join(missing)
