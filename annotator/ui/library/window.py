"""The Library window: the teaching library's cases as thumbnails, found by filters and a search box.

Opening it brings the index in step with the library folders (in a worker
thread); the list shows the key annotated film of every case found, with its
roots and findings; a double click opens the case in the main window; several
selected cases (Ctrl/Shift+click) export as one lecture deck or quiz (PPTX or
PDF, in the window's language). The search box takes the words and
``key:value`` terms of ``annotator.library.query`` (e.g. ``finding:bench_sign
sheath``); the filters add terms to it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PyQt6.QtCore import QSize, Qt, pyqtSignal
from PyQt6.QtGui import QColor, QIcon, QPixmap
from PyQt6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from annotator.ui.help_overlay import tr_noop
from annotator.ui.i18n import current_language, signals, tr, trf
from annotator.ui.library import workers

log = logging.getLogger(__name__)
PATH_ROLE = Qt.ItemDataRole.UserRole

# filter -> (label, [(value, label)]) ; values are the index's facet values ("" = any)
FILTERS: dict[str, tuple[str, list[tuple[str, str]]]] = {
    "level": (tr_noop("Level"), [(lv.lower(), lv) for lv in ("L1", "L2", "L3", "L4", "L5", "S1")]),
    "side": (tr_noop("Side"), [("left", tr_noop("left")), ("right", tr_noop("right"))]),
    "view": (tr_noop("View"), [("ap", "AP"), ("lateral", tr_noop("lateral")), ("oblique", tr_noop("oblique"))]),
    "verdict": (tr_noop("Verdict"), [("on_target", tr_noop("on target")), ("near", tr_noop("near target")),
                                     ("off", tr_noop("off target")), ("insufficient", tr_noop("insufficient"))]),
    "block": (tr_noop("Block"), [("complete", tr_noop("complete block")), ("partial", tr_noop("partial block")),
                                 ("none", tr_noop("no block")), ("not_assessed", tr_noop("not assessed"))]),
    "conclusion": (tr_noop("Conclusion"), [("responsible", tr_noop("responsible")),
                                           ("possibly_responsible", tr_noop("possibly responsible")),
                                           ("not_responsible", tr_noop("not responsible")),
                                           ("no_conclusion", tr_noop("no conclusion"))]),
}
SORTS = [("path", tr_noop("Sort by folder")), ("-date", tr_noop("Newest first")), ("date", tr_noop("Oldest first")),
         ("level", tr_noop("Sort by level")), ("age", tr_noop("Sort by age"))]


def _findings() -> list[tuple[str, str]]:
    from annotator.render.labels import finding_name
    from annotator.rules import load_config

    config = load_config()
    return [(code, finding_name(code, current_language(), config)) for code in config.findings]


class LibraryWindow(QMainWindow):
    """``open_case(path)`` is called on a double click (the main window's ``open_case``)."""

    searched = pyqtSignal(int)  # number of cases shown, after every search
    exported = pyqtSignal(bool, str)  # ok, one-line summary or error

    def __init__(self, index_path: Path | None = None, open_case: Callable[[Path], Any] | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        from annotator.library import LibraryIndex

        self.setObjectName("library_window")
        self.index_path = index_path
        self.index = LibraryIndex.open(index_path)
        self.open_case = open_case
        self.icons: dict[str, QIcon] = {}
        self.jobs: list[workers.Background] = []
        self.skipped: list[Any] = []
        self.missing: list[Path] = []
        self.closing = False
        self._build()
        self.retranslate()
        signals().language_changed.connect(self.retranslate)
        self.resize(1100, 720)
        from PyQt6.QtWidgets import QApplication

        app = QApplication.instance()
        if app is not None:  # threads stopped before the application (and this window) goes
            app.aboutToQuit.connect(self.close)
        self.search()
        self.refresh()

    # -- assembly ------------------------------------------------------------------------
    def _build(self) -> None:
        central = QWidget(self)
        layout = QVBoxLayout(central)
        top = QHBoxLayout()
        self.search_box = QLineEdit(central)
        self.search_box.setClearButtonEnabled(True)
        self.search_box.returnPressed.connect(self.search)
        self.search_box.textChanged.connect(lambda _t: self.search())
        self.sort_combo = QComboBox(central)
        self.sort_combo.currentIndexChanged.connect(lambda _i: self.search())
        self.add_button = QPushButton(central)
        self.add_button.clicked.connect(self._ask_folder)
        self.refresh_button = QPushButton(central)
        self.refresh_button.clicked.connect(lambda: self.refresh())
        self.saved_combo = QComboBox(central)
        self.saved_combo.activated.connect(lambda i: self.use_saved(self.saved_combo.itemData(i) or ""))
        self.save_button = QPushButton(central)
        self.save_button.clicked.connect(self._ask_save)
        top.addWidget(self.search_box, 1)
        top.addWidget(self.saved_combo)
        top.addWidget(self.save_button)
        top.addWidget(self.sort_combo)
        top.addWidget(self.add_button)
        top.addWidget(self.refresh_button)
        layout.addLayout(top)
        row = QHBoxLayout()
        self.filters: dict[str, QComboBox] = {}
        self.filter_labels: dict[str, QLabel] = {}
        for key in (*FILTERS, "finding"):
            label, combo = QLabel(central), QComboBox(central)
            combo.setObjectName(f"filter_{key}")
            combo.currentIndexChanged.connect(lambda _i: self.search())
            row.addWidget(label)
            row.addWidget(combo)
            self.filters[key], self.filter_labels[key] = combo, label
        row.addStretch(1)
        layout.addLayout(row)
        self.list = QListWidget(central)
        self.list.setViewMode(QListView.ViewMode.IconMode)
        self.list.setIconSize(QSize(160, 160))
        self.list.setGridSize(QSize(200, 230))
        self.list.setResizeMode(QListView.ResizeMode.Adjust)
        self.list.setMovement(QListView.Movement.Static)
        self.list.setWordWrap(True)
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.list.itemDoubleClicked.connect(self._open_item)
        self.list.itemSelectionChanged.connect(self._update_buttons)
        layout.addWidget(self.list, 1)
        bottom = QHBoxLayout()
        self.status = QLabel(central)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.title_box = QLineEdit(central)
        self.lecture_button = QPushButton(central)
        self.lecture_button.clicked.connect(lambda: self._ask_export(quiz=False))
        self.quiz_button = QPushButton(central)
        self.quiz_button.clicked.connect(lambda: self._ask_export(quiz=True))
        bottom.addWidget(self.status, 1)
        bottom.addWidget(self.title_box)
        bottom.addWidget(self.lecture_button)
        bottom.addWidget(self.quiz_button)
        layout.addLayout(bottom)
        self.setCentralWidget(central)
        self._update_buttons()

    def retranslate(self, _lang: str = "") -> None:
        self.setWindowTitle(tr("Teaching library"))
        self.search_box.setPlaceholderText(tr("Search captions and notes, or e.g. finding:bench_sign level:L4"))
        self.add_button.setText(tr("Add folder…"))
        self.save_button.setText(tr("Save search…"))
        self._fill_saved()
        self.refresh_button.setText(tr("Refresh"))
        self.title_box.setPlaceholderText(tr("Lecture title"))
        self.lecture_button.setText(tr("Export lecture…"))
        self.quiz_button.setText(tr("Export quiz…"))
        options = {key: (label, values) for key, (label, values) in FILTERS.items()}
        options["finding"] = (tr_noop("Finding"), _findings())
        for key, (label, values) in options.items():
            self.filter_labels[key].setText(tr(label))
            combo = self.filters[key]
            chosen = combo.currentData()
            combo.blockSignals(True)
            combo.clear()
            combo.addItem(tr("any"), "")
            for value, text in values:
                combo.addItem(tr(text) if key != "finding" else text, value)
            combo.setCurrentIndex(max(0, combo.findData(chosen)))
            combo.blockSignals(False)
        chosen = self.sort_combo.currentData()
        self.sort_combo.blockSignals(True)
        self.sort_combo.clear()
        for value, text in SORTS:
            self.sort_combo.addItem(tr(text), value)
        self.sort_combo.setCurrentIndex(max(0, self.sort_combo.findData(chosen)))
        self.sort_combo.blockSignals(False)
        self._show_status(len(self.hits) if hasattr(self, "hits") else 0)

    # -- saved searches --------------------------------------------------------------------------
    def _fill_saved(self) -> None:
        from annotator.ui.library.saved import saved_searches

        self.saved_combo.clear()
        self.saved_combo.addItem(tr("Saved searches"), "")
        for name, query in saved_searches().items():
            self.saved_combo.addItem(name, query)
            self.saved_combo.setItemData(self.saved_combo.count() - 1, query, Qt.ItemDataRole.ToolTipRole)

    def save_current_search(self, name: str) -> None:
        """Remember the current filters, sort and words as ``name``."""
        from annotator.ui.library.saved import save_search

        if name.strip():
            save_search(name, self.query())
            self._fill_saved()

    def _ask_save(self) -> None:
        from PyQt6.QtWidgets import QInputDialog

        name, ok = QInputDialog.getText(self, tr("Save search"), tr("Name of the search:"))
        if ok:
            self.save_current_search(name)

    def use_saved(self, query: str) -> None:
        """Show the cases of a saved search: filters back to any, its query in the search box."""
        if not query:
            return
        for combo in (*self.filters.values(), self.sort_combo):
            combo.blockSignals(True)
            combo.setCurrentIndex(0)
            combo.blockSignals(False)
        self.search_box.setText(query)
        self.search()

    # -- index and search ----------------------------------------------------------------------
    def query(self) -> str:
        """The search: the filters' terms, the sort and the search box's words."""
        terms = [f"{key}:{combo.currentData()}" for key, combo in self.filters.items() if combo.currentData()]
        terms.append(f"sort:{self.sort_combo.currentData() or 'path'}")
        return " ".join([*terms, self.search_box.text().strip()]).strip()

    def refresh(self, folders: list[Path] | None = None) -> workers.Background:
        """Bring the index in step (adding ``folders``) in a worker thread, then search again."""
        job = workers.Background(workers.refresh_index(self.index_path, list(folders or [])), self)
        if self.closing:
            return job
        job.done.connect(self._refreshed)
        self.jobs.append(job)
        self.status.setText(tr("Updating the library index…"))
        return job.start()

    def _refreshed(self, ok: bool, result: Any) -> None:
        if not ok:
            self.status.setText(trf("Library index: {reason}", reason=result))
            return
        self.skipped, self.missing = list(result.skipped), list(result.missing)
        self.search()

    def add_folder(self, folder: Path) -> workers.Background:
        return self.refresh([Path(folder)])

    def _ask_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, tr("Add a library folder"))
        if folder:
            self.add_folder(Path(folder))

    def search(self) -> None:
        from annotator.errors import AnnotatorError

        try:
            self.hits = self.index.search(self.query())
        except AnnotatorError as exc:
            self.status.setText(str(exc))
            return
        from annotator.render.labels import finding_name

        self.list.clear()
        hidden = ("injection_resistance", "tip_in_sheath")  # nearly every case has them: not a topic
        for hit in self.hits:
            codes = [c for c in hit.facets.get("finding", []) if c not in hidden]
            finds = ", ".join(finding_name(c, current_language()) for c in codes[:3])
            item = QListWidgetItem(", ".join(hit.roots) + (f"\n{finds}" if finds else ""))
            item.setData(PATH_ROLE, str(hit.path))
            item.setToolTip(f"{hit.path.parent.name}\n{hit.headline}")
            item.setIcon(self.icons.get(str(hit.path)) or self._placeholder())
            self.list.addItem(item)
        self._show_status(len(self.hits))
        self._load_thumbnails([h.path for h in self.hits if str(h.path) not in self.icons])
        self._update_buttons()
        self.searched.emit(len(self.hits))

    def _show_status(self, n: int) -> None:
        text = trf("{n} case(s)", n=n)
        if self.skipped:
            text += " — " + trf("{n} skipped", n=len(self.skipped))
            self.status.setToolTip("\n".join(f"{s.path}: {s.reason}" for s in self.skipped))
        if self.missing:
            text += " — " + trf("missing folder: {folder}", folder=self.missing[0])
        self.status.setText(text)

    # -- thumbnails ------------------------------------------------------------------------------
    def _placeholder(self) -> QIcon:
        pix = QPixmap(160, 160)
        pix.fill(QColor(40, 40, 40))
        return QIcon(pix)

    def _load_thumbnails(self, files: list[Path]) -> None:
        if self.closing:
            return
        for job in self.jobs:
            if not job.ended and job.job.receivers(job.job.item) > 0:
                job.job.cancelled = True
        if not files:
            return
        job = workers.Background(workers.thumbnails(files), self)
        job.job.item.connect(self._thumbnail_ready)
        self.jobs.append(job)
        job.start()

    def _thumbnail_ready(self, case_file: str, png: str) -> None:
        if not png:
            return
        icon = QIcon(QPixmap(png))
        self.icons[case_file] = icon
        for i in range(self.list.count()):
            item = self.list.item(i)
            if item is not None and item.data(PATH_ROLE) == case_file:
                item.setIcon(icon)

    # -- opening and export ----------------------------------------------------------------------
    def selected_paths(self) -> list[Path]:
        """The selected cases' files, in the list's order."""
        return [Path(self.list.item(i).data(PATH_ROLE)) for i in range(self.list.count())
                if self.list.item(i).isSelected()]

    def _update_buttons(self) -> None:
        on = bool(self.list.selectedItems())
        self.lecture_button.setEnabled(on)
        self.quiz_button.setEnabled(on)

    def _open_item(self, item: QListWidgetItem) -> None:
        if self.open_case is not None:
            self.open_case(Path(item.data(PATH_ROLE)))

    def _ask_export(self, quiz: bool) -> None:
        name, _filter = QFileDialog.getSaveFileName(self, tr("Export quiz") if quiz else tr("Export lecture"),
                                                    "quiz.pptx" if quiz else "lecture.pptx",
                                                    "PowerPoint (*.pptx);;PDF (*.pdf)")
        if name:
            self.export_lecture(Path(name), quiz)

    def export_lecture(self, path: Path, quiz: bool) -> workers.Background | None:
        """Export the selected cases as one lecture deck (PPTX or PDF by ``path``'s suffix),
        de-identified, in the window's language, in a worker thread; ``exported`` says how it went."""
        files = self.selected_paths()
        if not files:
            self.exported.emit(False, tr("Select the cases of the lecture first."))
            return None
        pdf = path.suffix.lower() == ".pdf"
        run = workers.export_lecture(files, None if pdf else path, path if pdf else None, current_language(),
                                     quiz, self.title_box.text().strip())
        job = workers.Background(run, self)
        job.done.connect(lambda ok, result: self._exported(ok, result, len(files)))
        self.jobs.append(job)
        self.status.setText(tr("Exporting…"))
        self.lecture_button.setEnabled(False)
        self.quiz_button.setEnabled(False)
        return job.start()

    def _exported(self, ok: bool, result: Any, n: int) -> None:
        self._update_buttons()
        text = trf("Lecture of {n} case(s) written to {file}", n=n, file=result.files[0]) if ok else \
            trf("Export failed: {reason}", reason=result)
        self.status.setText(text)
        self.exported.emit(ok, text)

    def closeEvent(self, event: Any) -> None:  # noqa: N802 (Qt API)
        self.closing = True
        for job in self.jobs:
            if not job.ended:
                job.stop()
        super().closeEvent(event)
