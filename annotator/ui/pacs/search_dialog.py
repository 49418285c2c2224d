"""File ▸ Open from PACS…: search a node, pick a study, retrieve it into a new case.

Search by patient ID, name (wildcards), date range, modality and accession number,
by C-FIND or QIDO-RS; the results list one study per row. Retrieve brings one
study into a case folder of the inbox (C-GET, C-MOVE or WADO-RS as the node is
set up) with a progress dialog whose Cancel stops the transfer (nothing is filed),
then opens it. Every network call runs in a worker thread (``ui.pacs.worker``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PyQt6.QtCore import Qt
from PyQt6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QProgressDialog,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from annotator.ui.i18n import tr, trf
from annotator.ui.pacs.worker import run_task, wait_for_tasks

MODALITIES = ("", "XA", "RF", "CR", "DX", "SC")


class PacsSearchDialog(QDialog):
    """Emits nothing: on a successful retrieve it calls ``open_case(path)`` (the main window's)."""

    def __init__(self, parent: QWidget | None = None, open_case: Any = None) -> None:
        super().__init__(parent)
        from annotator.net.nodes import load_settings

        self.setObjectName("pacsSearchDialog")
        self.setWindowTitle(tr("Open from PACS"))
        self.open_case = open_case
        self.settings = load_settings()
        self.results: list[Any] = []
        self.retrieved: Any = None  # the last Retrieved (for tests and the caller)
        self.task: Any = None

        self.node = QComboBox()
        self.node.addItems(sorted(self.settings.nodes))
        self.via = QComboBox()
        self.patient_id, self.name, self.accession = QLineEdit(), QLineEdit(), QLineEdit()
        self.name.setPlaceholderText(tr("e.g. DOE^J*"))
        self.date_from, self.date_to = QLineEdit(), QLineEdit()
        for w in (self.date_from, self.date_to):
            w.setPlaceholderText("YYYYMMDD")
            w.setMaxLength(8)
        self.modality = QComboBox()
        self.modality.addItems(MODALITIES)
        self.modality.setEditable(True)
        dates = QHBoxLayout()
        dates.addWidget(self.date_from)
        dates.addWidget(QLabel("–"))
        dates.addWidget(self.date_to)
        form = QFormLayout()
        form.addRow(tr("Node"), self.node)
        form.addRow(tr("Search by"), self.via)
        form.addRow(tr("Patient ID"), self.patient_id)
        form.addRow(tr("Patient name"), self.name)
        form.addRow(tr("Study date"), dates)
        form.addRow(tr("Modality"), self.modality)
        form.addRow(tr("Accession number"), self.accession)
        self.search_button = QPushButton(tr("Search"))
        self.search_button.setDefault(True)
        self.search_button.clicked.connect(self.search)
        self.table = QTableWidget(0, 7)
        self.table.setHorizontalHeaderLabels([tr("Patient ID"), tr("Patient name"), tr("Date"), tr("Modalities"),
                                              tr("Images"), tr("Accession number"), tr("Description")])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.itemDoubleClicked.connect(lambda _item: self.retrieve())
        self.status = QLabel("")
        self.status.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.retrieve_button = buttons.addButton(tr("Retrieve into a new case"),
                                                 QDialogButtonBox.ButtonRole.ActionRole)
        self.retrieve_button.clicked.connect(self.retrieve)
        self.retrieve_button.setEnabled(False)
        buttons.rejected.connect(self.reject)
        self.table.itemSelectionChanged.connect(
            lambda: self.retrieve_button.setEnabled(bool(self.table.selectedItems()) and self.task is None))
        top = QHBoxLayout()
        top.addLayout(form, 1)
        top.addWidget(self.search_button, 0, Qt.AlignmentFlag.AlignBottom)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.status)
        layout.addWidget(buttons)
        self.node.currentTextChanged.connect(self._node_changed)
        self._node_changed(self.node.currentText())
        if not self.settings.nodes:
            self.status.setText(tr("No PACS node is set up: add one in File ▸ PACS settings…"))
            self.search_button.setEnabled(False)
        self.resize(900, 560)

    # -- helpers ---------------------------------------------------------------------------

    def _node_changed(self, name: str) -> None:
        fill_methods(self.via, self.settings.nodes.get(name), "DIMSE (C-FIND)", "DICOMweb (QIDO-RS)")

    def current_node(self) -> Any:
        return self.settings.nodes.get(self.node.currentText())

    def query(self) -> Any:
        from annotator.net.dimse import StudyQuery

        return StudyQuery(patient_id=self.patient_id.text().strip(), name=self.name.text().strip(),
                          date_from=self.date_from.text().strip(), date_to=self.date_to.text().strip(),
                          modality=self.modality.currentText().strip().upper(),
                          accession=self.accession.text().strip())

    def _busy(self, busy: bool) -> None:
        self.search_button.setEnabled(not busy)
        self.retrieve_button.setEnabled(not busy and bool(self.table.selectedItems()))

    def _failed(self, message: str) -> None:
        self.task = None
        self._busy(False)
        self.status.setText(message)

    # -- search ----------------------------------------------------------------------------

    def search(self) -> None:
        node = self.current_node()
        if node is None or self.task is not None:
            return
        q = self.query()
        for text in (q.date_from, q.date_to):
            if text and (len(text) != 8 or not text.isdigit()):
                self.status.setText(tr("Give dates as YYYYMMDD (e.g. 20240131), or leave them empty."))
                return
        via = self.via.currentData() or "dimse"
        local_ae = self.settings.local.ae_title

        def work(_progress: Any) -> Any:
            from annotator.net import dimse, web

            return dimse.find_studies(node, local_ae, q) if via == "dimse" else web.search_studies(node, q)

        self._busy(True)
        self.status.setText(trf("Searching {node}…", node=node.name))
        self.task = run_task(self, work, self._show_results, self._failed)

    def _show_results(self, results: list[Any]) -> None:
        self.task = None
        self.results = list(results)
        self.table.setRowCount(len(self.results))
        for row, s in enumerate(self.results):
            values = (s.patient_id, s.patient_name.replace("^", " ").strip(), _date(s.date), s.modalities,
                      "" if s.instances is None else str(s.instances), s.accession, s.description)
            for col, v in enumerate(values):
                self.table.setItem(row, col, QTableWidgetItem(v))
        if self.results:
            self.table.selectRow(0)
        self.status.setText(trf("{n} studies found", n=len(self.results)))
        self._busy(False)

    # -- retrieve --------------------------------------------------------------------------

    def retrieve(self) -> None:
        from annotator.ui.pacs.receive import default_inbox

        node, rows = self.current_node(), self.table.selectionModel().selectedRows()
        if node is None or not rows or self.task is not None:
            return
        study = self.results[rows[0].row()]
        local = self.settings.local
        inbox = Path(local.inbox).expanduser() if local.inbox else default_inbox()
        method = "web" if (self.via.currentData() == "web" or not node.has_dimse) else "get"
        progress = QProgressDialog(tr("Retrieving the study…"), tr("Cancel"), 0, study.instances or 0, self)
        progress.setObjectName("pacsRetrieveProgress")
        progress.setWindowModality(Qt.WindowModality.WindowModal)
        progress.setMinimumDuration(0)
        self.progress = progress

        def work(report: Any) -> Any:
            from annotator.net.retrieve import retrieve_study

            return retrieve_study(node, local.ae_title, study.study_uid, inbox, method=method, progress=report,
                                  total=study.instances or 0)

        def on_progress(done: int, total: int) -> None:
            if total:
                progress.setMaximum(total)
            progress.setValue(done)
            progress.setLabelText(trf("Retrieved {done} of {total} objects…", done=done, total=total or "?"))

        def done(result: Any) -> None:
            self.task = None
            progress.close()
            self.retrieved = result
            self._busy(False)
            self.status.setText(trf("Filed {folder}: {n} film(s)", folder=result.study_dir.name, n=result.films))
            if self.open_case is not None:
                self.open_case(result.case_path)
                self.accept()

        def failed(message: str) -> None:
            progress.close()
            self._failed(message)

        self._busy(True)
        self.task = run_task(self, work, done, failed, on_progress)
        progress.canceled.connect(self.task.cancel)

    def done(self, result: int) -> None:  # noqa: A003 (Qt API)
        wait_for_tasks(self)
        super().done(result)


def _date(text: str) -> str:
    return f"{text[:4]}-{text[4:6]}-{text[6:8]}" if len(text) == 8 and text.isdigit() else text


def fill_methods(combo: Any, node: Any, dimse_label: str, web_label: str) -> None:
    """``combo`` lists the ways ``node`` can be reached (data "dimse" / "web"); empty for no node."""
    combo.clear()
    if node is None:
        return
    if node.has_dimse:
        combo.addItem(dimse_label, "dimse")
    if node.dicomweb_url:
        combo.addItem(web_label, "web")
