"""Write phantom films as X-Ray Angiographic Image Storage DICOM files (pydicom).

12-bit MONOCHROME2 (dense = dark, PixelIntensityRelationship LIN), JPEG-LS
lossless. Patient identity is obviously fake ("PHANTOM^TEST", "FAKE-0001").
ImagerPixelSpacing is the detector spacing; with the magnification factor
(EstimatedRadiographicMagnificationFactor) the patient-plane spacing is
``ImagerPixelSpacing / ERMF`` (domain.md §3). UIDs are derived from fixed
strings so the files are reproducible byte for byte.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.uid import (
    PYDICOM_IMPLEMENTATION_UID,
    ExplicitVRLittleEndian,
    JPEGLSLossless,
    XRayAngiographicImageStorage,
    generate_uid,
)

ERMF = 1.2
ROOT_UID = "1.2.826.0.1.3680043.8.498."  # pydicom's UID root, for derived UIDs
PATIENT = {"PatientName": "PHANTOM^TEST", "PatientID": "FAKE-0001", "PatientBirthDate": "19560101",
           "PatientSex": "M", "PatientAge": "070Y"}

# ViewPosition defined terms (DX Positioning module): AP, PA, LL, RL, RLD, LLD, RLO, LLO. The
# oblique is named by the side the C-arm turns to: LAO (positive angle) -> LLO, RAO -> RLO.
_VIEW_POSITION = {"AP": "AP", "lateral": "LL"}
_VIEW_WORDS = {"AP": "AP 正位", "lateral": "LAT 侧位", "oblique": "OBL 斜位"}


def uid(*parts: object) -> str:
    """A UID derived deterministically from ``parts``."""
    return generate_uid(ROOT_UID, entropy_srcs=[str(p) for p in parts])


def write_film(path: Path, pixels: np.ndarray, *, case: str, study_desc: str, series_number: int,
               instance_number: int, view: str, angle_deg: float, patient_orientation: tuple[str, str],
               spacing_mm: float, acquired: str, description: str, frame_time_ms: float | None = None,
               contrast: bool = True) -> None:
    """Write one film (H x W) or cine run (F x H x W) of uint16 12-bit values.

    ``spacing_mm`` is the patient-plane spacing; the file states detector
    spacing ``spacing_mm * ERMF`` and the ERMF. ``acquired`` is
    ``YYYYMMDDHHMMSS``.
    """
    frames = pixels if pixels.ndim == 3 else pixels[None]
    n, rows, cols = frames.shape
    sop_uid = uid(case, "sop", series_number, instance_number)

    meta = FileMetaDataset()
    meta.MediaStorageSOPClassUID = XRayAngiographicImageStorage
    meta.MediaStorageSOPInstanceUID = sop_uid
    meta.TransferSyntaxUID = ExplicitVRLittleEndian
    meta.ImplementationClassUID = PYDICOM_IMPLEMENTATION_UID
    meta.ImplementationVersionName = "PHANTOM_1"

    ds = Dataset()
    ds.file_meta = meta
    ds.SpecificCharacterSet = "ISO_IR 192"
    ds.ImageType = ["ORIGINAL", "PRIMARY", "SINGLE PLANE"]
    ds.SOPClassUID = XRayAngiographicImageStorage
    ds.SOPInstanceUID = sop_uid
    date, time = acquired[:8], acquired[8:14]
    ds.StudyDate = ds.SeriesDate = ds.ContentDate = ds.AcquisitionDate = date
    ds.StudyTime = ds.SeriesTime = time
    ds.ContentTime = ds.AcquisitionTime = time
    ds.AcquisitionDateTime = acquired
    ds.AccessionNumber = ""
    ds.Modality = "XA"
    ds.Manufacturer = "fluoro-annotator phantom"
    ds.ManufacturerModelName = "synthetic C-arm"
    ds.InstitutionName = "NONE (SYNTHETIC)"
    ds.ReferringPhysicianName = ""
    ds.StudyDescription = study_desc
    ds.SeriesDescription = f"{_VIEW_WORDS[view]} {description}".strip()
    ds.ImageComments = f"synthetic phantom film: {view}; not a patient"
    for k, v in PATIENT.items():
        setattr(ds, k, v)
    ds.PatientIdentityRemoved = "NO"
    ds.BodyPartExamined = "LSPINE"
    ds.ContrastBolusAgent = "IOHEXOL 300" if contrast else ""
    if contrast:
        ds.ContrastBolusRoute = "PERINEURAL"
        ds.ContrastBolusVolume = 2.0
        ds.ContrastBolusIngredient = "IODINE"
    ds.KVP = 75 if view == "lateral" else 68
    ds.RadiationSetting = "GR"
    ds.XRayTubeCurrent = 3
    ds.ExposureTime = 10
    ds.DistanceSourceToDetector = 1000.0
    ds.DistanceSourceToPatient = round(1000.0 / ERMF, 1)
    ds.EstimatedRadiographicMagnificationFactor = ERMF
    ds.ImagerPixelSpacing = [round(spacing_mm * ERMF, 6), round(spacing_mm * ERMF, 6)]
    ds.IntensifierSize = 230.0
    ds.FieldOfViewShape = "ROUND"
    ds.FieldOfViewDimensions = [int(round(cols * spacing_mm * ERMF * 0.94))]
    ds.PositionerMotion = "STATIC" if n == 1 else "STATIC"
    ds.PositionerPrimaryAngle = float(angle_deg)
    ds.PositionerSecondaryAngle = 0.0
    ds.ViewPosition = _VIEW_POSITION.get(view) or ("LLO" if angle_deg > 0 else "RLO")
    ds.PatientOrientation = list(patient_orientation)
    ds.StudyInstanceUID = uid(case, "study")
    ds.SeriesInstanceUID = uid(case, "series", series_number)
    ds.StudyID = "1"
    ds.SeriesNumber = series_number
    ds.InstanceNumber = instance_number
    ds.AcquisitionNumber = instance_number
    ds.BurnedInAnnotation = "YES"
    ds.LossyImageCompression = "00"
    ds.PixelIntensityRelationship = "LIN"
    ds.SamplesPerPixel = 1
    ds.PhotometricInterpretation = "MONOCHROME2"
    ds.Rows, ds.Columns = rows, cols
    ds.BitsAllocated, ds.BitsStored, ds.HighBit = 16, 12, 11
    ds.PixelRepresentation = 0
    ds.WindowCenter = 2000
    ds.WindowWidth = 3600
    ds.WindowCenterWidthExplanation = "PHANTOM DEFAULT"
    if n > 1:
        ds.NumberOfFrames = n
        ds.FrameIncrementPointer = 0x00181063  # FrameTime
        ds.FrameTime = float(frame_time_ms or 66.7)
        ds.CineRate = int(round(1000.0 / ds.FrameTime))
        ds.RecommendedDisplayFrameRate = ds.CineRate
        ds.ActualFrameDuration = int(round(ds.FrameTime))
        ds.PositionerMotion = "STATIC"
        ds.ImageType = ["ORIGINAL", "PRIMARY", "SINGLE PLANE"]
    ds.PixelData = np.ascontiguousarray(frames if n > 1 else frames[0]).astype(np.uint16).tobytes()
    ds.compress(JPEGLSLossless, encoding_plugin="pyjpegls", generate_instance_uid=False)
    ds.save_as(path, enforce_file_format=True)
