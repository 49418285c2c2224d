"""De-identification: identity planted everywhere it can hide, none of it in any output."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import warnings
import zipfile
import zlib
from dataclasses import replace
from pathlib import Path

import numpy as np
import pydicom
import pytest
from PIL import Image
from pydicom.dataset import Dataset

from annotator.errors import ExportError
from annotator.export.case_export import export_case
from annotator.export.deid import DicomDeidentifier, IdentityScrubber, text_parts
from annotator.model import Role
from tests.unit.test_export_fixtures import IDENTITY, PLANTED, TEXT_BOX, make_case, make_dicom

pytestmark = pytest.mark.filterwarnings("ignore::UserWarning:highdicom")


def _variants(s: str) -> set[str]:
    return {s.lower(), s.replace("^", " ").lower(), s.replace("^", "_").lower()}


def _pdf_streams(data: bytes) -> bytes:
    out = [data]
    for m in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", data, re.S):
        try:
            out.append(zlib.decompress(m.group(1)))
        except zlib.error:
            pass
    return b"\n".join(out)


def _all_text(path: Path) -> str:
    """Every byte of a file where text could be, decoded loosely (lower case)."""
    raw = path.read_bytes()
    parts = [raw]
    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as z:
            parts += [z.read(n) for n in z.namelist()]
    if raw.startswith(b"%PDF"):
        parts.append(_pdf_streams(raw))
        if shutil.which("pdftotext"):
            parts.append(subprocess.run(["pdftotext", str(path), "-"], capture_output=True).stdout)
    if raw.startswith(b"\x89PNG"):
        parts.append(text_parts(path))
    text = "\n".join(p.decode("utf-8", "ignore") + "\n" + p.decode("utf-16-le", "ignore") for p in parts)
    return text.lower()


@pytest.fixture(scope="module")
def planted(tmp_path_factory: pytest.TempPathFactory):
    tmp = tmp_path_factory.mktemp("deid")
    case = make_case(tmp / "Zzyzx^Quintavious case", n_films=2)
    out = tmp / "out"
    files = []
    for lang in ("en", "zh"):
        r = export_case(case, tmp / "Zzyzx^Quintavious case", pptx=out / f"{lang}.pptx", pdf=out / f"{lang}.pdf",
                        png_dir=out / f"png-{lang}", dicom_dir=out / f"dicom-{lang}", lang=lang)
        files += r.files
    return case, out, files


def test_no_planted_identity_survives_in_any_output(planted) -> None:
    _case, out, files = planted
    assert len(files) == 2 * (2 + 2 + 7)
    for path in files:
        text = _all_text(path)
        rel = str(path.relative_to(out)).lower()
        for s in PLANTED:
            for v in _variants(s):
                assert v not in text, f"{s!r} found in {path.name}"
                assert v not in rel, f"{s!r} in the file name {rel}"


def test_dicom_headers_follow_the_basic_profile(planted) -> None:
    _case, _out, files = planted
    for path in files:
        if path.suffix != ".dcm":
            continue
        ds = pydicom.dcmread(path)
        assert ds.PatientIdentityRemoved == "YES"
        codes = [c.CodeValue for c in ds.DeidentificationMethodCodeSequence]
        assert "113100" in codes
        assert "ImageComments" not in ds
        assert str(ds.get("InstitutionName", "")) != IDENTITY["InstitutionName"]
        assert str(ds.PatientName) != IDENTITY["PatientName"]
        assert ds.get("StudyDate", "") != IDENTITY["StudyDate"]
        assert not any(e.tag.is_private for e in ds.iterall())
        assert ds.get("PatientSex") == "M"  # age and sex may stay (domain.md §9)
        if path.name.endswith(("-image.dcm", "-sc.dcm")):
            assert ds.get("PatientAge") == "070Y"
        # the profile reaches nested items, overlays, curves and icons, not just the top level
        elements = list(ds.iterall())
        assert not [e for e in elements if 0x5000 <= e.tag.group <= 0x60FF and e.tag.group % 2 == 0]
        keywords = {e.keyword for e in elements}
        assert not keywords & {"IconImageSequence", "OperatorIdentificationSequence", "AdmissionID",
                               "AcquisitionComments", "DeviceSerialNumber", "PersonIdentificationCodeSequence",
                               "InstitutionName", "OperatorsName", "PatientBirthTime"}
        # the birth date is emptied, not shifted with the study dates (a known date would reveal it)
        assert "PatientBirthDate" in ds and ds.PatientBirthDate == ""
        assert {"113107", "113108"} <= set(codes)  # modified dates; age and sex retained
        assert ds.LongitudinalTemporalInformationModified == "MODIFIED"
        if ds.SOPClassUID == "1.2.840.10008.5.1.4.1.1.11.1":  # GSPS: Type 2, present and empty
            assert "ContentCreatorName" in ds and str(ds.ContentCreatorName) == ""


def test_burned_in_name_is_covered_in_every_pixel_output(planted) -> None:
    _case, out, files = planted
    from pptx import Presentation

    x0, y0, x1, y1 = TEXT_BOX
    checked = 0
    for path in files:
        if path.suffix == ".png":
            arrays = [np.asarray(Image.open(path).convert("RGB"))]
        elif path.name.endswith(("-image.dcm", "-sc.dcm")):
            arrays = [pydicom.dcmread(path).pixel_array]
        elif path.suffix == ".pptx":  # clean and annotated slide images (JPEG, the film's own grid)
            arrays = [np.asarray(Image.open(io.BytesIO(s.image.blob)).convert("RGB"))
                      for slide in Presentation(str(path)).slides for s in slide.shapes if s.shape_type == 13]
        else:
            continue
        for arr in arrays:
            region = arr[y0:y1, x0:x1].astype(int)
            if path.suffix == ".pptx":
                assert region.mean() < 8 and region.max() < 60, path.name  # black, up to JPEG ringing
            else:
                assert region.max() == 0, path.name  # exactly black: nothing drawn over the block there
            checked += 1
    assert checked == 2 * (2 + 4 + 4)  # per language: 2 PNG, 2 copies + 2 SC, 4 slide images


def test_free_text_is_scrubbed_where_it_is_kept(planted) -> None:
    _case, out, _files = planted
    from pptx import Presentation

    slides = list(Presentation(str(out / "en.pptx")).slides)
    text = " ".join(s.text_frame.text for sl in slides for s in sl.shapes if s.has_text_frame)
    notes = " ".join(sl.notes_slide.notes_text_frame.text for sl in slides)
    assert "right leg pain (patient [removed], [removed])" in text  # symptoms kept, identity cut out
    assert "[removed]: contrast along the L5 sheath" in text  # the user's caption, scrubbed
    assert "seen by [removed]" in notes


def test_identified_export_keeps_identity_and_says_so(tmp_path: Path) -> None:
    case = make_case(tmp_path / "c", n_films=1)
    r = export_case(case, tmp_path / "c", pptx=tmp_path / "d.pptx", dicom_dir=tmp_path / "dcm", identified=True)
    assert r.warnings and "identity" in r.warnings[0]
    assert "quintavious" in _all_text(tmp_path / "d.pptx")  # the case title is shown
    gsps = pydicom.dcmread(tmp_path / "dcm" / "case1" / "fig1A-gsps.dcm")
    assert str(gsps.PatientName) == IDENTITY["PatientName"]


def test_leak_guard_removes_a_file_that_carries_identity(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import annotator.export.deid as deid

    case = make_case(tmp_path / "c", n_films=1)
    monkeypatch.setattr(deid.IdentityScrubber, "scrub", lambda self, text: text)  # a scrubber bug
    # the free-text check lists the texts first; a user who (wrongly) confirms them all still
    # meets the leak guard of the finished file
    with pytest.raises(ExportError, match="may identify the patient"):
        export_case(case, tmp_path / "c", pptx=tmp_path / "out" / "d.pptx")
    with pytest.raises(ExportError, match="identity found"):
        export_case(case, tmp_path / "c", pptx=tmp_path / "out" / "d.pptx", confirm_text=True)
    assert not (tmp_path / "out" / "d.pptx").exists()


# --- the two tools on their own ---------------------------------------------------------------


def test_scrubber_removes_names_ids_and_dates_but_not_words_containing_them() -> None:
    ds = Dataset()
    ds.PatientName = "Li^Wei"
    ds.PatientID = "998877"
    ds.PatientBirthDate = "19560302"
    s = IdentityScrubber(["张三"])
    s.add_dataset(ds)
    out = s.scrub("Li Wei (LI^WEI, 998877) born 1956-03-02 got lidocaine on 2024/5/6; 张三 20240506 2 ml")
    assert out == ("[removed] ([removed], [removed]) born [removed] got lidocaine on [removed]; [removed] "
                   "[removed] 2 ml")
    assert s.find_leaks("患者张三".encode()) == ["张三"]
    assert s.find_leaks(b"lidocaine 2 ml") == []
    assert "Li^Wei" in s.find_leaks("x li wei y".encode("utf-16-le"))


def test_a_chinese_name_split_by_a_line_break_is_still_a_leak() -> None:
    s = IdentityScrubber(["张三丰"])
    assert s.find_leaks("病例：张三\n丰，右 L5".encode()) == ["张三丰"]
    assert s.find_leaks("病例：张三 丰".encode("utf-16-le")) == ["张三丰"]
    # Latin terms keep their word boundaries: "le e" is not the name "Lee"
    latin = IdentityScrubber(["Leeann"])
    assert latin.find_leaks(b"pedicle e ann") == []


def test_a_date_written_with_separators_is_learnt_whole() -> None:
    ds = Dataset()
    with warnings.catch_warnings():  # pydicom may warn that this is not a DA value
        warnings.simplefilter("ignore")
        ds.StudyDate = "2026-01-15"  # not the DICOM DA form, but files like it exist
    ds.AcquisitionDateTime = "20260115103230.000000"
    s = IdentityScrubber()
    s.add_dataset(ds)
    assert "2026-01-15" in s.find_leaks(b"seen on 2026-01-15")
    assert s.find_leaks(b"follow-up 2026-01-28") == []  # another day of that month is no leak
    assert s.scrub("follow-up 2026-01-28 after the block") == "follow-up [removed] after the block"  # dates go


def test_deidentifier_remaps_uids_consistently_and_keeps_class_uids(tmp_path: Path) -> None:
    a = pydicom.dcmread(make_dicom(tmp_path / "a.dcm"))
    b = pydicom.dcmread(tmp_path / "a.dcm")
    a.add_new(0x00091010, "LO", "private Zzyzx")
    ref = Dataset()
    ref.ReferencedSOPInstanceUID = b.SOPInstanceUID
    b.ReferencedImageSequence = [ref]
    original_uid, class_uid = a.SOPInstanceUID, a.SOPClassUID
    d = DicomDeidentifier(seed="t")
    d.apply(a, pixels_cleaned=True)
    d.apply(b)
    assert a.SOPInstanceUID != original_uid and a.SOPInstanceUID == b.SOPInstanceUID
    assert b.ReferencedImageSequence[0].ReferencedSOPInstanceUID == a.SOPInstanceUID
    assert a.SOPClassUID == class_uid
    assert a.file_meta.MediaStorageSOPInstanceUID == a.SOPInstanceUID
    assert not any(e.tag.is_private for e in a)
    assert "ImageComments" not in a
    assert a.BurnedInAnnotation == "NO" and a.PatientIdentityRemoved == "YES"
    assert "113101" in [c.CodeValue for c in a.DeidentificationMethodCodeSequence]


def test_numeric_ids_do_not_trip_the_leak_check_on_numbers(tmp_path: Path) -> None:
    """A patient ID "1024" equals the film width: the leak check reads text, not numbers."""
    from tests.unit.test_export_fixtures import make_case as make

    identity = dict(IDENTITY, PatientID="1024", OtherPatientIDs="2286000")
    case = make(tmp_path / "c", n_films=1)
    for film in case.roots[0].films:
        make_dicom(tmp_path / "c" / film.path, rows=256, cols=1024, identity=identity)
    # the fixture's title and symptoms quote the IDs of IDENTITY, which these headers no longer
    # hold: the free-text check lists them as record numbers; the user confirms them here
    r = export_case(case, tmp_path / "c", pptx=tmp_path / "d.pptx", pdf=tmp_path / "d.pdf",
                    dicom_dir=tmp_path / "dcm", confirm_text=True)
    assert len(r.files) == 2 + 4


def test_a_leak_in_the_last_file_leaves_no_file_and_keeps_an_earlier_export(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """PPTX and PNG are written (clean) before the DICOM objects; a leak in the DICOM removes all."""
    case = make_case(tmp_path / "c", n_films=1)
    out = tmp_path / "out"
    out.mkdir()
    (out / "d.pptx").write_bytes(b"an earlier export")
    monkeypatch.setattr(DicomDeidentifier, "apply", lambda self, ds, pixels_cleaned=False: ds)  # a de-id bug
    with pytest.raises(ExportError, match="identity found"):
        export_case(case, tmp_path / "c", pptx=out / "d.pptx", png_dir=out / "png", dicom_dir=out / "dcm")
    assert sorted(p.name for p in out.rglob("*")) == ["d.pptx"]  # no PNG, no DICOM, no temporary file
    assert (out / "d.pptx").read_bytes() == b"an earlier export"


def test_annotation_text_is_scrubbed_in_burned_in_films(tmp_path: Path) -> None:
    """The arrow's "Quintavious here" is burned in exactly as "[removed] here" would be."""
    planted = make_case(tmp_path / "a", n_films=1)
    export_case(planted, tmp_path / "a", png_dir=tmp_path / "pa")
    clean = make_case(tmp_path / "b", n_films=1)
    film = clean.roots[0].films[0]
    film.caption = "[removed]: contrast along the L5 sheath"
    film.annotations = [replace(a, text="[removed] here") if a.role is Role.ARROW else a for a in film.annotations]
    export_case(clean, tmp_path / "b", png_dir=tmp_path / "pb")
    a = np.asarray(Image.open(tmp_path / "pa" / "case1-fig1A.png"))
    b = np.asarray(Image.open(tmp_path / "pb" / "case1-fig1A.png"))
    assert a.shape == b.shape and (a == b).all()


def _burned_in_case(folder: Path, value: str, redacted: bool):
    case = make_case(folder, n_films=1)
    film = case.roots[0].films[0]
    ds = pydicom.dcmread(folder / film.path)
    ds.BurnedInAnnotation = value
    ds.save_as(folder / film.path, enforce_file_format=True)
    if not redacted:
        film.redactions.clear()
    return case


def test_a_film_with_burned_in_text_and_no_redaction_is_refused(tmp_path: Path) -> None:
    case = _burned_in_case(tmp_path / "c", "YES", redacted=False)
    out = tmp_path / "out"
    with pytest.raises(ExportError) as err:
        export_case(case, tmp_path / "c", pptx=out / "d.pptx", png_dir=out / "png", dicom_dir=out / "dcm")
    message = str(err.value)
    assert "film 1A" in message and "redaction" in message and "--identified" in message
    assert "\n" not in message and "Quintavious" not in message
    assert not out.exists()
    # identified, it is exported, and nothing claims the pixels are clean
    export_case(case, tmp_path / "c", dicom_dir=tmp_path / "ident", identified=True)
    sc = pydicom.dcmread(tmp_path / "ident" / "case1" / "fig1A-sc.dcm")
    assert sc.BurnedInAnnotation == "YES"


def test_clean_pixels_are_claimed_only_when_a_redaction_was_applied(tmp_path: Path) -> None:
    case = _burned_in_case(tmp_path / "c", "NO", redacted=False)
    r = export_case(case, tmp_path / "c", dicom_dir=tmp_path / "out")
    for path in r.files:
        ds = pydicom.dcmread(path)
        codes = [c.CodeValue for c in ds.DeidentificationMethodCodeSequence]
        assert "113101" not in codes, path.name
        if "-image" in path.name:
            assert ds.BurnedInAnnotation == "NO", path.name  # the source said so
        if "-sc" in path.name:  # the arrow's note "Quintavious here" (scrubbed) is burned in: user text
            assert ds.BurnedInAnnotation == "YES", path.name
    redacted = _burned_in_case(tmp_path / "d", "YES", redacted=True)
    r = export_case(redacted, tmp_path / "d", dicom_dir=tmp_path / "out2")
    image = pydicom.dcmread(next(p for p in r.files if p.name.endswith("-image.dcm")))
    assert image.BurnedInAnnotation == "NO" and "113101" in [c.CodeValue for c in image.DeidentificationMethodCodeSequence]
    sc = pydicom.dcmread(next(p for p in r.files if p.name.endswith("-sc.dcm")))
    assert sc.BurnedInAnnotation == "YES" and "113101" not in [c.CodeValue for c in sc.DeidentificationMethodCodeSequence]
    # without user text on the film, the burned-in copy is as clean as the redacted source
    film = redacted.roots[0].films[0]
    film.annotations = [replace(a, text="") for a in film.annotations]
    r = export_case(redacted, tmp_path / "d", dicom_dir=tmp_path / "out3")
    sc = pydicom.dcmread(next(p for p in r.files if p.name.endswith("-sc.dcm")))
    assert sc.BurnedInAnnotation == "NO" and "113101" in [c.CodeValue for c in sc.DeidentificationMethodCodeSequence]


def test_free_text_in_findings_is_scrubbed_everywhere(tmp_path: Path) -> None:
    """A finding code, site, value or note outside the vocabulary is free text: it reaches the
    notes, the warnings (FINDING_UNKNOWN) and the SR, scrubbed; the export is not refused."""
    from annotator.model import Finding

    case = make_case(tmp_path / "c", n_films=1)
    case.roots[0].findings.append(Finding("seen by Quintavious", site="at Sankt Wibbelstein Hospital", note="Zzyzx Quintavious said so"))
    out = tmp_path / "out"
    r = export_case(case, tmp_path / "c", pptx=out / "d.pptx", pdf=out / "d.pdf", dicom_dir=out / "dcm")
    texts = b"\n".join(text_parts(p) for p in r.files)
    assert b"[removed]" in texts  # the finding is there, scrubbed
    for name in (b"Quintavious", b"Wibbelstein", b"Zzyzx"):
        assert name not in texts
