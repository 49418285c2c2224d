"""Atomic writes: an export never leaves a half-written file at its destination."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

from annotator.errors import ExportError
from annotator.io.casefile import new_file_mode


@contextlib.contextmanager
def atomic_path(dest: Path) -> Iterator[Path]:
    """Yield a temporary path next to ``dest``; on success it replaces ``dest``.

    On any exception the temporary file is removed and ``dest`` is untouched.
    An ``OSError`` becomes an :class:`ExportError` naming the file. The file
    gets the permission bits of a normally created one (``0o666`` minus the
    umask), not ``mkstemp``'s private 0600.
    """
    dest = Path(dest)
    try:
        dest.parent.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(prefix=f".{dest.stem}-", suffix=dest.suffix + ".part", dir=dest.parent)
        os.close(fd)
    except OSError as exc:
        raise ExportError(f"{dest.name}: cannot write there ({exc.strerror or exc})") from exc
    tmp = Path(name)
    try:
        yield tmp
        os.chmod(tmp, new_file_mode())
        os.replace(tmp, dest)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise ExportError(f"{dest.name}: could not be written ({exc.strerror or exc})") from exc
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
