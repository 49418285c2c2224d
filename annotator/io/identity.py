"""Patient identity, read only when the user asks to see it.

Nothing else in the tool reads these attributes: ``ImageInfo`` never carries
them. ``PatientIdentity`` keeps them out of reprs and logs (its repr says
"hidden"); only ``lines()`` spells them out, for the viewer's corner text when
the user has turned that on.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

_TAGS = ("PatientName", "PatientID", "PatientBirthDate", "PatientSex", "StudyDate", "AccessionNumber",
         "InstitutionName")


@dataclass(frozen=True, repr=False)
class PatientIdentity:
    name: str = ""
    patient_id: str = ""
    birth_date: str = ""
    sex: str = ""
    study_date: str = ""
    accession: str = ""
    institution: str = ""

    def __repr__(self) -> str:
        return "<PatientIdentity hidden>"

    __str__ = __repr__

    def lines(self) -> list[str]:
        """Display lines (DICOM person-name carets shown as spaces); empty values left out."""
        name = self.name.replace("^", " ").strip()
        first = " ".join(v for v in (name, self.sex) if v)
        born = f"DOB {_date(self.birth_date)}" if self.birth_date else ""
        second = "  ".join(v for v in (self.patient_id, born) if v)
        study = f"{_date(self.study_date)}  {self.accession}".strip() if (self.study_date or self.accession) else ""
        return [line for line in (first, second, study, self.institution) if line]


def _date(da: str) -> str:
    return f"{da[:4]}-{da[4:6]}-{da[6:8]}" if len(da) == 8 and da.isdigit() else da


def read_identity(path: str | Path) -> PatientIdentity | None:
    """Identity attributes of a DICOM file's header; None for plain images or unreadable files."""
    try:
        import pydicom

        ds = pydicom.dcmread(str(path), stop_before_pixels=True, specific_tags=list(_TAGS))
    except Exception:  # not DICOM, damaged, gone: nothing to show, and nothing to report
        return None
    values = [str(ds.get(tag, "") or "").strip() for tag in _TAGS]
    if not any(values):
        return None
    name, pid, birth, sex, study, accession, institution = values
    return PatientIdentity(name, pid, birth, sex, study, accession, institution)
