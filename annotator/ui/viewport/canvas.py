"""The canvas: paints one film's display buffer and its overlay, routes input to tools.

Mouse: wheel zooms about the cursor; middle-drag pans; right-drag sets the
window (horizontal = width, vertical = level: right widens, down raises the
level, as OHIF/Weasis); left button = the active tool. Keys: Space fits,
``i`` inverts, ``h``/``v`` flip, ``r`` rotates 90°, ``1``-``5`` window
presets (the file's, then automatic, full range, high and low contrast: ``display``),
``m`` toggles the magnifier, ``,``/``.``
or Left/Right step frames, Enter/Esc/Delete/Backspace go to the tool or the
selection, Ctrl+Z / Ctrl+Shift+Z / Ctrl+Y undo and redo through the document. In the main
window the view keys are also window shortcuts (``ui.view_keys``) acting on the active viewport.

The canvas owns no annotation state: it reads the film from the document on
every paint and rebuilds the overlay when the document announces a change.
The image buffer is rendered only when frame, window, inversion or
subtraction change (cached as a ``QImage``); annotation edits repaint only
the overlay.
"""

from __future__ import annotations

import logging

from PyQt6.QtCore import QPointF, Qt, pyqtSignal
from PyQt6.QtGui import (
    QColor,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QTransform,
    QWheelEvent,
)
from PyQt6.QtWidgets import QWidget

from annotator.io.image import FluoroImage
from annotator.ui.i18n import signals, tr, trf
from annotator.ui.qimage import array_to_qimage
from annotator.ui.tools import (
    Selection,
    SelectTool,
    Tool,
    ToolContext,
    make_tool,
    tool_spec,
)
from annotator.ui.viewport import furniture, painting, shared_film
from annotator.ui.viewport.asker import DialogAsker
from annotator.ui.viewport.canvas_keys import handle_key
from annotator.ui.viewport.display import FilmDisplay
from annotator.ui.viewport.foreign import foreign_items, load_foreign
from annotator.ui.viewport.overlay import OverlayItem, RootOnFilm, build_overlay
from annotator.ui.viewport.transform import ViewTransform

log = logging.getLogger(__name__)

PICK_PX = 8.0  # pick tolerance in screen pixels


class Canvas(QWidget):
    """One film on screen. See the module docstring for the controls."""

    activated = pyqtSignal()
    maximize_requested = pyqtSignal()
    status_message = pyqtSignal(str)
    frame_changed = pyqtSignal(int)
    view_changed = pyqtSignal()  # window, zoom, flips: the corner text changed
    film_changed = pyqtSignal()  # the document changed something of this film (key frame, annotations, ...)

    def __init__(self, document, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.document = document
        self.root_id: str | None = None
        self.film_id: str | None = None
        self.image: FluoroImage | None = None
        self.display: FilmDisplay | None = None
        self.transform = ViewTransform()
        self.selection = Selection()
        self.asker = DialogAsker(self)
        self.tool: Tool = make_tool("select")
        self.magnifier = False
        self.hint_rect = None  # where the empty-viewport hint was last painted (QRectF, widget px)
        self.error: str | None = None  # why the film shown has no image (missing or unreadable file)
        self.painted_labels: list = []  # (text, QRectF) of the labels of the last paint
        self.result = None  # the rules' FilmResult of the film, refreshed on every change
        self.other_roots: list[RootOnFilm] = []  # other roots using this (shared) film, with their results
        self.show_foreign = True  # graphics of other tools' presentation states (read-only layer)
        self.show_identity = False  # patient identity in the corner text: only when the user turns it on
        self.foreign_graphics: list = []  # ForeignGraphic of the film, read on set_film
        self._qimage = None
        self._items: list[OverlayItem] | None = None
        self._drag: str | None = None
        self._drag_start: tuple[float, float] = (0.0, 0.0)
        self._drag_window: tuple[float, float] | None = None
        self._cursor: tuple[float, float] | None = None
        self._fitted = True
        self.setMouseTracking(True)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setMinimumSize(160, 160)
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)
        self._unsubscribe = document.subscribe(self._on_change) if document is not None else None
        if self._unsubscribe is not None:  # a canvas deleted without detach() must not stay subscribed
            unsubscribe = self._unsubscribe
            self.destroyed.connect(lambda *_: unsubscribe())
        signals().language_changed.connect(self.retranslate)

    def retranslate(self, *_args) -> None:
        """Labels of the overlay and the corner text are read through ``tr`` again."""
        self._items = None
        self.update()

    # -- film -------------------------------------------------------------------
    def set_film(self, root_id: str | None, film_id: str | None, image: FluoroImage | None,
                 error: str | None = None) -> None:
        """Show ``image`` as film ``film_id`` of root ``root_id`` (all None: empty viewport;
        ``image`` None with ``error``: the film could not be read, the viewport says why)."""
        self.tool.cancel()
        self.selection.clear()
        self.root_id, self.film_id, self.image = root_id, film_id, image
        self.error = error if image is None else None
        self.display = None
        if image is not None:
            film = self.film
            start = film.key_frame if film is not None and film.key_frame < image.info.frames else 0
            self.display = FilmDisplay(image, frame=start)
            self.transform.set_image_size(image.info.columns, image.info.rows)
            self.transform.quarter_turns = 0
            self.transform.flip_h = self.transform.flip_v = False
        self.reload_foreign()
        self._render()
        self.fit()
        self._refresh()

    def reload_foreign(self) -> None:
        """Look again for other tools' presentation states of this film (``foreign.load_foreign``)."""
        self.foreign_graphics = load_foreign(self.document, self.film_id, self.image)
        self._items = None
        self.update()

    def set_show_foreign(self, show: bool) -> None:
        """Show or hide the read-only layer of other tools' presentation states."""
        self.show_foreign = bool(show)
        self._items = None
        self.update()

    @property
    def film(self):
        """The film object as the document holds it now (None when gone)."""
        if self.film_id is None or self.document is None:
            return None
        try:
            return self.document.case.film(self.film_id)[1]
        except KeyError:
            return None

    @property
    def root(self):
        """The root the film is shown for: the selected root when it uses the film (a shared
        film), else the root that owns it."""
        if self.film_id is None or self.document is None:
            return None
        try:
            owner = self.document.case.film(self.film_id)[0]
        except KeyError:
            return None
        for r in self.document.case.roots_of(self.film_id):
            if r.id == self.root_id:
                return r
        return owner

    @property
    def frame(self) -> int:
        return self.display.frame if self.display is not None else 0

    def set_frame(self, index: int) -> None:
        if self.display is None:
            return
        before = self.display.frame
        self.display.frame = index
        if self.display.frame != before:
            self.tool.cancel()
            self._render()
            self._refresh()
            self.frame_changed.emit(self.display.frame)

    def step(self, delta: int) -> None:
        if self.display is not None:
            self.set_frame((self.display.frame + delta) % self.display.frames)

    # -- tools --------------------------------------------------------------------
    def set_tool(self, name: str) -> None:
        self.tool.cancel()
        self.tool = make_tool(name)
        self.status_message.emit(tool_spec(name).tr_help())
        self.setCursor(Qt.CursorShape.ArrowCursor if name == "select" else Qt.CursorShape.CrossCursor)
        self._refresh()

    def select_annotation(self, ann_id: str | None) -> None:
        """Select annotation ``ann_id`` of this film (None clears the selection) and repaint."""
        self.selection.clear()
        self.selection.annotation_id = ann_id
        self._after_tool()

    def context(self) -> ToolContext | None:
        if self.film_id is None or self.film is None or self.image is None:
            return None
        return ToolContext(self.document, self.film_id, self.root_id, self.frame, PICK_PX / self.transform.zoom,
                           self.asker, self.selection, self.status_message.emit, self.image)

    # -- display state --------------------------------------------------------------
    def fit(self) -> None:
        self.transform.fit(self.width(), self.height(), margin=4)
        self._fitted = True
        self.update()
        self.view_changed.emit()

    def set_window(self, center: float, width: float) -> None:
        if self.display is None:
            return
        self.display.window = (center, width)
        self._render()
        self.view_changed.emit()

    def window(self) -> tuple[float, float] | None:
        return None if self.display is None else self.display.window

    def apply_preset(self, number: int) -> None:
        if self.display is None:
            return
        preset = self.display.apply_preset(number)
        if preset is None:
            self.status_message.emit(tr("No window preset on this key"))
            return
        self._render()
        self.view_changed.emit()
        c, w = self.display.window or (preset.center, preset.width)
        self.status_message.emit(trf("Window {name}: C/W {c:.0f} / {w:.0f}",
                                     name=self.display.window_name() or f"[{number}]", c=c, w=w))

    def toggle_invert(self) -> None:
        if self.display is not None:
            self.display.invert = not self.display.invert
            self._render()

    def set_mask(self, frame: int | None) -> None:
        """Subtraction view: show the current frame minus ``frame`` (None switches it off)."""
        if self.display is not None:
            self.display.set_mask(frame)
            self._render()
            self.view_changed.emit()

    def _center_point(self) -> tuple[float, float]:
        return self.width() / 2.0, self.height() / 2.0

    def rotate(self) -> None:
        self.transform.rotate90(self._center_point())
        self.update()

    def flip_h(self) -> None:
        self.transform.toggle_flip_h(self._center_point())
        self.update()

    def flip_v(self) -> None:
        self.transform.toggle_flip_v(self._center_point())
        self.update()

    # -- model updates -----------------------------------------------------------
    def _render(self) -> None:
        """Re-render the display buffer (only frame/window/invert/subtraction call this)."""
        self._qimage = array_to_qimage(self.display.buffer()) if self.display is not None else None
        self.update()

    def _evaluate(self) -> None:
        self.result = None
        self.other_roots = []
        film, root = self.film, self.root
        if film is None or root is None:
            return
        from annotator.rules import evaluate_film

        try:
            self.result = evaluate_film(film, root)
            self.other_roots = shared_film.other_roots(self.document.case, film, root)
        except Exception as exc:  # a rule bug must not stop the user from marking films
            log.exception("evaluating film failed")
            self.status_message.emit(tr("The rules could not be evaluated: {error}").format(error=exc))

    def _refresh(self) -> None:
        """Re-evaluate the rules and rebuild the overlay; repaint (the image is not re-rendered)."""
        self._evaluate()
        self._items = None
        self.update()

    def _on_change(self, event) -> None:
        if self.film_id is None:
            return
        if getattr(event, "kind", None) == "film" and getattr(event, "action", None) == "remove" \
                and event.film_id == self.film_id:
            self.set_film(None, None, None)
            return
        if self.film is None:
            return
        if getattr(event, "undo_redo", False) or getattr(event, "action", None) == "remove":
            self.tool.cancel()  # a drag in progress must not edit an item that just changed under it
        # this film's items, or the root/case its rules read (level, side, findings); an edit on
        # another film of the root cannot change this film's verdict or overlay
        users = {r.id for r in self.document.case.roots_of(self.film_id)} | {self.root_id}
        if event.film_id == self.film_id or (event.film_id is None and event.root_id in (None, *users)):
            self._refresh()
            self.film_changed.emit()

    def overlay_items(self) -> list[OverlayItem]:
        """The overlay model painted now (rebuilt lazily after each change)."""
        if self._items is None:
            foreign = foreign_items(self.foreign_graphics, self.frame) if self.show_foreign else []
            active = shared_film.active_root(self.document.case, self.root, self.result, self.other_roots)
            self._items = build_overlay(self.film, self.frame, self.result, self.selection.annotation_id,
                                        self.selection.redaction_id, [], foreign, self.other_roots, active)
        return self._items + _sketch(self.tool)

    def closeEvent(self, event) -> None:  # noqa: N802
        self.detach()
        super().closeEvent(event)

    def detach(self) -> None:
        """Stop listening to the document."""
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None

    # -- painting -----------------------------------------------------------------
    def qt_transform(self) -> QTransform:
        return QTransform(*self.transform.matrix())

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802
        p = QPainter(self)
        p.fillRect(self.rect(), QColor(0, 0, 0))
        if self._qimage is None:
            self.hint_rect = furniture.paint_empty_hint(p, self, self.hint_text(), error=self.error is not None)
            p.end()
            return
        p.setFont(painting.small_font(p))
        qt = self.qt_transform()
        p.save()
        p.setTransform(qt)
        p.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, self.transform.zoom < 2.0)
        p.drawImage(QPointF(0, 0), self._qimage)
        p.restore()
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.painted_labels = painting.draw_items(p, self.overlay_items(), self.transform, qt)
        furniture.paint_letters(p, self)
        furniture.paint_scale_bar(p, self)
        furniture.paint_corners(p, self)
        if self.magnifier and self._cursor is not None:
            furniture.paint_magnifier(p, self, self._cursor)
        p.end()

    def hint_text(self) -> str:
        """What an empty viewport says: why its film is not shown, or how to show one."""
        if self.error:
            return self.error
        doc = self.document
        if doc is None or not any(r.films for r in doc.case.roots):  # nothing in the case panel to pick
            return tr("No films yet: File ▸ Add films… (or drop the files here)")
        return tr("No film: pick one in the case panel")

    def corner_text(self) -> dict[str, list[str]]:
        """The corner lines painted now (see ``furniture.corner_text``)."""
        return furniture.corner_text(self)

    # -- input ------------------------------------------------------------------------
    def _image_point(self, event) -> tuple[float, float]:
        pos = event.position()
        return self.transform.to_image(pos.x(), pos.y())

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        self.setFocus(Qt.FocusReason.MouseFocusReason)
        self.activated.emit()
        pos = event.position()
        button = event.button()
        if button == Qt.MouseButton.MiddleButton:
            self._drag, self._drag_start = "pan", (pos.x(), pos.y())
        elif button == Qt.MouseButton.RightButton and self.display is not None:
            self._drag, self._drag_start = "window", (pos.x(), pos.y())
            self._drag_window = self.display.window
        elif button == Qt.MouseButton.LeftButton:
            ctx = self.context()
            if ctx is not None:
                self._drag = "tool"
                self.tool.press(ctx, self._image_point(event))
                self._after_tool()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        pos = event.position()
        self._cursor = (pos.x(), pos.y())
        if self._drag == "pan":
            self.transform.pan(pos.x() - self._drag_start[0], pos.y() - self._drag_start[1])
            self._drag_start = (pos.x(), pos.y())
            self._fitted = False
            self.update()
        elif self._drag == "window" and self._drag_window is not None:
            c0, w0 = self._drag_window
            step = max(abs(w0), 1.0) / 256.0
            dx, dy = pos.x() - self._drag_start[0], pos.y() - self._drag_start[1]
            self.set_window(c0 + dy * step, max(1.0, w0 + dx * step))
        elif self._drag == "tool":
            ctx = self.context()
            if ctx is not None:
                self.tool.move(ctx, self._image_point(event))
                self._after_tool()
        else:
            ctx = self.context()
            if ctx is not None:
                x, y = self._image_point(event)
                self.tool.hover(ctx, (x, y))
                if self.tool.busy:
                    self.update()
            if self.magnifier:
                self.update()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        if self._drag == "tool" and event.button() == Qt.MouseButton.LeftButton:
            ctx = self.context()
            if ctx is not None:
                self.tool.release(ctx, self._image_point(event))
                self._after_tool()
        elif event.button() == Qt.MouseButton.RightButton and self._drag == "window":
            moved = abs(event.position().x() - self._drag_start[0]) + abs(event.position().y() - self._drag_start[1])
            if moved < 3:  # a right click, not a window drag: the mark's side / root
                self._mark_menu(event)
        self._drag = None
        self._drag_window = None

    def _mark_menu(self, event: QMouseEvent) -> None:
        from annotator.ui.viewport.mark_menu import popup_mark_menu

        popup_mark_menu(self, self._image_point(event), self.mapToGlobal(event.position().toPoint()))

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        if event.button() != Qt.MouseButton.LeftButton:
            return
        ctx = self.context()
        if ctx is None:
            self.maximize_requested.emit()
            return
        p = self._image_point(event)
        if self.tool.double_click(ctx, p):
            self._after_tool()
            return
        self._drag = "tool"
        self.tool.press(ctx, p)
        self._after_tool()
        if isinstance(self.tool, SelectTool) and self.tool.hit_nothing:
            self._drag = None
            self.maximize_requested.emit()

    def wheelEvent(self, event: QWheelEvent) -> None:  # noqa: N802
        steps = event.angleDelta().y() / 120.0
        if not steps:
            return
        pos = event.position()
        self.transform.zoom_about(pos.x(), pos.y(), 1.2**steps)
        self._fitted = False
        self.update()
        self.view_changed.emit()

    def leaveEvent(self, event) -> None:  # noqa: N802
        self._cursor = None
        if self.magnifier:
            self.update()
        super().leaveEvent(event)

    def resizeEvent(self, event) -> None:  # noqa: N802
        if self._fitted:
            self.transform.fit(self.width(), self.height(), margin=4)
        super().resizeEvent(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        if not self._handle_key(event):
            super().keyPressEvent(event)

    def _handle_key(self, event: QKeyEvent) -> bool:
        return handle_key(self, event)

    def undo_sketch(self) -> bool:
        """Ctrl+Z while a shape is in progress: its last point goes (the shape, when it has no
        other), and the document's undo stack is left alone. False when no shape is in progress."""
        if not self.tool.busy:
            return False
        if not self.tool.remove_last_point():
            self.tool.cancel()
        self._after_tool()
        return True

    def toggle_magnifier(self) -> None:
        self.magnifier = not self.magnifier
        self.status_message.emit(tr("Magnifier on") if self.magnifier else tr("Magnifier off"))
        self.update()

    def _after_tool(self) -> None:
        self._items = None
        self.update()


def _sketch(tool: Tool) -> list[OverlayItem]:
    from annotator.ui.viewport.overlay import sketch_items

    return sketch_items(tool.sketches())
