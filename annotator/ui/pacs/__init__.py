"""The department connection in the GUI: File ▸ Receive from C-arm, Open from PACS…, Send to PACS…,
PACS settings….

``install_pacs(window, file_menu)`` adds the four entries (translated, following
language switches) and returns the :class:`PacsMenu` that owns the in-app
listener. The networking itself is ``annotator.net`` (Qt-free); this package only
wires it to widgets, off the GUI thread.
"""

from __future__ import annotations

from typing import Any

from PyQt6.QtCore import QObject
from PyQt6.QtGui import QAction

from annotator.ui.i18n import signals, tr
from annotator.ui.pacs.receive import ReceiveController


class PacsMenu(QObject):
    def __init__(self, window: Any, menu: Any) -> None:
        super().__init__(window)
        self.window = window
        self.receiver = ReceiveController(window)
        self.receive_action = QAction(window, checkable=True)
        self.receive_action.setObjectName("receive_from_carm")
        self.receive_action.toggled.connect(self._toggle)
        self.receiver.state_changed.connect(self._state)
        self.open_action = QAction(window)
        self.open_action.setObjectName("open_from_pacs")
        self.open_action.triggered.connect(self.open_search)
        self.send_action = QAction(window)
        self.send_action.setObjectName("send_to_pacs")
        self.send_action.triggered.connect(self.open_send)
        self.settings_action = QAction(window)
        self.settings_action.setObjectName("pacs_settings")
        self.settings_action.triggered.connect(self.open_settings)
        menu.addActions([self.receive_action, self.open_action, self.send_action, self.settings_action])
        self.retranslate()
        signals().language_changed.connect(self.retranslate)

    def retranslate(self) -> None:
        self.receive_action.setText(tr("Receive from C-arm"))
        self.open_action.setText(tr("Open from PACS…"))
        self.send_action.setText(tr("Send to PACS…"))
        self.settings_action.setText(tr("PACS settings…"))
        self.receiver.retranslate()

    def _toggle(self, on: bool) -> None:
        if on and not self.receiver.running:
            self.receiver.start()
        elif not on and self.receiver.running:
            self.receiver.stop()

    def _state(self, running: bool) -> None:
        if self.receive_action.isChecked() != running:
            self.receive_action.blockSignals(True)
            self.receive_action.setChecked(running)
            self.receive_action.blockSignals(False)

    def open_search(self) -> Any:
        from annotator.ui.pacs.search_dialog import PacsSearchDialog

        dialog = PacsSearchDialog(self.window, open_case=lambda p: self.window.open_case(p))
        dialog.open()
        self.search_dialog = dialog
        return dialog

    def open_send(self) -> Any:
        from annotator.ui.pacs.send_dialog import PacsSendDialog

        if self.window.document is None:
            self.window.statusBar().showMessage(tr("Open a case first."), 8000)
            return None
        dialog = PacsSendDialog(self.window.document, self.window)
        dialog.open()
        self.send_dialog = dialog
        return dialog

    def open_settings(self) -> Any:
        from annotator.ui.pacs.settings_dialog import PacsSettingsDialog

        dialog = PacsSettingsDialog(self.window)
        dialog.open()
        self.settings_dialog = dialog
        return dialog

    def shutdown(self) -> None:
        """Stop the listener and an archive send still running (window closing): nothing outlives the window."""
        self.receiver.stop()
        send = getattr(self.window, "archive_send", None)
        if send is not None:
            send.wait()


def install_pacs(window: Any, menu: Any) -> PacsMenu:
    return PacsMenu(window, menu)
