"""In Chinese, what the user reads is Chinese: menus, toolbars, docks, viewports, dialogs, Qt's
own buttons, the Edit menu's undo texts and the finding picker. English words left in a visible
string (``visible_text.untranslated``) fail the test, unless they are units, abbreviations or
file names."""

from __future__ import annotations

from dataclasses import replace

import pytest
from PyQt6.QtCore import QPoint, Qt, QTimer
from PyQt6.QtWidgets import QApplication, QComboBox, QInputDialog, QMessageBox, QPushButton

from annotator.model import Role
from annotator.ui import i18n
from annotator.ui.dialogs import Prompter, Recovery, ScriptedPrompter
from annotator.ui.main_window import MainWindow
from tests.ui.visible_text import untranslated, visible_strings


@pytest.fixture
def zh_window(make_window):
    def make(case_path, prompter=None):
        i18n.set_language("zh", remember=False)
        return make_window(case_path, prompter=prompter, size=(1600, 1000))

    return make


def on_modal(qtbot, action, inspect):
    """Run ``action()`` (which opens a modal dialog); ``inspect(dialog)`` looks at it and closes it."""
    seen = []

    def poll():
        dialog = QApplication.activeModalWidget()
        if dialog is None:
            QTimer.singleShot(20, poll)
            return
        seen.append(dialog)
        try:
            inspect(dialog)
        finally:
            if dialog.isVisible():  # a failed check must not leave the test blocked on the dialog
                dialog.reject() if hasattr(dialog, "reject") else dialog.close()

    QTimer.singleShot(0, poll)
    result = action()
    assert seen, "no dialog was shown"
    return result


def test_main_window_in_chinese_has_no_english_left(zh_window, qtbot, sample_copy):
    w = zh_window(sample_copy / "right_L5_on_target")
    film = w.document.case.roots[0].films[0]
    w.document.update_annotation(film.id, replace(film.first(Role.TIP), points=((300.0, 300.0),)))
    assert w.actions_by_key["undo"].text() == "撤销 修改针尖(&U)"
    problems = []
    for dock in ("verdict", "record"):
        w.docks[dock].raise_()
        qtbot.wait(20)
        problems += untranslated(visible_strings(w))
    w.help_overlay.toggle()
    problems += untranslated([("help", w.help_overlay.label.text())])
    assert not problems, "\n".join(problems)


def test_cine_case_in_chinese_has_no_english_left(zh_window, qtbot, sample_copy):
    w = zh_window(sample_copy / "cine_venous_blush")
    problems = untranslated(visible_strings(w))
    assert not problems, "\n".join(problems)


def test_dialogs_in_chinese_have_no_english_left(zh_window, qtbot, synthetic_case):
    from annotator.ui.export_dialog import ExportDialog
    from annotator.ui.new_case_dialog import NewCaseDialog

    w = zh_window(synthetic_case)
    problems = []
    for dialog in (ExportDialog(synthetic_case.parent, w), NewCaseDialog(w)):
        dialog.show()
        problems += untranslated(visible_strings(dialog))
        dialog.close()
    assert not problems, "\n".join(problems)


def test_qt_buttons_of_the_prompts_are_chinese(zh_window, qtbot, synthetic_case):
    w = zh_window(synthetic_case)
    texts = {}

    def answer(button_text):
        def inspect(box: QMessageBox):
            texts[box.windowTitle()] = [b.text() for b in box.buttons()]
            texts.setdefault("all", []).extend(untranslated(visible_strings(box)))
            [button] = [b for b in box.buttons() if b.text().startswith(button_text)]
            button.click()
        return inspect

    assert on_modal(qtbot, lambda: Prompter().ask_recovery(w, "/影像/病例01"), answer("稍后")) is Recovery.LATER
    assert on_modal(qtbot, lambda: Prompter().ask_yes_no(w, "标题", "内容"), answer("是")) is True
    assert sorted(texts["恢复未保存的工作"]) == sorted(["恢复", "稍后", "删除未保存的更改"])
    assert not texts["all"], texts["all"]


def test_the_finding_picker_shows_names_in_the_interface_language(zh_window, qtbot, synthetic_case):
    w = zh_window(synthetic_case)
    canvas = w.workspace.viewport("AP").canvas
    w.tool_actions["finding"][0].trigger()
    shown = []

    def pick(dialog: QInputDialog):
        combo = dialog.findChildren(QComboBox)[0]
        shown.extend(combo.itemText(i) for i in range(combo.count()))
        shown.append(" ".join(b.text() for b in dialog.findChildren(QPushButton)))
        combo.setCurrentIndex(0)
        dialog.accept()

    pos = QPoint(*(round(v) for v in canvas.transform.to_widget(60, 60)))
    on_modal(qtbot, lambda: qtbot.mouseClick(canvas, Qt.MouseButton.LeftButton, pos=pos), pick)
    assert shown[0] == "神经根造影剂中断 / 充盈缺损"
    assert not [s for s in shown if "(" in s and "_" in s], shown  # no raw codes
    assert "确定" in shown[-1] and "取消" in shown[-1]
    assert w.document.case.roots[0].findings[-1].code == "contrast_cutoff"
    assert w.actions_by_key["undo"].text() == "撤销 添加所见：神经根造影剂中断 / 充盈缺损(&U)"


def test_undo_texts_are_human_in_english_and_translated_in_chinese(qtbot, synthetic_case):
    w = MainWindow(prompter=ScriptedPrompter(), restore_layout=False)
    qtbot.addWidget(w)
    w.resize(1400, 900)
    w.show()
    qtbot.waitExposed(w)
    w.open_case(synthetic_case)
    canvas = w.workspace.viewport("AP").canvas
    w.tool_actions["sap_margin"][0].trigger()
    pos = QPoint(*(round(v) for v in canvas.transform.to_widget(120, 110)))
    qtbot.mouseClick(canvas, Qt.MouseButton.LeftButton, pos=pos)
    undo = w.actions_by_key["undo"]
    assert undo.text() == "&Undo Add SAP margin"
    w.docks["record"].raise_()
    needle = next(b.widget for b in w.record_panel.bindings if b.attr == "needle_type")
    qtbot.keyClicks(needle, "Quincke")
    assert undo.text() == "&Undo Edit record of right L5"
    w.language_actions["zh"].trigger()
    assert undo.text() == "撤销 修改 右 L5 的记录(&U)"
    w.document.undo()
    assert undo.text() == "撤销 添加上关节突上缘(&U)"
    assert w.actions_by_key["redo"].text() == "重做 修改 右 L5 的记录(&R)"
    w.language_actions["en"].trigger()
    w.autosaver.timer.stop()
    w.hide()  # unsaved edits: close() would be refused and leave the window on top of the next test's


def test_every_document_step_has_a_human_name(synthetic_case):
    """Every kind of step the document names (annotation roles, findings, roots, films, case,
    redactions) reads as words, with no internal name left, in both languages."""
    from annotator.io.casefile import load_case
    from annotator.model import ROLE_KINDS, Annotation, Finding, Redaction, Root, Side
    from annotator.model.document import CaseDocument
    from annotator.ui.undo_text import undo_label

    doc = CaseDocument(load_case(synthetic_case), synthetic_case.parent, synthetic_case)
    root = doc.case.roots[0]
    film = root.films[0]
    texts = []
    for role, kinds in ROLE_KINDS.items():
        kind = sorted(kinds)[0]
        n = {"point": 1, "line": 2, "polyline": 3, "polygon": 3, "ellipse": 1, "rect": 2}[kind.value]
        pts = tuple((10.0 + 7 * i, 20.0 + 3 * i * i) for i in range(n))
        extra = {"radii": (4.0, 5.0)} if kind.value == "ellipse" else {}
        ann = Annotation(role=role, kind=kind, points=pts, **extra)
        doc.add_annotation(film.id, ann)
        texts.append(doc.undo_text)
        doc.update_annotation(film.id, replace(ann, points=tuple((x + 1, y) for x, y in pts)), merge_key="k")
        texts.append(doc.undo_text)
        doc.update_annotation(film.id, replace(ann, points=tuple((x + 2, y) for x, y in pts)))
        texts.append(doc.undo_text)
        doc.remove_annotation(film.id, ann.id)
        texts.append(doc.undo_text)
    finding = Finding(code="contrast_cutoff")
    doc.add_finding(root.id, finding)
    texts.append(doc.undo_text)
    doc.update_finding(root.id, replace(finding, site="foramen"))
    texts.append(doc.undo_text)
    doc.remove_finding(root.id, finding.id)
    texts.append(doc.undo_text)
    doc.update_root(root.id, needle_type="x")
    texts.append(doc.undo_text)
    new_root = Root(level="S1", side=Side.LEFT)
    doc.add_root(new_root)
    texts.append(doc.undo_text)
    doc.remove_root(new_root.id)
    texts.append(doc.undo_text)
    doc.update_case(title="t")
    texts.append(doc.undo_text)
    doc.update_film(film.id, caption="c")
    texts.append(doc.undo_text)
    red = Redaction(1, 1, 5, 5)
    doc.add_redaction(film.id, red)
    texts.append(doc.undo_text)
    doc.update_redaction(film.id, replace(red, x1=6), merge_key="m")
    texts.append(doc.undo_text)
    doc.remove_redaction(film.id, red.id)
    texts.append(doc.undo_text)
    english = [undo_label(t) for t in texts]
    assert "Add SAP margin" in english and "Edit record of right L5" in english
    assert "Add finding: contrast cut-off / filling defect" in english and "Remove root left S1" in english
    from annotator.ui.undo_text import ROLE_NAMES

    assert not [e for e in english if "_" in e or "sap" in e or "s1 " in e], english
    for role, name in ROLE_NAMES.items():  # each role by its name, with each verb
        for verb in ("Add", "Move", "Edit", "Delete"):
            if role is Role.FINDING and verb in ("Add", "Delete"):
                continue  # "Add finding" / "Delete finding": the finding itself, as the marker tool's step
            assert f"{verb} {name}" in english, (role, verb)
    i18n.set_language("zh", remember=False)
    chinese = [undo_label(t) for t in texts]
    leftover = untranslated([(t, c) for t, c in zip(texts, chinese)])
    assert not leftover, "\n".join(leftover)


def test_core_errors_get_a_translated_lead_and_field_name():
    from annotator.model import FieldError
    from annotator.ui.messages import user_error

    exc = FieldError("age", "must be at most 120, got 999")
    assert user_error("Value not recorded", exc) == "Value not recorded: age: must be at most 120, got 999"
    i18n.set_language("zh", remember=False)
    text = user_error(i18n.tr("Value not recorded"), exc)
    assert text == "数值未记录：年龄：不得大于 120（输入为 999）"
    assert user_error(i18n.tr("Could not open the case"), "empty.png: the file is empty") == \
        "无法打开病例：empty.png：文件为空"


def test_a_refused_new_case_says_why_with_a_lead(zh_window, synthetic_case):
    from annotator.ui.new_case_dialog import NewCaseRequest, new_case_from_window

    prompter = ScriptedPrompter()
    w = zh_window(synthetic_case, prompter)
    assert not new_case_from_window(w, NewCaseRequest(folder=synthetic_case.parent))
    assert prompter.errors[-1].startswith("无法创建病例：case.json")


def test_every_widget_and_the_profile_plot_in_chinese_have_no_english_left(zh_window, qtbot, sample_copy):
    """The whole window in zh after an Analyse path: docks, toolbars, menus, the verdict and
    record panels, the profile plot's axis titles and marks, and the tooltips of the toolbars."""
    w = zh_window(sample_copy / "right_L5_on_target")
    assist = w.assist_toolbar.assist
    lateral = next(f for f in w.document.case.roots[0].films if f.view.value == "lateral")
    w.case_panel.select_film(lateral.id)
    result = assist.analyse_path()
    assert result is not None and assist.profile_panel.plot_texts
    assert "距起点的路径长度" in " ".join(assist.profile_panel.plot_texts)
    problems = []
    for dock in ("verdict", "record"):
        w.docks[dock].raise_()
        qtbot.wait(20)
        problems += untranslated(visible_strings(w))
    tips = [(f"tooltip {a.objectName()}", a.toolTip()) for bar in (w.toolbar, w.assist_toolbar)
            for a in bar.actions() if a.toolTip()]
    problems += untranslated(tips)
    assert not problems, "\n".join(sorted(set(problems)))
