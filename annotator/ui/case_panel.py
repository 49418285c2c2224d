"""The case panel: roots and their films, grouped by view, with drag and drop.

Tree: root ("right L5") → view group ("AP") → film ("7C · after contrast ·
file.dcm"). Column 2 shows the film's view as a badge; clicking it opens a
menu that corrects the view in one step (``document.update_film(view=...)``).
Dropping files or folders adds films to the root under the cursor (or the
selected root); each file is opened with ``open_image`` to detect its view;
files that cannot be read are reported in one line and skipped.
The panel never holds case state: it rebuilds from the document on events.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any

from PyQt6.QtCore import QEvent, QObject, QPoint, Qt, pyqtSignal
from PyQt6.QtGui import QBrush, QColor, QDragEnterEvent, QDragMoveEvent, QDropEvent
from PyQt6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QMenu,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from annotator.io.same_film import same_film
from annotator.model import LEVELS, Film, Phase, Root, Side, View
from annotator.ui.i18n import signals, tr, trf

log = logging.getLogger(__name__)

ROLE = Qt.ItemDataRole.UserRole
SKIP_SUFFIXES = {".json", ".bak", ".md", ".txt", ".py", ".pdf", ".pptx", ".csv", ".log", ".autosave", ".tmp"}
VIEW_ORDER = [View.AP, View.LATERAL, View.OBLIQUE, View.UNKNOWN]
BADGE_COLORS = {View.AP: "#2f6fb0", View.LATERAL: "#3c8d3c", View.OBLIQUE: "#8a5bb0", View.UNKNOWN: "#a05a00"}


def tr_noop(text: str) -> str:
    return text


# view, phase and side names shown in the tree (translated at display time)
_NAMES = [tr_noop("AP"), tr_noop("lateral"), tr_noop("oblique"), tr_noop("unknown"), tr_noop("left"),
          tr_noop("right"), tr_noop("before contrast"), tr_noop("after contrast"), tr_noop("after drug"),
          tr_noop("follow-up")]


def film_display_name(film: Film, label: str | None = None) -> str:
    """How the case panel names a film ("1B · after contrast · 02_ap.dcm"): its figure label
    (``label`` when it has none, e.g. the "1A" an export gives it), phase and file name. Every
    message about a film uses this name, so the user finds the film in the panel."""
    name = film.path.rsplit("/", 1)[-1]
    phase = phase_label(film.phase) if film.phase != Phase.UNKNOWN else ""
    return " · ".join(b for b in (film.figure_label.strip() or (label or ""), phase, name) if b)


def phase_label(phase: Phase) -> str:
    return tr(phase.value.replace("_", " ").replace("follow up", "follow-up"))


def root_label(root: Root) -> str:
    return trf("{side} {level}", side=tr(root.side.value), level=root.level)


def expand_paths(paths: list[Path]) -> list[Path]:
    """Files to import: files as given, folders walked (sorted), hidden and non-image names skipped."""
    out: list[Path] = []
    for p in paths:
        if p.is_dir():
            for dirpath, dirnames, filenames in os.walk(p):
                dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
                for name in sorted(filenames):
                    f = Path(dirpath) / name
                    if not name.startswith(".") and f.suffix.lower() not in SKIP_SUFFIXES:
                        out.append(f)
        elif p.is_file() or not p.exists():
            out.append(p)
    return out


class _Tree(QTreeWidget):
    """A tree that hands dropped file URLs to its panel."""

    def __init__(self, panel: CasePanel) -> None:
        super().__init__(panel)
        self.panel = panel
        self.setAcceptDrops(True)
        self.viewport().setAcceptDrops(True)
        self.setDragDropMode(QAbstractItemView.DragDropMode.DropOnly)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802 (Qt API)
        if event.mimeData().hasUrls():
            event.acceptProposedAction()
        else:
            event.ignore()

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:  # noqa: N802
        if event.mimeData().hasUrls():
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802
        mime = event.mimeData()
        if not mime.hasUrls():
            event.ignore()
            return
        paths = [Path(u.toLocalFile()) for u in mime.urls() if u.isLocalFile()]
        item = self.itemAt(event.position().toPoint())
        root_id = self.panel.root_of_item(item) if item is not None else None
        event.acceptProposedAction()
        self.panel.add_files(paths, root_id)


class WindowDropFilter(QObject):
    """Installed on the main window: a dropped case (case.json or a folder holding one) is
    opened (``panel.open_requested``), dropped images become films of the selected root."""

    def __init__(self, panel: CasePanel) -> None:
        super().__init__(panel)
        self.panel = panel

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt API)
        kind = event.type()
        if kind in (QEvent.Type.DragEnter, QEvent.Type.DragMove) and event.mimeData().hasUrls():
            event.acceptProposedAction()
            return True
        if kind == QEvent.Type.Drop and event.mimeData().hasUrls():
            paths = [Path(u.toLocalFile()) for u in event.mimeData().urls() if u.isLocalFile()]
            event.acceptProposedAction()
            self.panel.handle_drop(paths)
            return True
        return False


class CasePanel(QWidget):
    """Roots → views → films. Emits what the user selects; edits go to the document."""

    open_requested = pyqtSignal(str)  # a case file or folder was dropped
    film_selected = pyqtSignal(str, str)  # root_id, film_id
    root_selected = pyqtSignal(str)
    status_message = pyqtSignal(str)

    def __init__(self, parent: QWidget | None = None, image_opener: Any = None) -> None:
        super().__init__(parent)
        self.setObjectName("casePanel")
        self.document: Any = None
        self._unsubscribe: Any = None
        self._open_image = image_opener
        self._rebuilding = False
        self._current: tuple[str | None, str | None] = (None, None)
        self.tree = _Tree(self)
        self.tree.setColumnCount(2)
        self.tree.setHeaderHidden(True)
        header = self.tree.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self.tree.setRootIsDecorated(True)
        self.tree.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.tree.customContextMenuRequested.connect(self._context_menu)
        self.tree.itemClicked.connect(self._item_clicked)
        self.tree.currentItemChanged.connect(self._current_changed)
        self.add_button = QPushButton(self)
        self.remove_button = QPushButton(self)
        self.add_button.clicked.connect(self._add_root_menu)
        self.remove_button.clicked.connect(self._remove_current_root)
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.remove_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.addWidget(self.tree, 1)
        layout.addLayout(buttons)
        self.retranslate()
        signals().language_changed.connect(self.retranslate)

    # -- binding ---------------------------------------------------------------------------

    def set_document(self, document: Any) -> None:
        if self._unsubscribe is not None:
            self._unsubscribe()
        self.document = document
        self._unsubscribe = document.subscribe(self._on_change) if document is not None else None
        self._current = (None, None)
        self.rebuild()

    def _on_change(self, event: Any) -> None:
        if getattr(event, "kind", None) in ("case", "root", "film"):
            self.rebuild()

    def retranslate(self) -> None:
        self.add_button.setText(tr("Add root"))
        self.remove_button.setText(tr("Remove root"))
        self.tree.setToolTip(tr("Drop image files or folders here to add films to a root"))
        self.rebuild()

    # -- tree ------------------------------------------------------------------------------

    def rebuild(self) -> None:
        self._rebuilding = True
        try:
            self.tree.clear()
            doc = self.document
            if doc is None:
                return
            keep = None
            for root in doc.case.roots:
                r_item = QTreeWidgetItem([root_label(root), ""])
                r_item.setData(0, ROLE, ("root", root.id, None))
                self.tree.addTopLevelItem(r_item)
                if self._current == (root.id, None):
                    keep = r_item
                for view in VIEW_ORDER:  # its own films and the films it shares with other roots
                    films = [f for f in doc.case.films_of(root) if f.view == view]
                    if not films:
                        continue
                    v_item = QTreeWidgetItem([tr(view.value), ""])
                    v_item.setData(0, ROLE, ("view", root.id, None))
                    r_item.addChild(v_item)
                    for film in films:
                        f_item = self._film_item(root, film)
                        v_item.addChild(f_item)
                        if self._current == (root.id, film.id):
                            keep = f_item
                r_item.setExpanded(True)
                for i in range(r_item.childCount()):
                    r_item.child(i).setExpanded(True)
            if keep is not None:
                self.tree.setCurrentItem(keep)
        finally:
            self._rebuilding = False

    def _film_item(self, root: Root, film: Film) -> QTreeWidgetItem:
        name = film.path.rsplit("/", 1)[-1]
        bits = [film_display_name(film)]
        if all(f.id != film.id for f in root.films):
            bits.append(tr("shared"))  # stored once, under the root that imported it first
        item = QTreeWidgetItem([" · ".join(bits), tr(film.view.value)])
        item.setData(0, ROLE, ("film", root.id, film.id))
        item.setForeground(1, QBrush(QColor("white")))
        item.setBackground(1, QBrush(QColor(BADGE_COLORS.get(film.view, "#666"))))
        tip = trf("Detected view: {view}. Click to correct.", view=tr(film.view.value))
        if film.view_evidence:
            tip += "\n" + film.view_evidence
        item.setToolTip(1, tip)
        item.setToolTip(0, film.path)
        folder = getattr(self.document, "folder", None)
        if folder is not None and not (Path(folder) / film.path).exists():  # a moved or deleted file
            item.setForeground(0, QBrush(QColor("#c02020")))
            item.setToolTip(0, trf("film file not found: {name} — relink or remove it", name=name))
        return item

    def root_of_item(self, item: QTreeWidgetItem | None) -> str | None:
        if item is None:
            return None
        data = item.data(0, ROLE)
        return data[1] if data else None

    def select_film(self, film_id: str) -> None:
        it = self._find_item("film", film_id)
        if it is not None:
            self.tree.setCurrentItem(it)

    def _find_item(self, kind: str, ident: str) -> QTreeWidgetItem | None:
        stack = [self.tree.topLevelItem(i) for i in range(self.tree.topLevelItemCount())]
        while stack:
            it = stack.pop()
            data = it.data(0, ROLE)
            if data and data[0] == kind and (data[2] if kind == "film" else data[1]) == ident:
                return it
            stack.extend(it.child(i) for i in range(it.childCount()))
        return None

    def _current_changed(self, item: QTreeWidgetItem | None, _prev: Any) -> None:
        if self._rebuilding or item is None:
            return
        kind, root_id, film_id = item.data(0, ROLE)
        self._current = (root_id, film_id)
        if kind == "film":
            self.film_selected.emit(root_id, film_id)
        else:
            self.root_selected.emit(root_id)

    def selected_root_id(self) -> str | None:
        if self._current[0] is not None:
            return self._current[0]
        roots = self.document.case.roots if self.document is not None else []
        return roots[0].id if roots else None

    # -- edits -----------------------------------------------------------------------------

    def _item_clicked(self, item: QTreeWidgetItem, column: int) -> None:
        data = item.data(0, ROLE)
        if column == 1 and data and data[0] == "film":
            menu = self.view_menu(data[2])
            menu.popup(self.tree.viewport().mapToGlobal(self.tree.visualItemRect(item).bottomRight()))

    def view_menu(self, film_id: str) -> QMenu:
        menu = QMenu(self)
        for view in VIEW_ORDER:
            act = menu.addAction(tr(view.value))
            act.triggered.connect(lambda _=False, v=view: self.set_film_view(film_id, v))
        return menu

    def set_film_view(self, film_id: str, view: View) -> None:
        self.document.update_film(film_id, view=View(view))

    def add_root(self, level: str, side: Side) -> str:
        root = Root(level=level, side=Side(side))
        self.document.add_root(root)
        self._current = (root.id, None)
        self.rebuild()
        self.root_selected.emit(root.id)
        return root.id

    def _add_root_menu(self) -> None:
        if self.document is None:
            return
        menu = QMenu(self)
        for side in (Side.RIGHT, Side.LEFT):
            sub = menu.addMenu(tr(side.value))
            for level in LEVELS:
                act = sub.addAction(level)
                act.triggered.connect(lambda _=False, lv=level, sd=side: self.add_root(lv, sd))
        menu.popup(self.add_button.mapToGlobal(QPoint(0, self.add_button.height())))

    def _remove_current_root(self) -> None:
        root_id = self.selected_root_id()
        if self.document is not None and root_id is not None:
            self.document.remove_root(root_id)
            self._current = (None, None)
            self.rebuild()

    def _context_menu(self, pos: QPoint) -> None:
        item = self.tree.itemAt(pos)
        if item is None or self.document is None:
            return
        kind, root_id, film_id = item.data(0, ROLE)
        menu = QMenu(self)
        if kind == "film":
            views = menu.addMenu(tr("View"))
            for view in VIEW_ORDER:
                views.addAction(tr(view.value)).triggered.connect(
                    lambda _=False, v=view: self.set_film_view(film_id, v))
            phases = menu.addMenu(tr("Phase"))
            for phase in Phase:
                phases.addAction(phase_label(phase)).triggered.connect(
                    lambda _=False, p=phase: self.document.update_film(film_id, phase=p))
            menu.addAction(tr("Relink film…")).triggered.connect(lambda: self.relink_film(film_id))
            menu.addAction(tr("Remove film")).triggered.connect(lambda: self.document.remove_film(film_id))
        else:
            menu.addAction(tr("Remove root")).triggered.connect(lambda: self.document.remove_root(root_id))
        menu.popup(self.tree.viewport().mapToGlobal(pos))

    def relink_film(self, film_id: str, path: Path | None = None) -> bool:
        """Point film ``film_id`` at another file (asked for when ``path`` is None), e.g. a film
        whose file was moved; one undo step. False when cancelled or the file cannot be read."""
        doc = self.document
        if doc is None:
            return False
        if path is None:
            from PyQt6.QtWidgets import QFileDialog

            chosen, _ = QFileDialog.getOpenFileName(self, tr("Relink film…"), str(doc.folder),
                                                    tr("Images (*.dcm *.png *.jpg *.jpeg *.tif *.tiff *.bmp);;All files (*)"))
            if not chosen:
                return False
            path = Path(chosen)
        try:
            self._opener()(Path(path))
        except Exception as exc:  # not an image: say so, keep the old link
            from annotator.ui.messages import user_error

            self.status_message.emit(user_error(tr("Could not relink the film"), exc))
            return False
        rel = Path(os.path.relpath(Path(path).resolve(), Path(doc.folder).resolve())).as_posix()
        doc.update_film(film_id, path=rel)
        self.status_message.emit(trf("Film relinked to {name}", name=Path(path).name))
        return True

    def add_files(self, paths: list[Path], root_id: str | None = None) -> tuple[list[str], list[str]]:
        """Add image files (folders walked) as films of ``root_id`` (default: the selected root).

        Returns (ids of films added, one-line problems). Nothing is raised.
        """
        doc = self.document
        if doc is None:
            return [], []
        root_id = root_id or self.selected_root_id()
        if root_id is None:
            msg = tr("Add a root first, then drop the films on it.")
            self.status_message.emit(msg)
            return [], [msg]
        root = doc.case.root(root_id)
        folder = Path(doc.folder)
        known = {f.path for f in root.films}
        films: list[Film] = []
        shared: list[str] = []
        problems: list[str] = []
        for path in expand_paths([Path(p) for p in paths]):
            try:
                image = self._opener()(path)
            except Exception as exc:  # ImageLoadError and anything a broken file provokes
                problems.append(str(exc) if str(exc) else f"{path.name}: cannot be opened")
                continue
            rel = Path(os.path.relpath(path.resolve(), folder.resolve())).as_posix()
            if rel in known:
                continue
            match = same_film(doc.case, folder, path)  # already another root's film: share it, never copy
            if match is not None:
                if match[0].id != root_id and match[1].id not in root.shared_film_ids:
                    shared.append(match[1].id)
                continue
            known.add(rel)
            films.append(film_from_image(rel, image))
        if films or shared:
            with doc.macro(f"Add {len(films) + len(shared)} film(s)"):  # named at display (ui.undo_text)
                for film in films:
                    doc.add_film(root_id, film)
                for film_id in shared:
                    doc.share_film(root_id, film_id)
        if problems:
            head = trf("{n} file(s) skipped", n=len(problems))
            self.status_message.emit(f"{head}: {problems[0]}" + (" …" if len(problems) > 1 else ""))
        elif films or shared:
            self.status_message.emit(trf("{n} film(s) added to {root}", n=len(films) + len(shared),
                                         root=root_label(root)))
        return [f.id for f in films] + shared, problems

    def handle_drop(self, paths: list[Path]) -> None:
        """A drop outside the tree: open a dropped case, else add the files as films."""
        if len(paths) == 1 and (paths[0].suffix.lower() == ".json" or (paths[0] / "case.json").is_file()):
            self.open_requested.emit(str(paths[0]))
        else:
            self.add_files(paths)

    def _opener(self) -> Any:
        if self._open_image is None:
            from annotator.io import open_image

            return open_image
        return self._open_image


def film_from_image(rel_path: str, image: Any) -> Film:
    """A Film for an opened image, as every import makes it (``annotator.io.film_entry.film_for``)."""
    from annotator.io.film_entry import film_for

    return film_for(rel_path, image)
