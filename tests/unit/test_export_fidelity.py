"""Issue #13: the archive objects say what the screen says (every sample case, exported for real).

Done when: a distance recomputed from the SR's coordinates and image-library spacing equals the
reported one within 0.1 mm on every sample case.
"""

from __future__ import annotations

import math
import shutil
from pathlib import Path

import pydicom
import pytest

from annotator.export.case_export import export_case
from annotator.export.dicom_read import read_measurement_report
from annotator.export.sr_codes import LATERALITY_CODES, VERTEBRA_CODES
from annotator.io.casefile import load_case
from annotator.rules import evaluate_film

pytestmark = pytest.mark.filterwarnings("ignore::UserWarning:highdicom")
CASES = Path(__file__).resolve().parents[2] / "sample_images" / "cases"
SAMPLES = sorted(p.name for p in CASES.iterdir() if (p / "case.json").is_file()) if CASES.is_dir() else []


@pytest.fixture(scope="module", params=SAMPLES)
def sample(request, tmp_path_factory):
    tmp = tmp_path_factory.mktemp(request.param)
    shutil.copytree(CASES / request.param, tmp / "case")
    case = load_case(tmp / "case" / "case.json")
    result = export_case(case, tmp / "case", dicom_dir=tmp / "out")
    return case, {p.name: p for p in result.files}


def test_sample_cases_exist() -> None:
    assert len(SAMPLES) >= 5


def test_distance_recomputed_from_coordinates_and_library_spacing(sample) -> None:
    case, files = sample
    for n, root in enumerate(case.roots, start=1):
        report = read_measurement_report(files[f"root{n}-{root.side.value}-{root.level}-sr.dcm"])
        assert report.tips
        for tip in report.tips:
            assert tip.unit == "mm" and tip.distance is not None
            row, col = report.library_spacing[tip.image_uid]
            end = tip.target if tip.target is not None else tip.point
            again = math.hypot((end[0] - tip.point[0]) * col, (end[1] - tip.point[1]) * row)
            assert abs(again - tip.distance) <= 0.1, tip.tracking_id
            assert f"{tip.distance:.1f}" == str(tip.distance)  # the screen's precision, not 15 digits


def test_library_spacing_is_the_spacing_the_measurements_use(sample) -> None:
    case, files = sample
    for n, root in enumerate(case.roots, start=1):
        report = read_measurement_report(files[f"root{n}-{root.side.value}-{root.level}-sr.dcm"])
        for film, label in zip(root.films, _labels(files, root)):
            cal = film.effective_calibration()
            uid = pydicom.dcmread(files[f"fig{label}-image.dcm"]).SOPInstanceUID
            assert report.library_spacing[uid] == pytest.approx((cal.row_mm, cal.col_mm))
            header = pydicom.dcmread(files[f"fig{label}-image.dcm"]).ImagerPixelSpacing
            if abs(float(header[0]) - cal.row_mm) > 1e-6:  # the magnification-corrected one, not the detector's
                assert report.library_spacing[uid][0] != pytest.approx(float(header[0]))


def _labels(files: dict[str, Path], root) -> list[str]:
    """The export's figure label of each of the root's films (their own label, as the files are named)."""
    names = sorted(n.removeprefix("fig").removesuffix("-image.dcm") for n in files if n.endswith("-image.dcm"))
    if all(f.figure_label in names for f in root.films):
        return [f.figure_label for f in root.films]
    return names[: len(root.films)]


def test_root_is_coded_and_statuses_match_the_verdicts(sample) -> None:
    case, files = sample
    for n, root in enumerate(case.roots, start=1):
        report = read_measurement_report(files[f"root{n}-{root.side.value}-{root.level}-sr.dcm"])
        assert report.root_level == root.level
        assert report.root_side == root.side.value
        assert report.root_site == VERTEBRA_CODES[root.level][0]
        used = case.films_of(root)  # with the films it shares with other roots (bilateral_L5)
        verdicts = [evaluate_film(f, root, None, used).verdict for f in used]
        assert [t.status for t in report.tips] == [v.status.value for v in verdicts if v is not None]


def test_every_image_reference_of_a_multiframe_film_names_its_frame(sample) -> None:
    case, files = sample
    for name, path in files.items():
        if not name.endswith("-sr.dcm"):
            continue
        ds = pydicom.dcmread(path)
        frames_of = {}
        for f in files:
            if f.endswith("-image.dcm"):
                img = pydicom.dcmread(files[f], stop_before_pixels=True)
                frames_of[img.SOPInstanceUID] = int(getattr(img, "NumberOfFrames", 1) or 1)
        refs = _image_references(ds.ContentSequence)
        assert refs
        for r in refs:
            if frames_of.get(r.ReferencedSOPInstanceUID, 1) > 1:
                assert "ReferencedFrameNumber" in r, name


def _image_references(items, in_library: bool = False) -> list:
    """Every referenced SOP item of the content tree outside the image library."""
    refs = []
    for it in items:
        code = it.ConceptNameCodeSequence[0].CodeValue if "ConceptNameCodeSequence" in it else ""
        if "ReferencedSOPSequence" in it and not in_library:
            refs.extend(it.ReferencedSOPSequence)
        if "ContentSequence" in it:
            refs += _image_references(it.ContentSequence, in_library or code == "111028")
    return refs


def test_a_finding_marked_on_a_cine_frame_names_that_frame(tmp_path: Path) -> None:
    """The intravascular finding of the cine sample is marked on frame 10 (as its GSPS says)."""
    from annotator.model import Role

    shutil.copytree(CASES / "cine_venous_blush", tmp_path / "case")
    case = load_case(tmp_path / "case" / "case.json")
    files = {p.name: p for p in export_case(case, tmp_path / "case", dicom_dir=tmp_path / "out").files}
    report = read_measurement_report(files["root1-left-L5-sr.dcm"])
    film = case.roots[0].films[0]
    (finding,) = [f for f in case.roots[0].findings if f.code == "intravascular"]
    marker = film.annotation(finding.annotation_id)
    (got,) = [f for f in report.findings if f.code == "intravascular"]
    assert got.frames == (marker.frame + 1,)
    gsps = pydicom.dcmread(files["fig5A-gsps.dcm"])
    (item,) = [a for a in gsps.GraphicAnnotationSequence if a.GraphicLayer == Role.FINDING.value.upper()]
    assert int(item.ReferencedImageSequence[0].ReferencedFrameNumber) == marker.frame + 1


def test_secondary_captures_name_their_source_image(sample) -> None:
    _case, files = sample
    for name, path in files.items():
        if name.endswith("-sc.dcm"):
            sc = pydicom.dcmread(path, stop_before_pixels=True)
            # the film's one image, also for a shared film's other roots ("fig6A-left-L5-sc.dcm")
            [image_name] = [f for f in files if f.endswith("-image.dcm")
                            and name.startswith(f.removesuffix("-image.dcm") + "-")]
            image = pydicom.dcmread(files[image_name], stop_before_pixels=True)
            (src,) = sc.SourceImageSequence
            assert src.ReferencedSOPInstanceUID == image.SOPInstanceUID
            assert src.ReferencedSOPClassUID == image.SOPClassUID
            if int(getattr(image, "NumberOfFrames", 1) or 1) > 1:
                assert int(src.ReferencedFrameNumber) >= 1


def test_gsps_shows_the_pedicle_level_as_the_screen(sample) -> None:
    from annotator.model import Role
    from annotator.render.labels import annotation_label

    case, files = sample
    labels = _labels(files, case.roots[0])
    for film, label in zip(case.roots[0].films, labels):
        margins = [a for a in film.annotations if a.role is Role.PEDICLE_MARGIN and a.level and not a.suggested]
        if not margins:
            continue
        gsps = pydicom.dcmread(files[f"fig{label}-gsps.dcm"])
        texts = {t.UnformattedTextValue for item in gsps.GraphicAnnotationSequence
                 if item.GraphicLayer == "PEDICLE_MARGIN" for t in getattr(item, "TextObjectSequence", [])}
        # the screen's label: the level, with the side once it is known ("R L4 pedicle", issue #9)
        shown = {annotation_label(m, film) for m in margins}
        assert shown <= texts and all(m.level in annotation_label(m, film) for m in margins)


def test_zh_report_is_written_in_chinese_and_says_so(tmp_path: Path) -> None:
    shutil.copytree(CASES / "right_L5_on_target", tmp_path / "case")
    case = load_case(tmp_path / "case" / "case.json")
    result = export_case(case, tmp_path / "case", dicom_dir=tmp_path / "zh", lang="zh")
    sr = pydicom.dcmread(next(p for p in result.files if p.name.endswith("-sr.dcm")))
    language = [it for it in sr.ContentSequence if it.ConceptNameCodeSequence[0].CodeValue == "121049"]
    assert language and language[0].ConceptCodeSequence[0].CodeValue == "zh-CN"
    assert language[0].ConceptCodeSequence[0].CodingSchemeDesignator == "RFC5646"
    texts = []

    def walk(items):
        for it in items:
            if "TextValue" in it:
                texts.append(it.TextValue)
            if "ConceptCodeSequence" in it and it.ConceptCodeSequence[0].CodingSchemeDesignator == "99FLA":
                texts.append(it.ConceptCodeSequence[0].CodeMeaning)
            if "ContentSequence" in it:
                walk(it.ContentSequence)

    walk(sr.ContentSequence)
    assert any("针尖" in t for t in texts) and any("神经根" in t for t in texts)
    report = read_measurement_report(sr)  # read back by codes, whatever the language
    assert report.root_level == "L5" and report.root_side == "right" and report.tips
    assert LATERALITY_CODES["right"][0] == "24028007" and LATERALITY_CODES["left"][0] == "7771000"
