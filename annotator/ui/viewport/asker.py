"""Asking the user for a value from a tool (length, text, choice) through Qt input dialogs.

The dialogs are parented to the top-level window, never to the viewport: the viewport pane's
style sheet (light text on black) would otherwise reach the dialog's labels and draw them light
grey on the dialog's light background. A number asked without a default (the calibration
length) starts empty and OK stays disabled until a positive number is typed, so Enter without
reading cannot set a wrong scale.
"""

from __future__ import annotations

from collections.abc import Sequence

from PyQt6.QtWidgets import QDialogButtonBox, QInputDialog, QWidget


def parse_positive(text: str) -> float | None:
    """A positive number typed by the user ("12.5" or "12,5"), else None."""
    try:
        value = float(text.strip().replace(",", "."))
    except ValueError:
        return None
    return value if 0 < value < 1e6 else None


class _NumberDialog(QInputDialog):
    """A text input whose OK button is enabled only while the text is a positive number."""

    def showEvent(self, event) -> None:  # noqa: N802 (Qt API): the buttons exist once laid out
        super().showEvent(event)
        if not getattr(self, "_hooked", False):
            self._hooked = True
            self.textValueChanged.connect(self._check)
        self._check(self.textValue())

    def _check(self, text: str) -> None:
        buttons = self.findChild(QDialogButtonBox)
        ok = buttons.button(QDialogButtonBox.StandardButton.Ok) if buttons is not None else None
        if ok is not None:
            ok.setEnabled(parse_positive(text) is not None)

    def done(self, result: int) -> None:  # Enter with no valid number does not accept
        if result == QInputDialog.DialogCode.Accepted and parse_positive(self.textValue()) is None:
            return
        super().done(result)


class DialogAsker:
    """Asks through Qt input dialogs (tests replace ``canvas.asker`` with a stub)."""

    def __init__(self, parent: QWidget) -> None:
        self.parent = parent

    def _owner(self) -> QWidget:
        return QWidget.window(self.parent)  # a top-level window: no pane style sheet cascades into the dialog

    def number_dialog(self, title: str, label: str, default: float | None) -> QInputDialog:
        """The dialog ``number`` runs: a text field (empty when ``default`` is None) whose OK is
        enabled only while it holds a positive number."""
        dialog = _NumberDialog(self._owner())
        dialog.setWindowTitle(title)
        dialog.setLabelText(label)
        dialog.setInputMode(QInputDialog.InputMode.TextInput)
        dialog.setTextValue("" if default is None else f"{default:g}")
        return dialog

    def number(self, title: str, label: str, default: float | None) -> float | None:
        dialog = self.number_dialog(title, label, default)
        if not dialog.exec():
            return None
        return parse_positive(dialog.textValue())

    def text_dialog(self, title: str, label: str, default: str) -> QInputDialog:
        dialog = QInputDialog(self._owner())
        dialog.setWindowTitle(title)
        dialog.setLabelText(label)
        dialog.setInputMode(QInputDialog.InputMode.TextInput)
        dialog.setTextValue(default)
        return dialog

    def text(self, title: str, label: str, default: str) -> str | None:
        dialog = self.text_dialog(title, label, default)
        return dialog.textValue() if dialog.exec() else None

    def choice_dialog(self, title: str, label: str, options: Sequence[tuple[str, str]],
                      default: str | None) -> QInputDialog:
        dialog = QInputDialog(self._owner())
        dialog.setWindowTitle(title)
        dialog.setLabelText(label)
        dialog.setComboBoxItems([s for _, s in options])
        dialog.setComboBoxEditable(False)
        current = next((s for v, s in options if v == default), None)
        if current is not None:
            dialog.setTextValue(current)
        return dialog

    def choice(self, title: str, label: str, options: Sequence[tuple[str, str]], default: str | None) -> str | None:
        dialog = self.choice_dialog(title, label, options, default)
        if not dialog.exec():
            return None
        value = dialog.textValue()
        return next((v for v, s in options if s == value), None)
