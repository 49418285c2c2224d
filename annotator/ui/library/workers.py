"""Work of the Library window off the GUI thread: index refresh, thumbnails, lecture export.

Each runs in its own ``QThread`` with its own SQLite connection (connections are
bound to the thread that made them); results come back by signal.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from PyQt6.QtCore import QObject, QThread, pyqtSignal, pyqtSlot

log = logging.getLogger(__name__)


def _one_line(exc: BaseException) -> str:
    lines = str(exc).strip().splitlines()
    return lines[0] if lines else type(exc).__name__


class _Job(QObject):
    succeeded = pyqtSignal(object)
    failed = pyqtSignal(str)
    item = pyqtSignal(str, str)  # thumbnails: case file, PNG path ("" = none)

    def __init__(self, fn: Any) -> None:
        super().__init__()
        self.fn = fn
        self.cancelled = False

    @pyqtSlot()
    def run(self) -> None:
        try:
            result = self.fn(self)
        except Exception as exc:  # LibraryError, ExportError & co: one line for the user
            log.info("library job failed", exc_info=True)
            self.failed.emit(_one_line(exc))
            return
        self.succeeded.emit(result)


class Background(QObject):
    """``fn(job)`` in a worker thread; ``done(ok, result_or_message)`` once at the end."""

    done = pyqtSignal(bool, object)

    def __init__(self, fn: Any, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.thread = QThread(self)
        self.job = _Job(fn)
        self.job.moveToThread(self.thread)
        self.thread.started.connect(self.job.run)
        self.job.succeeded.connect(lambda r: self._end(True, r))
        self.job.failed.connect(lambda m: self._end(False, m))
        self.ended = False

    def start(self) -> Background:
        self.thread.start()
        return self

    def stop(self) -> None:
        """Cancel (thumbnails stop between films), wait for the thread; ``done`` never fires."""
        self.job.cancelled = True
        self.ended = True
        self.thread.quit()
        self.thread.wait()

    def _end(self, ok: bool, result: object) -> None:
        if self.ended:  # stopped: the window is closing
            return
        self.ended = True
        self.thread.quit()
        self.thread.wait()
        self.done.emit(ok, result)


def refresh_index(index_path: Path | None, folders: list[Path]) -> Any:
    def run(_job: Any) -> Any:
        from annotator.library import LibraryIndex

        with LibraryIndex.open(index_path) as lib:
            return lib.index(folders) if folders else lib.refresh()
    return run


def thumbnails(case_files: list[Path]) -> Any:
    def run(job: Any) -> int:
        from annotator.library.thumbnails import make_thumbnail

        for f in case_files:
            if job.cancelled:
                break
            png = make_thumbnail(f)
            job.item.emit(str(f), str(png) if png else "")
        return len(case_files)
    return run


def export_lecture(case_files: list[Path], pptx: Path | None, pdf: Path | None, lang: str, quiz: bool,
                   title: str) -> Any:
    def run(_job: Any) -> Any:
        from annotator.export.case_export import export_cases
        from annotator.export.lecture import LectureOptions
        from annotator.io.casefile import load_case

        items = [(load_case(f), f.parent) for f in case_files]
        return export_cases(items, pptx=pptx, pdf=pdf, lang=lang, lecture=LectureOptions(title=title, quiz=quiz))
    return run
