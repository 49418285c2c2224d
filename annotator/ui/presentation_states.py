"""Presentation states made by other tools, found next to a case and shown read-only (issue 5 §4).

A Grayscale Softcopy Presentation State (GSPS, Modality ``PR``) in the case
folder or its ``presentation_states/`` subfolder that references a film's SOP
Instance UID contributes its graphics to that film's viewport as a read-only
layer (``annotator.export.dicom_read.read_presentation_state`` ->
``ForeignGraphic``). Presentation states written by this tool are skipped:
their content is the case's own annotations, already drawn and editable.

Only headers are read to find them (``dcmread(stop_before_pixels=True,
specific_tags=...)``), cached by path + modification time + size, so looking
again after a film change costs a ``stat`` per file. Coordinates are pixels of
the referenced film (origin at the top-left corner of the top-left pixel,
+x right, +y down).

No Qt here: the viewport (``annotator.ui.viewport.foreign``) draws the result.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from annotator.export.dicom_read import GSPS_CLASS, ForeignGraphic

log = logging.getLogger(__name__)

SUBFOLDER = "presentation_states"
MAX_HEADER_BYTES = 64 * 1024 * 1024  # a larger file is not a presentation state we read
_HEADER_TAGS = ["SOPClassUID", "Modality", "SOPInstanceUID", "ReferencedSeriesSequence", "Manufacturer",
                "ContentLabel"]

_Key = tuple[str, int, int]  # resolved path, mtime_ns, size


@dataclass(frozen=True)
class PresentationHeader:
    """What the header of one file says: is it a GSPS, which images it references."""

    path: Path
    is_gsps: bool
    sop_instance_uid: str = ""
    referenced_sop_uids: tuple[str, ...] = ()


_headers: dict[str, tuple[_Key, PresentationHeader]] = {}
_film_uids: dict[str, tuple[_Key, str | None]] = {}
_contents: dict[str, tuple[_Key, tuple[ForeignGraphic, ...]]] = {}


def _key(path: Path) -> _Key | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return (str(path.resolve()), st.st_mtime_ns, st.st_size)


def _read_header(path: Path, tags: list[str]):
    import pydicom

    try:
        return pydicom.dcmread(path, stop_before_pixels=True, specific_tags=tags)
    except Exception:  # not DICOM, truncated, unreadable: simply not a presentation state
        return None


def film_sop_instance_uid(path: Path | str) -> str | None:
    """The SOP Instance UID in a film's DICOM header (None for PNG/JPEG or unreadable files)."""
    path = Path(path)
    key = _key(path)
    if key is None:
        return None
    cached = _film_uids.get(key[0])
    if cached is not None and cached[0] == key:
        return cached[1]
    ds = _read_header(path, ["SOPInstanceUID"])
    uid = (str(getattr(ds, "SOPInstanceUID", "") or "") or None) if ds is not None else None
    _film_uids[key[0]] = (key, uid)
    return uid


def presentation_header(path: Path | str) -> PresentationHeader:
    """The header of ``path`` as far as presentation states go (cached by path + mtime)."""
    path = Path(path)
    key = _key(path)
    if key is None or key[2] > MAX_HEADER_BYTES:
        return PresentationHeader(path, False)
    cached = _headers.get(key[0])
    if cached is not None and cached[0] == key:
        return cached[1]
    ds = _read_header(path, _HEADER_TAGS)
    header = PresentationHeader(path, False)
    if ds is not None and str(getattr(ds, "SOPClassUID", "")) == GSPS_CLASS:
        refs: list[str] = []
        for series in getattr(ds, "ReferencedSeriesSequence", []) or []:
            for item in getattr(series, "ReferencedImageSequence", []) or []:
                uid = str(getattr(item, "ReferencedSOPInstanceUID", "") or "")
                if uid:
                    refs.append(uid)
        ours = _is_ours(ds)
        header = PresentationHeader(path, not ours, str(getattr(ds, "SOPInstanceUID", "")),
                                    tuple(dict.fromkeys(refs)))
    _headers[key[0]] = (key, header)
    return header


def _is_ours(ds) -> bool:
    from annotator.export.dicom_gsps import CONTENT_LABEL, MANUFACTURER

    return (str(getattr(ds, "Manufacturer", "")) == MANUFACTURER
            and str(getattr(ds, "ContentLabel", "")) == CONTENT_LABEL)


def candidate_files(case_folder: Path | str) -> list[Path]:
    """Files that may be presentation states: the case folder and its ``presentation_states/``
    subfolder (not recursive); JSON, PNG and other obvious non-DICOM files are left out."""
    skip = {".json", ".png", ".jpg", ".jpeg", ".tif", ".tiff", ".bmp", ".bak", ".pptx", ".pdf", ".txt", ".md"}
    out: list[Path] = []
    folder = Path(case_folder)
    for d in (folder, folder / SUBFOLDER):
        try:
            entries = sorted(d.iterdir())
        except OSError:
            continue
        out += [p for p in entries if p.is_file() and p.suffix.lower() not in skip]
    return out


def find_presentation_states(case_folder: Path | str, sop_instance_uid: str) -> list[PresentationHeader]:
    """Foreign GSPS files next to the case that reference the image ``sop_instance_uid``."""
    if not sop_instance_uid:
        return []
    found = []
    for path in candidate_files(case_folder):
        h = presentation_header(path)
        if h.is_gsps and sop_instance_uid in h.referenced_sop_uids:
            found.append(h)
    return found


def _graphics_of(path: Path, image_size: tuple[int, int] | None) -> tuple[ForeignGraphic, ...]:
    from annotator.errors import AnnotatorError
    from annotator.export.dicom_read import read_presentation_state

    key = _key(path)
    if key is None:
        return ()
    cached = _contents.get(key[0])
    if cached is not None and cached[0] == key:
        return cached[1]
    try:
        content = read_presentation_state(path, image_size)
        graphics = () if content.ours else tuple(content.foreign)
    except (AnnotatorError, AttributeError, KeyError, ValueError, TypeError) as exc:
        log.warning("presentation state %s not shown: %s", path.name, type(exc).__name__)
        graphics = ()
    _contents[key[0]] = (key, graphics)
    return graphics


def foreign_graphics(case_folder: Path | str, film_path: Path | str,
                     image_size: tuple[int, int] | None = None) -> list[ForeignGraphic]:
    """Read-only graphics of other tools' presentation states for the film at ``film_path``.

    ``image_size`` = (columns, rows) of the film (places DISPLAY-unit graphics).
    Graphics of an annotation item that names other images only are left out.
    Empty for non-DICOM films or when nothing references the film.
    """
    uid = film_sop_instance_uid(film_path)
    if uid is None:
        return []
    out: list[ForeignGraphic] = []
    for header in find_presentation_states(case_folder, uid):
        for g in _graphics_of(header.path, image_size):
            if not g.referenced_sop_uids or uid in g.referenced_sop_uids:
                out.append(g)
    return out


def clear_cache() -> None:
    """Forget every cached header and content (tests; a rescan after files changed is automatic)."""
    _headers.clear()
    _film_uids.clear()
    _contents.clear()
