"""Display state of one film that is not annotation state: frame, window, subtraction.

Wraps the render layer's ``FrameRenderer`` and adds the subtraction view
(frame minus a mask frame, on modality values, windowed symmetric around 0)
for spotting vascular uptake. ``buffer()`` returns the uint8 display buffer
(H x W or H x W x 3, stored pixel grid); ``window`` is (centre, width) in
modality units (or in difference units while subtracting).
"""

from __future__ import annotations

import numpy as np

from annotator.io.image import FluoroImage, WindowPreset
from annotator.render import FrameRenderer


class FilmDisplay:
    """Frame, window and subtraction of one image; renders on demand."""

    def __init__(self, image: FluoroImage, frame: int = 0) -> None:
        self.image = image
        self.renderer = FrameRenderer(image, frame=frame)
        self.mask_frame: int | None = None  # subtraction off when None
        self._sub_window: tuple[float, float] | None = None

    @property
    def frames(self) -> int:
        return self.image.info.frames

    @property
    def frame(self) -> int:
        return self.renderer.frame

    @frame.setter
    def frame(self, index: int) -> None:
        self.renderer.frame = max(0, min(self.frames - 1, int(index)))

    # -- window ----------------------------------------------------------------
    @property
    def window(self) -> tuple[float, float] | None:
        if self.subtracting:
            return self._sub_window or self._auto_sub_window()
        return self.renderer.window

    @window.setter
    def window(self, value: tuple[float, float]) -> None:
        c, w = float(value[0]), max(1e-6, float(value[1]))
        if self.subtracting:
            self._sub_window = (c, w)
        else:
            self.renderer.window = (c, w)

    def presets(self) -> list[WindowPreset]:
        """Window presets for keys 1..5: the file's, then the automatic one."""
        out = list(self.image.info.windows)
        if not self.image.is_color:
            out.append(self.image.auto_window(self.frame))
        return out[:5]

    def apply_preset(self, number: int) -> WindowPreset | None:
        """Key ``number`` (1-based); None when there is no such preset."""
        presets = self.presets()
        if not 1 <= number <= len(presets):
            return None
        preset = presets[number - 1]
        if self.subtracting:
            self._sub_window = None
        else:
            self.renderer.window = preset
        return preset

    @property
    def invert(self) -> bool:
        return self.renderer.invert

    @invert.setter
    def invert(self, value: bool) -> None:
        self.renderer.invert = bool(value)

    # -- subtraction -------------------------------------------------------------
    @property
    def subtracting(self) -> bool:
        return self.mask_frame is not None and self.frames > 1 and not self.image.is_color

    def set_mask(self, frame: int | None) -> None:
        """Subtract ``frame`` from every shown frame (None: plain view)."""
        self.mask_frame = None if frame is None else max(0, min(self.frames - 1, int(frame)))
        self._sub_window = None

    def difference(self) -> np.ndarray:
        """Current frame minus the mask frame, in modality units (float32, H x W)."""
        assert self.mask_frame is not None
        return self.image.modality_frame(self.frame) - self.image.modality_frame(self.mask_frame)

    def _auto_sub_window(self) -> tuple[float, float]:
        diff = self.difference()
        half = float(np.percentile(np.abs(diff), 99.9)) if diff.size else 1.0
        # Small uptake covers < 0.1 % of the frame: never window tighter than a quarter of the
        # plain window, or noise would fill the screen.
        plain = self.renderer.window
        floor = 0.25 * plain[1] if plain is not None else 1.0
        return 0.0, 2.0 * max(half, floor, 1.0)

    # -- pixels ------------------------------------------------------------------
    def buffer(self) -> np.ndarray:
        if not self.subtracting:
            return self.renderer.buffer()
        diff = self.difference()
        c, w = self._sub_window or self._auto_sub_window()
        y = (diff - (c - w / 2.0)) * (255.0 / w)
        if self.renderer.invert:
            y = 255.0 - y
        return np.clip(y, 0, 255).astype(np.uint8)
