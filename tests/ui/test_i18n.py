"""The translation catalogue: in sync with its source, complete for every tr("...") literal."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from annotator.ui import i18n
from annotator.ui.locale import build

UI = Path(i18n.__file__).resolve().parent
PO = UI / "locale" / "zh.po"
MO = UI / "locale" / "zh.mo"


def tr_literals() -> dict[str, str]:
    """Every string literal passed as first argument to tr()/trf() in annotator/ui (text -> where)."""
    found: dict[str, str] = {}
    for py in sorted(UI.rglob("*.py")):
        tree = ast.parse(py.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call) or not node.args:
                continue
            func = node.func
            name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""
            arg = node.args[0]
            if name in ("tr", "trf", "tr_noop") and isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                found.setdefault(arg.value, f"{py.relative_to(UI)}:{node.lineno}")
    return found


def test_mo_is_compiled_from_po():
    assert MO.read_bytes() == build.compile_catalog(PO), "run: python -m annotator.ui.locale.build"


def test_every_tr_literal_has_a_chinese_translation():
    catalog = build.parse_po(PO.read_text(encoding="utf-8"))
    literals = tr_literals()
    assert len(literals) > 50
    missing = [f"{where}: {text!r}" for text, where in literals.items() if not catalog.get(text)]
    assert not missing, "untranslated (add to annotator/ui/locale/zh.po):\n" + "\n".join(missing)


def test_format_fields_survive_translation():
    catalog = build.parse_po(PO.read_text(encoding="utf-8"))
    import string

    fmt = string.Formatter()
    for src, dst in catalog.items():
        if not src:
            continue
        fields_src = {f for _, f, _, _ in fmt.parse(src) if f}
        fields_dst = {f for _, f, _, _ in fmt.parse(dst) if f}
        assert fields_src == fields_dst, f"{src!r} -> {dst!r}"


def test_switch_language_emits_and_translates(qtbot):
    assert i18n.current_language() == "en"
    assert i18n.tr("English") == "English"
    with qtbot.waitSignal(i18n.signals().language_changed) as blocker:
        i18n.set_language("zh")
    assert blocker.args == ["zh"]
    assert i18n.tr("English") == "英语"
    assert i18n.tr("a string nobody translated") == "a string nobody translated"
    assert i18n.initial_language() == "zh"  # remembered
    i18n.set_language("en")
    assert i18n.tr("English") == "English"


def test_unknown_language_is_refused():
    with pytest.raises(ValueError):
        i18n.set_language("fr")


def test_override_wins_over_remembered():
    i18n.set_language("zh")
    assert i18n.initial_language("en") == "en"
