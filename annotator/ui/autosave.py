"""No lost work: a recovery copy of the case every 30 s while it has unsaved changes.

The recovery file sits next to the case file (``io.casefile.recovery_path``).
It is written only while the document is dirty, removed after a save, when the
user discards the changes and on a clean close, and offered back when a case is
opened and its recovery file is newer than the case file (``offer_restore``),
and at start-up for every recent case (``pending_recoveries``). Only the user's
Discard removes a recovery file that was offered; Later (or Esc) keeps it.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from PyQt6.QtCore import QObject, QTimer, pyqtSignal

log = logging.getLogger(__name__)

DEFAULT_INTERVAL_MS = 30_000


class Autosaver(QObject):
    """Writes ``save_recovery(document.case, document.path)`` on a timer while dirty.

    ``saved(str)`` fires with the recovery file's path after each write;
    ``failed(str)`` with a one-line message when the write failed.
    """

    saved = pyqtSignal(str)
    failed = pyqtSignal(str)

    def __init__(self, interval_ms: int = DEFAULT_INTERVAL_MS, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.document: Any = None
        self.timer = QTimer(self)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self.save_now)
        self.timer.start()

    def attach(self, document: Any) -> None:
        self.document = document

    def save_now(self) -> Path | None:
        """Write the recovery file if the document is dirty and has a path; return it."""
        doc = self.document
        if doc is None or not doc.dirty or getattr(doc, "path", None) is None:
            return None
        from annotator.io import casefile

        try:
            casefile.save_recovery(doc.case, doc.path)
        except Exception as exc:  # an autosave failure must never take the window down
            log.warning("autosave failed: %s", exc)
            self.failed.emit(str(exc))
            return None
        path = Path(casefile.recovery_path(doc.path))
        self.saved.emit(str(path))
        return path

    def discard(self) -> None:
        """Remove the recovery file of the current document (after save / clean close)."""
        doc = self.document
        if doc is None or getattr(doc, "path", None) is None:
            return
        discard_recovery(doc.path)


def discard_recovery(case_path: Path) -> None:
    from annotator.io import casefile

    try:
        casefile.discard_recovery(case_path)
    except OSError as exc:
        log.warning("could not remove the recovery file: %s", exc)


def offer_restore(case_path: Path, ask) -> tuple[Any | None, bool]:
    """If a recovery file newer than the case file exists, ask (``ask() -> dialogs.Recovery``).

    Returns ``(recovered Case or None, go on)``: RESTORE gives the recovered case; DISCARD
    removes the recovery file and goes on without it; LATER keeps the file and does not go on
    (the case is not opened now). No recovery file: ``(None, True)`` without asking.
    """
    from annotator.io import casefile
    from annotator.ui.dialogs import Recovery

    recovered = casefile.load_recovery(case_path)
    if recovered is None:
        return None, True
    answer = ask()
    if answer is Recovery.RESTORE:
        return recovered, True
    if answer is Recovery.DISCARD:
        discard_recovery(case_path)
        return None, True
    return None, False


def pending_recoveries(case_paths: Any) -> list[Path]:
    """The case files among ``case_paths`` whose recovery file is newer than the case file,
    newest recovery first (file dates only: nothing is parsed)."""
    from annotator.io import casefile

    found: list[tuple[int, Path]] = []
    for case_path in case_paths:
        case_path = Path(case_path)
        try:
            rec = casefile.recovery_path(case_path).stat().st_mtime_ns
        except OSError:
            continue
        try:
            newer = rec > case_path.stat().st_mtime_ns
        except OSError:
            newer = True
        if newer:
            found.append((rec, case_path))
    return [p for _t, p in sorted(found, key=lambda t: -t[0])]


def mark_unsaved(document: Any) -> None:
    """Make a document holding restored work report unsaved changes."""
    document.mark_unsaved()
