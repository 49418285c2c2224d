"""The prompts tools open from a viewport (calibration length, level, finding, arrow text):
readable (the viewport pane's light-on-black style must not reach them) and, for the
calibration, without a value nobody typed."""

from __future__ import annotations

import pytest
from PyQt6.QtWidgets import QDialogButtonBox, QLabel, QLineEdit

from tests.ui.contrast import AA, widget_text_contrast


@pytest.fixture
def canvas(make_window, synthetic_case):
    w = make_window(case=synthetic_case, size=(1200, 800))
    return w.workspace.active_viewport().canvas


def dialogs(canvas):
    a = canvas.asker
    return {
        "calibration": a.number_dialog("Calibration", "Real length of this line (mm):", None),
        "level": a.choice_dialog("Level label", "Vertebra level:", [("L4", "L4"), ("L5", "L5")], "L5"),
        "finding": a.choice_dialog("Finding", "Finding at this point:", [("x", "contrast cut-off")], None),
        "arrow": a.text_dialog("Arrow", "Text at the arrow (may be empty):", ""),
    }


def test_prompts_opened_from_a_viewport_have_readable_text(qtbot, canvas):
    for name, dialog in dialogs(canvas).items():
        qtbot.addWidget(dialog)
        dialog.show()
        qtbot.waitExposed(dialog)
        labels = [lb for lb in dialog.findChildren(QLabel) if lb.text()]
        assert labels, name
        for label in labels:
            assert widget_text_contrast(label) >= AA, (name, label.text(), widget_text_contrast(label))
        dialog.reject()


def test_calibration_prompt_starts_empty_and_ok_needs_a_positive_number(qtbot, canvas):
    dialog = canvas.asker.number_dialog("Calibration", "Real length of this line (mm):", None)
    qtbot.addWidget(dialog)
    dialog.show()
    edit = dialog.findChild(QLineEdit)
    ok = dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok)
    assert edit.text() == "" and not ok.isEnabled()  # Enter without typing sets nothing
    dialog.accept()
    assert dialog.isVisible() and dialog.result() != dialog.DialogCode.Accepted
    for text, enabled in (("0", False), ("abc", False), ("-3", False), ("12,5", True), ("25", True)):
        edit.setText(text)
        assert ok.isEnabled() is enabled, text
    from annotator.ui.viewport.asker import parse_positive

    assert parse_positive("12,5") == pytest.approx(12.5)


def test_calibration_without_anyone_to_ask_stores_no_guessed_length(tmp_path):
    from annotator.model import Role
    from annotator.ui.tools import make_tool
    from tests.ui.test_interaction_tools import ctx_for, drag, make_case

    doc, root, ap, _ = make_case(tmp_path)
    drag(make_tool("calibration"), ctx_for(doc, root, ap, None), (0, 0), (100, 0))
    assert not [a for a in doc.film(ap.id).annotations if a.role is Role.CALIBRATION]
    assert not doc.dirty


def test_the_window_dialogs_have_readable_text(make_window, synthetic_case, qtbot):
    from annotator.ui.export_dialog import ExportDialog
    from annotator.ui.new_case_dialog import NewCaseDialog

    w = make_window(case=synthetic_case, size=(1200, 800))
    export = ExportDialog(synthetic_case.parent, w, case=w.document.case)
    export.identified.setChecked(True)  # the red identity warning shown too
    for dialog in (export, NewCaseDialog(w)):
        qtbot.addWidget(dialog)
        dialog.show()
        qtbot.waitExposed(dialog)
        for label in dialog.findChildren(QLabel):
            if label.isVisible() and label.isEnabled() and label.text():  # (WCAG exempts disabled items)
                assert widget_text_contrast(label) >= AA, (label.text(), widget_text_contrast(label))
        dialog.close()
