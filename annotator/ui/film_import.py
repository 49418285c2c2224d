"""Films into a case with the mouse: File ▸ Add films… and File ▸ Import this folder's films.

A folder of C-arm DICOMs without ``case.json`` opens as a new, empty case; its own films are
offered by "Import this folder's films" (in acquisition order, ``io.folder``), and any other
files by "Add films…". A case without a root asks once which root (level, side) the films
belong to. Every outcome is said in the status bar.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PyQt6.QtCore import QObject
from PyQt6.QtGui import QAction

from annotator.ui.i18n import signals, tr, trf


def folder_films(window: Any) -> list[Path]:
    """Image files in the open case's folder (acquisition order) that are not films of it yet."""
    doc = window.document
    if doc is None or doc.folder is None:
        return []
    from annotator.io.folder import import_folder

    folder = Path(doc.folder)
    try:
        found = import_folder(folder)
    except Exception:  # a folder that cannot be listed: nothing to offer
        return []
    known = {(folder / f.path).resolve() for r in doc.case.roots for f in r.films}
    return [img.info.path for img in found.images if Path(img.info.path).resolve() not in known]


def _target_root(window: Any) -> str | None:
    """The root new films go to: the selected one, else the first, else one the user names."""
    doc = window.document
    root_id = window.case_panel.selected_root_id() or window.root_id
    if root_id is not None:
        return root_id
    if doc.case.roots:
        return doc.case.roots[0].id
    answer = window.prompter.ask_root(window)
    if answer is None:
        return None
    level, side = answer
    return window.case_panel.add_root(level, side)


def add_films(window: Any, paths: list[Path] | None = None) -> list[str]:
    """Add ``paths`` (asked for when None) as films; returns the ids of the films added."""
    doc = window.document
    if doc is None:
        window.statusBar().showMessage(tr("Open a case first."), 8000)
        return []
    if paths is None:
        paths = window.prompter.choose_films(window, str(doc.folder))
    if not paths:
        return []
    root_id = _target_root(window)
    if root_id is None:
        window.statusBar().showMessage(tr("No films added: choose the root they belong to."), 8000)
        return []
    added, _problems = window.case_panel.add_files(list(paths), root_id)  # says what happened
    if added:
        window.case_panel.select_film(added[0])
    return added


def import_folder_films(window: Any) -> list[str]:
    """Add every film of the case's own folder that is not in the case yet."""
    films = folder_films(window)
    if not films:
        window.statusBar().showMessage(tr("This folder holds no films that are not in the case yet."), 8000)
        return []
    return add_films(window, films)


class FilmImportActions(QObject):
    """The two File menu items, placed after Open; "Import this folder's films" names how many
    films wait and is enabled only then. A child of the window: its connections end with it."""

    def __init__(self, window: Any, menu: Any, before: QAction | None) -> None:
        super().__init__(window)
        self.window = window
        self.add = QAction(window)
        self.add.setObjectName("add_films")
        self.add.triggered.connect(lambda: add_films(window))
        self.folder = QAction(window)
        self.folder.setObjectName("import_folder_films")
        self.folder.triggered.connect(lambda: import_folder_films(window))
        menu.insertActions(before, [self.add, self.folder])
        menu.aboutToShow.connect(self.update)
        signals().language_changed.connect(self.retranslate)
        self.retranslate()

    def update(self) -> None:
        n = len(folder_films(self.window)) if self.window.document is not None else 0
        self.add.setEnabled(self.window.document is not None)
        self.folder.setEnabled(n > 0)
        self.folder.setText(trf("Import this folder's films ({n})", n=n) if n else tr("Import this folder's films"))

    def retranslate(self, *_args: Any) -> None:
        self.add.setText(tr("Add films…"))
        self.update()


def install_film_import(window: Any) -> FilmImportActions:
    """Add the items to the window's File menu (before Save) and return them."""
    acts = window.actions_by_key
    menu = window.menus["file"]
    items = menu.actions()
    save = acts.get("save")
    before = None
    if save in items:  # the separator before Save: the film items close the "open" group
        idx = items.index(save)
        before = items[idx - 1] if idx > 0 and items[idx - 1].isSeparator() else save
    return FilmImportActions(window, menu, before)
