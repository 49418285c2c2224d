"""DICOM export of one case: per film a presentation state and a burned-in secondary
capture, per root a measurement report; de-identified copies of the source films when
the export is de-identified.

Why the sources are exported too (de-identified only): the presentation state
and the report reference their images by UID; de-identification remaps every
UID, so the archive needs the de-identified, redacted films for the references
to resolve. In an identified export the originals are already in the archive
and keep their UIDs: only the new objects are written.

All objects are built from the *original* datasets, then one
:class:`~annotator.export.deid.DicomDeidentifier` (one dicognito instance for
the whole export) de-identifies them all, so its consistent UID remapping
keeps GSPS -> image, SR -> image and SC -> study references intact.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from annotator.errors import ExportError
from annotator.export.atomic import atomic_path
from annotator.export.deid import DicomDeidentifier
from annotator.export.films import PreparedFilm
from annotator.model import Case, Film


def redact_dataset(ds: Any, film: Film) -> bool:
    """Black out ``film``'s redaction rectangles in every frame of ``ds``'s pixel data.

    "Black" is the lowest stored value for MONOCHROME2 and colour, the highest
    for MONOCHROME1 or a PresentationLUTShape INVERSE film. The pixel data is rewritten uncompressed (explicit VR
    little endian). Returns True when something was redacted.
    """
    if not film.redactions:
        return False
    arr = np.array(ds.pixel_array)  # decoded (colour as RGB), writable copy
    rows, cols = int(ds.Rows), int(ds.Columns)
    frames = int(getattr(ds, "NumberOfFrames", 1) or 1)
    colour = int(getattr(ds, "SamplesPerPixel", 1)) == 3
    # the highest value shows black when the film is shown inverted once (MONOCHROME1, or
    # PresentationLUTShape INVERSE on a MONOCHROME2 film), as the viewer does
    shown_inverted = not colour and (ds.PhotometricInterpretation == "MONOCHROME1"
                                     or str(getattr(ds, "PresentationLUTShape", "")).upper() == "INVERSE")
    if shown_inverted:
        black = 2 ** int(ds.BitsStored) - 1 if arr.dtype.kind == "u" else 2 ** (int(ds.BitsStored) - 1) - 1
    elif arr.dtype.kind == "i":
        black = -(2 ** (int(ds.BitsStored) - 1))
    else:
        black = 0
    view = arr if frames > 1 else arr[None, ...]
    for r in film.redactions:
        x0, x1 = sorted((r.x0, r.x1))
        y0, y1 = sorted((r.y0, r.y1))
        c0, c1 = max(0, int(np.floor(x0))), min(cols, int(np.ceil(x1)))
        r0, r1 = max(0, int(np.floor(y0))), min(rows, int(np.ceil(y1)))
        if c1 > c0 and r1 > r0:
            view[:, r0:r1, c0:c1, ...] = black
    photometric = "RGB" if colour else ds.PhotometricInterpretation
    # keep the SOP Instance UID: the presentation state and report reference it (and
    # de-identification gives the copy a new one anyway)
    ds.set_pixel_data(arr, photometric_interpretation=photometric, bits_stored=int(ds.BitsStored),
                      generate_instance_uid=False)
    return True


def _redacted_grey(pf: PreparedFilm) -> np.ndarray:
    """The grey display buffer of a plain film with its redactions blacked out."""
    from annotator.export.burn_in import apply_redactions, to_rgb

    return apply_redactions(to_rgb(pf.buffer).copy(), pf.film)[:, :, 0].copy()


def _revision(case: Case) -> str:
    """A digest of the case's content (its export settings left out): new content, new instances."""
    import hashlib
    import json

    from annotator.io.casefile import case_to_dict

    data = case_to_dict(case)
    for k in ("export_pseudonym_key", "export_text_confirmed"):
        data.pop(k, None)
    return hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()[:16]


def _write(ds: Any, path: Path) -> Path:
    with atomic_path(path) as tmp:
        ds.save_as(tmp, enforce_file_format=True)
    return path


# patient and study attributes highdicom copies from a referenced image; a film without them
# (type 2: present, maybe empty) got an AttributeError out of highdicom (found by tests/fuzz)
_TYPE2_REFERENCED = ("PatientID", "PatientName", "PatientBirthDate", "PatientSex", "StudyID", "StudyDate",
                     "StudyTime", "AccessionNumber", "ReferringPhysicianName")


def export_dicom(
    case: Case,
    films: Sequence[PreparedFilm],
    out_dir: Path,
    *,
    case_number: int,
    deidentifier: DicomDeidentifier | None,
    step: Callable[[str], None],
    scrub: Callable[[str], str],
    lang: str = "en",
    config: Any = None,
    warn: Callable[[str], None] | None = None,
    output: Callable[[Path, Callable[[Path], Any]], Path] | None = None,
    key: str | None = None,
) -> list[Path]:
    """Write the case's DICOM objects under ``out_dir/case<N>/``; ``deidentifier`` None = identified.

    ``output(dest, write)``: how a file is written (``case_export`` stages and checks
    each one); default: straight to ``dest``, atomically. ``key``: the case's pseudonym
    key (``annotator.export.pseudonym``): the UIDs of the new objects derive from it, the
    language and the case's content (the same case exported twice gives the same objects;
    a changed annotation, or the other language, new instances); None: random UIDs.
    """
    import pydicom

    from annotator.export import pseudonym
    from annotator.export.dicom_gsps import build_gsps, drop_empty_laterality
    from annotator.export.dicom_sc import build_burned_in_sc, build_plain_source_sc, burned_in_value
    from annotator.export.dicom_sr import build_sr
    from annotator.export.text import status_label, word

    step_warning = warn or (lambda message: None)
    out = Path(out_dir) / f"case{case_number}"
    revision = _revision(case) if key is not None else ""

    def generate_uid(*parts: str) -> str:
        from pydicom.uid import generate_uid as random_uid

        return pseudonym.uid(key, *parts) if key is not None else random_uid()

    plain_study, plain_series = generate_uid("plain study"), generate_uid("plain series")
    gsps_series, sc_series, sr_series = (generate_uid(kind, lang, "series") for kind in ("gsps", "sc", "sr"))
    plain_patient = pseudonym.patient_id(key) if key is not None else f"CASE{case_number}"
    objects: list[tuple[str, Any, bool]] = []  # (file name, dataset, pixels cleaned)
    sources: dict[str, Any] = {}
    for i, pf in enumerate(films, start=1):
        step(f"DICOM objects of film {pf.file_label}")
        if pf.film.id in sources:  # a film several roots use: its image once, a GSPS and SC per root
            src = sources[pf.film.id]
        elif pf.is_dicom:
            try:
                src = pydicom.dcmread(pf.path)
            except Exception as exc:
                raise ExportError(f"{pf.path.name}: cannot be read as DICOM ({type(exc).__name__})") from exc
            for keyword in _TYPE2_REFERENCED:  # type 2 (may be empty, not absent): highdicom reads them all
                if keyword not in src:
                    setattr(src, keyword, "")
            if deidentifier is not None:
                copy = pydicom.dcmread(pf.path)
                cleaned = redact_dataset(copy, pf.film)
                drop_empty_laterality(copy, copy)
                objects.append((f"fig{pf.label}-image.dcm", copy, cleaned))
        else:
            grey = pf.buffer.ndim == 2
            pixels = _redacted_grey(pf) if grey else np.asarray(pf.image(annotated=False))
            src = build_plain_source_sc(
                pixels, pf.film, study_uid=plain_study, series_uid=plain_series,
                sop_uid=generate_uid("plain image", pf.film.id, pf.film.path,
                                     repr([(r.x0, r.y0, r.x1, r.y1) for r in pf.film.redactions])),
                instance_number=i,
                patient_id=plain_patient,
                sex=case.sex, age=case.age)
            objects.append((f"fig{pf.label}-image.dcm", src, bool(pf.film.redactions)))
        sources[pf.film.id] = src
        verdict_text = ""
        if pf.verdict is not None:
            verdict_text = scrub(f"{word('verdict', lang)}: {status_label(pf.verdict.status, lang)}. "
                                 f"{pf.verdict.explain(lang)}")
        if int(getattr(src, "SamplesPerPixel", 1)) != 1:
            if not pf.repeated:
                step_warning(f"film {pf.label} is in colour: no grayscale presentation state, "
                             "burned-in copy only")
            gsps = None
        else:
            warning_text = scrub("\n".join(dict.fromkeys(w.message(lang) for w in pf.warnings)))
            gsps = build_gsps(src, pf.film, verdict_text=verdict_text, verdict=pf.verdict,
                              warning_text=warning_text, lang=lang, config=config,
                              warning_danger=any(getattr(w, "is_danger", False) for w in pf.warnings),
                              series_uid=gsps_series,
                              sop_uid=generate_uid("gsps", lang, *pf.uid_parts(), revision), instance_number=i,
                              label=pf.label,
                              window=pf.window if pf.is_dicom else None)
            objects.append((f"fig{pf.file_label}-gsps.dcm", gsps, False))
        redacted = bool(pf.film.redactions)  # burned_in copies always carry the redactions
        # the user's own words (arrow notes, labels) burned into the pixels: the pixels carry text
        # nobody checked against PS3.15, so BurnedInAnnotation YES and no Clean Pixel Data claim
        user_text = any((a.text or "").strip() for a in pf.film.annotations if not a.suggested)
        sc = build_burned_in_sc(src, pf.image(annotated=True, panel=False), pf.film, series_uid=sc_series,
                                sop_uid=generate_uid("sc", lang, *pf.uid_parts(), revision), instance_number=i,
                                description=f"Fig {pf.label}",
                                burned_in="YES" if user_text else burned_in_value(pf.burned_in, redacted),
                                frame=pf.film.key_frame)
        objects.append((f"fig{pf.file_label}-sc.dcm", sc, redacted and not user_text))
    for n, root in enumerate(case.roots, start=1):
        step(f"DICOM report of root {root.side.value} {root.level}")
        root_films = [pf for pf in films if pf.root is root]
        if not root_films:
            continue
        sr = build_sr(root, root_films, [sources[pf.film.id] for pf in root_films], series_uid=sr_series,
                      sop_uid=generate_uid("sr", lang, root.id, revision), instance_number=n, config=config,
                      lang=lang, case=case)
        objects.append((f"root{n}-{root.side.value}-{root.level}-sr.dcm", sr, False))
    written = []
    for name, ds, cleaned in objects:
        if deidentifier is not None:
            deidentifier.apply(ds, pixels_cleaned=cleaned)
        if output is None:
            written.append(_write(ds, out / name))
        else:
            written.append(output(out / name, functools.partial(_write, ds)))
    return written
