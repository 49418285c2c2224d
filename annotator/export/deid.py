"""De-identification of everything that leaves the tool (domain.md §9; ADR 0002).

Two tools, used together by every export unless the user asks for identity:

- :class:`IdentityScrubber` learns the identity of a case from the headers of
  its source DICOM films (names, IDs, birth dates, accession numbers,
  institution, operators, physicians, study dates) and removes those strings,
  and anything shaped like an exact date, from free text the user wrote
  (captions, symptoms, notes) before it reaches a slide, a PNG or a DICOM text
  object. It also checks a finished file for leaks (:meth:`find_leaks`).
- :class:`DicomDeidentifier` applies the PS3.15 Basic Application Level
  Confidentiality Profile to DICOM datasets through *dicognito* (one instance
  per export, so UIDs, names and date shifts are remapped consistently across
  every object of the export and references between them still hold), plus
  the Table E.1-1 actions dicognito does not take (``deid_profile``: removal
  of private tags, overlays, curves, icon images and free text, recursively).
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

REMOVED = "[removed]"

# Header attributes whose values are identity (collected for scrubbing and leak checks).
# Header attributes whose values are identity (collected for scrubbing and leak checks), at
# any depth of the dataset; every person name (PN) anywhere is identity too.
IDENTITY_KEYWORDS = (
    "PatientName",
    "PatientID",
    "OtherPatientIDs",
    "OtherPatientNames",
    "PatientBirthName",
    "PatientMotherBirthName",
    "PatientBirthDate",
    "PatientAddress",
    "PatientTelephoneNumbers",
    "IssuerOfPatientID",
    "AccessionNumber",
    "AdmissionID",
    "InstitutionName",
    "InstitutionAddress",
    "InstitutionalDepartmentName",
    "StationName",
    "StudyID",
    "DeviceSerialNumber",
    "RequestedProcedureID",
    "ScheduledProcedureStepID",
    "PerformedProcedureStepID",
    "StudyDate",
    "SeriesDate",
    "AcquisitionDate",
    "ContentDate",
    "AcquisitionDateTime",
)
_DATE_KEYWORDS = {"PatientBirthDate", "StudyDate", "SeriesDate", "AcquisitionDate", "ContentDate",
                  "AcquisitionDateTime"}

_DATE_RE = re.compile(
    r"(?<!\d)(?:19|20)\d{2}\s*(?:[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}(?:\s*日)?|(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01]))(?!\d)"
    r"|(?<!\d)\d{1,2}[/.]\d{1,2}[/.](?:19|20)\d{2}(?!\d)"
)
_MIN_TERM = 2
LEAK_MIN = 4  # shorter Latin terms match too much by chance in whole files (CJK: 2)


def _term_re(term: str) -> re.Pattern[str]:
    """A case-insensitive pattern of ``term``: spaces and ``^`` interchangeable; whole
    words for Latin letters and digits (so the name "Li" leaves "lidocaine" alone)."""
    body = r"[\s^]+".join(re.escape(p) for p in re.split(r"[\s^]+", term.strip()))
    if term[:1].isascii() and term[:1].isalnum():
        body = r"(?<![A-Za-z0-9])" + body
    if term[-1:].isascii() and term[-1:].isalnum():
        body += r"(?![A-Za-z0-9])"
    return re.compile(body, re.IGNORECASE)


def _date_forms(da: str) -> list[str]:
    da = da.strip()
    if len(da) != 8 or not da.isdigit():
        return [da]
    y, m, d = da[:4], da[4:6], da[6:]
    return [da, f"{y}-{m}-{d}", f"{y}/{m}/{d}", f"{y}.{m}.{d}", f"{d}/{m}/{y}", f"{m}/{d}/{y}"]


def identity_strings(ds: Any, parts: bool = True) -> list[str]:
    """Identity values of a pydicom dataset (nested sequence items included) as plain
    strings; ``parts``: also the single components of person names ("Zzyzx", "Quintavious")."""
    wanted = set(IDENTITY_KEYWORDS)
    out: list[str] = []
    try:
        elements = list(ds.iterall())
    except Exception:  # malformed dataset: learn what the top level offers
        elements = [e for e in ds if e.VR != "SQ"]
    for elem in elements:
        kw = elem.keyword
        if kw not in wanted and elem.VR != "PN":
            continue
        try:
            value = elem.value
        except Exception:  # malformed element: nothing to learn from it
            continue
        if value is None or value == "":
            continue
        values = [value] if isinstance(value, (str, bytes)) or not isinstance(value, Sequence) else list(value)
        for v in values:
            s = (v.decode("latin-1") if isinstance(v, bytes) else str(v)).strip()
            if not s:
                continue
            if kw in _DATE_KEYWORDS:
                # a date-time starts with its date; a date written with separators is a date too
                digits = re.sub(r"[^0-9]", "", s)
                out += _date_forms(digits[:8] if kw.endswith("DateTime") or len(digits) == 8 else s)
                continue
            out.append(s)
            if "^" in s or "=" in s:
                out.append(s.replace("^", " ").strip())
                if parts:
                    out += [p for p in re.split(r"[\^=]", s) if p.strip()]
    return out


class IdentityScrubber:
    """Known identity strings of one export; scrubs free text and checks output files.

    Free text loses every term, single name components included. The leak
    check of finished files looks for whole values only (full names, IDs,
    dates, institution): single components ("TEST", "WANG") appear in
    ordinary words and headers too often for a check that stops an export.
    """

    def __init__(self, terms: Iterable[str] = ()) -> None:
        self._terms: set[str] = set()
        self._whole: set[str] = set()
        for t in terms:
            self.add(t)

    def add(self, term: str, whole: bool = True) -> None:
        term = " ".join(str(term).split())
        if len(term) >= _MIN_TERM and term != REMOVED:
            self._terms.add(term)
            if whole:
                self._whole.add(term)

    def add_dataset(self, ds: Any) -> None:
        whole = set(identity_strings(ds, parts=False))
        for s in identity_strings(ds):
            self.add(s, whole=s in whole)

    @property
    def terms(self) -> tuple[str, ...]:
        return tuple(sorted(self._terms, key=len, reverse=True))

    def scrub(self, text: str) -> str:
        """``text`` without any known identity string or exact date (case-insensitive)."""
        if not text:
            return text
        for term in self.terms:
            text = _term_re(term).sub(REMOVED, text)
        return _DATE_RE.sub(REMOVED, text)

    def find_leaks(self, data: bytes) -> list[str]:
        """Identity terms of at least ``LEAK_MIN`` characters found in ``data`` (UTF-8 or
        UTF-16 text, case-insensitive, whole words for Latin terms). Also looked for in the
        text with its whitespace removed for non-Latin terms: a wrapped caption or a PDF
        line break may split a Chinese name, which has no spaces of its own."""
        texts = [data.decode("utf-8", "ignore"), data.decode("utf-16-le", "ignore")]
        joined = [re.sub(r"\s+", "", s) for s in texts]  # for non-Latin terms only
        whole = sorted(self._whole, key=len, reverse=True)
        return [t for t in whole
                if len(t) >= (LEAK_MIN if t.isascii() else 2)
                and any(_term_re(t).search(s) for s in (texts if t.isascii() else texts + joined))]

    def check_file(self, path: Path) -> list[str]:
        """Leaks in the text parts of a written export file (see :func:`text_parts`)."""
        return self.find_leaks(text_parts(path))


def text_parts(path: Path) -> bytes:
    """The text of an export file, for leak checks: what a person could read in it.

    PPTX: the text nodes of every XML member (slides, notes, properties);
    PNG: every chunk but IDAT; DICOM: the values of every text element (not
    pixel data, numbers or UIDs); PDF: the literal and hex strings outside
    streams (document information) and the text drawn on every page, decoded
    through the fonts' ToUnicode maps (``pdf_text``; text that cannot be
    decoded raises, so nothing passes unread); anything else: the whole file. Numbers,
    coordinates and binary data are left out: a numeric patient ID would
    otherwise match an image width or an EMU offset.
    """
    path = Path(path)
    raw = path.read_bytes()
    if raw[:4] == b"PK\x03\x04":
        with zipfile.ZipFile(path) as z:
            xml = [z.read(n) for n in z.namelist() if n.endswith((".xml", ".rels"))]
        return b"\n".join(t for x in xml for t in re.findall(rb">([^<]+)<", x))
    if raw[:8] == b"\x89PNG\r\n\x1a\n":
        out, i = [], 8
        while i + 8 <= len(raw):
            n = int.from_bytes(raw[i : i + 4], "big")
            kind = raw[i + 4 : i + 8]
            if kind != b"IDAT":
                out.append(raw[i + 4 : i + 8 + n])
            i += 12 + n
        return b"\n".join(out)
    if raw.startswith(b"%PDF"):
        from annotator.export.pdf_text import page_texts

        outside = _pdf_strings(re.sub(rb"stream\r?\n.*?endstream", b"", raw, flags=re.S))
        return outside + b"\n" + "\n".join(page_texts(raw)).encode("utf-8")
    if raw[128:132] == b"DICM":
        import pydicom

        ds = pydicom.dcmread(path, stop_before_pixels=True)
        return _dataset_text(ds.file_meta) + b"\n" + _dataset_text(ds)
    return raw


def _pdf_strings(data: bytes) -> bytes:
    """Literal ``(...)`` and hex ``<...>`` strings of PDF syntax, decoded (UTF-16 with BOM too)."""
    out = []
    for lit in re.findall(rb"\(((?:[^()\\]|\\.)*)\)", data, flags=re.S):
        text = re.sub(rb"\\([0-7]{1,3})", lambda m: bytes([int(m.group(1), 8) & 0xFF]), lit)
        text = re.sub(rb"\\(.)", rb"\1", text)
        out.append(text.decode("utf-16-be", "ignore").encode() if text[:2] == b"\xfe\xff" else text)
    for hexs in re.findall(rb"<([0-9A-Fa-f\s]+)>", data):
        try:
            b = bytes.fromhex(hexs.decode().replace(" ", "").replace("\n", ""))
        except ValueError:
            continue
        out.append(b[2:].decode("utf-16-be", "ignore").encode() if b[:2] == b"\xfe\xff" else b)
    return b"\n".join(out)


_SKIP_VRS = frozenset({"OB", "OW", "OF", "OD", "OL", "OV", "UN", "SQ", "UI", "US", "SS", "UL", "SL", "FL",
                       "FD", "IS", "DS", "AT", "UV", "SV"})


def _dataset_text(ds: Any) -> bytes:
    parts: list[str] = []
    for elem in ds.iterall():
        if elem.VR not in _SKIP_VRS:
            parts.append(str(elem.value))
    return "\n".join(parts).encode("utf-8", "replace")


_DATE_FORMATS = {"DA": "%Y%m%d", "TM": "%H%M%S.%f", "DT": "%Y%m%d%H%M%S.%f"}


def _dates_as_text(ds: Any, elem: Any) -> None:
    """DA/TM/DT values as DICOM strings: highdicom stores Python dates, dicognito expects text."""
    fmt = _DATE_FORMATS.get(elem.VR)
    if fmt is None or elem.value is None or isinstance(elem.value, str):
        return
    values = elem.value if isinstance(elem.value, Sequence) else [elem.value]
    texts = [v if isinstance(v, str) else v.strftime(fmt) for v in values]
    elem.value = texts if len(texts) > 1 else texts[0]


class DicomDeidentifier:
    """PS3.15 Basic Profile through dicognito; one instance for a whole export.

    ``key``: the case's pseudonym key (``annotator.export.pseudonym``): UIDs become
    ``2.25.`` UIDs keyed by it, and names, IDs and the date shift are seeded by it, so
    every export of the case is the same pseudonymous patient. ``seed`` (tests) makes
    the remapping reproducible without a key; with neither, every export gets fresh
    random UIDs, names and date shift.
    """

    def __init__(self, seed: str | None = None, key: str | None = None) -> None:
        from dicognito.anonymizer import Anonymizer
        from dicognito.uianonymizer import UIAnonymizer

        from annotator.export import pseudonym

        if key is not None and seed is None:
            seed = pseudonym.anonymizer_seed(key)
        self._anonymizer = Anonymizer(seed=seed)
        if key is not None:
            secret: str = key

            class _KeyedUIDs(UIAnonymizer):
                def _new_ui(self, ui: str) -> str:
                    return pseudonym.uid(secret, "remap", ui)

            # dicognito has no public hook for its UID mapping: swap its UI handler
            handlers = self._anonymizer._element_handlers
            for i, handler in enumerate(handlers):
                if isinstance(handler, UIAnonymizer):
                    handlers[i] = _KeyedUIDs(handler._randomizer)

    def apply(self, ds: Any, pixels_cleaned: bool = False) -> Any:
        """De-identify ``ds`` in place and return it.

        Table E.1-1 removals first (``deid_profile``: private tags, overlays,
        curves, icon images, free text, people, equipment — in every nested
        item too), then dicognito (dummy names and IDs, new UIDs, dates shifted),
        then the attributes that must stay present but empty (birth date,
        content creator, referring physician, accession number).
        ``pixels_cleaned``: redaction rectangles were burned into the pixels
        (Clean Pixel Data Option) — only then BurnedInAnnotation becomes "NO"
        and code 113101 is declared.
        """
        from pydicom.dataset import Dataset

        from annotator.export.deid_profile import empty_identifying, remove_identifying

        remove_identifying(ds)
        ds.walk(_dates_as_text)
        self._anonymizer.anonymize(ds)
        empty_identifying(ds)
        if hasattr(ds, "file_meta") and "SOPInstanceUID" in ds:
            ds.file_meta.MediaStorageSOPInstanceUID = ds.SOPInstanceUID
        if pixels_cleaned:
            ds.BurnedInAnnotation = "NO"
        ds.PatientIdentityRemoved = "YES"
        ds.LongitudinalTemporalInformationModified = "MODIFIED"  # dates shifted (SOP Common)
        ds.DeidentificationMethod = [m for m, _code in _methods(pixels_cleaned)]
        seq = []
        for _method, (value, meaning) in _methods(pixels_cleaned):
            item = Dataset()
            item.CodeValue = value
            item.CodingSchemeDesignator = "DCM"
            item.CodeMeaning = meaning
            seq.append(item)
        ds.DeidentificationMethodCodeSequence = seq
        return ds


def _methods(pixels_cleaned: bool) -> list[tuple[str, tuple[str, str]]]:
    """(DeidentificationMethod text, DCM code) of the profile and options applied (PS3.16 CID 7050)."""
    out = [
        ("PS3.15 E.1 Basic Profile (dicognito, fluoro-annotator)",
         ("113100", "Basic Application Confidentiality Profile")),
        ("Retain Patient Characteristics: age and sex kept",
         ("113108", "Retain Patient Characteristics Option")),
        ("Retain Longitudinal Temporal Information: dates shifted",
         ("113107", "Retain Longitudinal Temporal Information Modified Dates Option")),
    ]
    if pixels_cleaned:
        out.append(("Clean Pixel Data: burned-in text blacked out",
                    ("113101", "Clean Pixel Data Option")))
    return out
