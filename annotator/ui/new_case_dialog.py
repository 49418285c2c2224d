"""File ▸ New case…: a case folder, its films (or none yet) and the root tested, in one small dialog.

``create_case(request)`` builds the case through a ``CaseDocument`` and saves
``<folder>/case.json``: films outside the folder are copied into ``<folder>/films/``
(so the case folder is self-contained), films inside it are referenced in place, every
film opened to detect its view, calibration and directions (``film_from_image``).
Files that cannot be opened are skipped and reported in one line each.
"""

from __future__ import annotations

import filecmp
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from PyQt6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from annotator.io.film_copy import copy_film, is_partial_copy
from annotator.model import LEVELS, Side
from annotator.ui.i18n import tr, trf

FILMS_SUBFOLDER = "films"


@dataclass
class NewCaseRequest:
    """What the dialog asks: the case folder (created if missing), films, the root tested."""

    folder: Path
    files: list[Path] = field(default_factory=list)
    level: str = "L5"
    side: Side = Side.RIGHT
    title: str = ""


def _inside(path: Path, folder: Path) -> bool:
    try:
        path.resolve().relative_to(folder.resolve())
    except ValueError:
        return False
    return True


def _place(src: Path, folder: Path, taken: set[str]) -> str:
    """The film's relative POSIX path in the case, copying it into films/ when outside the folder."""
    if _inside(src, folder):
        return Path(os.path.relpath(src.resolve(), folder.resolve())).as_posix()
    k = 1
    while True:
        name = src.name if k == 1 else f"{src.stem}-{k}{src.suffix}"
        rel = f"{FILMS_SUBFOLDER}/{name}"
        target = folder / rel
        partial = target.exists() and is_partial_copy(src, target)  # a copy a killed run left short
        if rel not in taken and (not target.exists() or partial or filecmp.cmp(src, target, shallow=False)):
            if not target.exists() or partial:
                copy_film(src, target)  # temporary name, then rename: whole or absent
            return rel
        k += 1


def create_case(request: NewCaseRequest, open_image: Any = None) -> tuple[Any, list[str]]:
    """Create and save the case; returns (the CaseDocument, one-line problems of skipped files).

    Raises CaseFileError when the folder already holds a case.json or cannot be written.
    """
    from annotator.errors import CaseFileError
    from annotator.io.casefile import save_case
    from annotator.model import Case, Root
    from annotator.model.document import CaseDocument
    from annotator.ui.case_panel import expand_paths, film_from_image

    if open_image is None:
        from annotator.io import open_image
    folder = Path(request.folder)
    case_path = folder / "case.json"
    if case_path.exists():
        raise CaseFileError(case_path, "this folder already holds a case: open it instead")
    if folder.exists() and not folder.is_dir():
        raise CaseFileError(folder, "exists and is not a folder")
    folder.mkdir(parents=True, exist_ok=True)
    root = Root(level=request.level, side=Side(request.side))
    case = Case(title=request.title, planned_roots=[root.label], roots=[root])
    doc = CaseDocument(case, folder, case_path)
    problems: list[str] = []
    taken: set[str] = set()
    seen: set[Path] = set()
    with doc.macro("New case"):
        for path in expand_paths([Path(p) for p in request.files]):
            if path.resolve() in seen:
                continue
            seen.add(path.resolve())
            try:
                image = open_image(path)
            except Exception as exc:  # ImageLoadError and whatever a broken file provokes
                problems.append(str(exc) or f"{path.name}: cannot be opened")
                continue
            rel = _place(path, folder, taken)
            if rel in taken:
                continue
            taken.add(rel)
            doc.add_film(root.id, film_from_image(rel, image))
    save_case(doc.case, case_path)
    doc.clear_history()
    doc.mark_saved()
    return doc, problems


class NewCaseDialog(QDialog):
    """Folder, films, level and side. ``request()`` reads the choice."""

    def __init__(self, parent: QWidget | None = None, start_folder: Path | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("newCaseDialog")
        self.setWindowTitle(tr("New case"))
        self.setMinimumWidth(520)
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.folder = QLineEdit(str(start_folder or Path.home() / "cases" / "new-case"), self)
        folder_row = QHBoxLayout()
        folder_row.addWidget(self.folder, 1)
        browse = QPushButton(tr("Choose…"), self)
        browse.clicked.connect(self._choose_folder)
        folder_row.addWidget(browse)
        form.addRow(tr("Case folder"), folder_row)
        self.level = QComboBox(self)
        self.level.addItems(list(LEVELS))
        self.level.setCurrentText("L5")
        form.addRow(tr("Level"), self.level)
        self.side = QComboBox(self)
        for side in Side:
            self.side.addItem(tr(side.value), side)
        self.side.setCurrentIndex(list(Side).index(Side.RIGHT))
        form.addRow(tr("Side"), self.side)
        self.title = QLineEdit(self)
        self.title.setPlaceholderText(tr("No patient identity here"))
        form.addRow(tr("Title"), self.title)
        layout.addLayout(form)
        layout.addWidget(QLabel(tr("Films (or none: drop them on the case later)"), self))
        self.files = QListWidget(self)
        self.files.setMinimumHeight(120)
        layout.addWidget(self.files)
        row = QHBoxLayout()
        add = QPushButton(tr("Add films…"), self)
        add.clicked.connect(self._add_files)
        clear = QPushButton(tr("Clear"), self)
        clear.clicked.connect(self.files.clear)
        row.addWidget(add)
        row.addWidget(clear)
        row.addStretch(1)
        layout.addLayout(row)
        buttons = QDialogButtonBox(self)
        buttons.addButton(tr("Create"), QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(tr("Cancel"), QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def _choose_folder(self) -> None:
        chosen = QFileDialog.getExistingDirectory(self, tr("Case folder"), self.folder.text())
        if chosen:
            self.folder.setText(chosen)

    def _add_files(self) -> None:
        paths, _ = QFileDialog.getOpenFileNames(self, tr("Add films…"), "",
                                                tr("Images (*.dcm *.png *.jpg *.jpeg *.tif *.tiff *.bmp);;All files (*)"))
        for p in paths:
            self.files.addItem(p)

    def request(self) -> NewCaseRequest:
        return NewCaseRequest(folder=Path(self.folder.text().strip()),
                              files=[Path(self.files.item(i).text()) for i in range(self.files.count())],
                              level=self.level.currentText(), side=self.side.currentData(),
                              title=self.title.text().strip())


def new_case_from_window(window: Any, request: NewCaseRequest | None = None) -> bool:
    """File ▸ New case…: ask (unless ``request`` is given), create, save and show the case."""
    if not window.maybe_keep_changes():
        return False
    if request is None:
        doc = window.document
        start = Path(doc.folder).resolve().parent / "new-case" if doc is not None and doc.folder else None
        dialog = NewCaseDialog(window, start_folder=start)  # next to the case open now
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return False
        request = dialog.request()
    if not str(request.folder).strip() or str(request.folder) == ".":
        window.prompter.error(window, tr("Choose a folder for the case."))
        return False
    try:
        doc, problems = create_case(request)
    except Exception as exc:  # CaseFileError, OSError: one line
        from annotator.ui.messages import user_error

        window.prompter.error(window, user_error(tr("Could not create the case"), exc))
        return False
    from annotator.ui import settings

    window.set_document(doc)
    settings.add_recent_case(Path(doc.path))
    n = len(doc.case.roots[0].films)
    text = trf("Created {name} with {n} film(s)", name=Path(doc.folder).name, n=n)
    if problems:
        text += " — " + trf("{n} file(s) skipped: {first}", n=len(problems), first=problems[0])
    window.statusBar().showMessage(text, 15_000)
    return True
