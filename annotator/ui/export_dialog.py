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

from PyQt6.QtCore import QObject, QThread, pyqtSignal, pyqtSlot
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
    QPushButton,
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
    send_node: str | None = None  # send the archive export (GSPS, SR, SC) to this node too
    send_identified: bool = True  # as ``export --send``: identified unless for a teaching archive

    def any_format(self) -> bool:
        return any((self.pptx, self.pdf, self.png_dir, self.dicom_dir))


def export_stem(case: Any) -> str:
    """The base of the exported files' names, from the case's roots ("right_L5", "left_L4_right_L5"):
    anatomy only, never a title or folder name that could carry patient identity."""
    roots = list(getattr(case, "roots", []) or [])
    parts = [f"{getattr(r.side, 'value', r.side)}_{r.level}" for r in roots]
    stem = "_".join(p for p in parts if p)
    stem = re.sub(r"[^A-Za-z0-9_.-]+", "_", stem).strip("_.")
    return stem or "case"


def export_names(case: Any) -> dict[str, str]:
    """The file (or folder) name written per format inside the chosen output folder."""
    stem = export_stem(case)
    return {"pptx": f"{stem}.pptx", "pdf": f"{stem}.pdf", "png": f"{stem}_films", "dicom": f"{stem}_dicom"}


FORMAT_LABELS = {
    "pptx": tr_noop("Teaching deck (PowerPoint)"),
    "pdf": tr_noop("Teaching deck (PDF)"),
    "png": tr_noop("Burned-in films (PNG folder)"),
    "dicom": tr_noop("DICOM objects (folder)"),
}
REDACT = 2  # ExportDialog result: the user asked to draw a redaction on ``redact_film``


class ExportDialog(QDialog):
    """One output folder, the formats as checkboxes (file names derived from the case), what the
    burned-in films and annotated slides show, language, identity. ``options()`` reads the choice.

    With the case (``case`` and ``case_folder``) the dialog checks before it closes that a
    de-identified export will not be refused for burned-in text; if it would, it names the films
    as the case panel does and offers the two fixes: draw a redaction (the dialog ends with
    ``REDACT`` and ``redact_film`` = (root id, film id)) or include patient identity.
    """

    def __init__(self, case_folder: Path, parent: QWidget | None = None, case: Any = None) -> None:
        super().__init__(parent)
        self.setObjectName("exportDialog")
        self.setWindowTitle(tr("Export"))
        self.case, self.case_folder = case, Path(case_folder)
        self.names = export_names(case)
        self.redact_film: tuple[str, str] | None = None
        remembered, remembered_lang = settings.export_choice()
        layout = QVBoxLayout(self)
        where = QHBoxLayout()
        where.addWidget(QLabel(tr("Save to folder"), self))
        self.folder = QLineEdit(str(settings.export_folder()), self)
        self.folder.setObjectName("exportFolder")
        self.folder.setMinimumWidth(360)
        where.addWidget(self.folder, 1)
        browse = QToolButton(self)
        browse.setText("…")
        browse.setToolTip(tr("Choose where to write"))
        browse.clicked.connect(self._browse)
        where.addWidget(browse)
        layout.addLayout(where)
        formats = QGroupBox(tr("Formats"), self)
        grid = QGridLayout(formats)
        self.checks: dict[str, QCheckBox] = {}
        self.name_labels: dict[str, QLabel] = {}
        for row, key in enumerate(FORMATS):
            check = QCheckBox(tr(FORMAT_LABELS[key]), formats)
            check.setChecked(key in remembered)
            check.toggled.connect(self._update)
            name = QLabel(self.names[key] + ("/" if key in ("png", "dicom") else ""), formats)
            name.setToolTip(tr("Written into the folder above"))
            grid.addWidget(check, row, 0)
            grid.addWidget(name, row, 1)
            self.checks[key], self.name_labels[key] = check, name
        layout.addWidget(formats)
        self.layers_box = QGroupBox(tr("Burned-in films and annotated slides show"), self)
        layer_grid = QGridLayout(self.layers_box)
        self.layer_checks: dict[str, QCheckBox] = {}
        for i, (key, label) in enumerate(LAYER_LABELS.items()):
            box = QCheckBox(tr(label), self.layers_box)
            box.setChecked(True)
            layer_grid.addWidget(box, i // 3, i % 3)
            self.layer_checks[key] = box
        layout.addWidget(self.layers_box)
        from annotator.ui.pacs.archive_send import SendBox

        self.send_box = SendBox(self)
        self.send_box.check.toggled.connect(self._update)
        self.send_box.deidentify.toggled.connect(self._update)
        layout.addWidget(self.send_box)
        form = QFormLayout()
        self.language = QComboBox(self)
        for code, name_ in LANGUAGES.items():
            self.language.addItem(name_, code)
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
        self.problem = QGroupBox(tr("Burned-in text"), self)
        self.problem.setObjectName("burnedInProblem")
        problem_layout = QVBoxLayout(self.problem)
        self.problem_text = QLabel(self.problem)
        self.problem_text.setWordWrap(True)
        problem_layout.addWidget(self.problem_text)
        fixes = QHBoxLayout()
        self.redact_button = QPushButton(tr("Draw a redaction over the burned-in text"), self.problem)
        self.redact_button.clicked.connect(self._redact)
        self.identify_button = QPushButton(tr("Export with patient identity"), self.problem)
        self.identify_button.clicked.connect(lambda: self.identified.setChecked(True))
        fixes.addWidget(self.redact_button)
        fixes.addWidget(self.identify_button)
        problem_layout.addLayout(fixes)
        self.problem.hide()
        layout.addWidget(self.problem)
        self.buttons = QDialogButtonBox(self)
        self.export_button = self.buttons.addButton(tr("Export"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.addButton(tr("Cancel"), QDialogButtonBox.ButtonRole.RejectRole)
        self.buttons.accepted.connect(self._accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self._blocking: list[Any] = []
        self._update()

    def _browse(self) -> None:
        chosen = QFileDialog.getExistingDirectory(self, tr("Choose a folder"), self.folder.text())
        if chosen:
            self.folder.setText(chosen)

    def _remember(self) -> None:
        text = self.folder.text().strip()
        settings.save_export_choice([k for k, c in self.checks.items() if c.isChecked()],
                                    str(self.language.currentData()), Path(text) if text else None)

    def blocking_films(self) -> list[Any]:
        """The films (``export.preflight.BurnedInFilm``) a de-identified export would refuse."""
        files = any(c.isChecked() for c in self.checks.values()) and not self.identified.isChecked()
        sent = self.send_box.chosen_node() is not None and not self.send_box.identified()
        if self.case is None or not (files or sent):
            return []
        from annotator.export.preflight import unredacted_burned_in

        try:
            return unredacted_burned_in(self.case, self.case_folder)
        except Exception:  # a header that cannot be read: the export itself will say what is wrong
            log.info("burned-in check failed", exc_info=True)
            return []

    def _accept(self) -> None:
        self._blocking = self.blocking_films()
        if self._blocking:
            self._show_problem()
            return
        self._remember()
        self.accept()

    def _show_problem(self) -> None:
        from annotator.ui.case_panel import film_display_name

        names = []
        for item in self._blocking:
            try:
                film = self.case.film(item.film_id)[1]
                names.append(film_display_name(film))
            except Exception:
                names.append(item.path)
        self.problem_text.setText(
            trf("The DICOM header of {films} says the image carries burned-in text (patient identity) "
                "and no redaction is drawn, so a de-identified export would show it.",
                films="; ".join(names)))
        self.problem.show()
        self.adjustSize()

    def _redact(self) -> None:
        if self._blocking:
            first = self._blocking[0]
            self.redact_film = (first.root_id, first.film_id)
            self._remember()
            self.done(REDACT)

    def _update(self, *_args: Any) -> None:
        self.warning.setVisible(self.identified.isChecked())
        if self.identified.isChecked():
            self.problem.hide()
        chosen = {k for k, c in self.checks.items() if c.isChecked()}
        self.export_button.setEnabled(bool(chosen) or self.send_box.chosen_node() is not None)
        self.layers_box.setEnabled(bool(chosen & {"png", "pptx", "pdf"}))
        for key, label in self.name_labels.items():
            label.setEnabled(key in chosen)

    def options(self) -> ExportOptions:
        folder = Path(self.folder.text().strip() or ".")

        def chosen(key: str) -> Path | None:
            return folder / self.names[key] if self.checks[key].isChecked() else None

        return ExportOptions(pptx=chosen("pptx"), pdf=chosen("pdf"), png_dir=chosen("png"),
                             dicom_dir=chosen("dicom"), lang=str(self.language.currentData()),
                             identified=self.identified.isChecked(),
                             layers={k: c.isChecked() for k, c in self.layer_checks.items()},
                             send_node=self.send_box.chosen_node(), send_identified=self.send_box.identified())


class _Worker(QObject):
    """Runs the export in the worker thread; reports through signals (queued to the GUI thread)."""

    progressed = pyqtSignal(int, int, str)
    succeeded = pyqtSignal(object)
    failed = pyqtSignal(str)

    def __init__(self, case: Any, folder: Path, options: ExportOptions) -> None:
        super().__init__()
        self.case, self.folder, self.options = case, folder, options
        self.cancelled = False
        self.created: list[Path] = []  # folders this export made (removed again when it fails empty)

    def _make_folder(self, folder: Path) -> None:
        """Create ``folder`` (and its missing parents), remembering which were new."""
        missing = []
        for p in (folder, *folder.parents):
            if p.exists():
                break
            missing.append(p)
        folder.mkdir(parents=True, exist_ok=True)
        self.created.extend(missing)  # deepest first

    def _remove_empty_folders(self) -> None:
        """After a failed export: the folders it created and left empty go again."""
        for p in sorted(set(self.created), key=lambda q: len(q.parts), reverse=True):
            try:
                p.rmdir()  # only when empty
            except OSError:
                pass

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
                    self._make_folder(Path(folder))
            for file in (o.pptx, o.pdf):
                if file is not None:
                    self._make_folder(Path(file).parent)
            result = export_case(self.case, self.folder, pptx=o.pptx, pdf=o.pdf, png_dir=o.png_dir,
                                 dicom_dir=o.dicom_dir, lang=o.lang, identified=o.identified,
                                 layers=Layers(**o.layers) if o.layers is not None else Layers(),
                                 progress=self._progress)
        except Exception as exc:  # ExportError & co: one line; anything else: still one line
            log.info("export failed", exc_info=True)
            self._remove_empty_folders()
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
            from annotator.ui.dialogs import work_progress

            self.dialog = work_progress(parent, tr("Exporting…"), tr("Export"), self.cancel)

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


def export_from_window(window: Any, options: ExportOptions | None = None) -> Any:
    """File ▸ Export…: save first if needed, ask for the options (unless given), start the run.

    Returns the running ``ExportRun`` (the ``ArchiveSend`` when only sending; None when nothing
    was started). A send to a node (``options.send_node``) starts once the files are written. The end is reported
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
        dialog = ExportDialog(Path(doc.folder), window, case=doc.case)
        result = dialog.exec()
        if result == REDACT and dialog.redact_film is not None:
            start_redaction(window, *dialog.redact_film)
            return None
        if result != QDialog.DialogCode.Accepted:
            return None
        options = dialog.options()
    sending = options.send_node is not None
    if not options.any_format() and not sending:
        window.statusBar().showMessage(tr("Nothing to export: choose at least one format."), 8000)
        return None
    from annotator.ui.text_check_dialog import resolve_text_hits  # issue #13: identity in free text

    deidentified = (options.any_format() and not options.identified) or (sending and not options.send_identified)
    if not resolve_text_hits(window, doc, check_text=deidentified):
        return None
    if not options.any_format():
        from annotator.ui.pacs.archive_send import send_after_export

        return send_after_export(window, doc, str(options.send_node), options.send_identified, options.lang)
    run = ExportRun(doc.case, Path(doc.folder), options, window, show_progress=True)

    window.statusBar().showMessage(tr("Exporting…"), 20_000)

    def done(ok: bool, text: str) -> None:
        text = name_films(text, doc.case)
        window.statusBar().showMessage(text, 20_000)
        if not ok and not run.worker.cancelled:
            window.prompter.error(window, text)

    run.finished.connect(done)
    window.export_run = run  # keep it alive until it ends
    if sending:
        from annotator.ui.pacs.archive_send import send_after_export

        send_after_export(window, doc, str(options.send_node), options.send_identified, options.lang, run=run)
    run.start()
    return run


def name_films(text: str, case: Any) -> str:
    """``text`` with the export's figure labels ("film 1A") replaced by the names the case panel
    shows ("film after contrast · 01_lateral.dcm"), so the user can find the film."""
    from annotator.export.films import figure_indices
    from annotator.export.text import figure_label
    from annotator.ui.case_panel import film_display_name

    names: dict[str, str] = {}
    indices = figure_indices(case)  # a film several roots share is one figure
    for film in case.films():
        names.setdefault(figure_label(1, indices[film.id], film), film_display_name(film))

    def swap(m: re.Match[str]) -> str:
        name = names.get(m.group(2))
        return f"{m.group(1)}{name}" if name is not None else m.group(0)

    return re.sub(r"(\bfilm )([0-9]+[A-Z]+|[^\s:,;]+)(?=[\s:,;]|$)", swap, text)


def start_redaction(window: Any, root_id: str, film_id: str) -> None:
    """Select the film in the case panel and arm the redaction tool: the user drags a box over the
    burned-in text, then exports again."""
    window.case_panel.select_film(film_id)
    window.select_film(root_id, film_id)
    window.set_tool("redaction")
    window.statusBar().showMessage(
        tr("Drag a box over the burned-in text to redact it, then export again (File ▸ Export…)."), 30_000)
