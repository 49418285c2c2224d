"""The image object every client (CLI, GUI, rules, export, assist) reads films through.

Pixel values come in two forms:

- ``stored_frame(i)``: the stored values of frame ``i`` as an integer array
  (H x W for monochrome), decoded lazily, one frame at a time where the
  transfer syntax allows it;
- ``modality_lut(lo, hi)``: the modality LUT (PS3.3 C.11.1, as pydicom's
  ``apply_modality_lut``) evaluated for every stored value lo..hi, so the
  render layer can fold modality, VOI, inversion and gamma into one table.
  ``frame_modality_lut(i, lo, hi)`` is the same for frame ``i``: an enhanced
  multi-frame file keeps its rescale in the functional groups (Pixel Value
  Transformation), shared or per frame; ``modality_key(i)`` is equal for
  frames that share one.

One default window per film (``default_window``): the file's first window, else
the automatic window of frame 0, whatever frame is shown -- the viewer, the
``render`` command and export show every frame of a cine with the same window.

Colour images (RGB, YBR converted to RGB, palette colour expanded) return
H x W x 3 ``uint8`` from ``stored_frame`` and have ``is_color`` set; they are
shown as they are.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Hashable
from dataclasses import dataclass, field, fields
from datetime import datetime, timedelta, timezone
from pathlib import Path

import numpy as np

from annotator.geometry import Calibration, Directions

# Documented limits: larger images are refused with ImageTooLargeError.
MAX_DIMENSION = 16384  # rows and columns, DICOM and plain images
MAX_FRAMES = 4096  # frames of a DICOM file
MAX_TOTAL_PIXELS = 1_200_000_000  # rows * columns * frames of a DICOM file
MAX_PLAIN_PIXELS = MAX_DIMENSION * MAX_DIMENSION  # a plain image: any size up to 16384 x 16384


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
    # frames whose pixel data is all in the file: fewer than ``frames`` when a cine run is cut short
    complete_frames: int | None = None  # None: all of them
    presentation_inverse: bool = False  # PresentationLUTShape INVERSE: shown inverted, like MONOCHROME1
    # UTC offset of acquisition_time (AcquisitionDateTime's "&ZZXX", else TimezoneOffsetFromUTC)
    utc_offset: timedelta | None = None

    @property
    def name(self) -> str:
        return self.path.name

    @property
    def frames_complete(self) -> int:
        """How many frames can be shown (frames 0..frames_complete-1)."""
        return self.frames if self.complete_frames is None else self.complete_frames

    @property
    def cut_short(self) -> bool:
        return self.frames_complete < self.frames

    @property
    def acquisition_aware(self) -> datetime | None:
        """``acquisition_time`` with its UTC offset attached when the file states one (for printing)."""
        t = self.acquisition_time
        if t is None or self.utc_offset is None:
            return t
        return t.replace(tzinfo=timezone(self.utc_offset))

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
        """MONOCHROME1 or PresentationLUTShape INVERSE: shown inverted, after VOI, exactly once.

        The two say the same thing (the DX image module asks MONOCHROME1 images
        to carry INVERSE too), so both together still invert once.
        """
        return self.info.photometric == "MONOCHROME1" or self.info.presentation_inverse

    @abstractmethod
    def stored_frame(self, index: int = 0) -> np.ndarray:
        """Stored values of one frame (integer array), decoded on first use and cached."""

    @abstractmethod
    def modality_lut(self, lo: int, hi: int) -> np.ndarray:
        """Modality-LUT output (float64) for every stored value in [lo, hi] (of frame 0)."""

    def frame_modality_lut(self, index: int, lo: int, hi: int) -> np.ndarray:
        """``modality_lut`` of frame ``index`` (differs only in enhanced files that rescale per frame)."""
        return self.modality_lut(lo, hi)

    def modality_key(self, index: int) -> Hashable:
        """Equal for frames with the same modality LUT (a renderer keeps its table across them)."""
        return None

    def modality_frame(self, index: int = 0) -> np.ndarray:
        """Modality values of one frame (float32), for analysis rather than display."""
        raw = self.stored_frame(index)
        if self.is_color:
            return raw.astype(np.float32)
        lo, hi = int(raw.min()), int(raw.max())
        return self.frame_modality_lut(index, lo, hi).astype(np.float32)[raw.astype(np.int64) - lo]

    @abstractmethod
    def auto_window(self, index: int = 0) -> WindowPreset:
        """A robust window (percentiles of modality values) for frames without one."""

    def default_window(self, index: int = 0) -> WindowPreset:
        """The window a film is first shown with, the same for every frame.

        The file's first window, else the automatic window of frame 0. ``index``
        (the frame about to be shown) does not change it: stepping through a
        cine, ``render --frame N`` and export all show frame N as the viewer does.
        """
        return self.info.windows[0] if self.info.windows else self.auto_window(0)

    def __repr__(self) -> str:  # never shows identity: path name and geometry only
        i = self.info
        return f"<{type(self).__name__} {i.path.name} {i.columns}x{i.rows}x{i.frames} {i.photometric}>"
