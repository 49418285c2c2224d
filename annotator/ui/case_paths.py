"""Where a case lives: film paths are relative to the case folder, so saving elsewhere rewrites them."""

from __future__ import annotations

from pathlib import Path
from typing import Any


def set_document_path(document: Any, path: Path) -> None:
    fn = getattr(document, "set_path", None)
    if callable(fn):
        fn(path)
        return
    document.path = path
    document.folder = path.parent


def rebase_film_paths(document: Any, old_folder: Path, new_folder: Path) -> None:
    """Film paths are relative to the case folder: rewrite them for a case saved elsewhere."""
    import os

    edits = []
    for root in document.case.roots:
        for film in root.films:
            absolute = (old_folder / film.path).resolve()
            rel = Path(os.path.relpath(absolute, new_folder.resolve())).as_posix()
            if rel != film.path:
                edits.append((film.id, rel))
    if edits:
        with document.macro("Move case"):  # named at display (ui.undo_text)
            for film_id, rel in edits:
                document.update_film(film_id, path=rel)
