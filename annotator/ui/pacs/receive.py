"""File ▸ Receive from C-arm: the Storage SCP inside the app, on or off, its state in the status bar.

The listener (``annotator.net.listener``) runs in pynetdicom's threads; each filed
object comes back to the GUI thread by a queued signal. When the open case is the
case of that study, the new film is added to the open document at its place in
acquisition order (one undoable step), so it shows at once (well within 1 s);
other studies only get a status-bar line naming their case folder.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from PyQt6.QtCore import QObject, pyqtSignal
from PyQt6.QtWidgets import QLabel

from annotator.ui.i18n import tr, trf

log = logging.getLogger(__name__)


def default_inbox() -> Path:
    from annotator.ui.app import user_data_dir

    return user_data_dir() / "inbox"


class ReceiveController(QObject):
    """Owns the in-app listener. ``state_changed(bool)`` after start/stop; ``filed(Filed)`` per object."""

    filed = pyqtSignal(object)
    refused = pyqtSignal(str)
    state_changed = pyqtSignal(bool)

    def __init__(self, window: Any) -> None:
        super().__init__(window)
        self.window = window
        self.listener: Any = None
        # a permanent status-bar field: whether films can arrive, whatever message is shown beside it
        self.indicator = QLabel("")
        self.indicator.setObjectName("receiveIndicator")
        window.statusBar().addPermanentWidget(self.indicator)
        self.indicator.hide()
        self.filed.connect(self._on_filed)
        self.refused.connect(self._on_refused)

    @property
    def running(self) -> bool:
        return self.listener is not None

    def start(self) -> bool:
        """Start listening with the settings' AE title, port and inbox; False (and a message) on failure."""
        from annotator.errors import AnnotatorError
        from annotator.net.listener import StorageListener
        from annotator.net.nodes import load_settings

        if self.listener is not None:
            return True
        try:
            local = load_settings().local
            inbox = Path(local.inbox).expanduser() if local.inbox else default_inbox()
            self.listener = StorageListener(local.ae_title, local.port, inbox, on_filed=self.filed.emit,
                                            on_error=self.refused.emit).start()
        except AnnotatorError as exc:
            self.listener = None
            self._status(trf("Receiving not started: {reason}", reason=str(exc)), 15_000)
            self.state_changed.emit(False)
            return False
        self._status(self.describe())
        self._indicate()
        self.state_changed.emit(True)
        return True

    def stop(self) -> None:
        listener, self.listener = self.listener, None
        if listener is not None:
            listener.stop()
            self._status(tr("Receiving from C-arm: off"), 5000)
        self._indicate()
        self.state_changed.emit(False)

    def _indicate(self) -> None:
        if self.listener is None:
            self.indicator.hide()
            return
        self.indicator.setText(trf("Receiving: {ae} :{port}", ae=self.listener.ae_title, port=self.listener.port))
        self.indicator.show()

    def retranslate(self) -> None:
        self._indicate()

    def describe(self) -> str:
        if self.listener is None:
            return tr("Receiving from C-arm: off")
        return trf("Receiving as {ae} on port {port} into {folder}", ae=self.listener.ae_title,
                   port=self.listener.port, folder=self.listener.inbox.root.name)

    def _status(self, text: str, ms: int = 0) -> None:
        self.window.statusBar().showMessage(text, ms)

    def _on_refused(self, message: str) -> None:
        self._status(trf("Refused: {reason}", reason=message), 15_000)

    def _on_filed(self, filed: Any) -> None:
        doc = self.window.document
        shown = False
        if (filed.kind == "image" and filed.film is not None and doc is not None
                and Path(doc.folder).resolve() == filed.study_dir.resolve()):
            shown = self._add_to_open_case(doc, filed)
        if not shown:
            self._status(trf("Received a film into {folder}", folder=filed.study_dir.name), 8000)

    def _add_to_open_case(self, doc: Any, filed: Any) -> bool:
        if any(f.path == filed.film.path for r in doc.case.roots for f in r.films):
            return True  # a resend: the film is already in the case
        root_id = filed.root_id if any(r.id == filed.root_id for r in doc.case.roots) else doc.case.roots[0].id
        root = doc.root(root_id)
        try:
            doc.add_film(root_id, filed.film, min(max(filed.index, 0), len(root.films)))
        except Exception:  # the document refused it (e.g. during an edit): the case file has it anyway
            log.exception("could not add the received film to the open case")
            return False
        self._status(trf("New film received: {name}", name=Path(filed.film.path).name), 8000)
        return True
