"""A network task off the GUI thread: ``run_task(parent, fn, on_done, on_error)``.

``fn(progress)`` runs in a ``QThread``; ``progress(done, total)`` returns False once
the user cancelled. Results and one-line errors come back by queued signals to
the GUI thread. No network call ever runs on the GUI thread.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from PyQt6.QtCore import QObject, QThread, pyqtSignal, pyqtSlot

log = logging.getLogger(__name__)


class Task(QObject):
    progressed = pyqtSignal(int, int)
    succeeded = pyqtSignal(object)
    failed = pyqtSignal(str)

    def __init__(self, fn: Callable[[Callable[[int, int], bool]], Any]) -> None:
        super().__init__()
        self.fn = fn
        self.cancelled = False

    def cancel(self) -> None:
        self.cancelled = True

    def _progress(self, done: int, total: int) -> bool:
        self.progressed.emit(done, total)
        return not self.cancelled

    @pyqtSlot()
    def run(self) -> None:
        from annotator.errors import AnnotatorError

        try:
            result = self.fn(self._progress)
        except AnnotatorError as exc:
            self.failed.emit(str(exc))
        except Exception as exc:  # a bug: still one line for the user, the traceback in the log
            log.exception("network task failed")
            self.failed.emit(f"{type(exc).__name__}: the operation failed")
        else:
            self.succeeded.emit(result)
        finally:
            self.thread().quit()


def run_task(parent: QObject, fn: Callable[[Callable[[int, int], bool]], Any],
             on_done: Callable[[Any], None], on_error: Callable[[str], None],
             on_progress: Callable[[int, int], None] | None = None) -> Task:
    """Start ``fn`` in a new thread owned by ``parent``; the Task (to cancel) is returned."""
    thread = QThread(parent)
    task = Task(fn)
    task.moveToThread(thread)
    task.succeeded.connect(on_done)
    task.failed.connect(on_error)
    if on_progress is not None:
        task.progressed.connect(on_progress)
    thread.started.connect(task.run)
    thread.finished.connect(task.deleteLater)
    thread.finished.connect(thread.deleteLater)
    parent._pacs_tasks = [*getattr(parent, "_pacs_tasks", []), (thread, task)]  # keep both alive
    thread.start()
    return task


def wait_for_tasks(parent: QObject, ms: int = 30_000) -> None:
    """Cancel and wait for the parent's tasks (on close): no thread outlives its window."""
    for thread, task in getattr(parent, "_pacs_tasks", []):
        try:
            task.cancel()
            if thread.isRunning():
                thread.wait(ms)
        except RuntimeError:  # already deleted by Qt
            pass
    parent._pacs_tasks = []
