"""DICOM export: dciodvfy-clean objects, references that survive de-identification, round trips."""

from __future__ import annotations

import math
import os
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
        if os.environ.get("CI"):  # CI installs dicom3tools: a missing tool there is a broken CI, not a skip
            pytest.fail("dciodvfy (Debian package dicom3tools) is not installed on CI")
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
    from annotator.rules import evaluate_film

    case, _folder, files = exported
    root = case.roots[0]
    report = read_measurement_report(files["root1-right-L5-sr.dcm"])
    images = {name: pydicom.dcmread(files[f"fig{name}-image.dcm"]).SOPInstanceUID for name in ("1A", "1B")}
    assert len(report.tips) == 2
    for tip, film, label in zip(report.tips, root.films, ("1A", "1B")):
        verdict = evaluate_film(film, root).verdict
        assert tip.tracking_id.startswith(f"Fig {label}")
        assert tip.status == verdict.status.value  # the rules' verdict, not a constant
        assert tip.distance == round(verdict.distance, 1) and tip.unit == "mm"  # as the screen shows it
        assert tip.point == pytest.approx(film.first(Role.TIP).points[0])
        assert tip.image_uid == images[label] and tip.frames == ()  # single-frame films
    assert report.distances and all(math.isfinite(v) for _, v, _ in report.distances)
    want = sorted((f.code, f.site, f.value, f.angle_deg) for f in root.findings if not f.suggested)
    got = sorted((f.code, f.site, f.value, f.angle_deg) for f in report.findings)
    assert got == want  # codes, sites and values come back as our ids, no tip groups among them
    assert [f.image_uid for f in report.findings if f.code == "contrast_cutoff"] == [images["1A"], images["1B"]]
    assert report.block_result == "complete" and report.conclusion == "responsible" and report.cautions == []
    assert set(report.library_sop_uids) == set(images.values())  # TID 1600 image library


def test_sr_codes_are_lossless_for_every_id_of_the_vocabulary() -> None:
    from annotator.export.sr_codes import code_value, tables
    from annotator.rules import load_config

    config = load_config()
    ids = {"finding": list(config.findings), "warning": list(config.warnings),
           "site": sorted({s for f in config.findings.values() for s in f.sites}),
           "value": sorted({v for f in config.findings.values() for v in f.values}),
           "conclusion": ["not_responsible", "possibly_responsible", "responsible", "no_conclusion"],
           "caution": ["check_level", "position_unconfirmed"], "block": ["none", "partial", "complete",
                                                                        "not_assessed"]}
    t = tables(config)
    for kind, keys in ids.items():
        for key in keys:
            assert len(code_value(key)) <= 16
            assert t[kind].id_of(code_value(key)) == key, (kind, key)
    from annotator.export.sr_codes import CodeTable

    own = ["a_department_code_far_too_long", "a_department_code_far_too_short"]  # same first 11 letters
    table = CodeTable.of(own)
    assert [table.id_of(code_value(k)) for k in own] == own and all(len(code_value(k)) <= 16 for k in own)


def _root_group_of_sample(sample_copy: Path, name: str, tmp_path: Path):
    from annotator.io.casefile import load_case

    folder = sample_copy / name
    case = load_case(folder / "case.json")
    result = export_case(case, folder, dicom_dir=tmp_path / name)
    return case, {p.name: p for p in result.files}


def test_sr_conclusion_is_the_one_check_gives(tmp_path: Path, sample_copy: Path) -> None:
    """L4_bench_sign: complete block, position not confirmed -> the caution is in the report."""
    from annotator.rules import evaluate_root

    case, files = _root_group_of_sample(sample_copy, "L4_bench_sign", tmp_path)
    rs = evaluate_root(case.roots[0])
    assert rs.cautions == ("position_unconfirmed",)  # what check says (README)
    sr = next(p for n, p in files.items() if n.endswith("-sr.dcm"))
    report = read_measurement_report(sr)
    assert report.conclusion == "responsible" and report.cautions == ["position_unconfirmed"]
    text = str(pydicom.dcmread(sr))
    assert "needle position not confirmed" in text
def test_burned_in_sc_matches_the_film_grid(exported) -> None:
    _case, _folder, files = exported
    sc = pydicom.dcmread(files["fig1A-sc.dcm"])
    src = pydicom.dcmread(files["fig1A-image.dcm"])
    assert (sc.Rows, sc.Columns) == (src.Rows, src.Columns)
    assert sc.PhotometricInterpretation == "RGB"
    assert sc.pixel_array[150, 20].tolist() != [0, 0, 0]  # the film, in colour
    gsps = pydicom.dcmread(files["fig1A-gsps.dcm"])
    for ds in (sc, gsps):  # lumbar spine: unpaired, so no (empty) Laterality; the body part says why
        assert "Laterality" not in ds and ds.BodyPartExamined == "LSPINE"
    from annotator.render import style
    from annotator.rules import evaluate_film

    case = exported[0]
    verdict = evaluate_film(case.roots[0].films[0], case.roots[0]).verdict
    tip = (110, 121)  # (row, column) of the AP film's needle tip: its centre in the verdict colour (as on screen)
    assert tuple(sc.pixel_array[tip]) == style.status_color(verdict.status)


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
    case.title = case.symptoms = ""  # IDs typed there: no header says they are identity, the text check would stop
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


@pytest.mark.dciodvfy
def test_cine_report_and_presentation_state_name_the_frame_and_w3(tmp_path: Path, sample_copy: Path) -> None:
    case, files = _root_group_of_sample(sample_copy, "cine_venous_blush", tmp_path)
    film = case.roots[0].films[0]
    by_name = {n.rsplit("-", 1)[1]: p for n, p in files.items()}
    image = pydicom.dcmread(by_name["image.dcm"])
    report = read_measurement_report(by_name["sr.dcm"])
    (tip,) = report.tips
    tip_ann = film.first(Role.TIP, film.key_frame)
    assert tip.frames == (tip_ann.frame + 1,) and tip.image_uid == image.SOPInstanceUID
    assert "W3" in [key for key, _ in report.warnings]  # intravascular contrast, as check says
    assert report.conclusion == "no_conclusion"
    gsps = pydicom.dcmread(by_name["gsps.dcm"])
    frames = {int(ref.ReferencedFrameNumber) for item in gsps.GraphicAnnotationSequence
              for ref in item.ReferencedImageSequence}
    assert frames and min(frames) >= 1 and (tip_ann.frame + 1) in frames
    texts = [t.UnformattedTextValue for item in gsps.GraphicAnnotationSequence
             for t in getattr(item, "TextObjectSequence", [])]
    assert any("Intravascular contrast" in t for t in texts)  # W3 as text in the presentation state
    for path in files.values():
        assert dciodvfy_errors(path) == [], path.name


def test_gsps_carries_the_target_zone_of_the_verdict(exported) -> None:
    from annotator.rules import evaluate_film

    case, _folder, files = exported
    root = case.roots[0]
    for film, name in zip(root.films, ("fig1A-gsps.dcm", "fig1B-gsps.dcm")):
        zone = evaluate_film(film, root).verdict.zone
        gsps = pydicom.dcmread(files[name])
        items = [a for a in gsps.GraphicAnnotationSequence if a.GraphicLayer == "TARGET_ZONE"]
        assert len(items) == 1, name
        graphics = items[0].GraphicObjectSequence
        pts = [np.array(g.GraphicData, dtype=float).reshape(-1, 2) for g in graphics]
        if zone.kind == "disc":  # as on screen: near ring, on-target disc, target point
            assert [g.GraphicType for g in graphics] == ["ELLIPSE", "ELLIPSE", "POINT"]
            for p in pts:
                assert p.mean(axis=0) == pytest.approx(zone.center, abs=1e-3)
            near, on = (np.ptp(p[:2], axis=0).max() / 2 for p in pts[:2])
            assert near == pytest.approx(max(zone.r_near_px), abs=1e-3)
            assert on == pytest.approx(max(zone.r_on_px), abs=1e-3)
        else:
            assert graphics[0].GraphicType == "POLYLINE"
            assert np.allclose(pts[0][:-1], np.array(zone.polygon), atol=1e-3)
            if zone.cut_line is not None:
                assert np.allclose(pts[1], np.array(zone.cut_line), atol=1e-3)
        for layer in gsps.GraphicLayerSequence:  # grayscale beside CIELab, brighter for brighter colours
            assert 0 <= layer.GraphicLayerRecommendedDisplayGrayscaleValue <= 0xFFFF
            assert len(layer.GraphicLayerRecommendedDisplayCIELabValue) == 3


def test_code_values_of_free_text_are_plain_ascii_without_backslash() -> None:
    from annotator.export.sr_codes import code_value

    for key in ("a\\b", "左侧隐窝", "侧隐窝狭窄伴骨赘形成", "near the pars (L5/S1)", "x" * 40):
        v = code_value(key)
        assert len(v.encode("ascii")) <= 16 and "\\" not in v, (key, v)
    assert code_value("a\\b") != code_value("a/b")  # different text, different code


@pytest.mark.parametrize(("photometric", "shape", "expected"), [
    ("MONOCHROME2", None, "IDENTITY"), ("MONOCHROME1", None, "INVERSE"), ("MONOCHROME2", "INVERSE", "INVERSE")])
def test_gsps_keeps_the_polarity_the_viewer_shows(tmp_path: Path, photometric: str, shape: str | None,
                                                  expected: str) -> None:
    from annotator.export.dicom_gsps import build_gsps
    from annotator.model import Film, View
    from tests.unit.test_export_fixtures import make_dicom

    source = pydicom.dcmread(make_dicom(tmp_path / "a.dcm"))
    source.PhotometricInterpretation = photometric
    if shape is not None:
        source.PresentationLUTShape = shape
    film = Film("a.dcm", View.AP, annotations=[Annotation(Role.TIP, ShapeKind.POINT, [(10, 10)])])
    gsps = build_gsps(source, film, series_uid=generate_uid(), sop_uid=generate_uid(), window=(2000.0, 3000.0))
    assert gsps.PresentationLUTShape == expected


def test_a_redaction_shows_black_on_an_inverse_film(tmp_path: Path) -> None:
    from annotator.export.dicom_export import redact_dataset
    from annotator.model import Film, Redaction, View
    from tests.unit.test_export_fixtures import make_dicom

    ds = pydicom.dcmread(make_dicom(tmp_path / "a.dcm"))
    ds.PresentationLUTShape = "INVERSE"  # MONOCHROME2 shown inverted: the highest value is black
    film = Film("a.dcm", View.AP, redactions=[Redaction(0, 0, 20, 10)])
    assert redact_dataset(ds, film)
    assert (ds.pixel_array[0:10, 0:20] == 2 ** int(ds.BitsStored) - 1).all()
