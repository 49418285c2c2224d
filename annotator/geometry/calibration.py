"""Pixel-to-millimetre calibration with the source that decided it.

Order of precedence (domain.md §3): PixelSpacing (patient plane);
ImagerPixelSpacing / EstimatedRadiographicMagnificationFactor; ImagerPixelSpacing
alone (detector plane); a user calibration by a line of known length; none.
Every length shown carries the unit label of its source.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class CalibrationSource(StrEnum):
    PIXEL_SPACING = "PixelSpacing"
    ERMF = "ImagerPixelSpacing/ERMF"
    DETECTOR = "ImagerPixelSpacing"
    USER = "user"
    NONE = "none"

    @property
    def unit_label(self) -> str:
        return {
            CalibrationSource.PIXEL_SPACING: "mm",
            CalibrationSource.ERMF: "mm (ERMF)",
            CalibrationSource.DETECTOR: "mm (detector)",
            CalibrationSource.USER: "mm (calibrated)",
            CalibrationSource.NONE: "px",
        }[self]


@dataclass(frozen=True)
class Calibration:
    """Spacing in mm between pixel centres; ``None`` spacing means pixels only.

    ``row_mm`` is the spacing between rows (along +y), ``col_mm`` between
    columns (along +x), as in DICOM PixelSpacing = [row, column].
    """

    row_mm: float | None = None
    col_mm: float | None = None
    source: CalibrationSource = CalibrationSource.NONE
    # unknown case-file keys of this object, kept for the next save (not part of equality)
    extra: Mapping[str, Any] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        if (self.row_mm is None) != (self.col_mm is None):
            raise ValueError("row_mm and col_mm must both be set or both be None")
        if self.row_mm is not None:
            for v in (self.row_mm, self.col_mm):
                if not (isinstance(v, (int, float)) and math.isfinite(v) and v > 0):
                    raise ValueError(f"pixel spacing must be a positive number, got {v!r}")
            if self.source is CalibrationSource.NONE:
                raise ValueError("a spacing needs a source other than NONE")
        elif self.source is not CalibrationSource.NONE:
            raise ValueError(f"source {self.source} needs a spacing")

    @classmethod
    def none(cls) -> Calibration:
        return cls()

    @classmethod
    def from_known_length(
        cls, p: tuple[float, float], q: tuple[float, float], length_mm: float
    ) -> Calibration:
        """User calibration: the segment p→q (pixels) is ``length_mm`` long (isotropic)."""
        px = math.dist(p, q)
        if px <= 0 or length_mm <= 0:
            raise ValueError("calibration needs a non-zero line and a positive length")
        s = length_mm / px
        return cls(s, s, CalibrationSource.USER)

    @property
    def is_mm(self) -> bool:
        return self.row_mm is not None

    @property
    def unit_label(self) -> str:
        return self.source.unit_label

    def length(self, p: tuple[float, float], q: tuple[float, float]) -> float:
        """Length of p→q in this calibration's unit (mm, or px when uncalibrated)."""
        dx, dy = q[0] - p[0], q[1] - p[1]
        if self.row_mm is None or self.col_mm is None:
            return math.hypot(dx, dy)
        return math.hypot(dx * self.col_mm, dy * self.row_mm)

    def to_units(self, dx: float, dy: float) -> tuple[float, float]:
        """A pixel displacement in this calibration's unit, per axis."""
        if self.row_mm is None or self.col_mm is None:
            return dx, dy
        return dx * self.col_mm, dy * self.row_mm

    def mean_mm_per_px(self) -> float | None:
        if self.row_mm is None or self.col_mm is None:
            return None
        return (self.row_mm + self.col_mm) / 2.0
