"""Atomic writes: an export never leaves a half-written file at its destination.

An export never moves or replaces anything that is not a plain file: an
existing folder, symbolic link or special file at a destination is refused
(:func:`check_outputs`, before any work, and again at the final move). A file
being replaced is kept under a second name (a hard link, not a move) until the
new one is in place, so a kill at any point leaves the destination old or new.
Temporary names carry the writing process's id; leftovers of a process that is
gone are removed by the next export into the same folder.
"""

from __future__ import annotations

import contextlib
import logging
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

from annotator.errors import ExportError, file_label
from annotator.io.casefile import new_file_mode
from annotator.io.temp_names import remove_stale, temp_prefix

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
    check_output_file(dest)
    try:
        dest.parent.mkdir(parents=True, exist_ok=True)
        remove_stale(dest.parent)
        fd, name = tempfile.mkstemp(prefix=temp_prefix(dest.name), suffix=".part" + dest.suffix, dir=dest.parent)
        os.close(fd)
    except OSError as exc:
        raise ExportError(f"{file_label(dest)}: cannot write there ({exc.strerror or exc})") from exc
    tmp = Path(name)
    try:
        yield tmp
        os.chmod(tmp, new_file_mode())
        check_output_file(dest)
        os.replace(tmp, dest)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise ExportError(f"{file_label(dest)}: could not be written ({exc.strerror or exc})") from exc
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
        check_output_file(dest)
        try:
            self._mkdirs(dest.parent)
            remove_stale(dest.parent)
            fd, name = tempfile.mkstemp(prefix=temp_prefix(dest.name), suffix=".part" + dest.suffix, dir=dest.parent)
            os.close(fd)
        except OSError as exc:
            raise ExportError(f"{file_label(dest)}: cannot write there ({exc.strerror or exc})") from exc
        tmp = Path(name)
        self._files.append((tmp, dest))
        return tmp

    def commit(self) -> list[Path]:
        """Move every staged file into place; the destinations, in staging order.

        All or nothing: a file being replaced is first kept under a second name (a
        hard link; it never leaves its place), so that a failure part-way puts every
        earlier file back and leaves none of the new ones. Anything at a destination
        that is not a plain file is refused before the first move.
        """
        done: list[tuple[Path, Path | None]] = []  # (destination, the earlier file's second name)
        for _tmp, dest in self._files:
            try:
                check_output_file(dest)
            except ExportError:
                self.abort()
                raise
        try:
            for tmp, dest in self._files:
                os.chmod(tmp, new_file_mode())
                aside = None
                if os.path.lexists(dest):
                    aside = dest.with_name(f"{temp_prefix(dest.name)}previous")
                    _keep_copy(dest, aside)
                done.append((dest, aside))
                os.replace(tmp, dest)
        except OSError as exc:
            failed = file_label(dest)
            for put, aside in reversed(done):  # put the earlier export back as it was
                try:
                    if aside is not None and _same_file(aside, put):
                        aside.unlink()  # the move onto it failed: it still is the earlier file
                    elif aside is not None:
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


def _keep_copy(dest: Path, aside: Path) -> None:
    """``aside`` as a second name of the plain file ``dest`` (a hard link, else a copy); ``dest`` stays."""
    aside.unlink(missing_ok=True)
    try:
        os.link(dest, aside)
    except OSError:
        import shutil

        shutil.copy2(dest, aside)


def _same_file(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


def _nearest_existing(folder: Path) -> Path:
    for p in [folder, *folder.parents]:
        if os.path.lexists(p):
            return p
    return Path(".")


def _check_folder_writable(folder: Path, shown: str) -> None:
    existing = _nearest_existing(folder)
    if not existing.is_dir():
        raise ExportError(f"{shown}: {file_label(existing)} is not a folder; choose another place")
    try:  # a real probe: permission bits say nothing to root, on read-only disks or in /proc
        fd, probe = tempfile.mkstemp(prefix=temp_prefix("probe"), suffix=".tmp", dir=existing)
        os.close(fd)
        os.unlink(probe)
    except OSError as exc:
        raise ExportError(f"{shown}: cannot write in {file_label(existing)} ({exc.strerror or exc}); "
                          "choose another place") from None


def check_output_file(dest: str | Path, suffix: str = "") -> None:
    """Refuse, before any work, a destination the export could not or must not replace.

    ExportError (one line) when ``dest`` is an existing folder, symbolic link or special file
    (an export only ever replaces a plain file), or when its folder cannot be made or written.
    """
    dest = Path(dest)
    shown = file_label(dest)
    if dest.is_symlink():
        raise ExportError(f"{shown}: is a symbolic link; an export only replaces plain files: give another name")
    if dest.is_dir():
        example = f" (e.g. {shown}/deck{suffix})" if suffix else ""
        raise ExportError(f"{shown}: is a folder; give a file name{example}; the folder was left as it is")
    if os.path.lexists(dest) and not dest.is_file():
        raise ExportError(f"{shown}: is not a plain file; an export only replaces plain files")
    _check_folder_writable(dest.parent, shown)


def check_output_folder(folder: str | Path) -> None:
    """Refuse, before any work, an output folder that is a file or cannot be made or written."""
    folder = Path(folder)
    shown = file_label(folder)
    if os.path.lexists(folder) and not folder.is_dir():
        raise ExportError(f"{shown}: is not a folder; give a folder for the files")
    _check_folder_writable(folder, shown)


def check_outputs(*, files: tuple[tuple[str | Path | None, str], ...] = (),
                  folders: tuple[str | Path | None, ...] = ()) -> None:
    """:func:`check_output_file` for each (file, its usual suffix) and :func:`check_output_folder`
    for each folder given (None skipped)."""
    for f, suffix in files:
        if f:
            check_output_file(f, suffix)
    for d in folders:
        if d:
            check_output_folder(d)
