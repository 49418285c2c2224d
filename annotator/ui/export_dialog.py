"""File ▸ Export…: the export dialog and the export run in a worker thread with a progress dialog.

The dialog picks the formats (PPTX deck, PDF deck, a folder of burned-in PNG films, a
folder of DICOM objects), the language of the exported text and whether patient identity
is kept (off by default; turning it on shows a warning). ``export_from_window`` asks to
save an unsaved case first, then runs ``annotator.export.case_export.export_case`` on a
copy of the case in a ``QThread``; progress arrives as ``(done, total, message)`` and is
shown in a ``QProgressDialog`` whose Cancel stops the export between steps. Errors become
one line for the user.
"""

from __future__ import annotations

import copy
import logging
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PyQt6.QtCore import QObject, Qt, QThread, pyqtSignal, pyqtSlot
from PyQt6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressDialog,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from annotator.ui import settings
from annotator.ui.help_overlay import tr_noop
from annotator.ui.i18n import LANGUAGES, current_language, tr, trf

log = logging.getLogger(__name__)
FORMATS = ("pptx", "pdf", "png", "dicom")
# Layers of the burned-in films (annotator.export.burn_in.Layers fields); redactions always apply.
LAYER_LABELS = {
    "annotations": tr_noop("Annotations"),
    "target_zone": tr_noop("Target zone"),
    "verdict": tr_noop("Verdict text"),
    "legend": tr_noop("Legend"),
    "scale_bar": tr_noop("Scale bar"),
    "caption": tr_noop("Caption"),
}


@dataclass
class ExportOptions:
    """What to write: a path per chosen format (None: not written), language, identity kept or not."""

    pptx: Path | None = None
    pdf: Path | None = None
    png_dir: Path | None = None
    dicom_dir: Path | None = None
    lang: str = "en"
    identified: bool = False
    layers: dict[str, bool] | None = None  # burned-in PNG layers (None: all); keys of LAYER_LABELS

    def any_format(self) -> bool:
        return any((self.pptx, self.pdf, self.png_dir, self.dicom_dir))


class ExportDialog(QDialog):
    """Formats with their destinations, language, identity. ``options()`` reads the choice."""

    def __init__(self, case_folder: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("exportDialog")
        self.setWindowTitle(tr("Export"))
        out = Path(case_folder) / "export"
        remembered, remembered_lang = settings.export_choice()
        layout = QVBoxLayout(self)
        formats = QGroupBox(tr("Formats"), self)
        grid = QGridLayout(formats)
        self.checks: dict[str, QCheckBox] = {}
        self.paths: dict[str, QLineEdit] = {}
        rows = (("pptx", tr("Teaching deck (PowerPoint)"), out / "deck.pptx", False),
                ("pdf", tr("Teaching deck (PDF)"), out / "deck.pdf", False),
                ("png", tr("Burned-in films (PNG folder)"), out / "films", True),
                ("dicom", tr("DICOM objects (folder)"), out / "dicom", True))
        for row, (key, label, path, is_dir) in enumerate(rows):
            check = QCheckBox(label, formats)
            check.setChecked(key in remembered)
            edit = QLineEdit(str(path), formats)
            edit.setMinimumWidth(320)
            browse = QToolButton(formats)
            browse.setText("…")
            browse.setToolTip(tr("Choose where to write"))
            browse.clicked.connect(lambda _=False, k=key, d=is_dir: self._browse(k, d))
            check.toggled.connect(edit.setEnabled)
            check.toggled.connect(browse.setEnabled)
            check.toggled.connect(self._update)
            edit.setEnabled(check.isChecked())
            browse.setEnabled(check.isChecked())
            grid.addWidget(check, row, 0)
            grid.addWidget(edit, row, 1)
            grid.addWidget(browse, row, 2)
            self.checks[key], self.paths[key] = check, edit
        layout.addWidget(formats)
        layers = QGroupBox(tr("Burned-in films show"), self)
        layer_grid = QGridLayout(layers)
        self.layer_checks: dict[str, QCheckBox] = {}
        for i, (key, label) in enumerate(LAYER_LABELS.items()):
            box = QCheckBox(tr(label), layers)
            box.setChecked(True)
            layer_grid.addWidget(box, i // 3, i % 3)
            self.layer_checks[key] = box
        self.checks["png"].toggled.connect(layers.setEnabled)
        layers.setEnabled(self.checks["png"].isChecked())
        layout.addWidget(layers)
        form = QFormLayout()
        self.language = QComboBox(self)
        for code, name in LANGUAGES.items():
            self.language.addItem(name, code)
        lang = remembered_lang if remembered_lang in LANGUAGES else current_language()
        self.language.setCurrentIndex(list(LANGUAGES).index(lang))
        form.addRow(tr("Language of the text"), self.language)
        layout.addLayout(form)
        self.identified = QCheckBox(tr("Include patient identity"), self)
        self.identified.setToolTip(tr("Off by default: exports are de-identified"))
        self.identified.toggled.connect(self._update)
        layout.addWidget(self.identified)
        self.warning = QLabel(tr("Warning: the files will carry patient identity (names, IDs, dates). "
                                 "Do not share them outside care."), self)
        self.warning.setWordWrap(True)
        self.warning.setStyleSheet("QLabel { color: #b91c1c; font-weight: bold; }")
        layout.addWidget(self.warning)
        self.buttons = QDialogButtonBox(self)
        self.export_button = self.buttons.addButton(tr("Export"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.addButton(tr("Cancel"), QDialogButtonBox.ButtonRole.RejectRole)
        self.buttons.accepted.connect(self._remember)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        row = QHBoxLayout()
        row.addWidget(self.buttons)
        layout.addLayout(row)
        self._update()

    def _browse(self, key: str, is_dir: bool) -> None:
        current = self.paths[key].text()
        if is_dir:
            chosen = QFileDialog.getExistingDirectory(self, tr("Choose a folder"), current)
        else:
            pattern = tr("PowerPoint (*.pptx)") if key == "pptx" else tr("PDF (*.pdf)")
            chosen, _ = QFileDialog.getSaveFileName(self, tr("Export to"), current, pattern)
        if chosen:
            self.paths[key].setText(chosen)

    def _remember(self) -> None:
        settings.save_export_choice([k for k, c in self.checks.items() if c.isChecked()],
                                    str(self.language.currentData()))

    def _update(self, *_args: Any) -> None:
        self.warning.setVisible(self.identified.isChecked())
        self.export_button.setEnabled(any(c.isChecked() for c in self.checks.values()))

    def options(self) -> ExportOptions:
        def chosen(key: str) -> Path | None:
            text = self.paths[key].text().strip()
            return Path(text) if self.checks[key].isChecked() and text else None

        return ExportOptions(pptx=chosen("pptx"), pdf=chosen("pdf"), png_dir=chosen("png"),
                             dicom_dir=chosen("dicom"), lang=str(self.language.currentData()),
                             identified=self.identified.isChecked(),
                             layers={k: c.isChecked() for k, c in self.layer_checks.items()})


class _Worker(QObject):
    """Runs the export in the worker thread; reports through signals (queued to the GUI thread)."""

    progressed = pyqtSignal(int, int, str)
    succeeded = pyqtSignal(object)
    failed = pyqtSignal(str)

    def __init__(self, case: Any, folder: Path, options: ExportOptions) -> None:
        super().__init__()
        self.case, self.folder, self.options = case, folder, options
        self.cancelled = False

    def _progress(self, done: int, total: int, message: str) -> bool:
        self.progressed.emit(done, total, message)
        return not self.cancelled

    @pyqtSlot()
    def run(self) -> None:
        try:
            self._run()
        finally:
            self.thread().quit()  # the thread ends with the export, even if nobody waits on the GUI side

    def _run(self) -> None:
        try:
            from annotator.export.burn_in import Layers
            from annotator.export.case_export import export_case

            o = self.options
            for folder in (o.png_dir, o.dicom_dir):
                if folder is not None:
                    Path(folder).mkdir(parents=True, exist_ok=True)
            for file in (o.pptx, o.pdf):
                if file is not None:
                    Path(file).parent.mkdir(parents=True, exist_ok=True)
            result = export_case(self.case, self.folder, pptx=o.pptx, pdf=o.pdf, png_dir=o.png_dir,
                                 dicom_dir=o.dicom_dir, lang=o.lang, identified=o.identified,
                                 layers=Layers(**o.layers) if o.layers is not None else Layers(),
                                 progress=self._progress)
        except Exception as exc:  # ExportError & co: one line; anything else: still one line
            log.info("export failed", exc_info=True)
            lines = str(exc).strip().splitlines()
            self.failed.emit(lines[0] if lines else type(exc).__name__)
            return
        self.succeeded.emit(result)


class ExportRun(QObject):
    """One export in a worker thread. ``percent`` is the last progress in %; ``finished(ok, text)``
    fires once at the end with a one-line summary or error; ``files`` lists what was written."""

    finished = pyqtSignal(bool, str)

    def __init__(self, case: Any, folder: Path, options: ExportOptions, parent: QWidget | None = None,
                 show_progress: bool = True) -> None:
        super().__init__(parent)
        self.options = options
        self.percent = 0
        self.files: list[Path] = []
        self.warnings: list[str] = []
        self.message = ""
        self.ok: bool | None = None
        self.thread = QThread(self)
        self.worker = _Worker(copy.deepcopy(case), Path(folder), options)
        self.worker.moveToThread(self.thread)
        self.thread.started.connect(self.worker.run)
        self.worker.progressed.connect(self._on_progress)
        self.worker.succeeded.connect(self._on_success)
        self.worker.failed.connect(self._on_failure)
        self.dialog: QProgressDialog | None = None
        if show_progress:
            self.dialog = QProgressDialog(tr("Exporting…"), tr("Cancel"), 0, 100, parent)
            self.dialog.setWindowTitle(tr("Export"))
            self.dialog.setWindowModality(Qt.WindowModality.WindowModal)
            self.dialog.setMinimumDuration(300)
            self.dialog.setAutoClose(False)
            self.dialog.setAutoReset(False)
            self.dialog.canceled.connect(self.cancel)
            self.dialog.setValue(0)

    def start(self) -> None:
        self.thread.start()

    def cancel(self) -> None:
        """Stop between steps (a no-op once ended: closing the progress dialog emits ``canceled``)."""
        if self.ok is None:
            self.worker.cancelled = True

    def _on_progress(self, done: int, total: int, message: str) -> None:
        self.percent = 100 if total <= 0 else int(round(100 * done / total))
        if self.dialog is not None:
            self.dialog.setValue(self.percent)
            self.dialog.setLabelText(step_text(message))

    def _end(self, ok: bool, text: str) -> None:
        self.ok, self.message = ok, text
        self.thread.quit()
        self.thread.wait()
        if self.dialog is not None:
            self.dialog.close()
        self.finished.emit(ok, text)

    def _on_success(self, result: Any) -> None:
        self.files = list(result.files)
        self.warnings = [w for w in result.warnings if "identified export" not in w]
        text = trf("Exported {n} file(s) to {folder}", n=len(self.files), folder=_common_folder(self.files))
        if self.options.identified:
            text += " — " + tr("with patient identity")
        if self.warnings:
            text += " — " + trf("{n} warning(s): {first}", n=len(self.warnings), first=self.warnings[0])
        self._end(True, text)

    def _on_failure(self, message: str) -> None:
        if self.worker.cancelled:
            self._end(False, tr("Export cancelled; files already finished were kept."))
        else:
            self._end(False, trf("Export failed: {reason}", reason=message))


_STEPS = (  # the export engine's progress messages (English) -> translatable templates
    (re.compile(r"case (?P<n>\d+): rendering film (?P<label>\S+)$"), tr_noop("Case {n}: rendering film {label}")),
    (re.compile(r"writing PowerPoint deck$"), tr_noop("Writing the PowerPoint deck")),
    (re.compile(r"writing PDF deck$"), tr_noop("Writing the PDF deck")),
    (re.compile(r"writing film (?P<label>\S+)$"), tr_noop("Writing film {label}")),
    (re.compile(r"DICOM objects of film (?P<label>\S+)$"), tr_noop("DICOM objects of film {label}")),
    (re.compile(r"DICOM report of root (?P<root>.+)$"), tr_noop("DICOM report of root {root}")),
)


def step_text(message: str) -> str:
    """The engine's progress message (identity-free) in the user's language for the progress dialog;
    a message not known here is shown as it is."""
    if not message or message == "done":
        return tr("Exporting…")
    for pattern, template in _STEPS:
        m = pattern.match(message)
        if m:
            message = trf(template, **m.groupdict())
            break
    return tr("Exporting…") + "\n" + message


def _common_folder(files: list[Path]) -> str:
    if not files:
        return "—"
    import os

    try:
        return Path(os.path.commonpath([str(Path(f).parent) for f in files])).name or "/"
    except ValueError:
        return Path(files[0]).parent.name


def export_from_window(window: Any, options: ExportOptions | None = None) -> ExportRun | None:
    """File ▸ Export…: save first if needed, ask for the options (unless given), start the run.

    Returns the running ``ExportRun`` (None when nothing was started). The end is reported
    in the status bar and, for a failure, through the window's prompter.
    """
    doc = window.document
    if doc is None:
        window.statusBar().showMessage(tr("Open a case first."), 8000)
        return None
    if doc.dirty or doc.path is None:
        if not window.prompter.ask_yes_no(window, tr("Export"), tr("The case must be saved before it is "
                                                                  "exported. Save it now?")):
            return None
        if not window.save():
            return None
    if options is None:
        dialog = ExportDialog(Path(doc.folder), window)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        options = dialog.options()
    if not options.any_format():
        window.statusBar().showMessage(tr("Nothing to export: choose at least one format."), 8000)
        return None
    from annotator.ui.text_check_dialog import resolve_text_hits  # issue #13: identity in free text

    if not resolve_text_hits(window, doc, check_text=not options.identified):
        return None
    run = ExportRun(doc.case, Path(doc.folder), options, window, show_progress=True)

    def done(ok: bool, text: str) -> None:
        window.statusBar().showMessage(text, 20_000)
        if not ok and not run.worker.cancelled:
            window.prompter.error(window, text)

    run.finished.connect(done)
    window.export_run = run  # keep it alive until it ends
    run.start()
    return run
