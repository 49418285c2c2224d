"""Marks and record of a study restored from our own presentation states and reports.

The archive, not the laptop, is the durable copy: a study that comes back from
the PACS with the presentation states and measurement report our archive export
wrote gets its marks and record back. Our presentation state (one per film)
gives the film its annotations again, with their ids, so reading it twice adds
nothing; our report gives the root its block result and findings when the case
has none yet. Presentation states of other systems are left as files in
``presentation_states/``: the viewer shows them read-only.

Films are found by the inbox's file naming (``films/<hash of SOP Instance UID>.dcm``).
"""

from __future__ import annotations

import logging
from pathlib import Path

from annotator.errors import AnnotatorError
from annotator.model import BlockResult, Case, Film, Finding

log = logging.getLogger(__name__)

# (path, mtime_ns, size) -> what the file gave, so each arrival does not re-read every object
_cache: dict[tuple[str, int, int], object] = {}


def _film_by_uid(case: Case, uid: str) -> Film | None:
    from annotator.net.inbox import FILMS, uid_hash

    rel = f"{FILMS}/{uid_hash(uid)}.dcm"
    for root in case.roots:
        for film in root.films:
            if film.path == rel:
                return film
    return None


def _read(path: Path, reader: object) -> object | None:
    try:
        st = path.stat()
    except OSError:
        return None
    key = (str(path), st.st_mtime_ns, st.st_size)
    if key not in _cache:
        try:
            _cache[key] = reader(path)  # type: ignore[operator]
        except (AnnotatorError, OSError, ValueError, AttributeError, KeyError, IndexError, TypeError):
            _cache[key] = None  # another system's object we cannot read: left as a file
    return _cache[key]


def restore_from_objects(case: Case, study_dir: Path) -> int:
    """Bring back marks and record from the study's objects; the number of items restored."""
    from annotator.export.dicom_read import read_measurement_report, read_presentation_state
    from annotator.net.inbox import PRESENTATION_STATES, REPORTS

    restored = 0
    for path in sorted((study_dir / PRESENTATION_STATES).glob("*.dcm")):
        content = _read(path, read_presentation_state)
        if content is None or not getattr(content, "ours", False):
            continue
        films = [f for uid in content.referenced_sop_uids  # type: ignore[attr-defined]
                 if (f := _film_by_uid(case, uid)) is not None]
        if len(films) != 1:
            continue  # our export writes one presentation state per film
        film = films[0]
        have = {a.id for a in film.annotations}
        for ann in content.annotations:  # type: ignore[attr-defined]
            if ann.id not in have:
                film.annotations.append(ann)
                restored += 1
    for path in sorted((study_dir / REPORTS).glob("*.dcm")):
        report = _read(path, read_measurement_report)
        if report is None or not case.roots:
            continue
        root = case.roots[0]
        block = getattr(report, "block_result", None)
        if block and root.block_result is BlockResult.NOT_ASSESSED:
            try:
                root.block_result = BlockResult(block)
                restored += 1
            except ValueError:
                pass
        if not root.findings:
            for f in getattr(report, "findings", []):
                tagged = _film_by_uid(case, f.image_uid) if f.image_uid else None
                root.findings.append(Finding(code=f.code, film_id=tagged.id if tagged else None, site=f.site,
                                             value=f.value, angle_deg=f.angle_deg))
                restored += 1
    if restored:
        log.info("restored %d mark(s)/record item(s) from the study's own objects", restored)
    return restored



