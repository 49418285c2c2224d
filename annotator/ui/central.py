"""The main window's central area: one persistent holder whose child (the workspace) is swapped.

``QMainWindow.setCentralWidget`` on a window already on screen re-flows the dock layout:
the new widget starts at its minimum size hint and the docks take the freed width (the
viewports were squeezed to ~500 px on a 1920 px screen). The window therefore sets one
``CentralHolder`` as its central widget once and opens every case by swapping the holder's
child, so the dock column keeps its width (in px) and the workspace keeps the rest.
"""

from __future__ import annotations

from typing import Any

from PyQt6.QtCore import Qt
from PyQt6.QtWidgets import QLabel, QStackedLayout, QWidget

from annotator.ui.i18n import tr


class CentralHolder(QWidget):
    """Shows exactly one child, ``current``; ``swap(widget)`` replaces it and deletes the old one."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("centralHolder")
        self._stack = QStackedLayout(self)
        self._stack.setContentsMargins(0, 0, 0, 0)
        self.current: QWidget | None = None

    def swap(self, widget: QWidget) -> None:
        old = self.current
        self._stack.addWidget(widget)
        self._stack.setCurrentWidget(widget)
        self.current = widget
        if old is not None:
            self._stack.removeWidget(old)
            old.hide()
            old.deleteLater()


def make_workspace(document: Any) -> QWidget:
    """A ``Workspace`` on ``document`` (a CaseDocument or None), or a plain notice when the
    viewports are not part of this build."""
    try:
        from annotator.ui.workspace import Workspace
    except ImportError:
        label = QLabel(tr("The viewports are not available in this build."))
        label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        return label
    return Workspace(document)
