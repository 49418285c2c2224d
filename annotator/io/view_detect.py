"""Which view a film shows (AP, lateral, oblique) and its patient directions.

Evidence is weighed in this order (domain.md §3), the first conclusive one wins:

1. ``ViewPosition`` (0018,5101): AP/PA -> AP; LL/RL/LAT/LATERAL -> lateral;
   the standard's obliques RLO/LLO and the values C-arms write anyway
   (LAO/RAO/LPO/RPO, OBL) -> oblique. Other values (RLD, LLD, ...) decide
   nothing: the next evidence is used and the value is named if none decides.
2. ``PositionerPrimaryAngle`` (0018,1510) in degrees (LAO positive):
   ``|a| <= AP_MAX_DEG`` -> AP, ``|a| >= LATERAL_MIN_DEG`` -> lateral
   (angles are folded into [-180, 180] and mirrored around ±90), between -> oblique.
3. Words in SeriesDescription, ImageComments,
   AcquisitionDeviceProcessingDescription, ProtocolName, StudyDescription
   (English and Chinese: 正位/前后位/后前位, 侧位, 斜位 and 左前斜/右前斜/左后斜/右后斜,
   "AP", "PA", "frontal", "lateral", "LAT", "oblique", "OBL", "LAO"...; whole
   words only, so "CAP" is no AP). A text that names two views -- "AP/LAT",
   "AP+LAT", "正侧位" (a series holding both films) -- decides nothing: the
   next tag is asked, and if none decides the view is unknown with that
   evidence. An oblique word next to a lateral or AP word ("LAT OBL",
   "AP oblique") names one oblique view.

``ImageLaterality`` is not a view; when present it is added to the evidence.
The evidence string names the tag and its value so the user can judge it.
"""

from __future__ import annotations

import re
from typing import Any, NamedTuple

from annotator.geometry import Directions
from annotator.io.image import ViewInfo
from annotator.io.safe_meta import get_cs, get_float, get_str, get_strs

AP_MAX_DEG = 15.0  # |PositionerPrimaryAngle| up to this is an AP (or PA) view
LATERAL_MIN_DEG = 75.0  # |angle| from this up to 105 (mirrored) is a lateral view

PLAIN_IMAGE_VIEW = ViewInfo("unknown", "plain image: set the view")

_VIEW_POSITION = {
    "AP": "AP", "PA": "AP",
    "LL": "lateral", "RL": "lateral", "LAT": "lateral", "LATERAL": "lateral",
    "RLO": "oblique", "LLO": "oblique",  # the standard's defined terms (DX Positioning module)
    "LAO": "oblique", "RAO": "oblique", "LPO": "oblique", "RPO": "oblique",  # what C-arms write anyway
    "OBL": "oblique", "OBLIQUE": "oblique",
}

# Text tags searched for view words, in order of trust.
TEXT_TAGS = (
    "SeriesDescription",
    "ImageComments",
    "AcquisitionDeviceProcessingDescription",
    "ProtocolName",
    "StudyDescription",
)

# Chinese view characters in a run such as 正侧位 or 正、侧位: each character names a view.
_CJK_SEP = "、/／+＋,，和及与與 "
_CJK_VIEW = {"正": "AP", "侧": "lateral", "側": "lateral", "斜": "oblique"}
_CJK_RUN = re.compile(f"[正侧側斜](?:[{_CJK_SEP}]*[正侧側斜])*[{_CJK_SEP}]*位")

_WORDS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("oblique", re.compile(r"[左右]?[前后後]斜|(?<![a-z])(obl(ique)?|lao|rao|lpo|rpo|llo|rlo)(?![a-z])",
                           re.IGNORECASE)),
    ("lateral", re.compile(r"(?<![a-z])(lat(eral)?|ll|rl)(?![a-z])", re.IGNORECASE)),
    ("AP", re.compile(r"前后位|后前位|前後位|後前位|(?<![a-z])(ap|pa|frontal)(?![a-z])", re.IGNORECASE)),
)
# between an oblique word and the word it qualifies ("LAT OBL", "AP oblique", "lateral-oblique")
_QUALIFIER_GAP = re.compile(r"[\s\-]*")


class _Mention(NamedTuple):
    view: str
    word: str
    start: int
    end: int
    joinable: bool  # may be qualified by an oblique word next to it (not a character of 正侧位)


def _mentions(text: str) -> list[_Mention]:
    """Every view named in ``text``, in text order; overlapping words of one view count once."""
    found = []
    for view, pattern in _WORDS:
        found += [_Mention(view, m.group(0), m.start(), m.end(), True) for m in pattern.finditer(text)]
    for m in _CJK_RUN.finditer(text):
        chars = [c for c in m.group(0) if c in _CJK_VIEW]
        if len(chars) == 1:
            found.append(_Mention(_CJK_VIEW[chars[0]], f"{chars[0]}位", m.start(), m.end(), True))
        else:
            found += [_Mention(_CJK_VIEW[c], c, m.start(), m.end(), False) for c in chars]
    found.sort(key=lambda f: (f.start, f.start - f.end))
    out: list[_Mention] = []
    for f in found:  # 左后斜位: 左后斜 and 斜位 are one oblique mention
        if not any(o.view == f.view and f.start < o.end and o.start < f.end for o in out):
            out.append(f)
    return out


def _qualified(text: str, mentions: list[_Mention]) -> bool:
    """Every non-oblique word sits right next to an oblique word ("LAT OBL"): one oblique view."""
    def adjacent(a: _Mention, b: _Mention) -> bool:
        gap = text[a.end:b.start] if a.end <= b.start else text[b.end:a.start] if b.end <= a.start else ""
        return _QUALIFIER_GAP.fullmatch(gap) is not None

    obliques = [m for m in mentions if m.view == "oblique" and m.joinable]
    return all(
        m.view == "oblique" or (m.joinable and any(adjacent(m, o) for o in obliques)) for m in mentions
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
    """(view, matched word) for the view ``text`` names, or None when it names none.

    A text naming several views ("AP/LAT", "正侧位") gives ``("several", "'AP', 'LAT'")``.
    """
    mentions = _mentions(text)
    if not mentions:
        return None
    views = {m.view for m in mentions}
    if len(views) == 1 or (len(views) == 2 and "oblique" in views and _qualified(text, mentions)):
        chosen = "oblique" if "oblique" in views else mentions[0].view
        return chosen, next(m.word for m in mentions if m.view == chosen)
    words: list[str] = []
    for m in mentions:
        if repr(m.word) not in words:
            words.append(repr(m.word))
    return "several", ", ".join(words)


def _detect(ds: Any) -> ViewInfo:
    vp = get_cs(ds, "ViewPosition")  # a damaged value is never shown
    if vp and vp in _VIEW_POSITION:
        return ViewInfo(_VIEW_POSITION[vp], f"ViewPosition = {vp!r}")
    angle = get_float(ds, "PositionerPrimaryAngle")
    if angle is not None:
        return ViewInfo(view_from_angle(angle), f"PositionerPrimaryAngle = {angle:g}°")
    ambiguous: str | None = None  # the first text that named several views
    for tag in TEXT_TAGS:
        text = get_str(ds, tag)
        if not text:
            continue
        found = view_from_text(text)
        if found is None:
            continue
        if found[0] == "several":
            ambiguous = ambiguous or f"{tag} names several views ({found[1]})"
            continue
        evidence = f"{tag} contains {found[1]!r}"
        return ViewInfo(found[0], f"{evidence}; {ambiguous}" if ambiguous else evidence)
    if ambiguous:
        return ViewInfo("unknown", f"{ambiguous}: set the view")
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
