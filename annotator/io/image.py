"""The image object every client (CLI, GUI, rules, export, assist) reads films through.

Pixel values come in two forms:

- ``stored_frame(i)``: the stored values of frame ``i`` as an integer array
  (H x W for monochrome), decoded lazily, one frame at a time where the
  transfer syntax allows it;
- ``modality_lut(lo, hi)``: the modality LUT (PS3.3 C.11.1, as pydicom's
  ``apply_modality_lut``) evaluated for every stored value lo..hi, so the
  render layer can fold modality, VOI, inversion and gamma into one table.

Colour images (RGB, YBR converted to RGB, palette colour expanded) return
H x W x 3 ``uint8`` from ``stored_frame`` and have ``is_color`` set; they are
shown as they are.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field, fields
from datetime import datetime
from pathlib import Path

import numpy as np

from annotator.geometry import Calibration, Directions

# Documented limit: larger images are refused with ImageTooLargeError.
MAX_DIMENSION = 16384
MAX_FRAMES = 4096
MAX_TOTAL_PIXELS = 1_200_000_000  # rows * columns * frames


@dataclass(frozen=True)
class WindowPreset:
    """A window of the linear VOI function (PS3.3 C.11.2.1.2) on modality values,
    or a VOI LUT table (``lut`` set, ``lut_first`` = first mapped input value)."""

    center: float
    width: float
    explanation: str = ""
    source: str = "file"  # "file", "voi_lut", "default" (plain image as stored), "auto", "user"
    function: str = "LINEAR"  # LINEAR, LINEAR_EXACT, SIGMOID (VOILUTFunction)
    lut: np.ndarray | None = field(default=None, compare=False, repr=False)
    lut_first: int = 0
    lut_bits: int = 0


@dataclass(frozen=True)
class ViewInfo:
    """Detected view ("AP", "lateral", "oblique", "unknown") and what decided it."""

    view: str
    evidence: str  # e.g. "ViewPosition = 'LL'" or "SeriesDescription contains '侧位'"


@dataclass(frozen=True)
class ImageInfo:
    """Everything about an image that is safe to print: no patient identity."""

    path: Path = field(repr=False)  # folders may carry patient names: repr shows ``name`` only
    format: str  # "DICOM" or the plain format name ("PNG", "TIFF", ...)
    rows: int
    columns: int
    frames: int
    bits_stored: int
    bits_allocated: int
    photometric: str  # MONOCHROME1, MONOCHROME2, RGB, PALETTE COLOR, ... ("MONOCHROME2" for grey plain images)
    samples_per_pixel: int
    transfer_syntax: str | None  # name, e.g. "JPEG 2000 Image Compression"; None for plain images
    transfer_syntax_uid: str | None
    sop_class: str | None  # name of the SOP class, e.g. "X-Ray Angiographic Image Storage"
    modality: str | None
    calibration: Calibration
    view: ViewInfo
    directions: Directions
    acquisition_time: datetime | None
    instance_number: int | None
    frame_time_ms: float | None  # per-frame interval for cine, None for single frames
    windows: tuple[WindowPreset, ...]  # from the file (plain grey images: "as stored"); may be empty

    @property
    def name(self) -> str:
        return self.path.name

    def __repr__(self) -> str:
        shown = ", ".join(f"{f.name}={getattr(self, f.name)!r}" for f in fields(self) if f.repr)
        return f"ImageInfo(name={self.name!r}, {shown})"


class FluoroImage(ABC):
    """An opened film. Cheap to create: no pixel data is decoded until asked."""

    info: ImageInfo

    @property
    def is_color(self) -> bool:
        return self.info.samples_per_pixel == 3 or self.info.photometric == "PALETTE COLOR"

    @property
    def invert(self) -> bool:
        """MONOCHROME1: shown inverted, after VOI, exactly once."""
        return self.info.photometric == "MONOCHROME1"

    @abstractmethod
    def stored_frame(self, index: int = 0) -> np.ndarray:
        """Stored values of one frame (integer array), decoded on first use and cached."""

    @abstractmethod
    def modality_lut(self, lo: int, hi: int) -> np.ndarray:
        """Modality-LUT output (float64) for every stored value in [lo, hi]."""

    def modality_frame(self, index: int = 0) -> np.ndarray:
        """Modality values of one frame (float32), for analysis rather than display."""
        raw = self.stored_frame(index)
        if self.is_color:
            return raw.astype(np.float32)
        lo, hi = int(raw.min()), int(raw.max())
        return self.modality_lut(lo, hi).astype(np.float32)[raw.astype(np.int64) - lo]

    @abstractmethod
    def auto_window(self, index: int = 0) -> WindowPreset:
        """A robust window (percentiles of modality values) for frames without one."""

    def default_window(self, index: int = 0) -> WindowPreset:
        return self.info.windows[0] if self.info.windows else self.auto_window(index)

    def __repr__(self) -> str:  # never shows identity: path name and geometry only
        i = self.info
        return f"<{type(self).__name__} {i.path.name} {i.columns}x{i.rows}x{i.frames} {i.photometric}>"
