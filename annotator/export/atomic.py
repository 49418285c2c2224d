"""Atomic writes: an export never leaves a half-written file at its destination."""

from __future__ import annotations

import contextlib
import logging
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

from annotator.errors import ExportError
from annotator.io.casefile import new_file_mode

log = logging.getLogger(__name__)


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


class Staging:
    """All files of one export written under temporary names, moved into place together.

    ``path(dest)`` gives a temporary path next to ``dest`` (same folder, so the
    final move is an atomic rename; same suffix, so writers that choose the
    format by suffix still do). ``commit()`` moves every staged file onto its
    destination; ``abort()`` removes every staged file and the folders this
    staging created, so a failed export leaves nothing behind and an earlier
    export at the same destination stays as it was.
    """

    def __init__(self) -> None:
        self._files: list[tuple[Path, Path]] = []  # (temporary, destination)
        self._made: list[Path] = []  # folders created, outermost first

    def _mkdirs(self, folder: Path) -> None:
        missing = []
        for p in [folder, *folder.parents]:
            if p.exists():
                break
            missing.append(p)
        folder.mkdir(parents=True, exist_ok=True)
        self._made += reversed(missing)

    def path(self, dest: Path) -> Path:
        dest = Path(dest)
        try:
            self._mkdirs(dest.parent)
            fd, name = tempfile.mkstemp(prefix=f".{dest.stem}-", suffix=".part" + dest.suffix, dir=dest.parent)
            os.close(fd)
        except OSError as exc:
            raise ExportError(f"{dest.name}: cannot write there ({exc.strerror or exc})") from exc
        tmp = Path(name)
        self._files.append((tmp, dest))
        return tmp

    def commit(self) -> list[Path]:
        """Move every staged file into place; the destinations, in staging order.

        All or nothing: a file being replaced is first set aside, so that a failure
        part-way puts every earlier file back and leaves none of the new ones.
        """
        done: list[tuple[Path, Path | None]] = []  # (destination, the earlier file set aside)
        try:
            for tmp, dest in self._files:
                os.chmod(tmp, new_file_mode())
                aside = None
                if dest.exists():
                    aside = dest.with_name(f".{dest.name}.{os.getpid()}.previous")
                    os.replace(dest, aside)
                done.append((dest, aside))
                os.replace(tmp, dest)
        except OSError as exc:
            failed = dest.name
            for put, aside in reversed(done):  # put the earlier export back as it was
                try:
                    if aside is not None:
                        os.replace(aside, put)
                    else:
                        put.unlink(missing_ok=True)
                except OSError:
                    log.warning("could not restore %s after a failed export", put.name)
            self.abort()
            raise ExportError(f"{failed}: could not be written ({exc.strerror or exc})") from exc
        for _dest, aside in done:
            if aside is not None:
                aside.unlink(missing_ok=True)
        self._files = []
        return [dest for dest, _aside in done]

    def abort(self) -> None:
        for tmp, _dest in self._files:
            tmp.unlink(missing_ok=True)
        self._files = []
        for folder in reversed(self._made):
            try:
                folder.rmdir()  # only if empty: another program's files stay
            except OSError:
                pass
        self._made = []
