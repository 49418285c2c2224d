"""Films copied into a case folder: whole or absent, never half of one.

``copy_film`` writes the copy under a hidden temporary name (``temp_names``),
fsyncs it and renames it into place, so a kill during the copy leaves only a
hidden file the next run removes. ``is_partial_copy`` recognises the cut-short
copies that earlier versions (which copied straight to the final name) left,
so they are copied again instead of kept. Used by ``new`` and the GUI's New case.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from pathlib import Path

from annotator.io.temp_names import remove_stale, temp_prefix


def is_partial_copy(src: Path, target: Path) -> bool:
    """Whether ``target`` is a cut-short copy of ``src``: shorter, and the same bytes as far as it goes.

    Copies are written under a temporary name and renamed when complete, so this only finds
    what earlier versions left behind (they copied straight to the final name)."""
    try:
        size = target.stat().st_size
        if not (target.is_file() and size < src.stat().st_size):
            return False
        with src.open("rb") as a, target.open("rb") as b:
            while chunk := b.read(1 << 20):
                if a.read(len(chunk)) != chunk:
                    return False
    except OSError:
        return False
    return True


def copy_film(src: Path, target: Path) -> None:
    """Copy ``src`` to ``target`` under a temporary name, renamed when complete and fsynced:
    ``target`` is the whole film or absent, never half of one (a kill leaves only a hidden
    temporary file, removed by the next run)."""
    folder = target.parent
    folder.mkdir(parents=True, exist_ok=True)
    remove_stale(folder)
    fd, name = tempfile.mkstemp(prefix=temp_prefix(target.name), suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "wb") as out, src.open("rb") as inp:
            shutil.copyfileobj(inp, out, 1 << 20)
            out.flush()
            os.fsync(out.fileno())
        shutil.copystat(src, name)
        os.replace(name, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(name)
        raise
