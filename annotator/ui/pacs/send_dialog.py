"""File ▸ Send to PACS…: the open case's archive export sent to a node, all or nothing.

Presentation states, measurement report and secondary captures are written
(identified by default: the archive holds the originals; "De-identify" for a
teaching archive) to a temporary folder and sent by C-STORE or STOW-RS
(``annotator.net.send.send_archive_export`` through ``archive_send``, the same path as
the export dialog and ``export --send``) in a worker thread. The dialog reports how many objects
the node acknowledged; if any was not, it says which and why (nothing is called
sent that was not acknowledged), and Send can be pressed again.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PyQt6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from annotator.ui.i18n import tr, trf
from annotator.ui.pacs.worker import wait_for_tasks


class PacsSendDialog(QDialog):
    def __init__(self, document: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        from annotator.net.nodes import load_settings

        self.setObjectName("pacsSendDialog")
        self.setWindowTitle(tr("Send to PACS"))
        self.document = document
        self.settings = load_settings()
        self.task: Any = None
        self.report: Any = None
        self.node = QComboBox()
        self.node.addItems(sorted(self.settings.nodes))
        self.via = QComboBox()
        self.deidentify = QCheckBox(tr("De-identify (teaching archive)"))
        form = QFormLayout()
        form.addRow(tr("Node"), self.node)
        form.addRow(tr("Send by"), self.via)
        form.addRow("", self.deidentify)
        self.status = QLabel(tr("The case's presentation states, report and secondary captures go to the node."))
        self.status.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.send_button = buttons.addButton(tr("Send"), QDialogButtonBox.ButtonRole.ActionRole)
        self.send_button.clicked.connect(self.send)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.status)
        layout.addWidget(buttons)
        self.node.currentTextChanged.connect(self._node_changed)
        self._node_changed(self.node.currentText())
        if not self.settings.nodes:
            self.status.setText(tr("No PACS node is set up: add one in File ▸ PACS settings…"))
            self.send_button.setEnabled(False)
        self.resize(520, 200)

    def _node_changed(self, name: str) -> None:
        from annotator.ui.pacs.search_dialog import fill_methods

        fill_methods(self.via, self.settings.nodes.get(name), "DIMSE (C-STORE)", "DICOMweb (STOW-RS)")

    def send(self) -> None:
        node = self.settings.nodes.get(self.node.currentText())
        if node is None or self.task is not None or self.document is None:
            return
        from annotator.ui.pacs.archive_send import start_archive_send

        def end(outcome: Any) -> None:
            self.task = None
            self.send_button.setEnabled(True)
            if outcome.ok:
                self.report = outcome.report
            self.status.setText("\n".join([outcome.message, *outcome.lines]))

        self.send_button.setEnabled(False)
        self.status.setText(trf("Sending to {node}…", node=node.name))
        self.task = start_archive_send(self, self.document.case, Path(self.document.folder), node,
                                       self.settings.local.ae_title, identified=not self.deidentify.isChecked(),
                                       method=self.via.currentData() or "auto", on_end=end)

    def done(self, result: int) -> None:  # noqa: A003 (Qt API)
        wait_for_tasks(self)
        super().done(result)
