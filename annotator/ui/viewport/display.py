"""Display state of one film that is not annotation state: frame, window, subtraction.

Wraps the render layer's ``FrameRenderer`` and adds the subtraction view
(frame minus a mask frame, on modality values, windowed symmetric around 0)
for spotting vascular uptake. ``buffer()`` returns the uint8 display buffer
(H x W or H x W x 3, stored pixel grid); ``window`` is (centre, width) in
modality units (or in difference units while subtracting).

Window presets on keys 1-5 (``presets()``, named by ``preset_names()``): the
file's own windows first, then four derived from frame 0's modality values (once
per film: one set for every frame, as the opening window):
automatic (0.5-99.5 percentile of the histogram), full range (minimum to maximum),
high contrast and low contrast (the automatic centre, half and twice its width);
near-duplicates are dropped, five at most. Colour films have the file's only.
"""

from __future__ import annotations

import numpy as np

from annotator.io.image import FluoroImage, WindowPreset
from annotator.render import FrameRenderer
from annotator.ui.i18n import tr, trf

MAX_PRESETS = 5
SAMPLE_STEP = 4  # every 4th pixel in each direction is plenty for percentiles


def tr_noop(text: str) -> str:
    return text


DERIVED_NAMES = {"auto": tr_noop("Automatic"), "full": tr_noop("Full range"),
                 "high": tr_noop("High contrast"), "low": tr_noop("Low contrast")}


class FilmDisplay:
    """Frame, window and subtraction of one image; renders on demand."""

    def __init__(self, image: FluoroImage, frame: int = 0) -> None:
        self.image = image
        self.renderer = FrameRenderer(image, frame=frame)
        self.mask_frame: int | None = None  # subtraction off when None
        self._sub_window: tuple[float, float] | None = None
        self._presets: list[tuple[WindowPreset, str]] | None = None  # [(preset, kind)], once per film
        self.preset_number: int | None = None  # the key (1-5) of the window shown; None once the user drags

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
        self.preset_number = None

    def _preset_list(self) -> list[tuple[WindowPreset, str]]:
        """(preset, kind) for keys 1..5; kind "file", "default" or a ``DERIVED_NAMES`` key.
        Computed once per film (a cine's frame steps neither recompute nor rename them)."""
        if self._presets is not None:
            return self._presets
        out: list[tuple[WindowPreset, str]] = [(p, p.source if p.source == "default" else "file")
                                               for p in self.image.info.windows]
        if not self.image.is_color:
            for preset, kind in self._derived():
                if not any(_same(preset, q) for q, _k in out):
                    out.append((preset, kind))
        out = out[:MAX_PRESETS]
        self._presets = out
        return out

    def _derived(self) -> list[tuple[WindowPreset, str]]:
        """From frame 0, like the film's opening window (``default_window``): one set of windows
        for every frame of a film; for a film without a window of its own, "Automatic" on any
        frame is the window it opened with."""
        auto = self.image.auto_window(0)
        values = self.image.modality_frame(0)[::SAMPLE_STEP, ::SAMPLE_STEP]
        if values.size == 0:
            return [(auto, "auto")]
        lo, hi = float(values.min()), float(values.max())
        return [
            (auto, "auto"),
            (WindowPreset((lo + hi) / 2.0, max(hi - lo, 1.0), "full range", "auto"), "full"),
            (WindowPreset(auto.center, max(auto.width / 2.0, 1.0), "high contrast (half the automatic width)",
                          "auto"), "high"),
            (WindowPreset(auto.center, 2.0 * auto.width, "low contrast (twice the automatic width)", "auto"), "low"),
        ]

    def presets(self) -> list[WindowPreset]:
        """Window presets for keys 1..5 (see the module docstring)."""
        return [p for p, _kind in self._preset_list()]

    def preset_names(self) -> list[str]:
        """The name of each preset in the interface language: a file window by its explanation."""
        return [self._file_window_name(i) if kind in ("file", "default") else tr(DERIVED_NAMES[kind])
                for i, (_p, kind) in enumerate(self._preset_list(), start=1)]

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
        self.preset_number = number
        return preset

    def window_name(self) -> str | None:
        """The key and name of the window shown ("[1] PHANTOM DEFAULT"); None for a window the
        user dragged. The film's opening window is named without computing the derived presets."""
        if self.subtracting:
            return None
        files = self.image.info.windows
        number = self.preset_number
        if number is None:
            current = self.renderer.preset
            if current is None or current.source == "user":
                return None
            number = next((i for i, p in enumerate(files[:MAX_PRESETS], start=1) if p is current), None)
            if number is None and current.source == "auto" and len(files) < MAX_PRESETS:
                number = len(files) + 1  # the automatic window comes right after the file's
            if number is None:
                return None
        if number <= len(files):
            name = self._file_window_name(number)
        elif self.preset_number is None:  # the opening automatic window: named without the presets
            name = tr(DERIVED_NAMES["auto"])
        else:
            names = self.preset_names()
            if number > len(names):
                return None
            name = names[number - 1]
        return f"[{number}] {name}"

    def _file_window_name(self, number: int) -> str:
        p = self.image.info.windows[number - 1]
        if p.source == "default":
            return tr("As stored")
        return p.explanation or trf("File window {n}", n=number)

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


def _same(a: WindowPreset, b: WindowPreset) -> bool:
    """Two windows that would look the same (centres and widths within 1 % of the width)."""
    if a.lut is not None or b.lut is not None:
        return a is b
    scale = max(abs(a.width), abs(b.width), 1e-9)
    return abs(a.center - b.center) <= 0.01 * scale and abs(a.width - b.width) <= 0.01 * scale
