"""The main window: assembles the case panel, the workspace, the record and verdict docks,
the tools toolbar and the menus, and routes file operations. It owns no case state:
the ``CaseDocument`` is the one source of truth and its undo stack the one stack.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from PyQt6.QtCore import Qt, QTimer
from PyQt6.QtGui import QAction, QActionGroup, QCloseEvent, QKeySequence
from PyQt6.QtWidgets import QDockWidget, QLabel, QMainWindow

from annotator.model import View
from annotator.ui import case_files, settings
from annotator.ui.autosave import Autosaver
from annotator.ui.case_panel import CasePanel, WindowDropFilter
from annotator.ui.central import CentralHolder, make_workspace
from annotator.ui.dialogs import Prompter, choose_case_to_open, show_about
from annotator.ui.help_overlay import HelpOverlay, tool_specs
from annotator.ui.i18n import LANGUAGES, current_language, set_language, signals, tr, trf
from annotator.ui.image_cache import ImageCache
from annotator.ui.messages import user_error
from annotator.ui.pacs import install_pacs
from annotator.ui.record_panel import RecordPanel
from annotator.ui.tools_toolbar import build_tools_toolbar, retranslate_tools
from annotator.ui.undo_text import undo_label
from annotator.ui.verdict_panel import VerdictPanel
from annotator.ui.view_keys import install_view_keys, retranslate_view_keys

log = logging.getLogger(__name__)
VIEWS = (View.AP, View.LATERAL, View.OBLIQUE)
LAYOUT_VERSION = 2  # bump when the default dock layout changes: older saved layouts are ignored
DOCK_WIDTH = 340  # px, the right-hand column (case tree, verdicts / record tabs)


class MainWindow(QMainWindow):
    def __init__(self, prompter: Prompter | None = None, autosave_ms: int | None = None,
                 restore_layout: bool = True) -> None:
        super().__init__()
        self.setObjectName("mainWindow")
        self.prompter = prompter or Prompter()
        self.offer_recovery = True  # False for offscreen screenshots: never ask about (nor remove) recovery files
        self.document: Any = None
        self._unsubscribe: Any = None
        self.images = ImageCache()
        self.root_id: str | None = None
        self.film_id: str | None = None
        self.single_view: View | None = None
        self.autosaver = Autosaver(autosave_ms or 30_000, self)
        self.autosaver.failed.connect(
            lambda msg: self.statusBar().showMessage(user_error(tr("Autosave failed"), msg), 10_000))
        self.workspace: Any = None
        self._shown: dict[str, str] = {}
        self.film_problems: dict[str, str] = {}  # film id -> why it is not shown (one line)
        self.central = CentralHolder(self)  # set once: setCentralWidget on a shown window squeezes the films
        self.setCentralWidget(self.central)
        self._set_workspace(None)
        self.case_panel = CasePanel(self)
        self.case_panel.film_selected.connect(self.select_film)
        self.case_panel.root_selected.connect(self.select_root)
        self.case_panel.status_message.connect(lambda m: self.statusBar().showMessage(m, 10_000))
        self.case_panel.open_requested.connect(lambda p: self.open_case(Path(p)))
        self.setAcceptDrops(True)
        self.drop_filter = WindowDropFilter(self.case_panel)
        self.installEventFilter(self.drop_filter)
        self.record_panel = RecordPanel(self)
        self.verdict_panel = VerdictPanel(self)
        self.docks: dict[str, QDockWidget] = {}
        for key, widget in (("case", self.case_panel), ("verdict", self.verdict_panel),
                            ("record", self.record_panel)):
            dock = QDockWidget(self)
            dock.setObjectName(f"{key}Dock")
            dock.setWidget(widget)
            self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, dock)
            self.docks[key] = dock
        # one narrow column on the right: the case tree above, verdicts and record as tabs below,
        # so the three viewports get the width (films are the star)
        self.splitDockWidget(self.docks["case"], self.docks["verdict"], Qt.Orientation.Vertical)
        self.tabifyDockWidget(self.docks["verdict"], self.docks["record"])
        self.docks["verdict"].raise_()
        self.help_overlay = HelpOverlay(self)
        self._build_actions()
        self._build_menus()
        self._build_toolbar()
        from annotator.ui.film_import import install_film_import

        self.film_import = install_film_import(self)  # File ▸ Add films… / Import this folder's films
        self.assist_toolbar = install_assist(self)
        if self.assist_toolbar is not None:  # View ▸ Panels also lists the profile dock and the toolbars
            self.panels_menu.addAction(self.assist_toolbar.assist.profile_panel.toggleViewAction())
            self.panels_menu.addSeparator()
            self.panels_menu.addActions([self.toolbar.toggleViewAction(), self.assist_toolbar.toggleViewAction()])
        # save state that stays (a temporary status message is wiped by the next status tip)
        self.save_state = QLabel(self)
        self.save_state.setObjectName("saveState")
        self.statusBar().addPermanentWidget(self.save_state)
        self.saved_at: str | None = None  # "HH:MM" of the last Save of this document
        self.retranslate()
        signals().language_changed.connect(self.retranslate)
        signals().language_changed.connect(self.statusBar().clearMessage)  # no message left in the old language
        geometry, state = (settings.window_geometry(), settings.window_state()) if restore_layout else (None, None)
        if geometry is not None:
            self.restoreGeometry(geometry)
        else:
            self.resize(1600, 1000)
        if state is None or not self.restoreState(state, LAYOUT_VERSION):
            self.resizeDocks([self.docks["case"]], [DOCK_WIDTH], Qt.Orientation.Horizontal)
            self.resizeDocks([self.docks["case"], self.docks["verdict"]], [230, 770], Qt.Orientation.Vertical)

    # -- assembly --------------------------------------------------------------------------

    def _action(self, key: str, slot: Any, shortcut: Any = None, checkable: bool = False) -> QAction:
        act = QAction(self)
        act.setObjectName(key)
        if shortcut is not None:
            act.setShortcuts(shortcut if isinstance(shortcut, list) else [QKeySequence(shortcut)])
        act.setCheckable(checkable)
        act.triggered.connect(slot)
        self.actions_by_key[key] = act
        return act

    def _build_actions(self) -> None:
        self.actions_by_key: dict[str, QAction] = {}
        a, ks = self._action, QKeySequence.StandardKey
        a("new_case", self.new_case, QKeySequence(ks.New))
        a("open", self.open_dialog, QKeySequence(ks.Open))
        a("export", self.export, QKeySequence("Ctrl+E"))
        a("library", self.show_library, QKeySequence("Ctrl+L"))
        a("save", self.save, QKeySequence(ks.Save))
        a("save_as", self.save_as, QKeySequence(ks.SaveAs))
        a("quit", self.close, QKeySequence(ks.Quit))
        a("undo", self.undo, [QKeySequence("Ctrl+Z")])
        a("redo", self.redo, [QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")])
        a("three_views", lambda: self.set_single_view(None), checkable=True)
        a("single_view", lambda: self.set_single_view(self._active_view()), checkable=True)
        group = QActionGroup(self)
        group.addAction(self.actions_by_key["three_views"])
        group.addAction(self.actions_by_key["single_view"])
        self.actions_by_key["three_views"].setChecked(True)
        a("help", self.help_overlay.toggle, QKeySequence("F1"))
        a("about", self.about)
        self.language_actions: dict[str, QAction] = {}
        lang_group = QActionGroup(self)
        for code, name in LANGUAGES.items():
            act = QAction(name, self, checkable=True)
            act.setChecked(code == current_language())
            act.triggered.connect(lambda _=False, c=code: set_language(c))
            lang_group.addAction(act)
            self.language_actions[code] = act

    def _build_menus(self) -> None:
        bar = self.menuBar()
        acts = self.actions_by_key
        self.menus = {k: bar.addMenu("") for k in ("file", "edit", "view", "help")}
        m = self.menus["file"]
        m.addActions([acts["new_case"], acts["open"]])
        self.recent_menu = m.addMenu("")
        self.recent_menu.aboutToShow.connect(self._fill_recent)
        m.addSeparator()
        m.addActions([acts["save"], acts["save_as"]])
        m.addSeparator()
        m.addActions([acts["export"], acts["library"]])
        m.addSeparator()
        self.pacs = install_pacs(self, m)  # Receive from C-arm, Open from PACS…, PACS settings…
        m.addSeparator()
        m.addAction(acts["quit"])
        self.menus["edit"].addActions([acts["undo"], acts["redo"]])
        v = self.menus["view"]
        v.addActions([acts["three_views"], acts["single_view"]])
        self.film_menu = v.addMenu("")  # the viewport keys, acting on the active viewport from anywhere
        self.view_key_actions = install_view_keys(self, self.film_menu)
        v.addSeparator()
        self.language_menu = v.addMenu("")
        self.language_menu.addActions(list(self.language_actions.values()))
        v.addSeparator()
        # Off at every start and never remembered: identity shows only while the user wants it.
        self.identity_action = v.addAction("")
        self.identity_action.setCheckable(True)
        self.identity_action.toggled.connect(self._show_identity)
        v.addSeparator()
        self.panels_menu = v.addMenu("")
        for dock in self.docks.values():
            self.panels_menu.addAction(dock.toggleViewAction())
        self.menus["help"].addActions([acts["help"], acts["about"]])

    def _build_toolbar(self) -> None:
        self.toolbar, self.tool_group, self.tool_actions = build_tools_toolbar(self, tool_specs(), self.set_tool)
        self.addToolBar(Qt.ToolBarArea.TopToolBarArea, self.toolbar)

    def retranslate(self) -> None:
        acts = self.actions_by_key
        for key, text in (("new_case", tr("&New case…")), ("export", tr("&Export…")), ("open", tr("&Open…")), ("save", tr("&Save")), ("save_as", tr("Save &As…")), ("library", tr("Teaching &library…")),
                          ("quit", tr("&Quit")), ("three_views", tr("Three views")),
                          ("single_view", tr("Single view")), ("help", tr("Keys and tools (F1)")),
                          ("about", tr("About"))):
            acts[key].setText(text)
        for key, text in (("file", tr("&File")), ("edit", tr("&Edit")), ("view", tr("&View")), ("help", tr("&Help"))):
            self.menus[key].setTitle(text)
        self.recent_menu.setTitle(tr("Recent cases"))
        self.identity_action.setText(tr("Show patient identity"))
        self.language_menu.setTitle(tr("Language"))
        self.panels_menu.setTitle(tr("Panels"))
        self.film_menu.setTitle(tr("Film"))
        retranslate_view_keys(self.view_key_actions)
        for key, text in (("case", tr("Case")), ("verdict", tr("Verdicts")), ("record", tr("Record"))):
            self.docks[key].setWindowTitle(text)
        retranslate_tools(self.toolbar, self.tool_actions)
        for code, act in self.language_actions.items():
            act.setChecked(code == current_language())
        self._update_undo_actions()
        self._update_title()

    def _show_identity(self, show: bool) -> None:
        if self.workspace is not None and hasattr(self.workspace, "set_show_identity"):
            self.workspace.set_show_identity(show)

    def _set_workspace(self, document: Any) -> None:
        """A new workspace into the persistent ``CentralHolder`` (no re-flow of the docks)."""
        old = self.workspace
        if old is not None and hasattr(old, "detach"):
            old.detach()  # its viewports stop listening to the previous document
        workspace = make_workspace(document)
        if hasattr(workspace, "status_message"):
            workspace.status_message.connect(lambda m: self.statusBar().showMessage(m, 8000))
            workspace.single_changed.connect(self._single_changed)
        if hasattr(workspace, "active_changed"):
            workspace.active_changed.connect(self._active_viewport_changed)
        if hasattr(workspace, "redaction_requested"):  # the burned-in warning on a film was clicked
            workspace.redaction_requested.connect(self._start_redaction)
        self.workspace = workspace
        self._shown = {}
        self.central.swap(workspace)
        identity = getattr(self, "identity_action", None)
        if identity is not None and identity.isChecked():
            self._show_identity(True)  # a newly opened case keeps the user's choice

    # -- document --------------------------------------------------------------------------

    def set_document(self, document: Any) -> list[str]:
        """Show ``document`` (a CaseDocument) in every part of the window; returns one line per
        film that could not be shown (also shown in its viewport and the status bar)."""
        if self._unsubscribe is not None:
            self._unsubscribe()
        self.document = document
        self.saved_at = None
        self._unsubscribe = document.subscribe(self._on_change)
        self.autosaver.attach(document)
        self.images.clear()
        self.film_problems = {}  # the previous case's missing films are not this one's
        self._set_workspace(document)
        roots = document.case.roots
        self.root_id = roots[0].id if roots else None
        self.film_id = None
        self.case_panel.set_document(document)
        self.record_panel.show(document, self.root_id, None)
        self.verdict_panel.show_root(document, self.root_id)
        self._show_root_films()
        if roots and roots[0].films:
            self.case_panel.select_film(roots[0].films[0].id)  # -> select_film via the panel's signal
        if self.single_view is not None:
            self.set_single_view(self.single_view)
        self.retranslate()
        return list(self.film_problems.values())

    def _on_change(self, event: Any) -> None:
        if self.root_id is not None:
            try:
                self.document.case.root(self.root_id)
            except KeyError:
                roots = self.document.case.roots
                self.root_id = roots[0].id if roots else None
                self.film_id = None
        self.verdict_panel.show_root(self.document, self.root_id)
        if getattr(event, "kind", None) in ("root", "film"):
            self._show_root_films(force="path" in (getattr(event, "fields", None) or ()))  # a relinked film
        getattr(self.workspace, "refresh_titles", lambda: None)()  # figure label, phase, a redaction drawn
        self._update_undo_actions()
        self._update_title()

    def select_root(self, root_id: str) -> None:
        self.root_id, self.film_id = root_id, None
        self.record_panel.show(self.document, root_id, None)
        self.verdict_panel.show_root(self.document, root_id)
        self._show_root_films()

    def select_film(self, root_id: str, film_id: str) -> None:
        changed_root = root_id != self.root_id
        self.root_id, self.film_id = root_id, film_id
        self.record_panel.show(self.document, root_id, film_id)
        if changed_root:
            self.verdict_panel.show_root(self.document, root_id)
        self._show_root_films()
        _root, film = self.document.case.film(film_id)
        if self.single_view is not None:
            self.set_single_view(film.view if film.view in VIEWS else View.OBLIQUE)

    def _films_to_show(self) -> dict[View, Any]:
        """The film each viewport shows: the selected film in its slot, else the first film of that
        view; films of unknown view fill the oblique slot when no oblique film is there."""
        if self.document is None or self.root_id is None:
            return {}
        try:
            root = self.document.case.root(self.root_id)
        except KeyError:
            return {}

        def slot(film: Any) -> View:
            return film.view if film.view in VIEWS else View.OBLIQUE

        chosen: dict[View, Any] = {}
        films = self.document.case.films_of(root)  # its own and the films it shares with other roots
        selected = [f for f in films if f.id == self.film_id]
        ordered = selected + [f for f in films if f.view in VIEWS] + [f for f in films if f.view not in VIEWS]
        for film in ordered:
            chosen.setdefault(slot(film), film)
        return chosen

    def _show_root_films(self, force: bool = False) -> None:
        """Put the films of the current root into the viewports (only when that choice changed);
        the selected film's viewport becomes the active one in any case."""
        if self.document is None or not hasattr(self.workspace, "show_film"):
            return
        films = self._films_to_show()
        wanted = {str(view): f.id for view, f in films.items()}
        if wanted != self._shown or force:
            self._load_films(films)
        if self.film_id in self._shown.values():
            key = next(k for k, v in self._shown.items() if v == self.film_id)
            getattr(self.workspace, "set_active", lambda _k: None)(key)

    def _load_films(self, films: dict[View, Any]) -> None:
        if hasattr(self.workspace, "clear"):
            self.workspace.clear()
        self._shown = {}
        self.film_problems: dict[str, str] = {}
        for view, film in films.items():
            path = Path(self.document.folder) / film.path
            try:
                image, error = self.images.get(path), None
            except Exception as exc:  # unreadable film: say so in its viewport, keep the others
                log.info("film not shown: %s", exc)
                image, error = None, film_error(path, exc)
                self.film_problems[film.id] = error
            self.workspace.show_film(self.root_id, film.id, image, error=error)
            self._shown[str(view)] = film.id
        if self.film_problems:
            self.statusBar().showMessage(next(iter(self.film_problems.values())), 15_000)

    def refresh_title(self) -> None:
        self._update_title()

    def _update_undo_actions(self) -> None:
        doc, acts = self.document, self.actions_by_key
        can_undo = bool(doc is not None and doc.can_undo)
        can_redo = bool(doc is not None and doc.can_redo)
        acts["undo"].setEnabled(can_undo)
        acts["redo"].setEnabled(can_redo)
        acts["undo"].setText(trf("&Undo {what}", what=undo_label(doc.undo_text)) if can_undo else tr("&Undo"))
        acts["redo"].setText(trf("&Redo {what}", what=undo_label(doc.redo_text)) if can_redo else tr("&Redo"))

    def _update_title(self) -> None:
        doc = self.document
        name = Path(doc.path).parent.name if doc is not None and doc.path else tr("no case")
        title = doc.case.title if doc is not None and doc.case.title else name
        self.setWindowTitle(f"{title}{' *' if doc is not None and doc.dirty else ''} — {tr('Fluoro Annotator')}")
        state = getattr(self, "save_state", None)
        if state is not None:
            if doc is None:
                text = ""
            elif doc.dirty:
                text = tr("Unsaved changes")
            elif self.saved_at is not None:
                text = trf("Saved at {time}", time=self.saved_at)
            else:
                text = ""
            if state.text() != text:
                state.setText(text)

    def note_saved(self) -> None:
        """After a successful Save: the status bar keeps "Saved at HH:MM" until the next edit."""
        from datetime import datetime

        self.saved_at = datetime.now().strftime("%H:%M")
        self._update_title()

    # -- commands --------------------------------------------------------------------------

    def undo(self) -> None:
        """Edit ▸ Undo (Ctrl+Z): a shape in progress loses its last point first; else the
        document's last step is undone."""
        for vp in self._viewports_active_first():
            if vp.canvas.undo_sketch():
                return
        if self.document is not None and self.document.can_undo:
            self.document.undo()

    def _viewports_active_first(self) -> list[Any]:
        ws = self.workspace
        if not hasattr(ws, "viewports"):
            return []
        active = ws.active_viewport()
        return [active] + [vp for vp in ws.viewports().values() if vp is not active]

    def redo(self) -> None:
        if self.document is not None and self.document.can_redo:
            self.document.redo()

    def set_tool(self, name: str) -> None:
        """Activate tool ``name``; an assist tool (snap tip, live-wire) leaves no toolbar tool checked."""
        for tool, (act, _spec) in self.tool_actions.items():
            act.setChecked(tool == name)
        fn = getattr(self.workspace, "set_tool", None)
        if fn is not None:
            fn(name)

    def _active_view(self) -> View:
        key = getattr(self.workspace, "active_key", None)
        if key in VIEWS:
            return View(key)
        films = self._films_to_show()
        if self.film_id is not None:
            for view, film in films.items():
                if film.id == self.film_id:
                    return view
        return next(iter(films), View.AP)

    def set_single_view(self, view: View | None) -> None:
        self.single_view = view
        fn = getattr(self.workspace, "set_single", None)
        if fn is not None:
            fn(view)
        self.actions_by_key["single_view" if view is not None else "three_views"].setChecked(True)

    def _active_viewport_changed(self, key: str) -> None:
        """The viewport the user works in (clicked, or chosen by key) is the selected film: the
        record panel and the case tree follow it, so marking one film never edits another's record."""
        film_id = self._shown.get(str(key))
        if film_id is None or film_id == self.film_id or self.document is None:
            return
        self.film_id = film_id
        self.record_panel.show(self.document, self.root_id, film_id)
        self.case_panel.select_film(film_id)

    def _start_redaction(self, _key: str) -> None:
        self.set_tool("redaction")
        self.statusBar().showMessage(tr("Drag a box over the burned-in text to redact it."), 30_000)

    def _single_changed(self, key: Any) -> None:
        self.single_view = View(key) if key else None
        self.actions_by_key["single_view" if key else "three_views"].setChecked(True)

    def about(self) -> None:
        show_about(self)

    # -- files -----------------------------------------------------------------------------

    def new_case(self) -> bool:
        from annotator.ui.new_case_dialog import new_case_from_window

        return new_case_from_window(self)

    def export(self) -> Any:
        from annotator.ui.export_dialog import export_from_window

        return export_from_window(self)

    def show_library(self) -> Any:
        """The Library window (one per main window), raised; double-clicked cases open here."""
        from annotator.ui.library.window import LibraryWindow

        if getattr(self, "library_window", None) is None:
            self.library_window = LibraryWindow(open_case=self.open_case, parent=self)
            self.library_window.setWindowFlag(Qt.WindowType.Window)
        self.library_window.show()
        self.library_window.raise_()
        return self.library_window

    def open_dialog(self) -> None:
        path = choose_case_to_open(self)
        if path is not None:
            self.open_case(path)

    def open_case(self, path: Path, ask_unsaved: bool = True) -> bool:
        """Open a case file (or a folder's case.json; a folder without one: a new case)."""
        return case_files.open_case(self, Path(path), ask_unsaved)

    def restore_recent_work(self) -> bool:
        """Offer the recovery files of the recent cases (at start-up); True when one was restored."""
        return case_files.restore_recent_work(self)

    def save(self) -> bool:
        return case_files.save(self)

    def save_as(self) -> bool:
        return case_files.save_as(self)

    def _save_to(self, path: Path) -> bool:
        return case_files.save_to(self, Path(path))

    def maybe_keep_changes(self) -> bool:
        """False when the user cancels; saves or discards unsaved changes otherwise."""
        return case_files.maybe_keep_changes(self)

    def _fill_recent(self) -> None:
        self.recent_menu.clear()
        recent = settings.recent_cases()
        for p in recent:
            act = self.recent_menu.addAction(settings.recent_label(p))
            act.setToolTip(str(p))
            act.triggered.connect(lambda _=False, q=p: self.open_case(q))
        if not recent:
            self.recent_menu.addAction(tr("(none)")).setEnabled(False)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 (Qt API)
        if not self.maybe_keep_changes():
            event.ignore()
            return
        run = getattr(self, "export_run", None)
        if run is not None and run.ok is None:  # an export still running: stop it between steps
            run.cancel()
            run.thread.wait(30_000)
        self.pacs.shutdown()
        self.autosaver.discard()
        self.autosaver.timer.stop()
        settings.save_window(self.saveGeometry(), self.saveState(LAYOUT_VERSION))
        event.accept()

    def show_message_later(self, text: str) -> None:
        QTimer.singleShot(0, lambda: self.statusBar().showMessage(text, 15_000))


def film_error(path: Path, exc: BaseException) -> str:
    """Why a film is not shown, in one line of the interface language."""
    if not path.exists():
        return trf("film file not found: {name} — relink or remove it", name=path.name)
    return user_error(tr("Film not shown"), exc)


def install_assist(window: MainWindow) -> Any:
    """The Assist toolbar and profile dock (``annotator.ui.assist_actions``), or None without them."""
    try:
        from annotator.ui.assist_actions import install_assist_actions
    except ImportError:
        return None
    return install_assist_actions(window, window.workspace, window.document)
