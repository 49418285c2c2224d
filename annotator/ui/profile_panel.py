"""The contrast-profile panel: band intensity and width along a contrast path (issue 6 §3).

A dock widget showing the plot of ``annotator.assist.profile.plot_profile``
(matplotlib Agg, rendered to an RGB array, turned into a ``QImage`` by
``annotator.ui.qimage``) with the suggested cutoff / bench-sign positions as
vertical marks, and one line of text per suggestion under it. The plot's
axes are labelled in the profile's unit (mm when calibrated, px otherwise).
"""

from __future__ import annotations

import numpy as np
from PyQt6.QtCore import Qt
from PyQt6.QtGui import QPixmap
from PyQt6.QtWidgets import QDockWidget, QLabel, QSizePolicy, QVBoxLayout, QWidget

from annotator.ui.i18n import signals, tr
from annotator.ui.qimage import array_to_qimage

PLOT_SIZE_IN = (5.2, 2.6)  # inches at PLOT_DPI
PLOT_DPI = 90


class ProfilePanel(QDockWidget):
    """Dock with the last analysed profile. ``plot_rgb`` holds the plot shown (H x W x 3 uint8)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("profile_panel")
        self.plot_rgb: np.ndarray | None = None
        self._pixmap: QPixmap | None = None
        self._lines: list[str] = []
        body = QWidget(self)
        layout = QVBoxLayout(body)
        layout.setContentsMargins(4, 4, 4, 4)
        self.image_label = QLabel(body)
        self.image_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.image_label.setMinimumSize(200, 110)
        self.image_label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Ignored)  # no resize loop
        self.text_label = QLabel(body)
        self.text_label.setWordWrap(True)
        self.text_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.image_label, 1)
        layout.addWidget(self.text_label)
        self.setWidget(body)
        self.retranslate()
        signals().language_changed.connect(self.retranslate)

    def retranslate(self, *_args) -> None:
        self.setWindowTitle(tr("Contrast profile"))
        if self.plot_rgb is None:
            self.image_label.setText(tr("Analyse a contrast path to see its profile"))
        self._show_text()

    def show_profile(self, profile, marks=(), lines: list[str] | None = None) -> None:
        """Plot ``profile`` (``ContrastProfile``) with ``marks`` = [(arc length, label)];
        ``lines``: text under the plot (already translated)."""
        from annotator.assist.profile import plot_profile

        self.plot_rgb = plot_profile(profile, list(marks), size=PLOT_SIZE_IN, dpi=PLOT_DPI)
        self._pixmap = QPixmap.fromImage(array_to_qimage(self.plot_rgb))
        self._lines = list(lines or [])
        self._scale()
        self._show_text()

    def clear(self) -> None:
        self.plot_rgb = None
        self._pixmap = None
        self._lines = []
        self.image_label.clear()
        self.retranslate()

    def _show_text(self) -> None:
        self.text_label.setText("\n".join(self._lines))

    def _scale(self) -> None:
        if self._pixmap is None:
            return
        size = self.image_label.size()
        if size.width() < 20 or size.height() < 20:
            self.image_label.setPixmap(self._pixmap)
            return
        self.image_label.setPixmap(self._pixmap.scaled(size, Qt.AspectRatioMode.KeepAspectRatio,
                                                       Qt.TransformationMode.SmoothTransformation))

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt API)
        super().resizeEvent(event)
        self._scale()
