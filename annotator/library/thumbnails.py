"""Thumbnails of a case's key annotated film for the Library window, cached beside the index.

The key film (``record.key_film``) is rendered as the exports render it
(redactions, target zone, marks and labels; no legend column, no caption),
scaled to ``SIZE`` px on its long side and kept as PNG in the cache directory
(``location.cache_dir()/thumbs``), named by a hash of the case file's path, its
modification time and size, so a changed case gets a new thumbnail.
"""

from __future__ import annotations

import hashlib
import logging
from pathlib import Path

from annotator.library.location import cache_dir

log = logging.getLogger(__name__)

SIZE = 192


def thumbnail_path(case_file: Path, folder: Path | None = None) -> Path:
    st = case_file.stat()
    key = hashlib.sha1(f"{case_file}|{st.st_mtime_ns}|{st.st_size}|{SIZE}".encode()).hexdigest()[:20]
    return (folder or cache_dir() / "thumbs") / f"{key}.png"


def make_thumbnail(case_file: str | Path, folder: Path | None = None) -> Path | None:
    """The cached thumbnail PNG of the case in ``case_file`` (made if missing); None when the
    case has no film or its key film cannot be read (the window shows a placeholder)."""
    from PIL import Image

    case_file = Path(case_file)
    try:
        out = thumbnail_path(case_file, folder)
    except OSError:
        return None
    if out.is_file():
        return out
    try:
        from annotator.export.burn_in import Layers
        from annotator.export.films import iter_films, load_rule_config, prepare_film
        from annotator.io.casefile import load_case
        from annotator.library.record import key_film

        case = load_case(case_file)
        film = key_film(case)
        if film is None:
            return None
        index, root = next((i, r) for i, (r, f) in enumerate(iter_films(case)) if f is film)
        pf = prepare_film(case, case_file.parent, root, film, index, 1, "en", load_rule_config(), None)
        img = pf.image(annotated=True, layers=Layers(verdict=False, legend=False, scale_bar=False, caption=False),
                       panel=False)
        img.thumbnail((SIZE, SIZE), Image.Resampling.LANCZOS)
        out.parent.mkdir(parents=True, exist_ok=True)
        tmp = out.with_suffix(".tmp.png")
        img.save(tmp, "PNG")
        tmp.replace(out)
        return out
    except Exception as exc:  # an unreadable film: a placeholder, never a crash of the window
        log.info("no thumbnail for a case (%s)", type(exc).__name__)
        return None
