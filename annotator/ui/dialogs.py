"""The questions and messages the application puts to the user.

All go through a ``Prompter`` so tests can inject the answers
(``ScriptedPrompter``) instead of blocking on a modal dialog.
"""

from __future__ import annotations

from collections import deque
from enum import StrEnum
from pathlib import Path

from PyQt6.QtWidgets import QFileDialog, QMessageBox, QWidget

from annotator.ui.i18n import tr, trf


class Unsaved(StrEnum):
    SAVE = "save"
    DISCARD = "discard"
    CANCEL = "cancel"


class Prompter:
    """Real dialogs (QMessageBox)."""

    def ask_unsaved(self, parent: QWidget | None) -> Unsaved:
        box = QMessageBox(parent)
        box.setIcon(QMessageBox.Icon.Warning)
        box.setWindowTitle(tr("Unsaved changes"))
        box.setText(tr("The case has unsaved changes. Save them first?"))
        save = box.addButton(tr("Save"), QMessageBox.ButtonRole.AcceptRole)
        discard = box.addButton(tr("Discard"), QMessageBox.ButtonRole.DestructiveRole)
        box.addButton(tr("Cancel"), QMessageBox.ButtonRole.RejectRole)
        box.exec()
        clicked = box.clickedButton()
        if clicked is save:
            return Unsaved.SAVE
        if clicked is discard:
            return Unsaved.DISCARD
        return Unsaved.CANCEL

    def ask_restore(self, parent: QWidget | None, name: str | None = None) -> bool:
        """Restore the recovered changes of the case ``name`` (its folder's name)?"""
        text = (trf("Unsaved changes of the case {name} were recovered from an earlier session. "
                    "Restore them?", name=name) if name else
                tr("Unsaved changes of this case were recovered from an earlier session. Restore them?"))
        answer = QMessageBox.question(parent, tr("Restore unsaved work"), text)
        return answer == QMessageBox.StandardButton.Yes

    def ask_yes_no(self, parent: QWidget | None, title: str, text: str) -> bool:
        return QMessageBox.question(parent, title, text) == QMessageBox.StandardButton.Yes

    def error(self, parent: QWidget | None, message: str) -> None:
        QMessageBox.warning(parent, tr("Error"), message)


class ScriptedPrompter(Prompter):
    """Answers from queues (for tests and offscreen runs); records what was asked."""

    def __init__(self, unsaved=(), restore=(), yes_no=(), default_unsaved=Unsaved.CANCEL,
                 default_restore=False, default_yes_no=True) -> None:
        self.unsaved = deque(unsaved)
        self.restore = deque(restore)
        self.yes_no = deque(yes_no)
        self.default_unsaved = default_unsaved
        self.default_restore = default_restore
        self.default_yes_no = default_yes_no
        self.asked: list[str] = []
        self.errors: list[str] = []
        self.restore_names: list[str | None] = []

    def ask_unsaved(self, parent):
        self.asked.append("unsaved")
        return self.unsaved.popleft() if self.unsaved else self.default_unsaved

    def ask_restore(self, parent, name=None):
        self.asked.append("restore")
        self.restore_names.append(name)
        return self.restore.popleft() if self.restore else self.default_restore

    def ask_yes_no(self, parent, title, text):
        self.asked.append("yes_no")
        return self.yes_no.popleft() if self.yes_no else self.default_yes_no

    def error(self, parent, message):
        self.errors.append(message)


def choose_case_to_open(parent: QWidget | None) -> Path | None:
    path, _ = QFileDialog.getOpenFileName(parent, tr("Open case"), "", tr("Case files (case.json *.json)"))
    return Path(path) if path else None


def choose_case_to_save(parent: QWidget | None, suggestion: Path) -> Path | None:
    path, _ = QFileDialog.getSaveFileName(parent, tr("Save case as"), str(suggestion), tr("Case files (*.json)"))
    return Path(path) if path else None


def show_about(parent: QWidget | None) -> None:
    from annotator import __version__

    QMessageBox.about(parent, tr("About"), trf(
        "Fluoro Annotator {version}: marks intraoperative fluoroscopy films of lumbar selective "
        "nerve root contrast studies and blocks. Not a medical device.", version=__version__))
