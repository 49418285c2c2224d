"""Filing received objects by study into case folders, atomically.

Layout under the inbox folder::

    INBOX/
      .incoming/                    objects being written (never seen as films)
      study-<hash of Study UID>/    one case per study
        case.json
        films/<hash of SOP UID>.dcm
        presentation_states/<hash>.dcm
        reports/<hash>.dcm

Folder and file names are hashes of the UIDs: no patient identity in paths, and
the same object received twice lands on the same file (a resend replaces it, it
is not a second film). A film is written to ``.incoming``, checked by opening it
as the folder import does (view detection, calibration), moved into the study
folder, and only then is the case file rewritten (atomically) with the films
sorted in acquisition order, as ``fluoro-annotator-cli new`` and the folder
import sort them. If the case file cannot be written the film is taken out
again: a case never lists a film it does not have, and never a half-written one.

Presentation states and reports written by this tool are read back on arrival:
marks of our presentation states become the films' annotations again (by id, so
a resend adds nothing twice) and the block result of our report is restored.
Other systems' presentation states stay files that the viewer draws read-only.
"""

from __future__ import annotations

import errno
import hashlib
import logging
import os
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from annotator.errors import AnnotatorError
from annotator.io.casefile import CASE_FILE_NAME, atomic_write_text, dumps_case, load_case
from annotator.io.film_entry import film_for
from annotator.io.folder import acquisition_order
from annotator.model import Case, Film, Root, Side
from annotator.net.errors import NetError
from annotator.net.sop_classes import kind_of

log = logging.getLogger(__name__)

INCOMING = ".incoming"
FILMS, PRESENTATION_STATES, REPORTS = "films", "presentation_states", "reports"
SUBFOLDER = {"image": FILMS, "presentation_state": PRESENTATION_STATES, "report": REPORTS}
# the tool never guesses the tested root from films: the `new` command's default, to be corrected
DEFAULT_LEVEL, DEFAULT_SIDE = "L5", Side.RIGHT

# DIMSE C-STORE statuses (PS3.4 B.2.3)
STATUS_OUT_OF_RESOURCES = 0xA700
STATUS_NOT_MATCHING = 0xA900  # data set does not match SOP class
STATUS_CANNOT_UNDERSTAND = 0xC000


class FilingError(NetError):
    """An object could not be filed; ``status`` is the DIMSE status to answer with."""

    def __init__(self, message: str, status: int) -> None:
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class Filed:
    """One object filed: its study folder, its path in the case, what it is, whether it was new."""

    study_dir: Path
    rel: str
    kind: str  # image, presentation_state, report
    study_uid: str
    new: bool  # False: the same object had been received before (replaced)
    film: Film | None = None  # the case's entry for a film (as written to case.json)
    root_id: str = ""  # the root holding it
    index: int = -1  # its place among the root's films (acquisition order)


def uid_hash(uid: str, n: int = 16) -> str:
    return hashlib.sha1(str(uid).encode("ascii", "replace")).hexdigest()[:n]


def study_folder_name(study_uid: str) -> str:
    return f"study-{uid_hash(study_uid)}"


def is_disk_full(exc: OSError) -> bool:
    return exc.errno in (errno.ENOSPC, errno.EDQUOT)


class Inbox:
    """The folder received objects are filed into. Thread-safe (one lock per inbox).

    ``on_filed(filed)`` is called after each object is in place and its case file
    written (from the receiving thread).
    """

    def __init__(self, root: str | Path, on_filed: Callable[[Filed], None] | None = None) -> None:
        self.root = Path(root)
        self.on_filed = on_filed
        self._lock = threading.RLock()
        self._headers: dict[Path, dict[str, Any]] = {}  # study dir -> rel -> opened header (sort keys)
        # study dir -> (case as last written, stat of that file): re-read only when someone else wrote it
        self._cases: dict[Path, tuple[Case, tuple[int, int]]] = {}
        self._deferred: dict[Path, Case] | None = None  # inside file_paths(): cases written once at the end
        try:
            (self.root / INCOMING).mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise NetError(f"inbox {self.root.name}: cannot be created ({exc.strerror or exc}): "
                           "choose a folder you can write") from None

    def study_dir(self, study_uid: str) -> Path:
        return self.root / study_folder_name(study_uid)

    # ---------------------------------------------------------------- writing one object

    def file_dataset(self, ds: Any, sender: str = "") -> Filed:
        """Write a received dataset (with its file meta) and file it. FilingError on failure."""
        sop = str(getattr(ds, "SOPInstanceUID", "") or "")
        tmp = self.root / INCOMING / f"{uid_hash(sop or str(id(ds)))}-{threading.get_ident()}.part"
        try:
            ds.save_as(tmp, enforce_file_format=True)
        except OSError as exc:
            tmp.unlink(missing_ok=True)
            raise self._os_error(exc, sender) from None
        except Exception as exc:  # a dataset pydicom cannot encode: the sender's object is broken
            tmp.unlink(missing_ok=True)
            raise FilingError(f"object from {sender or 'the sender'} cannot be written "
                              f"({type(exc).__name__}): ask for it to be resent", STATUS_CANNOT_UNDERSTAND) from None
        return self.file_path(tmp, sender, move=True)

    def file_path(self, src: Path, sender: str = "", move: bool = False) -> Filed:
        """File a DICOM file already on disk (moved when ``move``, else copied). FilingError on failure."""
        import pydicom

        try:
            head = pydicom.dcmread(src, stop_before_pixels=True,
                                   specific_tags=["SOPClassUID", "SOPInstanceUID", "StudyInstanceUID"])
            sop_class, sop, study = (str(head.get(k, "") or "") for k in
                                     ("SOPClassUID", "SOPInstanceUID", "StudyInstanceUID"))
        except Exception:
            self._discard(src, move)
            raise FilingError(f"object from {sender or 'the sender'} is not readable DICOM: "
                              "ask for it to be resent", STATUS_CANNOT_UNDERSTAND) from None
        kind = kind_of(sop_class)
        if not kind or not sop or not study:
            self._discard(src, move)
            what = "has no Study/SOP Instance UID" if kind else "is not an image, presentation state or report"
            raise FilingError(f"object from {sender or 'the sender'} {what}: not filed", STATUS_NOT_MATCHING)
        if kind == "image":
            self._check_image(src, sender, move)
        study_dir = self.study_dir(study)
        rel = f"{SUBFOLDER[kind]}/{uid_hash(sop)}.dcm"
        with self._lock:
            filed = self._place(src, study_dir, rel, kind, study, sender, move)
        if self.on_filed is not None:
            try:
                self.on_filed(filed)
            except Exception:  # a listener's display must never make a received film fail
                log.exception("on_filed callback failed")
        return filed

    def _check_image(self, src: Path, sender: str, move: bool) -> None:
        from annotator.io import open_image

        try:
            open_image(src, headers_only=True)
        except AnnotatorError as exc:
            self._discard(src, move)
            problem = getattr(exc, "problem", None) or "not a readable film"
            raise FilingError(f"film from {sender or 'the sender'} not filed: {problem}",
                              STATUS_CANNOT_UNDERSTAND) from None

    @staticmethod
    def _discard(src: Path, move: bool) -> None:
        if move:
            src.unlink(missing_ok=True)

    def _os_error(self, exc: OSError, sender: str) -> FilingError:
        if is_disk_full(exc):
            return FilingError(f"inbox {self.root.name} is full: free disk space, then ask "
                               f"{sender or 'the sender'} to resend", STATUS_OUT_OF_RESOURCES)
        return FilingError(f"inbox {self.root.name} cannot be written ({exc.strerror or exc}): "
                           "check the folder's permissions", STATUS_OUT_OF_RESOURCES)

    def _place(self, src: Path, study_dir: Path, rel: str, kind: str, study: str, sender: str,
               move: bool) -> Filed:
        import shutil

        dest = study_dir / rel
        existed = dest.exists()
        backup: Path | None = None
        try:
            dest.parent.mkdir(parents=True, exist_ok=True)
            if existed:  # a resend: keep the old copy until the new one is in place
                backup = dest.with_name(dest.name + ".old")
                os.replace(dest, backup)
            if move:
                os.replace(src, dest)
            else:
                part = dest.with_name(dest.name + ".part")
                shutil.copyfile(src, part)
                os.replace(part, dest)
            placed = self._update_case(study_dir, rel, kind)
        except OSError as exc:
            self._undo(dest, backup, src, move)
            raise self._os_error(exc, sender) from None
        except AnnotatorError as exc:
            self._undo(dest, backup, src, move)
            raise FilingError(f"study {study_dir.name}: the case could not be updated ({exc}); "
                              "nothing was filed", STATUS_OUT_OF_RESOURCES) from None
        if backup is not None:
            backup.unlink(missing_ok=True)
        film, root_id, index = placed
        return Filed(study_dir, rel, kind, study, new=not existed, film=film, root_id=root_id, index=index)

    def _undo(self, dest: Path, backup: Path | None, src: Path, move: bool) -> None:
        dest.with_name(dest.name + ".part").unlink(missing_ok=True)
        dest.unlink(missing_ok=True)
        if backup is not None and backup.exists():
            os.replace(backup, dest)
        self._discard(src, move)
        self._headers.pop(dest.parent.parent, None)
        self._cases.pop(dest.parent.parent, None)

    # ---------------------------------------------------------------- the study's case

    @staticmethod
    def _stat(path: Path) -> tuple[int, int] | None:
        try:
            st = path.stat()
        except OSError:
            return None
        return (st.st_mtime_ns, st.st_size)

    def _load(self, study_dir: Path) -> Case:
        if self._deferred is not None and study_dir in self._deferred:
            return self._deferred[study_dir]
        path = study_dir / CASE_FILE_NAME
        cached = self._cases.get(study_dir)
        if cached is not None and cached[1] == self._stat(path):
            return cached[0]
        if path.exists():
            return load_case(path)
        return Case(title="", roots=[Root(level=DEFAULT_LEVEL, side=DEFAULT_SIDE)])

    def _write_case(self, study_dir: Path, case: Case) -> None:
        path = study_dir / CASE_FILE_NAME
        self._cases.pop(study_dir, None)
        atomic_write_text(path, dumps_case(case), backup=False)
        stat = self._stat(path)
        if stat is not None:
            self._cases[study_dir] = (case, stat)

    def file_paths(self, paths: list[Path], sender: str = "", move: bool = False
                   ) -> tuple[list[Filed], list[str]]:
        """File many objects (a retrieved study) with one case write per study at the end.

        Returns (filed, one line per object not filed). If a case file cannot be written,
        every object of this call is taken out again and FilingError is raised.
        """
        filed: list[Filed] = []
        skipped: list[str] = []
        with self._lock:
            self._deferred = {}
            try:
                for p in paths:
                    try:
                        filed.append(self.file_path(p, sender, move))
                    except FilingError as exc:
                        if exc.status == STATUS_OUT_OF_RESOURCES:
                            raise
                        skipped.append(str(exc))
                for study_dir, case in self._deferred.items():
                    if case.roots and case.roots[0].films:
                        self._write_case(study_dir, case)
            except BaseException as exc:
                for f in filed:
                    if f.new:
                        (f.study_dir / f.rel).unlink(missing_ok=True)
                    self._headers.pop(f.study_dir, None)
                    self._cases.pop(f.study_dir, None)
                if isinstance(exc, OSError):
                    raise self._os_error(exc, sender) from None
                raise
            finally:
                self._deferred = None
        return filed, skipped

    def _update_case(self, study_dir: Path, rel: str, kind: str) -> tuple[Film | None, str, int]:
        from annotator.net.restore import restore_from_objects

        case = self._load(study_dir)
        if not case.roots:
            case.roots.append(Root(level=DEFAULT_LEVEL, side=DEFAULT_SIDE))
        if kind == "image":
            self._add_film(case, study_dir, rel)
        restore_from_objects(case, study_dir)
        if self._deferred is not None:
            self._deferred[study_dir] = case
        elif case.roots[0].films:  # a study folder holding only reports is not yet a case
            self._write_case(study_dir, case)
        for root in case.roots:
            for i, film in enumerate(root.films):
                if film.path == rel:
                    return film, root.id, i
        return None, "", -1

    def _add_film(self, case: Case, study_dir: Path, rel: str) -> None:
        from annotator.io import open_image

        headers = self._headers.get(study_dir)
        if headers is None:  # first film since start: open the case's films once (their sort keys)
            headers = {}
            for root in case.roots:
                for f in root.films:
                    try:
                        headers[f.path] = open_image(study_dir / f.path, headers_only=True)
                    except AnnotatorError:
                        pass
            self._headers[study_dir] = headers
        image = open_image(study_dir / rel, headers_only=True)
        headers[rel] = image
        holder = next((r for r in case.roots if any(f.path == rel for f in r.films)), None)
        if holder is None:
            holder = case.roots[0]
            holder.films.append(film_for(rel, image))
        key = acquisition_order([headers[f.path] for f in holder.films if f.path in headers])
        known = [f for f in holder.films if f.path in headers]
        others = [f for f in holder.films if f.path not in headers]
        known.sort(key=lambda f: key(headers[f.path]))
        holder.films[:] = known + others
