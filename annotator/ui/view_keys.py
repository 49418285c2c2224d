"""The viewport keys as window shortcuts: they act on the active viewport from anywhere in the
main window, not only while a viewport has the keyboard focus.

``install_view_keys(window, menu)`` adds one ``QAction`` per key (Space fit, ``i`` invert, ``h``/``v``
flip, ``r`` rotate, ``m`` magnifier, ``1``-``5`` window presets, ``,``/``.`` previous/next
frame) to the window and to a View ▸ Film menu. Each calls the active viewport's canvas
(``window.workspace.active_viewport().canvas``).

Typing must still work: a line edit, text box or spin box takes the plain keys before any
shortcut (Qt's own rule). ``KeysToWidgets`` extends that rule to the widgets that use plain
keys too: a combo box (type-ahead, Space opens it), an editable table (a key starts an edit),
a button or check box (Space presses it) and the help overlay (any key closes it, a Ctrl
shortcut or F1 too: nothing acts under it). Widgets in a floating dock count as the main
window's. The tree of the case panel does not keep them: that is where the focus rests while
the user looks at films.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PyQt6.QtCore import QEvent, QObject, Qt
from PyQt6.QtGui import QAction, QKeyEvent, QKeySequence
from PyQt6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QApplication,
    QComboBox,
    QDockWidget,
    QMenu,
    QWidget,
)

from annotator.ui.i18n import tr


def tr_noop(text: str) -> str:
    return text


# (key, English label, canvas method name or preset number)
VIEW_KEYS: tuple[tuple[str, str, str | int], ...] = (
    ("Space", tr_noop("Fit the film"), "fit"),
    ("I", tr_noop("Invert"), "toggle_invert"),
    ("H", tr_noop("Flip horizontally"), "flip_h"),
    ("V", tr_noop("Flip vertically"), "flip_v"),
    ("R", tr_noop("Rotate 90°"), "rotate"),
    ("M", tr_noop("Magnifier"), "toggle_magnifier"),
    (",", tr_noop("Previous frame"), "previous_frame"),
    (".", tr_noop("Next frame"), "next_frame"),
    *((str(n), tr_noop("Window preset {n}"), n) for n in range(1, 6)),
)


class KeysToWidgets(QObject):
    """Event filter on the widget that has the keyboard focus (one per application, moved along
    by ``QApplication.focusChanged``: Qt sends ShortcutOverride to the focus widget, and no other
    event pays for a Python filter): plain keys stay with the widgets that use them, in windows
    with view keys (accepting the ShortcutOverride event makes Qt deliver the key instead of the
    shortcut)."""

    def focus_changed(self, old: QWidget | None, new: QWidget | None) -> None:
        if old is not None:
            old.removeEventFilter(self)
        if new is not None:
            new.installEventFilter(self)

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt API)
        if event.type() != QEvent.Type.ShortcutOverride or not isinstance(obj, QWidget):
            return False
        from annotator.ui.help_overlay import HelpOverlay

        if isinstance(obj, HelpOverlay):  # every key, Ctrl+Z and F1 too, only closes the overlay
            event.accept()
            return False
        key_event: QKeyEvent = event  # type: ignore[assignment]
        mods = key_event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        if mods not in (Qt.KeyboardModifier.NoModifier, Qt.KeyboardModifier.ShiftModifier):
            return False
        if not hasattr(main_window_of(obj), "view_key_actions") or not keeps_plain_keys(obj, key_event):
            return False
        event.accept()
        return False


def main_window_of(widget: QWidget) -> QWidget:
    """The main window ``widget`` belongs to: its window, or for a widget in a floating dock
    (whose window is the ``QDockWidget`` itself) the window the dock belongs to."""
    window = widget.window()
    while isinstance(window, QDockWidget) and window.parentWidget() is not None:
        window = window.parentWidget().window()
    return window


_filter: KeysToWidgets | None = None


def _install_filter() -> None:
    global _filter
    app = QApplication.instance()
    if app is not None and (_filter is None or _filter.parent() is not app):
        _filter = KeysToWidgets(app)
        app.focusChanged.connect(_filter.focus_changed)
        focus = QApplication.focusWidget()
        if focus is not None:
            focus.installEventFilter(_filter)


def keeps_plain_keys(widget: QWidget, event: QKeyEvent) -> bool:
    """Whether ``widget`` uses the plain key of ``event`` itself (see the module docstring)."""
    from annotator.ui.help_overlay import HelpOverlay

    if isinstance(widget, HelpOverlay):
        return True
    text = event.text()
    if not text or not text.isprintable():
        return False
    if isinstance(widget, QComboBox):
        return True
    if isinstance(widget, QAbstractItemView):
        triggers = widget.editTriggers()
        return bool(triggers & QAbstractItemView.EditTrigger.AnyKeyPressed) and widget.currentIndex().isValid()
    if isinstance(widget, QAbstractButton):
        return event.key() == Qt.Key.Key_Space
    return False


def install_view_keys(window: Any, menu: QMenu) -> dict[str, QAction]:
    """Add the view-key actions to ``window`` and ``menu``; returns them by key."""
    actions: dict[str, QAction] = {}
    for key, _label, target in VIEW_KEYS:
        act = QAction(window)
        act.setObjectName(f"view_key_{key}")
        act.setShortcut(QKeySequence(key))
        act.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        act.triggered.connect(_on_active(window, target))
        window.addAction(act)
        menu.addAction(act)
        actions[key] = act
    _install_filter()
    return actions


def retranslate_view_keys(actions: dict[str, QAction]) -> None:
    for key, label, target in VIEW_KEYS:
        act = actions.get(key)
        if act is not None:
            act.setText(tr(label).format(n=target) if isinstance(target, int) else tr(label))


def _on_active(window: Any, target: str | int) -> Callable[[], None]:
    def run() -> None:
        workspace = getattr(window, "workspace", None)
        viewport = getattr(workspace, "active_viewport", None)
        if viewport is None:
            return
        canvas = viewport().canvas
        if isinstance(target, int):
            canvas.apply_preset(target)
        elif target == "previous_frame":
            canvas.step(-1)
        elif target == "next_frame":
            canvas.step(1)
        else:
            getattr(canvas, target)()

    return run
