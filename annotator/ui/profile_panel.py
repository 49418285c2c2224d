"""The contrast-profile panel: band intensity and width along a contrast path (issue 6 §3).

A dock widget showing the plot of ``annotator.assist.profile.plot_profile``
(matplotlib Agg, rendered to an RGB array, turned into a ``QImage`` by
``annotator.ui.qimage``) with the suggested cutoff / bench-sign positions as
vertical marks (labelled with finding names, Chinese through an installed CJK
fallback font), and one line of text per suggestion under it. The plot's
axes are labelled in the profile's unit (mm when calibrated, px otherwise).
"""

from __future__ import annotations

from typing import Any

import numpy as np
from PyQt6.QtCore import Qt
from PyQt6.QtGui import QPixmap
from PyQt6.QtWidgets import QDockWidget, QLabel, QSizePolicy, QVBoxLayout, QWidget

from annotator.ui.i18n import signals, tr
from annotator.ui.qimage import array_to_qimage

PLOT_SIZE_IN = (7.0, 2.6)  # inches at PLOT_DPI
CJK_FONTS = ("Noto Sans CJK SC", "Source Han Sans SC", "WenQuanYi Micro Hei", "WenQuanYi Zen Hei",
             "Microsoft YaHei", "SimHei", "PingFang SC", "Heiti SC", "Droid Sans Fallback")


def plot_fonts() -> list[str]:
    """matplotlib font families for the plot: DejaVu Sans, then the installed CJK fonts as
    fallback so Chinese mark labels are not drawn as empty boxes."""
    from matplotlib import font_manager

    installed = {f.name for f in font_manager.fontManager.ttflist}
    return ["DejaVu Sans"] + [name for name in CJK_FONTS if name in installed]
PLOT_DPI = 90
MIN_PLOT_HEIGHT = 200  # screen px: the plot stays readable in a short bottom dock


class ScaledImage(QLabel):
    """A label showing one pixmap scaled to its size (aspect kept), rescaled on every resize."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.source: QPixmap | None = None
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Ignored)  # no resize feedback loop

    def set_source(self, pixmap: QPixmap | None) -> None:
        self.source = pixmap
        self._rescale()

    def _rescale(self) -> None:
        if self.source is None:
            return
        w, h = max(20, self.width()), max(20, self.height())
        self.setPixmap(self.source.scaled(w, h, Qt.AspectRatioMode.KeepAspectRatio,
                                          Qt.TransformationMode.SmoothTransformation))

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt API)
        super().resizeEvent(event)
        self._rescale()


class ProfilePanel(QDockWidget):
    """Dock with the last analysed profile. ``plot_rgb`` holds the plot shown (H x W x 3 uint8)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("profile_panel")
        self.plot_rgb: np.ndarray | None = None
        self.plot_texts: list[str] = []  # the words drawn in the plot (axis titles, marks): for the i18n check
        self._profile: Any = None
        self._marks: list[tuple[float, str]] = []
        self._lines: list[str] = []
        body = QWidget(self)
        layout = QVBoxLayout(body)
        layout.setContentsMargins(4, 4, 4, 4)
        self.image_label = ScaledImage(body)
        self.image_label.setMinimumSize(300, MIN_PLOT_HEIGHT)
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
        elif self._profile is not None and self.plot_texts:  # axis titles in the new language
            self.show_profile(self._profile, self._marks, self._lines)
            return
        self._show_text()

    def show_profile(self, profile, marks=(), lines: list[str] | None = None) -> None:
        """Plot ``profile`` (``ContrastProfile``) with ``marks`` = [(arc length, label)];
        ``lines``: text under the plot (already translated)."""
        import matplotlib

        from annotator.assist.profile import plot_profile, plot_texts

        labels = {"x": tr("arc length from the start ({unit})"), "intensity": tr("band intensity (density)"),
                  "width": tr("width at half max ({unit})")}
        with matplotlib.rc_context({"font.family": plot_fonts()}):
            self.plot_rgb = plot_profile(profile, list(marks), size=PLOT_SIZE_IN, dpi=PLOT_DPI, labels=labels)
        self.plot_texts = [*plot_texts(profile, labels).values(), *(label for _s, label in marks)]
        self._profile, self._marks = profile, list(marks)
        self._lines = list(lines or [])
        self.image_label.set_source(QPixmap.fromImage(array_to_qimage(self.plot_rgb)))
        self._show_text()

    def clear(self) -> None:
        self.plot_rgb = None
        self.plot_texts = []
        self._profile, self._marks = None, []
        self._lines = []
        self.image_label.source = None
        self.image_label.clear()
        self.retranslate()

    def _show_text(self) -> None:
        self.text_label.setText("\n".join(self._lines))
