"""Cine controls of a multi-frame film: slider, play/pause, step, key frame, subtraction.

Playback runs at the file's frame rate (``ImageInfo.frame_time_ms``, 10 fps
when the file has none) on a ``QTimer``. "Set key frame" records the shown
frame as the film's key frame through the document (one undo step). The
subtraction check box shows the frame minus the chosen mask frame.
"""

from __future__ import annotations

from PyQt6.QtCore import Qt, QTimer, pyqtSignal
from PyQt6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSlider,
    QSpinBox,
    QToolButton,
    QWidget,
)

from annotator.ui.i18n import signals, tr

DEFAULT_FRAME_MS = 100.0


class CineBar(QWidget):
    """Controls one ``Canvas``; hidden for single-frame films."""

    key_frame_requested = pyqtSignal(int)

    def __init__(self, canvas, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.canvas = canvas
        self.timer = QTimer(self)
        self.timer.timeout.connect(lambda: canvas.step(1))
        self.play_button = QToolButton(self)
        self.play_button.setCheckable(True)
        self.play_button.toggled.connect(self.set_playing)
        self.slider = QSlider(Qt.Orientation.Horizontal, self)
        self.slider.setMinimumWidth(60)  # never squeezed down to a bare handle in a narrow viewport
        self.slider.valueChanged.connect(canvas.set_frame)
        self.frame_label = QLabel(self)
        self.key_button = QPushButton(self)
        self.key_button.clicked.connect(self.set_key_frame)
        self.subtract = QCheckBox(self)
        self.subtract.toggled.connect(self._subtraction_changed)
        self.mask = QSpinBox(self)
        self.mask.setMinimum(1)
        self.mask.valueChanged.connect(self._subtraction_changed)
        row = QHBoxLayout(self)
        row.setContentsMargins(4, 0, 4, 0)
        for w in (self.play_button, self.slider, self.frame_label, self.key_button, self.subtract, self.mask):
            row.addWidget(w)
        row.setStretch(1, 1)
        canvas.frame_changed.connect(self._frame_changed)
        canvas.film_changed.connect(lambda: self._frame_changed(self.canvas.frame))  # key frame undone / redone
        signals().language_changed.connect(self.retranslate)
        self.retranslate()
        self.reset()

    def retranslate(self, *_args) -> None:
        self.play_button.setText(tr("Pause") if self.play_button.isChecked() else tr("Play"))
        self.play_button.setToolTip(tr("Play or pause the cine at the file's frame rate"))
        self.key_button.setText(tr("Key frame"))
        self.key_button.setToolTip(tr("Use the frame shown as this film's key frame"))
        self.subtract.setText(tr("Subtract"))
        self.subtract.setToolTip(tr("Show this frame minus the mask frame (spot vascular uptake)"))
        self.mask.setPrefix(tr("mask "))  # never a bare "1" beside Subtract
        self.mask.setToolTip(tr("Mask frame: the frame subtracted from the frame shown"))
        self._frame_changed(self.canvas.frame)

    def reset(self) -> None:
        """Follow the canvas's film: ranges, visibility, playback stopped."""
        self.set_playing(False)
        display = self.canvas.display
        frames = display.frames if display is not None else 1
        self.setVisible(frames > 1)
        self.slider.blockSignals(True)
        self.slider.setRange(0, max(0, frames - 1))
        self.slider.setValue(self.canvas.frame)
        self.slider.blockSignals(False)
        self.mask.blockSignals(True)
        self.mask.setRange(1, max(1, frames))
        self.mask.setValue(1)
        self.mask.blockSignals(False)
        self.subtract.blockSignals(True)
        self.subtract.setChecked(False)
        self.subtract.blockSignals(False)
        self._frame_changed(self.canvas.frame)

    def frame_interval_ms(self) -> float:
        display = self.canvas.display
        ms = display.image.info.frame_time_ms if display is not None else None
        return float(ms) if ms and ms > 0 else DEFAULT_FRAME_MS

    def set_playing(self, playing: bool) -> None:
        if self.play_button.isChecked() != playing:
            self.play_button.setChecked(playing)  # re-enters through toggled
            return
        if playing and self.canvas.display is not None and self.canvas.display.frames > 1:
            self.timer.start(max(1, int(round(self.frame_interval_ms()))))
        else:
            self.timer.stop()
        self.play_button.setText(tr("Pause") if self.timer.isActive() else tr("Play"))

    @property
    def playing(self) -> bool:
        return self.timer.isActive()

    def set_key_frame(self) -> None:
        canvas = self.canvas
        if canvas.film_id is None or canvas.film is None:
            return
        if canvas.film.key_frame != canvas.frame:
            canvas.document.update_film(canvas.film_id, key_frame=canvas.frame)
        self.key_frame_requested.emit(canvas.frame)
        self._frame_changed(canvas.frame)

    def _subtraction_changed(self, *_args) -> None:
        self.canvas.set_mask(self.mask.value() - 1 if self.subtract.isChecked() else None)

    def _frame_changed(self, frame: int) -> None:
        display = self.canvas.display
        total = display.frames if display is not None else 1
        self.slider.blockSignals(True)
        self.slider.setValue(frame)
        self.slider.blockSignals(False)
        film = self.canvas.film
        key = film is not None and film.key_frame == frame
        text = tr("{n}/{total}").format(n=frame + 1, total=total)
        self.frame_label.setText(text + (" " + tr("(key)") if key else ""))
