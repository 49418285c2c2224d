"""Reading DICOM header values without crashing and without leaking identity.

Every reader here returns a plain Python value (``str``, ``int``, ``float``,
``datetime`` or ``None``) and never raises on a missing or malformed element:
a bad value is treated as absent. Only non-identifying elements are read
through these helpers; the dataset object itself never leaves the io package
and never appears in a repr, a log line or an error message.
"""

from __future__ import annotations

import math
import re
from datetime import datetime, timedelta
from functools import cache, lru_cache
from typing import Any

# SOP classes without pixel data that people are likely to drop into a folder:
# UID -> what to call it in "this file is a DICOM <name>: it has no image".
_NO_IMAGE_HINTS = {
    "1.2.840.10008.5.1.4.1.1.9": "waveform",
    "1.2.840.10008.5.1.4.1.1.88": "Structured Report",
    "1.2.840.10008.5.1.4.1.1.481.5": "RT Plan",
    "1.2.840.10008.5.1.4.1.1.481.3": "RT Structure Set",
    "1.2.840.10008.5.1.4.1.1.481.2": "RT Dose",
    "1.2.840.10008.5.1.4.1.1.11": "presentation state",
    "1.2.840.10008.5.1.4.1.1.104": "encapsulated document",
    "1.2.840.10008.5.1.4.1.1.66": "raw data object",
    "1.2.840.10008.5.1.4.1.1.67": "real world value mapping",
    "1.2.840.10008.3.1.2.3.3": "modality performed procedure step",
}


@cache
def _tag_of(keyword: str) -> Any:
    """The ``BaseTag`` of a dictionary keyword (None for unknown keywords), computed once."""
    from pydicom.datadict import tag_for_keyword
    from pydicom.tag import Tag

    tag = tag_for_keyword(keyword)
    return None if tag is None else Tag(tag)


def get_raw(ds: Any, keyword: str, default: Any = None) -> Any:
    """The value of ``keyword`` in ``ds`` or ``default``; never raises.

    Looked up by its precomputed tag, not by keyword (``ds.get(keyword)`` goes
    through ``__getattr__`` and a keyword search each time, ~3x slower): a
    missing element costs one dict lookup (``get_item``), an element read
    raw is converted once by ``ds[tag]`` and then read directly.
    """
    tag = _tag_of(keyword)
    try:
        if tag is None or not hasattr(ds, "get_item"):
            value = ds.get(keyword, default)
        else:
            elem = ds.get_item(tag)
            if elem is None:
                return default
            if not isinstance(elem, _data_element()):
                elem = ds[tag]  # raw (or deferred): convert once, stored back in the dataset
            value = elem.value
    except Exception:  # malformed value: treat as absent
        return default
    return default if value is None or value == "" else value


@lru_cache(maxsize=1)
def _data_element() -> type:
    from pydicom.dataelem import DataElement

    return DataElement


def get_str(ds: Any, keyword: str) -> str | None:
    value = get_raw(ds, keyword)
    if value is None:
        return None
    try:
        if isinstance(value, (list, tuple)) or type(value).__name__ == "MultiValue":
            text = "\\".join(str(v) for v in value)
        else:
            text = str(value)
    except Exception:
        return None
    text = text.strip()
    return text or None


_CS = re.compile(r"[A-Z0-9_ ]{1,16}")
_UID = re.compile(r"[0-9]+(\.[0-9]+)*")


def get_cs(ds: Any, keyword: str) -> str | None:
    """A code string (CS, one value): upper-case letters, digits, '_' and space, at most 16.

    Anything else is a damaged value (perhaps swallowing the elements after
    it, identity included) and is treated as absent.
    """
    text = get_str(ds, keyword)
    if text is None:
        return None
    text = text.upper()
    return text if _CS.fullmatch(text) else None


def get_lo(ds: Any, keyword: str, limit: int = 64) -> str | None:
    """A short text (LO, one value) of at most ``limit`` printable characters, else None."""
    text = get_str(ds, keyword)
    if text is None or len(text) > limit or not text.isprintable():
        return None
    return text


def valid_uid(value: Any) -> str | None:
    """The UID as text when it is a syntactically valid UID (digits and dots, <= 64), else None."""
    if value is None:
        return None
    try:
        text = str(value).strip().rstrip("\x00").strip()
    except Exception:
        return None
    return text if len(text) <= 64 and _UID.fullmatch(text) else None


def get_int(ds: Any, keyword: str) -> int | None:
    value = get_raw(ds, keyword)
    if isinstance(value, (list, tuple)) or type(value).__name__ == "MultiValue":
        value = value[0] if len(value) else None
    try:
        return int(value) if value is not None else None
    except (TypeError, ValueError, OverflowError):
        return None


def to_float(value: Any) -> float | None:
    try:
        f = float(value)
    except (TypeError, ValueError, OverflowError):
        return None
    return f if math.isfinite(f) else None


def get_float(ds: Any, keyword: str) -> float | None:
    value = get_raw(ds, keyword)
    if isinstance(value, (list, tuple)) or type(value).__name__ == "MultiValue":
        value = value[0] if len(value) else None
    return to_float(value)


def get_floats(ds: Any, keyword: str) -> list[float]:
    """All values of a multi-valued numeric element (empty when absent/malformed)."""
    value = get_raw(ds, keyword)
    if value is None:
        return []
    if not (isinstance(value, (list, tuple)) or type(value).__name__ == "MultiValue"):
        value = [value]
    out = []
    for v in value:
        f = to_float(v)
        if f is None:
            return []
        out.append(f)
    return out


def get_strs(ds: Any, keyword: str) -> list[str]:
    value = get_raw(ds, keyword)
    if value is None:
        return []
    if not (isinstance(value, (list, tuple)) or type(value).__name__ == "MultiValue"):
        value = [value]
    try:
        return [str(v).strip() for v in value]
    except Exception:
        return []


_DT = re.compile(r"^(\d{4})(\d{2})?(\d{2})?(\d{2})?(\d{2})?(\d{2})?(?:\.(\d{1,6}))?")


_ZONE = re.compile(r"([+-])(\d{2})(\d{2})")  # TimezoneOffsetFromUTC: "+0800"
_DT_ZONE = re.compile(r"(?<=\d)([+-])(\d{2})(\d{2})$")  # a DT value's suffix: "20240101070000-0500"


def parse_offset(text: str | None) -> timedelta | None:
    """A UTC offset: TimezoneOffsetFromUTC ("+0800") or the ``&ZZXX`` ending a DT value; None when absent."""
    if not text:
        return None
    text = text.strip()
    m = _ZONE.fullmatch(text) or (_DT_ZONE.search(text) if len(text) >= 9 else None)
    if not m:
        return None
    sign, hours, minutes = m.group(1), int(m.group(2)), int(m.group(3))
    if hours > 14 or minutes >= 60:
        return None
    delta = timedelta(hours=hours, minutes=minutes)
    return -delta if sign == "-" else delta


def parse_dt(text: str | None) -> datetime | None:
    """DICOM DT/DA(+TM) text to a naive ``datetime`` in the time it states (see ``parse_offset``)."""
    if not text:
        return None
    text = text.strip()
    if parse_offset(text) is not None:
        text = text[:-5]
    m = _DT.match(text.replace(":", "").replace("-", ""))
    if not m:
        return None
    year, month, day, hour, minute, second, frac = m.groups()
    try:
        micro = int((frac or "0").ljust(6, "0"))
        return datetime(
            int(year), int(month or 1), int(day or 1),
            int(hour or 0), int(minute or 0), int(second or 0), micro,
        )
    except ValueError:
        return None


def acquisition_offset(ds: Any) -> timedelta | None:
    """UTC offset of the acquisition time: AcquisitionDateTime's own, else TimezoneOffsetFromUTC."""
    text = get_str(ds, "AcquisitionDateTime")
    own = parse_offset(text) if text and parse_dt(text) is not None else None
    if own is not None:
        return own
    zone = get_str(ds, "TimezoneOffsetFromUTC")
    return parse_offset(zone) if zone and _ZONE.fullmatch(zone.strip()) else None


def acquisition_time(ds: Any) -> datetime | None:
    """AcquisitionDateTime, else AcquisitionDate+Time, else ContentDate+Time, else SeriesDate+Time.

    Naive, in the local time the file states; ``acquisition_offset`` says its UTC offset.
    """
    dt = parse_dt(get_str(ds, "AcquisitionDateTime"))
    if dt is not None:
        return dt
    for date_kw, time_kw in (
        ("AcquisitionDate", "AcquisitionTime"),
        ("ContentDate", "ContentTime"),
        ("SeriesDate", "SeriesTime"),
    ):
        date = get_str(ds, date_kw)
        date = (date or "").replace("-", "").replace(".", "")
        if len(date) == 8 and date.isdigit():
            time = (get_str(ds, time_kw) or "").replace(":", "")
            dt = parse_dt(date + time)
            if dt is not None:
                return dt
    return None


def frame_time_ms(ds: Any, frames: int) -> float | None:
    """Interval between frames in ms: FrameTime, FrameTimeVector, CineRate, RecommendedDisplayFrameRate."""
    if frames <= 1:
        return None
    ft = get_float(ds, "FrameTime")
    if ft is not None and ft > 0:
        return ft
    vector = [v for v in get_floats(ds, "FrameTimeVector")[1:] if v > 0]
    if vector:
        return sum(vector) / len(vector)
    for kw in ("CineRate", "RecommendedDisplayFrameRate"):
        rate = get_float(ds, kw)
        if rate is not None and rate > 0:
            return 1000.0 / rate
    return None


def uid_name(uid: Any) -> str | None:
    """The registered name of a valid UID (its dotted value when unknown), None when damaged."""
    text = valid_uid(uid)
    if text is None:
        return None
    try:
        from pydicom.uid import UID

        name = UID(text).name
    except Exception:
        return text
    return str(name).strip() or text


def no_image_description(ds: Any, sop_class: str | None = None) -> str:
    """'a DICOM Comprehensive SR' and the like, from the SOP class (``sop_class`` or the data set's)."""
    uid = valid_uid(sop_class or get_raw(ds, "SOPClassUID"))
    if uid is None:
        return "a DICOM object"
    name = uid_name(uid) or uid
    if name != uid:  # registered: "Comprehensive SR Storage" -> "Comprehensive SR"
        return f"a DICOM {name.removesuffix(' Storage')}"
    for prefix, kind in _NO_IMAGE_HINTS.items():
        if uid.startswith(prefix):
            return f"a DICOM {kind}"
    return f"a DICOM object of SOP class {uid}"
