"""Where the library index lives: a per-user cache directory, never inside the user's folders.

The index is a cache (it can always be rebuilt from the case files), so it
goes where the platform keeps caches:

- ``$FLUORO_ANNOTATOR_CACHE`` when set (tests, portable installs);
- Linux and other Unix: ``$XDG_CACHE_HOME/fluoro-annotator`` (default ``~/.cache/fluoro-annotator``);
- macOS: ``~/Library/Caches/fluoro-annotator``;
- Windows: ``%LOCALAPPDATA%\\fluoro-annotator\\cache``.

The file is ``library.sqlite3`` in that directory. Deleting it loses nothing
but the list of library folders, which the next ``library index DIR`` restores.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

APP_DIR = "fluoro-annotator"
INDEX_FILE = "library.sqlite3"


def cache_dir() -> Path:
    """The per-user cache directory of the application (not created here)."""
    override = os.environ.get("FLUORO_ANNOTATOR_CACHE")
    if override:
        return Path(override)
    if sys.platform == "win32":
        base = os.environ.get("LOCALAPPDATA") or str(Path.home() / "AppData" / "Local")
        return Path(base) / APP_DIR / "cache"
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Caches" / APP_DIR
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / APP_DIR


def default_index_path() -> Path:
    """The library index file in :func:`cache_dir`."""
    return cache_dir() / INDEX_FILE
