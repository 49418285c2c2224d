"""Pixel spacing of a DICOM film and where it came from (domain.md §3).

Order of precedence, first valid one wins (values in mm between pixel centres,
[row spacing, column spacing] as in DICOM):

1. ``PixelSpacing`` (0028,0030): patient plane -> ``CalibrationSource.PIXEL_SPACING``;
   for enhanced objects also ``PixelMeasuresSequence`` in the shared or first
   per-frame functional group.
2. ``ImagerPixelSpacing`` (0018,1164) / ``EstimatedRadiographicMagnificationFactor``
   (0018,1114) -> ``ERMF``.
3. ``ImagerPixelSpacing`` alone: detector plane -> ``DETECTOR``.
4. none -> ``NONE`` (lengths in pixels).

A spacing that is missing, zero, negative or not a number is skipped, so the
next source in the list is used.
"""

from __future__ import annotations

from typing import Any

from annotator.geometry import Calibration, CalibrationSource
from annotator.io.safe_meta import get_float, get_floats, get_raw


def _pair(values: list[float]) -> tuple[float, float] | None:
    if len(values) == 1:
        values = values * 2
    if len(values) != 2 or not all(v > 0 for v in values):
        return None
    return values[0], values[1]


def _functional_group_spacing(ds: Any) -> tuple[float, float] | None:
    for seq_kw in ("SharedFunctionalGroupsSequence", "PerFrameFunctionalGroupsSequence"):
        seq = get_raw(ds, seq_kw)
        try:
            item = seq[0] if seq else None
            measures = item.get("PixelMeasuresSequence") if item is not None else None
            if measures:
                pair = _pair(get_floats(measures[0], "PixelSpacing"))
                if pair:
                    return pair
        except Exception:  # malformed functional groups: ignore them
            continue
    return None


def detect_calibration(ds: Any) -> Calibration:
    """The calibration of a DICOM dataset; never raises."""
    pair = _pair(get_floats(ds, "PixelSpacing")) or _functional_group_spacing(ds)
    if pair:
        return Calibration(pair[0], pair[1], CalibrationSource.PIXEL_SPACING)
    imager = _pair(get_floats(ds, "ImagerPixelSpacing"))
    if imager:
        ermf = get_float(ds, "EstimatedRadiographicMagnificationFactor")
        if ermf is not None and ermf > 0:
            return Calibration(imager[0] / ermf, imager[1] / ermf, CalibrationSource.ERMF)
        return Calibration(imager[0], imager[1], CalibrationSource.DETECTOR)
    return Calibration.none()
