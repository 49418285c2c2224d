"""The mouse wheel scrolls a form; it changes a value only in the field the user is in.

Qt's combo boxes and spin boxes take wheel events whenever the pointer is over them, with
or without the keyboard focus: scrolling the record panel past a drug box changed the drug
(and made the case dirty). ``guard_wheel(widget)`` gives the widget
``Qt.FocusPolicy.StrongFocus`` (the wheel no longer gives it the focus) and ignores wheel
events while it does not have the focus, so they go on to the scroll area around it. Every
combo box and spin box of the record panel (its own fields, the drug table's drug boxes, the
findings list's value boxes) is guarded where it is made.
"""

from __future__ import annotations

from typing import TypeVar

from PyQt6.QtCore import QEvent, QObject, Qt
from PyQt6.QtWidgets import QWidget

W = TypeVar("W", bound=QWidget)


class WheelGuard(QObject):
    """Event filter: a wheel event over an unfocused widget is ignored and passed on (Qt then
    offers it to the parents: the scroll area scrolls)."""

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt API)
        if event.type() == QEvent.Type.Wheel and isinstance(obj, QWidget) and not obj.hasFocus():
            event.ignore()
            return True
        return False


_guard: WheelGuard | None = None


def _the_guard() -> WheelGuard:
    global _guard
    if _guard is None:
        _guard = WheelGuard()
    return _guard


def guard_wheel(widget: W) -> W:
    """``widget`` takes the wheel only while it has the keyboard focus (module docstring)."""
    widget.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
    if not widget.property("wheel_guarded"):
        widget.installEventFilter(_the_guard())
        widget.setProperty("wheel_guarded", True)
    return widget


def is_guarded(widget: QWidget) -> bool:
    return bool(widget.property("wheel_guarded")) and widget.focusPolicy() == Qt.FocusPolicy.StrongFocus

