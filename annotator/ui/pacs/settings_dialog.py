"""File ▸ PACS settings…: our AE title, port and inbox; the nodes; "Test (C-ECHO / QIDO)".

Edits the node settings file (``annotator.net.nodes``, documented in the README).
A password or token is never typed here: the dialog stores the name of the
environment variable that holds it, so no secret lands in the settings file,
a case file, a log or a message. The test runs in a worker thread.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

from PyQt6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from annotator.ui.i18n import tr, trf
from annotator.ui.pacs.worker import run_task, wait_for_tasks


class PacsSettingsDialog(QDialog):
    def __init__(self, parent: QWidget | None = None, path: Path | None = None) -> None:
        super().__init__(parent)
        from annotator.net.nodes import load_settings

        self.setObjectName("pacsSettingsDialog")
        self.setWindowTitle(tr("PACS settings"))
        self.path = path
        self.settings = load_settings(path) if path is not None and path.exists() else load_settings()
        self.task: Any = None

        local = QGroupBox(tr("This workstation"))
        lf = QFormLayout(local)
        self.local_ae = QLineEdit(self.settings.local.ae_title)
        self.local_port = QSpinBox()
        self.local_port.setRange(1, 65535)
        self.local_port.setValue(self.settings.local.port)
        self.local_inbox = QLineEdit(self.settings.local.inbox)
        self.local_inbox.setPlaceholderText(tr("default: the app's data folder / inbox"))
        lf.addRow(tr("AE title"), self.local_ae)
        lf.addRow(tr("Port"), self.local_port)
        lf.addRow(tr("Inbox folder"), self.local_inbox)

        self.nodes = QListWidget()
        self.nodes.addItems(sorted(self.settings.nodes))
        self.nodes.currentTextChanged.connect(self._show_node)
        add, remove = QPushButton(tr("Add")), QPushButton(tr("Remove"))
        add.clicked.connect(self._add)
        remove.clicked.connect(self._remove)
        self.name, self.ae, self.host, self.url = QLineEdit(), QLineEdit(), QLineEdit(), QLineEdit()
        self.url.setPlaceholderText("https://pacs.example/dicom-web")
        self.port = QSpinBox()
        self.port.setRange(0, 65535)
        self.port.setSpecialValueText(tr("none"))
        self.retrieve = QComboBox()
        self.retrieve.addItem("C-GET", "get")
        self.retrieve.addItem("C-MOVE", "move")
        self.timeout = QDoubleSpinBox()
        self.timeout.setRange(1, 3600)
        self.timeout.setSuffix(" s")
        self.auth = QComboBox()
        for text, data in ((tr("none"), ""), (tr("basic (user + password)"), "basic"), (tr("bearer token"), "bearer")):
            self.auth.addItem(text, data)
        self.user, self.secret_env = QLineEdit(), QLineEdit()
        self.secret_env.setPlaceholderText(tr("name of the environment variable, e.g. PACS_PASSWORD"))
        self.ca_file = QLineEdit()
        self.ca_file.setPlaceholderText(tr("CA file for TLS (empty: no TLS / system CAs)"))
        nf = QFormLayout()
        for label, w in ((tr("Name"), self.name), (tr("AE title"), self.ae), (tr("Host"), self.host),
                         (tr("Port"), self.port), (tr("DICOMweb URL"), self.url), (tr("Retrieve by"), self.retrieve),
                         (tr("Timeout"), self.timeout), (tr("Authentication"), self.auth), (tr("User"), self.user),
                         (tr("Secret from variable"), self.secret_env), (tr("TLS CA file"), self.ca_file)):
            nf.addRow(label, w)
        self.test_button = QPushButton(tr("Test (C-ECHO / QIDO)"))
        self.test_button.clicked.connect(self.test)
        apply_button = QPushButton(tr("Apply to node"))
        apply_button.clicked.connect(self.apply_node)
        self.result = QLabel("")
        self.result.setWordWrap(True)
        left = QVBoxLayout()
        left.addWidget(self.nodes)
        row = QHBoxLayout()
        row.addWidget(add)
        row.addWidget(remove)
        left.addLayout(row)
        right = QVBoxLayout()
        right.addLayout(nf)
        row2 = QHBoxLayout()
        row2.addWidget(apply_button)
        row2.addWidget(self.test_button)
        right.addLayout(row2)
        right.addWidget(self.result)
        nodes_box = QGroupBox(tr("Nodes (PACS, C-arm)"))
        nl = QHBoxLayout(nodes_box)
        nl.addLayout(left, 1)
        nl.addLayout(right, 2)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(local)
        layout.addWidget(nodes_box)
        layout.addWidget(buttons)
        if self.nodes.count():
            self.nodes.setCurrentRow(0)

    # -- form <-> node ---------------------------------------------------------------------

    def _show_node(self, name: str) -> None:
        node = self.settings.nodes.get(name)
        if node is None:
            return
        self.name.setText(node.name)
        self.ae.setText(node.ae_title)
        self.host.setText(node.host)
        self.port.setValue(node.port or 0)
        self.url.setText(node.dicomweb_url)
        self.retrieve.setCurrentIndex(max(0, self.retrieve.findData(node.retrieve)))
        self.timeout.setValue(node.timeout_s)
        self.auth.setCurrentIndex(max(0, self.auth.findData(node.auth.kind if node.auth else "")))
        self.user.setText(node.auth.username if node.auth else "")
        self.secret_env.setText(node.auth.secret_env if node.auth else "")
        self.ca_file.setText(node.tls.ca_file if node.tls else "")
        self.result.setText("")

    def form_node(self) -> Any:
        """The node as the form describes it (checked like the file: NodeConfigError if wrong)."""
        from annotator.net.nodes import Tls, settings_from_dict

        name = self.name.text().strip()
        if not name:
            from annotator.net.errors import NodeConfigError

            raise NodeConfigError(tr("Give the node a name."))
        d: dict[str, Any] = {"retrieve": self.retrieve.currentData(), "timeout_s": self.timeout.value()}
        if self.ae.text().strip() or self.port.value():
            d.update(ae_title=self.ae.text().strip(), host=self.host.text().strip(), port=self.port.value())
        if self.url.text().strip():
            d["dicomweb_url"] = self.url.text().strip()
        kind = self.auth.currentData()
        old = self.settings.nodes.get(name)
        if kind:
            key = "password" if kind == "basic" else "token"
            d["auth"] = {"type": kind, "username": self.user.text().strip()}
            if self.secret_env.text().strip():
                d["auth"][f"{key}_env"] = self.secret_env.text().strip()
            elif old is not None and old.auth is not None and old.auth.secret is not None:
                d["auth"][key] = old.auth.secret.reveal()  # kept as the file had it, never shown
        node = settings_from_dict({"nodes": {name: d}}).nodes[name]
        if self.ca_file.text().strip():
            node = replace(node, tls=Tls(ca_file=self.ca_file.text().strip()))
        return node

    def apply_node(self) -> bool:
        from annotator.net.errors import NodeConfigError

        try:
            node = self.form_node()
        except NodeConfigError as exc:
            self.result.setText(str(exc))
            return False
        current = self.nodes.currentItem()
        nodes = dict(self.settings.nodes)
        if current is not None and current.text() != node.name:
            nodes.pop(current.text(), None)
        nodes[node.name] = node
        self.settings = replace(self.settings, nodes=nodes)
        self.nodes.blockSignals(True)
        self.nodes.clear()
        self.nodes.addItems(sorted(nodes))
        self.nodes.setCurrentRow(sorted(nodes).index(node.name))
        self.nodes.blockSignals(False)
        return True

    def _add(self) -> None:
        from annotator.net.nodes import Node

        k = 1
        while f"pacs{k}" in self.settings.nodes:
            k += 1
        node = Node(name=f"pacs{k}", ae_title="PACS", host="127.0.0.1", port=104)
        self.settings = self.settings.with_node(node)
        self.nodes.addItem(node.name)
        self.nodes.setCurrentRow(self.nodes.count() - 1)

    def _remove(self) -> None:
        item = self.nodes.currentItem()
        if item is None:
            return
        self.settings = replace(self.settings, nodes={k: v for k, v in self.settings.nodes.items() if k != item.text()})
        self.nodes.takeItem(self.nodes.row(item))

    # -- test and save ---------------------------------------------------------------------

    def test(self) -> None:
        from annotator.net.errors import NodeConfigError

        if self.task is not None:
            return
        try:
            node = self.form_node()
        except NodeConfigError as exc:
            self.result.setText(str(exc))
            return
        local_ae = self.local_ae.text().strip() or "FLUORO"

        def work(_progress: Any) -> list[str]:
            from annotator.net import dimse, web

            lines = []
            if node.has_dimse:
                dimse.echo(node, local_ae)
                lines.append("C-ECHO ok")
            if node.dicomweb_url:
                web.echo(node)
                lines.append("QIDO-RS ok")
            return lines

        def done(lines: list[str]) -> None:
            self.task = None
            self.test_button.setEnabled(True)
            self.result.setText(trf("{node}: {result}", node=node.name, result=", ".join(lines)))

        def failed(message: str) -> None:
            self.task = None
            self.test_button.setEnabled(True)
            self.result.setText(message)

        self.test_button.setEnabled(False)
        self.result.setText(trf("Testing {node}…", node=node.name))
        self.task = run_task(self, work, done, failed)

    def save(self) -> None:
        from annotator.errors import AnnotatorError
        from annotator.net.nodes import Local, check_ae_title, save_settings

        if self.name.text().strip() and not self.apply_node():
            return
        try:
            local = Local(ae_title=check_ae_title(self.local_ae.text(), tr("AE title")),
                          port=self.local_port.value(), inbox=self.local_inbox.text().strip())
            self.settings = replace(self.settings, local=local)
            save_settings(self.settings, self.path)
        except (AnnotatorError, OSError) as exc:
            self.result.setText(trf("Not saved: {reason}", reason=str(exc)))
            return
        self.accept()

    def done(self, result: int) -> None:  # noqa: A003 (Qt API)
        wait_for_tasks(self)
        super().done(result)
