"""Viewports: one film on a canvas with its cine controls (PyQt6).

``Viewport(document)`` is the widget the window and the workspace place;
``Canvas`` paints and takes input; ``ViewTransform`` maps image <-> widget
coordinates; ``overlay`` is the paint model (plain data).
"""

from __future__ import annotations

from PyQt6.QtCore import pyqtSignal
from PyQt6.QtWidgets import QVBoxLayout, QWidget

from annotator.io.image import FluoroImage
from annotator.ui.viewport.canvas import Canvas
from annotator.ui.viewport.cine import CineBar
from annotator.ui.viewport.transform import ViewTransform


class Viewport(QWidget):
    """A canvas plus its cine bar. Signals: ``activated`` (the user clicked into it),
    ``maximize_requested`` (double-click on empty space with the select tool),
    ``status_message(str)``."""

    activated = pyqtSignal()
    maximize_requested = pyqtSignal()
    status_message = pyqtSignal(str)

    def __init__(self, document, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.document = document
        self.canvas = Canvas(document, self)
        self.cine = CineBar(self.canvas, self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.canvas, 1)
        layout.addWidget(self.cine)
        self.canvas.activated.connect(self.activated)
        self.canvas.maximize_requested.connect(self.maximize_requested)
        self.canvas.status_message.connect(self.status_message)

    @property
    def film_id(self) -> str | None:
        return self.canvas.film_id

    @property
    def root_id(self) -> str | None:
        return self.canvas.root_id

    def set_film(self, root_id: str | None, film_id: str | None, image: FluoroImage | None,
                 error: str | None = None) -> None:
        """Show ``image`` as the film; ``error``: why the film has no image (painted in the viewport)."""
        self.canvas.set_film(root_id, film_id, image, error=error)
        self.cine.reset()

    def set_tool(self, name: str) -> None:
        self.canvas.set_tool(name)

    def set_show_foreign(self, show: bool) -> None:
        """Show or hide the graphics of other tools' presentation states (read-only, dashed, "PR")."""
        self.canvas.set_show_foreign(show)

    def set_show_identity(self, show: bool) -> None:
        """Show patient identity in the corner text (off unless the user turns it on)."""
        self.canvas.show_identity = bool(show)
        self.canvas.update()

    def retranslate(self) -> None:
        self.cine.retranslate()
        self.canvas.retranslate()

    def detach(self) -> None:
        """Stop listening to the document (before the document is replaced)."""
        self.cine.set_playing(False)
        self.canvas.detach()


__all__ = ["Canvas", "CineBar", "ViewTransform", "Viewport"]
