"""Secondary Capture images (highdicom ``SCImage``): burned-in films, and stand-ins for plain images.

A burned-in film keeps the source's pixel grid (no caption band), so its
pixel spacing and patient orientation still apply; it joins the source's
study. A plain image (PNG, JPEG...) has no DICOM identity: it becomes a
greyscale SC in a study of its own, which the presentation state and the
report then reference like any DICOM film.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from annotator.export.dicom_gsps import MANUFACTURER, drop_empty_laterality, reference_view


def _orientation(film: Any) -> tuple[str, str] | None:
    try:
        d = film.effective_directions()
        return (d.x, d.y)
    except Exception:  # no orientation known: leave it out
        return None


def _first_letters(film: Any) -> tuple[str, str]:
    """What highdicom accepts (one letter per axis); the full value is set afterwards."""
    o = _orientation(film) or ("L", "F")
    return (o[0][0], o[1][0])


def burned_in_value(source_value: str | None, redacted: bool) -> str | None:
    """BurnedInAnnotation of an exported image: "NO" when redaction rectangles were burned in
    (the user covered the identifying text) or the source said "NO"; "YES" when the source said
    so and nothing was redacted (identified exports only); None (left out) when nobody knows."""
    if redacted:
        return "NO"
    return source_value if source_value in ("YES", "NO") else None


def build_burned_in_sc(source: Any, image: Any, film: Any, *, series_uid: str, sop_uid: str,
                       instance_number: int, description: str = "", burned_in: str | None = None,
                       frame: int = 0) -> Any:
    """An RGB Secondary Capture of ``image`` (Pillow RGB, same size as ``source``) in ``source``'s study,
    naming ``source`` (and its ``frame``, 0-based, on a multi-frame film) in its Source Image Sequence.

    ``burned_in``: its BurnedInAnnotation (:func:`burned_in_value`, or "YES" when the user's
    own text is burned in).
    """
    from highdicom.sc import SCImage
    from pydicom.dataset import Dataset

    ref = reference_view(source)
    arr = np.asarray(image.convert("RGB"), dtype=np.uint8)
    sc = SCImage.from_ref_dataset(
        ref_dataset=ref, pixel_array=arr, photometric_interpretation="RGB", bits_allocated=8,
        coordinate_system="PATIENT", series_instance_uid=series_uid, series_number=901,
        sop_instance_uid=sop_uid, instance_number=instance_number, manufacturer=MANUFACTURER,
        patient_orientation=_first_letters(film), transfer_syntax_uid="1.2.840.10008.1.2.1",
    )
    _finish(sc, description, burned_in=True, orientation=_orientation(film), burned_in_annotation=burned_in,
            source=ref)
    if "PatientAge" in ref and ref.PatientAge:  # Patient Study module; kept by de-identification (113108)
        sc.PatientAge = ref.PatientAge
    item = Dataset()  # General Image module: the image this one was derived from
    item.ReferencedSOPClassUID = ref.SOPClassUID
    item.ReferencedSOPInstanceUID = ref.SOPInstanceUID
    n_frames = int(getattr(ref, "NumberOfFrames", 1) or 1)
    if n_frames > 1:
        item.ReferencedFrameNumber = min(max(frame, 0), n_frames - 1) + 1
    sc.SourceImageSequence = [item]
    return sc


def build_plain_source_sc(buffer: np.ndarray, film: Any, *, study_uid: str, series_uid: str, sop_uid: str,
                          instance_number: int, patient_id: str, sex: str | None = None,
                          age: int | None = None) -> Any:
    """A greyscale (or RGB) SC standing for a plain-image film: no identity, its own study."""
    from highdicom.sc import SCImage

    arr = np.asarray(buffer, dtype=np.uint8)
    photometric = "RGB" if arr.ndim == 3 else "MONOCHROME2"
    sc = SCImage(
        pixel_array=arr, photometric_interpretation=photometric, bits_allocated=8,
        coordinate_system="PATIENT", study_instance_uid=study_uid, series_instance_uid=series_uid,
        series_number=1, sop_instance_uid=sop_uid, instance_number=instance_number,
        manufacturer=MANUFACTURER, patient_id=patient_id, patient_name="ANONYMOUS",
        patient_sex=sex if sex in ("M", "F") else None, study_id="1", accession_number="",
        referring_physician_name="", patient_orientation=_first_letters(film),
        transfer_syntax_uid="1.2.840.10008.1.2.1",
    )
    if age is not None and 0 <= age < 1000:
        sc.PatientAge = f"{age:03d}Y"
    _finish(sc, "", burned_in=False, orientation=_orientation(film),
            burned_in_annotation=burned_in_value(None, bool(film.redactions)))
    return sc


def _finish(sc: Any, description: str, burned_in: bool, orientation: tuple[str, str] | None,
            burned_in_annotation: str | None, source: Any = None) -> None:
    sc.SpecificCharacterSet = "ISO_IR 192"
    # set here, not through highdicom, which accepts single letters only (oblique films have "LP")
    sc.PatientOrientation = list(orientation) if orientation else None
    if burned_in_annotation is not None:
        sc.BurnedInAnnotation = burned_in_annotation
    elif "BurnedInAnnotation" in sc:
        del sc.BurnedInAnnotation
    if description:
        sc.SeriesDescription = description[:64]
    if burned_in:
        sc.ImageType = ["DERIVED", "SECONDARY"]
        sc.DerivationDescription = "annotations, target zone and verdict burned in; redactions applied"
    drop_empty_laterality(sc, source)
