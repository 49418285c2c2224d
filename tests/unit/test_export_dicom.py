"""DICOM export: dciodvfy-clean objects, references that survive de-identification, round trips."""

from __future__ import annotations

import math
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pydicom
import pytest
from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.uid import ExplicitVRLittleEndian, generate_uid

from annotator.errors import ExportError
from annotator.export.case_export import export_case
from annotator.export.dicom_read import ForeignGraphic, read_measurement_report, read_presentation_state
from annotator.model import Annotation, Role, ShapeKind
from tests.unit.test_export_fixtures import TEXT_BOX, make_case

pytestmark = pytest.mark.filterwarnings("ignore::UserWarning:highdicom")


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory):
    tmp = tmp_path_factory.mktemp("dicom")
    case = make_case(tmp / "case", n_films=2)
    result = export_case(case, tmp / "case", dicom_dir=tmp / "out", seed="fixed")
    return case, tmp / "case", {p.name: p for p in result.files}


def test_files_per_film_and_root(exported) -> None:
    _case, _folder, files = exported
    assert sorted(files) == sorted([
        "fig1A-image.dcm", "fig1A-gsps.dcm", "fig1A-sc.dcm",
        "fig1B-image.dcm", "fig1B-gsps.dcm", "fig1B-sc.dcm", "root1-right-L5-sr.dcm",
    ])


def dciodvfy_errors(path: Path) -> list[str]:
    tool = shutil.which("dciodvfy")
    if tool is None:
        pytest.skip("dciodvfy (Debian package dicom3tools) is not installed")
    out = subprocess.run([tool, str(path)], capture_output=True, text=True)
    return [line for line in (out.stdout + out.stderr).splitlines() if line.startswith("Error")]


@pytest.mark.dciodvfy
def test_every_object_passes_dciodvfy(exported) -> None:
    _case, _folder, files = exported
    for name, path in files.items():
        assert dciodvfy_errors(path) == [], name


def test_references_hold_after_deidentification(exported) -> None:
    _case, _folder, files = exported
    ds = {n: pydicom.dcmread(p) for n, p in files.items()}
    image = ds["fig1A-image.dcm"]
    gsps = ds["fig1A-gsps.dcm"]
    ref = gsps.ReferencedSeriesSequence[0]
    assert ref.SeriesInstanceUID == image.SeriesInstanceUID
    assert ref.ReferencedImageSequence[0].ReferencedSOPInstanceUID == image.SOPInstanceUID
    assert {str(a.ReferencedImageSequence[0].ReferencedSOPInstanceUID)
            for a in gsps.GraphicAnnotationSequence} == {image.SOPInstanceUID}
    sc = ds["fig1A-sc.dcm"]
    assert sc.StudyInstanceUID == image.StudyInstanceUID == gsps.StudyInstanceUID
    assert sc.PatientID == image.PatientID == gsps.PatientID
    report = read_measurement_report(files["root1-right-L5-sr.dcm"])
    assert set(report.referenced_sop_uids) == {ds["fig1A-image.dcm"].SOPInstanceUID,
                                               ds["fig1B-image.dcm"].SOPInstanceUID}
    assert ds["root1-right-L5-sr.dcm"].StudyInstanceUID == image.StudyInstanceUID
    for d in ds.values():
        assert d.PatientIdentityRemoved == "YES"
        assert d.file_meta.MediaStorageSOPInstanceUID == d.SOPInstanceUID


def test_source_copy_is_redacted(exported) -> None:
    _case, _folder, files = exported
    image = pydicom.dcmread(files["fig1A-image.dcm"])
    x0, y0, x1, y1 = TEXT_BOX
    arr = image.pixel_array
    assert arr[y0:y1, x0:x1].max() == 0  # the painted "name" block is gone
    assert arr.max() > 1000  # the rest of the film is still there
    assert image.BurnedInAnnotation == "NO"


def test_gsps_round_trip_is_exact(exported) -> None:
    from annotator.export.deid import IdentityScrubber

    case, folder, files = exported
    scrubber = IdentityScrubber()  # annotation texts come back as exported: scrubbed of identity
    scrubber.add_dataset(pydicom.dcmread(folder / case.roots[0].films[0].path, stop_before_pixels=True))
    for film, name in zip(case.roots[0].films, ("fig1A-gsps.dcm", "fig1B-gsps.dcm")):
        content = read_presentation_state(files[name])
        assert content.ours
        want = {a.id: a for a in film.annotations if not a.suggested}
        got = {a.id: a for a in content.annotations}
        assert set(got) == set(want)
        for aid, a in want.items():
            b = got[aid]
            assert (b.role, b.kind, b.level, b.frame) == (a.role, a.kind, a.level, a.frame)
            if a.kind is ShapeKind.ELLIPSE:
                assert b.points[0] == pytest.approx(a.points[0], abs=1e-4)
                assert b.radii == pytest.approx(a.radii, abs=1e-4)
                assert b.rotation_deg == pytest.approx(a.rotation_deg, abs=1e-4)
            else:
                assert np.allclose(b.points, a.points, atol=1e-4)
            assert b.text == scrubber.scrub(a.text)
        layers = {g.layer for g in content.foreign}
        assert "VERDICT" in layers or film.view.value == "unknown"


def test_sr_carries_distance_statuses_findings_and_block(exported) -> None:
    case, _folder, files = exported
    report = read_measurement_report(files["root1-right-L5-sr.dcm"])
    assert len(report.tip_positions) == 2
    assert all(s in {"ON-TARGET", "NEAR", "OFF", "INSUFFICIENT"} for _, s in report.tip_positions)
    assert report.tip_positions[0][0].startswith("Fig 1A")
    for _tid, value, unit in report.distances:
        assert math.isfinite(value) and unit == "mm"
    assert report.findings.count("CONTRAST-CUTOFF") == 2 and "TIP-IN-SHEATH" in report.findings
    assert report.block_result == "BLOCK-COMPLETE" and report.conclusion == "CONCL-COMPLETE"


def test_burned_in_sc_matches_the_film_grid(exported) -> None:
    _case, _folder, files = exported
    sc = pydicom.dcmread(files["fig1A-sc.dcm"])
    src = pydicom.dcmread(files["fig1A-image.dcm"])
    assert (sc.Rows, sc.Columns) == (src.Rows, src.Columns)
    assert sc.PhotometricInterpretation == "RGB"
    assert sc.pixel_array[150, 20].tolist() != [0, 0, 0]  # the film, in colour
    tip = (110, 121)  # (row, column) of the AP film's needle tip: drawn in the tip colour
    from annotator.render import style

    assert tuple(sc.pixel_array[tip]) == style.role_color(Role.TIP)


def test_identified_export_keeps_original_uids_and_names(tmp_path: Path) -> None:
    case = make_case(tmp_path / "c", n_films=1)
    src = pydicom.dcmread(tmp_path / "c" / case.roots[0].films[0].path)
    result = export_case(case, tmp_path / "c", dicom_dir=tmp_path / "out", identified=True)
    names = sorted(p.name for p in result.files)
    assert names == ["fig1A-gsps.dcm", "fig1A-sc.dcm", "root1-right-L5-sr.dcm"]  # originals stay in PACS
    gsps = pydicom.dcmread(tmp_path / "out" / "case1" / "fig1A-gsps.dcm")
    assert gsps.PatientName == src.PatientName and gsps.StudyInstanceUID == src.StudyInstanceUID
    assert gsps.ReferencedSeriesSequence[0].ReferencedImageSequence[0].ReferencedSOPInstanceUID == src.SOPInstanceUID
    assert result.warnings and "identity" in result.warnings[0]


@pytest.mark.dciodvfy
def test_plain_image_film_gets_a_secondary_capture_source(tmp_path: Path) -> None:
    from PIL import Image

    case = make_case(tmp_path / "c", n_films=1)
    film = case.roots[0].films[0]
    Image.fromarray(np.full((256, 240), 90, np.uint8)).save(tmp_path / "c" / "plain.png")
    film.path = "plain.png"
    result = export_case(case, tmp_path / "c", dicom_dir=tmp_path / "out")
    assert any("not DICOM" in w for w in result.warnings)
    image = pydicom.dcmread(tmp_path / "out" / "case1" / "fig1A-image.dcm")
    gsps = pydicom.dcmread(tmp_path / "out" / "case1" / "fig1A-gsps.dcm")
    assert image.SOPClassUID == "1.2.840.10008.5.1.4.1.1.7"
    assert gsps.ReferencedSeriesSequence[0].ReferencedImageSequence[0].ReferencedSOPInstanceUID == image.SOPInstanceUID
    got = {a.id for a in read_presentation_state(gsps).annotations}
    assert got == {a.id for a in film.annotations}
    for path in result.files:
        assert dciodvfy_errors(path) == [], path.name


def _foreign_gsps(image_uid: str) -> Dataset:
    """A presentation state as another viewer would write it, with plain pydicom."""
    ds = Dataset()
    ds.file_meta = FileMetaDataset()
    ds.file_meta.TransferSyntaxUID = ExplicitVRLittleEndian
    ds.SOPClassUID = "1.2.840.10008.5.1.4.1.1.11.1"
    ds.SOPInstanceUID = generate_uid()
    ds.Manufacturer = "OtherViewer"
    ds.ContentLabel = "MEASURE"
    ref = Dataset()
    ref.ReferencedSOPClassUID = "1.2.840.10008.5.1.4.1.1.12.1"
    ref.ReferencedSOPInstanceUID = image_uid
    item = Dataset()
    item.GraphicLayer = "MEASUREMENTS"
    item.ReferencedImageSequence = [ref]
    line = Dataset()
    line.GraphicAnnotationUnits = "PIXEL"
    line.GraphicDimensions = 2
    line.NumberOfGraphicPoints = 2
    line.GraphicData = [10.5, 20.25, 100.0, 120.0]
    line.GraphicType = "POLYLINE"
    line.GraphicFilled = "N"
    circle = Dataset()
    circle.GraphicAnnotationUnits = "DISPLAY"
    circle.GraphicDimensions = 2
    circle.NumberOfGraphicPoints = 2
    circle.GraphicData = [0.5, 0.5, 0.6, 0.5]
    circle.GraphicType = "CIRCLE"
    circle.GraphicFilled = "N"
    text = Dataset()
    text.UnformattedTextValue = "42.0 mm"
    text.AnchorPointAnnotationUnits = "PIXEL"
    text.AnchorPoint = [100.0, 120.0]
    text.AnchorPointVisibility = "Y"
    item.GraphicObjectSequence = [line, circle]
    item.TextObjectSequence = [text]
    ds.GraphicAnnotationSequence = [item]
    return ds


def test_other_tools_presentation_states_are_read_only_shapes() -> None:
    uid = generate_uid()
    content = read_presentation_state(_foreign_gsps(uid), image_size=(200, 100))
    assert not content.ours and content.annotations == []
    line, circle, text = content.foreign
    assert line == ForeignGraphic("POLYLINE", ((10.5, 20.25), (100.0, 120.0)), "MEASUREMENTS",
                                  referenced_sop_uids=(uid,))
    assert circle.kind == "CIRCLE" and circle.points == ((100.0, 50.0), (120.0, 50.0))  # DISPLAY -> pixels
    assert text.kind == "TEXT" and text.text == "42.0 mm" and text.points == ((100.0, 120.0),)
    assert content.referenced_sop_uids == (uid,)
    # without the image size a DISPLAY graphic cannot be placed: left out, not guessed
    assert [g.kind for g in read_presentation_state(_foreign_gsps(uid)).foreign] == ["POLYLINE", "TEXT"]


def test_a_layer_named_like_a_role_in_another_tools_gsps_stays_foreign() -> None:
    ds = _foreign_gsps(generate_uid())
    ds.GraphicAnnotationSequence[0].GraphicLayer = "TIP"
    content = read_presentation_state(ds, image_size=(200, 100))
    assert content.annotations == []


def test_reading_something_else_fails_cleanly(tmp_path: Path) -> None:
    ds = _foreign_gsps(generate_uid())
    ds.SOPClassUID = "1.2.840.10008.5.1.4.1.1.7"
    with pytest.raises(ExportError):
        read_presentation_state(ds)
    (tmp_path / "junk.dcm").write_bytes(b"not dicom")
    with pytest.raises(ExportError):
        read_presentation_state(tmp_path / "junk.dcm")
    with pytest.raises(ExportError):
        read_measurement_report(ds)


def test_points_outside_the_image_are_clipped_to_its_edges() -> None:
    from annotator.export.dicom_gsps import graphic_for

    a = Annotation(Role.CONTRAST_PATH, ShapeKind.POLYLINE, ((-5.0, 10.0), (300.0, 500.0)))
    gtype, pts = graphic_for(a, cols=240, rows=256)
    assert gtype == "POLYLINE" and pts.tolist() == [[0.0, 10.0], [240.0, 256.0]]


@pytest.mark.dciodvfy
def test_sample_cine_case_multiframe_round_trip(tmp_path: Path, sample_copy: Path) -> None:
    from annotator.io.casefile import load_case

    folder = sample_copy / "cine_venous_blush"
    case = load_case(folder / "case.json")
    result = export_case(case, folder, dicom_dir=tmp_path / "out")
    film = case.roots[0].films[0]
    by_name = {p.name.split("-", 1)[1]: p for p in result.files}
    content = read_presentation_state(by_name["gsps.dcm"])
    assert {(a.id, a.frame) for a in content.annotations} == {(a.id, a.frame) for a in film.annotations
                                                             if not a.suggested}
    image = pydicom.dcmread(by_name["image.dcm"])
    assert int(image.NumberOfFrames) > 1
    r = film.redactions[0]
    block = image.pixel_array[:, int(r.y0):int(r.y1), int(r.x0):int(r.x1)]
    assert block.max() == 0  # every frame redacted
    for path in result.files:
        assert dciodvfy_errors(path) == [], path.name
