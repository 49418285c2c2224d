"""The archive export sent to a node off the GUI thread, shared by File ▸ Send to PACS… and the export dialog.

``start_archive_send`` runs ``annotator.net.send.send_archive_export`` (the one send path, also
used by ``export --send``) on a copy of the case in a worker thread; the outcome comes back to
the GUI thread as an :class:`ArchiveOutcome`: the report, one line for the status bar (naming the
node) and one line per object the node did not acknowledge. Nothing is called sent that the node
did not acknowledge.

:class:`ArchiveSend` is the export dialog's run of it: a progress dialog with Cancel, a
``finished(ok, text)`` signal, the end reported in the window's status bar.
:class:`SendBox` is the dialog's "Send the archive export to:" control; ``send_after_export``
starts the send from File ▸ Export… (after the files, when any are chosen).
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from PyQt6.QtCore import QObject, pyqtSignal
from PyQt6.QtWidgets import QCheckBox, QComboBox, QGridLayout, QGroupBox, QLabel, QProgressDialog, QWidget

from annotator.ui.i18n import tr, trf
from annotator.ui.pacs.worker import Task, run_task, wait_for_tasks


@dataclass
class ArchiveOutcome:
    """How a send ended: ``report`` (a SendReport) when every object was acknowledged, else
    ``message`` (one line naming the node) and ``lines`` (one per object not acknowledged)."""

    ok: bool
    message: str
    report: Any = None
    lines: list[str] = field(default_factory=list)


def start_archive_send(parent: QObject, case: Any, folder: Path, node: Any, local_ae: str, *,
                       identified: bool, on_end: Callable[[ArchiveOutcome], None], method: str = "auto",
                       lang: str = "en", on_progress: Callable[[int, int], None] | None = None) -> Task:
    """Write and send ``case``'s archive export to ``node`` in a worker thread; ``on_end`` gets the
    outcome in the GUI thread. The returned Task can be cancelled while the objects are written."""
    case, folder = copy.deepcopy(case), Path(folder)

    def work(progress: Callable[[int, int], bool]) -> Any:
        from annotator.net.send import SendFailed, send_archive_export

        steps = [1]

        def exported(done: int, total: int, _message: str) -> bool:
            steps[0] = total + 1  # the send is the last step
            return progress(done, total + 1)

        try:
            report = send_archive_export([(case, folder)], node, local_ae, identified=identified, method=method,
                                         lang=lang, progress=exported)
        except SendFailed as exc:  # a result, not an error: the per-object lines go with it
            return exc
        progress(steps[0], steps[0])
        return report

    def done(result: Any) -> None:
        from annotator.net.send import SendFailed

        if isinstance(result, SendFailed):
            rep = result.report
            lines = [] if rep.error else rep.failure_lines()  # a node down: the one line says it all
            on_end(ArchiveOutcome(False, str(result), rep, lines))
        else:
            on_end(ArchiveOutcome(True, trf("{n} object(s) acknowledged by {node}", n=len(result.sent),
                                            node=node.name), result))

    def failed(message: str) -> None:
        on_end(ArchiveOutcome(False, message))

    return run_task(parent, work, done, failed, on_progress)


class ArchiveSend(QObject):
    """The export dialog's send: progress dialog, ``finished(ok, text)`` once at the end."""

    finished = pyqtSignal(bool, str)

    def __init__(self, case: Any, folder: Path, node: Any, local_ae: str, *, identified: bool, lang: str = "en",
                 parent: QWidget | None = None, show_progress: bool = True) -> None:
        super().__init__(parent)
        self.case, self.folder, self.node, self.local_ae = case, Path(folder), node, local_ae
        self.identified, self.lang = identified, lang
        self.outcome: ArchiveOutcome | None = None
        self.cancelled = False
        self.task: Task | None = None
        self.percent = 0
        self.show_progress = show_progress
        self.dialog: QProgressDialog | None = None

    def start(self) -> None:
        """Start the send (with the progress dialog, Cancel stops the writing of the objects)."""
        if self.show_progress:
            from annotator.ui.dialogs import work_progress

            self.dialog = work_progress(self.parent(), trf("Sending the archive export to {node}…",
                                                           node=self.node.name), tr("Send to PACS"), self.cancel)
        self.task = start_archive_send(self, self.case, self.folder, self.node, self.local_ae,
                                       identified=self.identified, lang=self.lang, on_end=self._end,
                                       on_progress=self._progress)

    def cancel(self) -> None:
        if self.outcome is None and self.task is not None:
            self.cancelled = True
            self.task.cancel()

    def wait(self) -> None:
        wait_for_tasks(self)

    def _progress(self, done: int, total: int) -> None:
        self.percent = 100 if total <= 0 else int(round(100 * done / total))
        if self.dialog is not None:
            self.dialog.setValue(self.percent)

    def _end(self, outcome: ArchiveOutcome) -> None:
        self.outcome = outcome
        if self.dialog is not None:
            self.dialog.close()
        self.finished.emit(outcome.ok, outcome.message)


NO_NODE = "No PACS node is set up: add one in File ▸ PACS settings…"


class SendBox(QGroupBox):
    """The export dialog's "Send the archive export to:" control: checkbox, node, de-identified option.

    Identified by default (as ``export --send``): the archive holds the originals and the objects
    reference them. Disabled, with a one-line tooltip, when no node is configured."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(tr("PACS"), parent)
        from annotator.errors import AnnotatorError
        from annotator.net.nodes import load_settings

        self.setObjectName("archiveSendBox")
        try:
            self.nodes: dict[str, Any] = dict(load_settings().nodes)
            problem = tr(NO_NODE)
        except AnnotatorError as exc:  # a broken nodes file: say so, send nothing
            self.nodes, problem = {}, str(exc)
        grid = QGridLayout(self)
        self.check = QCheckBox(tr("Send the archive export to:"), self)
        self.check.setObjectName("sendArchive")
        self.node = QComboBox(self)
        self.node.addItems(sorted(self.nodes))
        self.deidentify = QCheckBox(tr("De-identified (teaching archive)"), self)
        self.hint = QLabel(self)
        self.hint.setWordWrap(True)
        self.hint.setStyleSheet("QLabel { color: #555; }")
        grid.addWidget(self.check, 0, 0)
        grid.addWidget(self.node, 0, 1)
        grid.addWidget(self.deidentify, 1, 0, 1, 2)
        grid.addWidget(self.hint, 2, 0, 1, 2)
        grid.setColumnStretch(1, 1)
        if not self.nodes:
            for w in (self.check, self.node, self.deidentify):
                w.setEnabled(False)
                w.setToolTip(problem)
            self.hint.setText(problem)
        else:
            self.check.toggled.connect(self._update)
            self.node.currentTextChanged.connect(self._update)
            self.deidentify.toggled.connect(self._update)
            self._update()

    def _update(self, *_args: Any) -> None:
        on = self.check.isChecked()
        self.node.setEnabled(on)
        self.deidentify.setEnabled(on)
        node = self.nodes.get(self.node.currentText())
        how = tr("by C-STORE (DIMSE)") if node is not None and node.has_dimse else tr("by STOW-RS (DICOMweb)")
        who = (tr("de-identified, for a teaching archive") if self.deidentify.isChecked()
               else tr("with patient identity: the archive holds the originals"))
        self.hint.setText(trf("Presentation states, measurement report and secondary captures, {how}, {who}.",
                              how=how, who=who))

    def chosen_node(self) -> str | None:
        return self.node.currentText() if self.check.isChecked() and self.nodes else None

    def identified(self) -> bool:
        return not self.deidentify.isChecked()


def send_after_export(window: Any, doc: Any, node_name: str, identified: bool, lang: str,
                      run: Any = None) -> ArchiveSend | None:
    """Send ``doc``'s archive export to ``node_name``: now, or once ``run`` (the files' ExportRun)
    ended well. The end goes to the status bar (one line); objects not acknowledged, one line each,
    to the window's error dialog."""
    from annotator.errors import AnnotatorError
    from annotator.net.nodes import load_settings

    try:
        settings = load_settings()
        node = settings.node(node_name)
    except AnnotatorError as exc:
        window.statusBar().showMessage(str(exc), 20_000)
        window.prompter.error(window, str(exc))
        return None
    send = ArchiveSend(doc.case, Path(doc.folder), node, settings.local.ae_title, identified=identified, lang=lang,
                       parent=window)

    def end(ok: bool, text: str) -> None:
        window.statusBar().showMessage(text, 20_000)
        if not ok and send.outcome is not None and not send.cancelled:
            window.prompter.error(window, "\n".join([text, *send.outcome.lines]))

    def begin() -> None:
        window.statusBar().showMessage(trf("Sending the archive export to {node}…", node=node.name), 20_000)
        send.start()

    send.finished.connect(end)
    window.archive_send = send  # alive until it ends
    if run is None:
        begin()
    else:
        run.finished.connect(lambda ok, _text: begin() if ok else None)
    return send
