"""The questions and messages the application puts to the user.

All go through a ``Prompter`` so tests can inject the answers
(``ScriptedPrompter``) instead of blocking on a modal dialog.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path

from PyQt6.QtCore import Qt
from PyQt6.QtWidgets import QFileDialog, QMessageBox, QProgressDialog, QWidget

from annotator.ui.i18n import tr, trf


class Unsaved(StrEnum):
    SAVE = "save"
    DISCARD = "discard"
    CANCEL = "cancel"


class Recovery(StrEnum):
    """The answer to a recovery file: open the case with its changes, keep the file for later
    (at start-up: ask again at the next start; when opening a case: do not open it now), or
    delete the recovered changes."""

    RESTORE = "restore"
    LATER = "later"
    DISCARD = "discard"


def recovery_text(folder: str, opening: bool) -> str:
    """The question about the recovered changes of the case in ``folder`` (its full path)."""
    lead = trf("Unsaved changes of the case in {folder} were recovered from an earlier session.", folder=folder)
    later = (tr("Later: keep them and do not open the case now.") if opening
             else tr("Later: keep them and ask again at the next start."))
    return "\n\n".join([lead, tr("Restore: open the case with these changes."), later,
                         tr("Discard: delete these unsaved changes for good.")])


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

    def ask_recovery(self, parent: QWidget | None, folder: str, opening: bool = False) -> Recovery:
        """What to do with the recovered changes of the case in ``folder`` (``recovery_text``);
        ``opening``: asked while that case is being opened (else at start-up). Esc or closing
        the box keeps the file: only the Discard button deletes anything."""
        box = QMessageBox(parent)
        box.setIcon(QMessageBox.Icon.Question)
        box.setWindowTitle(tr("Restore unsaved work"))
        box.setText(recovery_text(folder, opening))
        restore = box.addButton(tr("Restore"), QMessageBox.ButtonRole.AcceptRole)
        later = box.addButton(tr("Later"), QMessageBox.ButtonRole.RejectRole)  # as the README says
        discard = box.addButton(tr("Discard the unsaved changes"), QMessageBox.ButtonRole.DestructiveRole)
        box.setDefaultButton(restore)
        box.setEscapeButton(later)
        box.exec()
        clicked = box.clickedButton()
        if clicked is restore:
            return Recovery.RESTORE
        if clicked is discard:
            return Recovery.DISCARD
        return Recovery.LATER

    def ask_yes_no(self, parent: QWidget | None, title: str, text: str) -> bool:
        return QMessageBox.question(parent, title, text) == QMessageBox.StandardButton.Yes

    def choose_films(self, parent: QWidget | None, folder: str) -> list[Path]:
        """Image files to add (File ▸ Add films…); empty when cancelled."""
        paths, _ = QFileDialog.getOpenFileNames(
            parent, tr("Add films"), folder,
            tr("Images (*.dcm *.png *.jpg *.jpeg *.tif *.tiff *.bmp);;All files (*)"))
        return [Path(p) for p in paths]

    def ask_root(self, parent: QWidget | None) -> tuple[str, str] | None:
        """The root (level, side) new films belong to, when the case has none yet."""
        from PyQt6.QtWidgets import QInputDialog

        from annotator.model import LEVELS

        options = [(level, side) for side in ("right", "left") for level in LEVELS]
        shown = [trf("{side} {level}", side=tr(side), level=level) for level, side in options]
        default = options.index(("L5", "right")) if ("L5", "right") in options else 0
        text, ok = QInputDialog.getItem(parent, tr("Which root?"),
                                        tr("The films are of the block of root:"), shown, default, False)
        return options[shown.index(text)] if ok and text in shown else None

    def error(self, parent: QWidget | None, message: str) -> None:
        QMessageBox.warning(parent, tr("Error"), message)


class ScriptedPrompter(Prompter):
    """Answers from queues (for tests and offscreen runs); records what was asked."""

    def __init__(self, unsaved=(), restore=(), yes_no=(), default_unsaved=Unsaved.CANCEL,
                 default_restore=Recovery.LATER, default_yes_no=True, films=(), roots=()) -> None:
        self.films = deque(films)  # lists of paths for choose_films (none left: cancelled)
        self.roots = deque(roots)  # (level, side) answers for ask_root (none left: cancelled)
        self.unsaved = deque(unsaved)
        self.restore = deque(restore)  # Recovery answers (True: RESTORE, False: DISCARD)
        self.yes_no = deque(yes_no)
        self.default_unsaved = default_unsaved
        self.default_restore = default_restore
        self.default_yes_no = default_yes_no
        self.asked: list[str] = []
        self.errors: list[str] = []
        self.recovery_folders: list[str] = []  # the folder named by each recovery question
        self.recovery_texts: list[str] = []

    def ask_unsaved(self, parent):
        self.asked.append("unsaved")
        return self.unsaved.popleft() if self.unsaved else self.default_unsaved

    def ask_recovery(self, parent, folder, opening=False):
        self.asked.append("recovery")
        self.recovery_folders.append(folder)
        self.recovery_texts.append(recovery_text(folder, opening))
        answer = self.restore.popleft() if self.restore else self.default_restore
        if isinstance(answer, bool):
            return Recovery.RESTORE if answer else Recovery.DISCARD
        return Recovery(answer)

    def ask_yes_no(self, parent, title, text):
        self.asked.append("yes_no")
        return self.yes_no.popleft() if self.yes_no else self.default_yes_no

    def error(self, parent, message):
        self.errors.append(message)

    def choose_films(self, parent, folder):
        self.asked.append("films")
        return [Path(p) for p in self.films.popleft()] if self.films else []

    def ask_root(self, parent):
        self.asked.append("root")
        return self.roots.popleft() if self.roots else None


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


def work_progress(parent: QWidget | None, text: str, title: str, on_cancel: Callable[[], None]) -> QProgressDialog:
    """The progress dialog of a piece of work off the GUI thread (export, send): window-modal,
    shown after 0.3 s, left open at 100 % until the work says it ended; Cancel calls ``on_cancel``."""
    dialog = QProgressDialog(text, tr("Cancel"), 0, 100, parent)
    dialog.setWindowTitle(title)
    dialog.setWindowModality(Qt.WindowModality.WindowModal)
    dialog.setMinimumDuration(300)
    dialog.setAutoClose(False)
    dialog.setAutoReset(False)
    dialog.canceled.connect(on_cancel)
    dialog.setValue(0)
    return dialog
