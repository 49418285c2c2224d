"""Which view a film shows (AP, lateral, oblique) and its patient directions.

Evidence is weighed in this order (domain.md §3), the first conclusive one wins:

1. ``ViewPosition`` (0018,5101): AP/PA -> AP; LL/RL/LAT -> lateral;
   LAO/RAO/LPO/RPO/OBL -> oblique.
2. ``PositionerPrimaryAngle`` (0018,1510) in degrees (LAO positive):
   ``|a| <= AP_MAX_DEG`` -> AP, ``|a| >= LATERAL_MIN_DEG`` -> lateral
   (angles are folded into [-180, 180] and mirrored around ±90), between -> oblique.
3. Words in SeriesDescription, ImageComments,
   AcquisitionDeviceProcessingDescription, ProtocolName, StudyDescription
   (English and Chinese: 正位/前后位/后前位, 侧位, 斜位, "AP", "PA", "frontal",
   "lateral", "LAT", "oblique", "OBL", "LAO"...; whole words only, so "CAP" is no AP).

``ImageLaterality`` is not a view; when present it is added to the evidence.
The evidence string names the tag and its value so the user can judge it.
"""

from __future__ import annotations

import re
from typing import Any

from annotator.geometry import Directions
from annotator.io.image import ViewInfo
from annotator.io.safe_meta import get_cs, get_float, get_str, get_strs

AP_MAX_DEG = 15.0  # |PositionerPrimaryAngle| up to this is an AP (or PA) view
LATERAL_MIN_DEG = 75.0  # |angle| from this up to 105 (mirrored) is a lateral view

PLAIN_IMAGE_VIEW = ViewInfo("unknown", "plain image: set the view")

_VIEW_POSITION = {
    "AP": "AP", "PA": "AP",
    "LL": "lateral", "RL": "lateral", "LAT": "lateral", "LATERAL": "lateral",
    "LAO": "oblique", "RAO": "oblique", "LPO": "oblique", "RPO": "oblique", "OBL": "oblique",
    "OBLIQUE": "oblique",
}

# Text tags searched for view words, in order of trust.
TEXT_TAGS = (
    "SeriesDescription",
    "ImageComments",
    "AcquisitionDeviceProcessingDescription",
    "ProtocolName",
    "StudyDescription",
)

# (view, pattern): oblique before lateral before AP, so "LAT OBL" is oblique.
_WORDS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("oblique", re.compile(r"斜位|(?<![a-z])(obl(ique)?|lao|rao|lpo|rpo)(?![a-z])", re.IGNORECASE)),
    ("lateral", re.compile(r"侧位|側位|(?<![a-z])(lat(eral)?|ll|rl)(?![a-z])", re.IGNORECASE)),
    ("AP", re.compile(r"正位|前后位|后前位|(?<![a-z])(ap|pa|frontal)(?![a-z])", re.IGNORECASE)),
)


def view_from_angle(angle: float) -> str:
    """AP / lateral / oblique for a primary positioner angle in degrees."""
    a = abs(((angle + 180.0) % 360.0) - 180.0)  # fold to [0, 180]
    if a > 90.0:
        a = 180.0 - a  # PA side: 170 deg is 10 deg off AP
    if a <= AP_MAX_DEG:
        return "AP"
    if a >= LATERAL_MIN_DEG:
        return "lateral"
    return "oblique"


def view_from_text(text: str) -> tuple[str, str] | None:
    """(view, matched word) for the first view word found in ``text``."""
    for view, pattern in _WORDS:
        m = pattern.search(text)
        if m:
            return view, m.group(0)
    return None


def _detect(ds: Any) -> ViewInfo:
    vp = get_cs(ds, "ViewPosition")  # a damaged value is never shown
    if vp and vp in _VIEW_POSITION:
        return ViewInfo(_VIEW_POSITION[vp], f"ViewPosition = {vp!r}")
    angle = get_float(ds, "PositionerPrimaryAngle")
    if angle is not None:
        return ViewInfo(view_from_angle(angle), f"PositionerPrimaryAngle = {angle:g}°")
    for tag in TEXT_TAGS:
        text = get_str(ds, tag)
        if not text:
            continue
        found = view_from_text(text)
        if found:
            return ViewInfo(found[0], f"{tag} contains {found[1]!r}")
    if vp:
        return ViewInfo("unknown", f"ViewPosition = {vp!r} is not a known view: set the view")
    return ViewInfo("unknown", "no view in the file: set the view")


def detect_view(ds: Any) -> ViewInfo:
    """The view of a DICOM dataset with the evidence that decided it."""
    info = _detect(ds)
    laterality = get_cs(ds, "ImageLaterality")
    if laterality:
        info = ViewInfo(info.view, f"{info.evidence}; ImageLaterality = {laterality!r}")
    return info


def detect_directions(ds: Any, view: str) -> Directions:
    """PatientOrientation (0020,0020) when valid, else the default for the view."""
    values = get_strs(ds, "PatientOrientation")
    if len(values) == 2:
        try:
            return Directions(values[0], values[1], "PatientOrientation")
        except ValueError:
            pass
    return Directions.default_for_view(view)
