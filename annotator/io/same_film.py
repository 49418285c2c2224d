"""Is an image file already a film of the case? (one film, several roots: domain.md §4)

A film is stored once; a second root that uses it lists it in
``Root.shared_film_ids`` instead of copying the file and its marks. An image
is the same film when its path resolves to a film's file in the case folder,
or when the bytes are the same as a film's file (a copy of the same export).
"""

from __future__ import annotations

import filecmp
from contextlib import suppress
from pathlib import Path

from annotator.model import Case, Film, Root


def same_film(case: Case, case_dir: str | Path, image_path: str | Path) -> tuple[Root, Film] | None:
    """The (owning root, film) of ``case`` whose file is ``image_path`` or has its content, else None."""
    folder = Path(case_dir)
    src = Path(image_path)
    with suppress(OSError):
        resolved = src.resolve()
        size = src.stat().st_size
        candidates = [(r, f) for r in case.roots for f in r.films]
        for r, f in candidates:
            if (folder / f.path).resolve() == resolved:
                return r, f
        for r, f in candidates:
            target = folder / f.path
            with suppress(OSError):
                if target.stat().st_size == size and filecmp.cmp(src, target, shallow=False):
                    return r, f
    return None
