"""Synthetic films and cases for the export tests (imported by test_export_*.py, test_deid*.py).

Every identity string is planted where it could hide: DICOM header (top level,
nested sequence items, private tags, overlay description, icon image),
case fields, captions, finding notes, annotation texts (arrow, ruler), and
the source file name.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pydicom
from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.uid import ExplicitVRLittleEndian, generate_uid

from annotator.geometry import Calibration, CalibrationSource
from annotator.model import (
    Annotation,
    BlockResult,
    Case,
    DrugDose,
    Film,
    Finding,
    Phase,
    Redaction,
    Role,
    Root,
    ShapeKind,
    Side,
    View,
)

IDENTITY = {
    "PatientName": "Zzyzx^Quintavious",
    "PatientID": "PID-77341955",
    "PatientBirthDate": "19480229",
    "AccessionNumber": "ACC90817263",
    "InstitutionName": "Sankt Wibbelstein Hospital",
    "OperatorsName": "Operatorson^Brunhilde",
    "ReferringPhysicianName": "Referrerov^Casimir",
    "StudyDate": "20231117",
    "StudyID": "STU4455667",
    "OtherPatientIDs": "OPID-5544332",
}
PLANTED = [
    "Zzyzx^Quintavious", "Zzyzx Quintavious", "Quintavious", "PID-77341955", "19480229", "1948-02-29",
    "ACC90817263", "Sankt Wibbelstein Hospital", "Wibbelstein", "Operatorson", "Brunhilde", "Referrerov",
    "Casimir", "20231117", "2023-11-17", "STU4455667", "OPID-5544332",
    # nested, private, overlay and free-text attributes dicognito alone leaves in place
    "Nestorius", "SN-KRAKLE-991", "ADM-3141592", "Privatovsky", "Overlayne", "Acquirovna", "Iconsworth",
]
# planted in the films outside IDENTITY (not learnt by the scrubber: the profile must remove them)
NESTED = {"operator_code_meaning": "Nestorius Operatorson", "device_serial": "SN-KRAKLE-991",
          "admission": "ADM-3141592", "private": "Privatovsky was here", "overlay": "Overlayne name",
          "acquisition_comments": "acquired by Acquirovna", "icon_creator": "Iconsworth"}
XA_CLASS = "1.2.840.10008.5.1.4.1.1.12.1"
# where the fake burned-in name is painted (x0, y0, x1, y1): where no text box, legend, scale bar,
# mark or target zone is drawn, so a missing redaction shows in every annotated output
TEXT_BOX = (170, 225, 230, 245)


def make_dicom(path: Path, rows: int = 256, cols: int = 240, identity: dict | None = None,
               view: str = "AP", study_uid: str | None = None) -> Path:
    """A small XA-like MONOCHROME2 film with identity in the header and painted into the pixels."""
    identity = IDENTITY if identity is None else identity
    yy, xx = np.mgrid[0:rows, 0:cols]
    px = (1000 + 8 * xx + 4 * yy).astype(np.uint16)
    x0, y0, x1, y1 = TEXT_BOX
    px[y0:y1, x0:x1] = 4095  # "burned-in name": a bright block the redaction must hide
    meta = FileMetaDataset()
    meta.MediaStorageSOPClassUID = XA_CLASS
    meta.MediaStorageSOPInstanceUID = generate_uid()
    meta.TransferSyntaxUID = ExplicitVRLittleEndian
    ds = Dataset()
    ds.file_meta = meta
    ds.SOPClassUID = XA_CLASS
    ds.SOPInstanceUID = meta.MediaStorageSOPInstanceUID
    ds.StudyInstanceUID = study_uid or generate_uid()
    ds.SeriesInstanceUID = generate_uid()
    ds.FrameOfReferenceUID = generate_uid()
    ds.Modality = "XA"
    ds.Manufacturer = "Synthetic"
    ds.SeriesNumber = 1
    ds.InstanceNumber = 1
    ds.StudyTime = "101500"
    ds.PatientSex = "M"
    ds.PatientAge = "070Y"
    ds.ViewPosition = view
    ds.BodyPartExamined = "LSPINE"
    # enough of the XA image and acquisition modules for dciodvfy to accept the film
    ds.ImageType = ["ORIGINAL", "PRIMARY", "SINGLE PLANE"]
    ds.PixelIntensityRelationship = "LIN"
    ds.KVP = "75"
    ds.RadiationSetting = "GR"
    ds.XRayTubeCurrent = 5
    ds.ExposureTime = 100
    ds.Laterality = None
    ds.PatientOrientation = ["L", "F"] if view == "AP" else ["P", "F"]
    ds.PositionerMotion = "STATIC"
    ds.PositionerPrimaryAngle = 0 if view == "AP" else 90
    ds.PositionerSecondaryAngle = 0
    ds.ReferringPhysicianName = ""
    ds.PatientBirthDate = ""
    ds.AccessionNumber = ""
    ds.StudyID = ""
    ds.ImageComments = f"film of {identity.get('PatientName', 'x')}"
    for k, v in identity.items():
        setattr(ds, k, v)
    ds.BurnedInAnnotation = "YES"  # the painted name block below
    if identity is IDENTITY:
        _plant_nested(ds)
    ds.Rows, ds.Columns = rows, cols
    ds.SamplesPerPixel = 1
    ds.PhotometricInterpretation = "MONOCHROME2"
    ds.BitsAllocated, ds.BitsStored, ds.HighBit = 16, 12, 11
    ds.PixelRepresentation = 0
    ds.ImagerPixelSpacing = [0.3, 0.3]
    ds.WindowCenter, ds.WindowWidth = 2048, 4096
    ds.PixelData = np.clip(px, 0, 4095).astype(np.uint16).tobytes()
    pydicom.dcmwrite(path, ds, enforce_file_format=True)
    return path


def _plant_nested(ds: Dataset) -> None:
    """Identity where a top-level-only profile misses it: nested items, private tags, an overlay
    with a description, an icon image, comments and admission data."""
    code = Dataset()
    code.CodeValue = "OPX1"
    code.CodingSchemeDesignator = "99LOCAL"
    code.CodeMeaning = NESTED["operator_code_meaning"]
    operator = Dataset()
    operator.PersonIdentificationCodeSequence = [code]
    operator.InstitutionName = IDENTITY["InstitutionName"]
    ds.OperatorIdentificationSequence = [operator]
    purpose = Dataset()
    purpose.CodeValue, purpose.CodingSchemeDesignator, purpose.CodeMeaning = (
        "109101", "DCM", "Acquisition Equipment")
    equipment = Dataset()
    equipment.PurposeOfReferenceCodeSequence = [purpose]
    equipment.Manufacturer = "Synthetic"
    equipment.DeviceSerialNumber = NESTED["device_serial"]
    equipment.add_new(0x00990010, "LO", "SYNTH PRIVATE")
    equipment.add_new(0x00991001, "LO", NESTED["private"])
    ds.ContributingEquipmentSequence = [equipment]
    ds.add_new(0x00290010, "LO", "SYNTH PRIVATE")
    ds.add_new(0x00291010, "LO", NESTED["private"])
    ds.AdmissionID = NESTED["admission"]
    ds.AcquisitionComments = NESTED["acquisition_comments"]
    icon = Dataset()
    icon.SamplesPerPixel, icon.PhotometricInterpretation = 1, "MONOCHROME2"
    icon.Rows = icon.Columns = 8
    icon.BitsAllocated, icon.BitsStored, icon.HighBit, icon.PixelRepresentation = 8, 8, 7, 0
    icon.PixelData = bytes(range(64))
    icon.add_new(0x00091010, "LO", NESTED["icon_creator"])
    ds.IconImageSequence = [icon]
    ds.add_new(0x60000010, "US", 16)  # Overlay Rows
    ds.add_new(0x60000011, "US", 16)  # Overlay Columns
    ds.add_new(0x60000022, "LO", NESTED["overlay"])  # Overlay Description
    ds.add_new(0x60000040, "CS", "G")
    ds.add_new(0x60000050, "SS", [1, 1])
    ds.add_new(0x60000100, "US", 1)
    ds.add_new(0x60000102, "US", 0)
    ds.add_new(0x60003000, "OW", b"\xff" * 32)  # Overlay Data: a bitmap could spell a name


def make_case(folder: Path, n_films: int = 2, identity: bool = True) -> Case:
    """A case of one root (right L5) with AP and lateral films, findings, drugs and identity planted."""
    folder.mkdir(parents=True, exist_ok=True)
    root = Root(level="L5", side=Side.RIGHT, block_result=BlockResult.COMPLETE,
                drugs=[DrugDose("lidocaine", concentration_pct=0.5, volume_ml=2),
                       DrugDose("dexamethasone", dose_mg=5)],
                notes="Dr Operatorson noted resistance on 2023-11-17", adjustments="redirected once")
    study = generate_uid()
    cal = Calibration(0.3, 0.3, CalibrationSource.DETECTOR)
    for i in range(n_films):
        view = View.AP if i % 2 == 0 else View.LATERAL
        name = f"Zzyzx_Quintavious_{i}.dcm" if identity else f"film{i}.dcm"
        make_dicom(folder / name, view="AP" if view is View.AP else "LL", study_uid=study)
        film = Film(path=name, view=view, phase=Phase.AFTER_CONTRAST, calibration=cal,
                    caption="Quintavious: contrast along the L5 sheath" if i == 0 else "")
        x0, y0, x1, y1 = TEXT_BOX
        film.redactions.append(Redaction(x0 - 2, y0 - 2, x1 + 2, y1 + 2))
        if view is View.AP:
            film.annotations += [
                Annotation(Role.PEDICLE_MARGIN, ShapeKind.LINE, ((90.0, 100.0), (150.0, 102.0)), level="L5"),
                Annotation(Role.TIP, ShapeKind.POINT, ((121.5, 110.25),)),
                Annotation(Role.SHAFT, ShapeKind.LINE, ((200.0, 30.0), (121.5, 110.25))),
                Annotation(Role.CONTRAST_PATH, ShapeKind.POLYLINE, ((121.5, 110.25), (130.0, 150.0), (140.0, 200.0))),
                Annotation(Role.LEVEL_LABEL, ShapeKind.POINT, ((60.0, 100.0),), text="L5"),
                Annotation(Role.S1_FORAMEN, ShapeKind.ELLIPSE, ((120.0, 220.0),), radii=(12.0, 8.0),
                           rotation_deg=20.0),
                Annotation(Role.ARROW, ShapeKind.LINE, ((200.0, 180.0), (160.0, 150.0)),
                           text="Quintavious here"),  # identity typed into an annotation
            ]
        else:
            film.annotations += [
                Annotation(Role.FORAMEN, ShapeKind.POLYGON, ((80.0, 80.0), (160.0, 80.0), (170.0, 160.0), (90.0, 170.0))),
                Annotation(Role.TIP, ShapeKind.POINT, ((150.0, 100.0),)),
                Annotation(Role.RULER, ShapeKind.LINE, ((20.0, 200.0), (120.0, 200.0)), text="PID-77341955"),
            ]
        root.films.append(film)
        root.findings.append(Finding("contrast_cutoff", film_id=film.id, site="lateral_recess",
                                     note="seen by Brunhilde"))
    root.findings.append(Finding("tip_in_sheath"))
    return Case(title="Zzyzx Quintavious PID-77341955", age=70, sex="M",
                symptoms="right leg pain (patient Quintavious, ACC90817263)", notes="Referrerov Casimir referred",
                roots=[root])


def spy_drawn_text(monkeypatch) -> list[str]:
    """Every string Pillow draws from now on (in the order drawn), still drawn as usual."""
    from PIL import ImageDraw

    drawn: list[str] = []
    real = ImageDraw.ImageDraw.text

    def spy(self, xy, text, *a, **k):
        drawn.append(str(text))
        return real(self, xy, text, *a, **k)

    monkeypatch.setattr(ImageDraw.ImageDraw, "text", spy)
    return drawn
