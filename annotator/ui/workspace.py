"""The workspace: AP | lateral | oblique viewports side by side, or one of them maximised.

``show_film`` puts a film into the viewport of its view; a film whose view is
unknown goes to the oblique slot (the informational one, so it never
displaces the AP or lateral film a rule is judging) until the user sets its
view. A double-click on empty space with the select tool, or
``set_single(view)``, maximises one viewport; the same again restores the
three.
"""

from __future__ import annotations

from PyQt6.QtCore import Qt, QTimer, pyqtSignal
from PyQt6.QtWidgets import QFrame, QLabel, QPushButton, QSizePolicy, QSplitter, QVBoxLayout, QWidget

from annotator.io.image import FluoroImage
from annotator.ui.i18n import signals, tr
from annotator.ui.viewport import Viewport

VIEWS = ("AP", "lateral", "oblique")
_TITLES = {"AP": "AP", "lateral": "Lateral", "oblique": "Oblique"}


def slot_for(view: str | None) -> str:
    """The viewport key for a film's view ("unknown" -> "oblique")."""
    view = str(getattr(view, "value", view))
    return view if view in VIEWS else "oblique"


class _Pane(QFrame):
    """A viewport with its title; the active one has a highlighted border."""

    def __init__(self, key: str, viewport: Viewport, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.key = key
        self.viewport = viewport
        self.film_name = ""  # the film shown: "1B · after contrast · 02_ap.dcm" (as in the case panel)
        self.title = QLabel(self)
        # a film whose header says its pixels carry burned-in text, with nothing redacted yet:
        # said on the film itself, with the one click that starts the redaction
        self.burned_in = QPushButton(self)
        self.burned_in.setObjectName("burnedInWarning")
        self.burned_in.setStyleSheet(
            "QPushButton#burnedInWarning { background: #8b1a1a; color: #ffffff; border: none;"
            " padding: 3px 6px; text-align: left; font-weight: bold; }")
        self.burned_in.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)  # never widens the pane
        self.burned_in.hide()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.setSpacing(1)
        layout.addWidget(self.title)
        layout.addWidget(self.burned_in)
        layout.addWidget(viewport, 1)
        self.set_active(False)

    def set_active(self, active: bool) -> None:
        color = "#3399ff" if active else "#333333"
        self.setStyleSheet(f"_Pane {{ border: 2px solid {color}; background: #000; }}"
                           " QLabel { color: #ddd; padding: 1px 4px; }"
                           " QCheckBox { color: #ddd; }")  # cine bar labels readable on black

    def retranslate(self) -> None:
        view = tr(_TITLES[self.key])
        title = f"{view} — {self.film_name}" if self.film_name else view
        if self.title.text() != title:  # called on every edit: no relayout when nothing changed
            self.title.setText(title)
            self.title.setToolTip(self.film_name)
        self.burned_in.setText("⚠ " + tr("Burned-in text, not redacted: click to redact"))
        self.burned_in.setToolTip(tr("The film's DICOM header says its pixels carry burned-in text (patient "
                                     "identity) and no redaction is drawn: click, then drag a box over the text."))


class Workspace(QWidget):
    """Three viewports keyed "AP", "lateral", "oblique". Signals: ``active_changed(str)``,
    ``single_changed(object)`` (the maximised key or None), ``status_message(str)``."""

    active_changed = pyqtSignal(str)
    redaction_requested = pyqtSignal(str)  # the viewport key whose film's burned-in text is to be redacted
    single_changed = pyqtSignal(object)
    status_message = pyqtSignal(str)

    def __init__(self, document, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.document = document
        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self._viewports: dict[str, Viewport] = {}
        self._panes: dict[str, _Pane] = {}
        for key in VIEWS:
            vp = Viewport(document, self)
            pane = _Pane(key, vp, self.splitter)
            self.splitter.addWidget(pane)
            self._viewports[key] = vp
            self._panes[key] = pane
            vp.activated.connect(lambda k=key: self.set_active(k))
            vp.maximize_requested.connect(lambda k=key: self.set_single(None if self._single == k else k))
            vp.status_message.connect(self.status_message)
            pane.burned_in.clicked.connect(lambda _=False, k=key: self._redact(k))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.splitter)
        self._user_sized = False  # once the user drags a divider, the panes keep the user's sizes
        self.splitter.splitterMoved.connect(self._splitter_moved)
        self._balance_timer = QTimer(self)
        self._balance_timer.setSingleShot(True)
        self._balance_timer.timeout.connect(self.balance)
        self._active = "AP"
        self._single: str | None = None
        self._panes["AP"].set_active(True)
        signals().language_changed.connect(self.retranslate)
        self.retranslate()

    # -- access ------------------------------------------------------------------
    def viewport(self, view: str) -> Viewport:
        return self._viewports[slot_for(view)]

    def viewports(self) -> dict[str, Viewport]:
        return dict(self._viewports)

    def active_viewport(self) -> Viewport:
        return self._viewports[self._active]

    @property
    def active_key(self) -> str:
        return self._active

    @property
    def single(self) -> str | None:
        return self._single

    # -- changes -----------------------------------------------------------------
    def show_film(self, root_id: str | None, film_id: str, image: FluoroImage | None,
                  error: str | None = None) -> Viewport:
        """Show a film in the viewport of its view (from the document); returns that viewport.
        ``image`` None with ``error``: the film could not be read, its viewport says why."""
        view = self.document.film(film_id).view if self.document is not None else None
        key = slot_for(view)
        vp = self._viewports[key]
        vp.set_film(root_id, film_id, image, error=error)
        self.refresh_titles()
        self.set_active(key)
        self._balance_timer.start(0)
        return vp

    def clear(self) -> None:
        for vp in self._viewports.values():
            vp.set_film(None, None, None)
        self.refresh_titles()
        self._balance_timer.start(0)

    def refresh_titles(self) -> None:
        """Each pane's title names its view and the film it shows (figure label, phase, file), as
        the case panel does: two films of one view are told apart at a glance."""
        from annotator.ui.case_panel import film_display_name

        for key, pane in self._panes.items():
            film_id = self._viewports[key].film_id
            name, burned = "", False
            if film_id is not None and self.document is not None:
                try:
                    film = self.document.film(film_id)
                except KeyError:
                    film = None
                if film is not None:
                    name = film_display_name(film)
                    burned = not film.redactions and self._burned_in(film_id)
            if pane.film_name != name or pane.burned_in.isVisibleTo(pane) != burned:
                pane.film_name = name
                pane.burned_in.setVisible(burned)
                pane.retranslate()

    def _burned_in(self, film_id: str) -> bool:
        """The film's DICOM header says BurnedInAnnotation YES (read once per file)."""
        from annotator.export.preflight import film_burned_in

        try:
            path = self.document.film_path(film_id)
        except (KeyError, AttributeError):
            return False
        cache = self.__dict__.setdefault("_burned_cache", {})
        key = str(path)
        if key not in cache:
            cache[key] = film_burned_in(path)
        return bool(cache[key])

    def _redact(self, key: str) -> None:
        self.set_active(key)
        self.redaction_requested.emit(key)

    # -- pane widths ---------------------------------------------------------------
    def pane_weights(self) -> dict[str, int]:
        """Share of the width per visible pane: 4 for a pane showing a film, 1 for an empty one."""
        return {k: (4 if self._viewports[k].film_id is not None else 1)
                for k, pane in self._panes.items() if not pane.isHidden()}

    def balance(self) -> None:
        """Split the width by ``pane_weights`` (films side by side at equal width; empty slots
        narrower), unless the user has dragged a divider."""
        if self._user_sized or self._single is not None:
            return
        weights = self.pane_weights()
        total_w = max(1, self.splitter.width())
        total = sum(weights.values()) or 1
        self.splitter.setSizes([total_w * weights.get(k, 0) // total for k in VIEWS])

    def _splitter_moved(self, *_args) -> None:
        self._user_sized = True

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt API)
        super().resizeEvent(event)
        self.balance()

    def set_active(self, key: str) -> None:
        key = slot_for(key)
        if key == self._active:
            return
        self._panes[self._active].set_active(False)
        self._active = key
        self._panes[key].set_active(True)
        self.active_changed.emit(key)

    def set_single(self, view: str | None) -> None:
        """Maximise the viewport of ``view``; None shows all three."""
        key = None if view is None else slot_for(view)
        self._single = key
        for k, pane in self._panes.items():
            pane.setVisible(key is None or k == key)
        if key is not None:
            self.set_active(key)
        else:
            self._balance_timer.start(0)
        self.single_changed.emit(key)

    def set_tool(self, name: str) -> None:
        for vp in self._viewports.values():
            vp.set_tool(name)

    def set_show_identity(self, show: bool) -> None:
        for vp in self._viewports.values():
            vp.set_show_identity(show)

    def retranslate(self, *_args) -> None:
        for pane in self._panes.values():
            pane.retranslate()
            pane.viewport.retranslate()

    def detach(self) -> None:
        for vp in self._viewports.values():
            vp.detach()
