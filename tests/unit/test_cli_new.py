"""``fluoro-annotator-cli new``: a case file from films, run in-process."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.uid import ExplicitVRLittleEndian, generate_uid

from annotator.cli import main
from annotator.geometry import CalibrationSource
from annotator.io.casefile import load_case
from annotator.model import Side, View

XA = "1.2.840.10008.5.1.4.1.1.12.1"


def write_dicom(path: Path, view_position: str | None = None, spacing: float | None = None,
                instance: int = 1, orientation: str | None = None) -> Path:
    ds = Dataset()
    ds.file_meta = FileMetaDataset()
    ds.file_meta.TransferSyntaxUID = ExplicitVRLittleEndian
    ds.file_meta.MediaStorageSOPClassUID = XA
    ds.file_meta.MediaStorageSOPInstanceUID = uid = generate_uid()
    ds.SOPClassUID, ds.SOPInstanceUID, ds.Modality = XA, uid, "XA"
    ds.PatientName = "Secret^Person"
    ds.Rows, ds.Columns, ds.SamplesPerPixel = 8, 10, 1
    ds.PhotometricInterpretation = "MONOCHROME2"
    ds.BitsAllocated, ds.BitsStored, ds.HighBit, ds.PixelRepresentation = 16, 12, 11, 0
    ds.InstanceNumber = instance
    if view_position:
        ds.ViewPosition = view_position
    if spacing:
        ds.ImagerPixelSpacing = [spacing, spacing]
    if orientation:
        ds.PatientOrientation = orientation.split("\\")
    ds.PixelData = (np.arange(80, dtype=np.uint16) * 40).tobytes()
    ds.save_as(path, enforce_file_format=True)
    return path


def write_png(path: Path) -> Path:
    Image.fromarray(np.arange(200, dtype=np.uint8).reshape(10, 20)).save(path)
    return path


@pytest.fixture
def films(tmp_path: Path) -> Path:
    src = tmp_path / "incoming"
    src.mkdir()
    write_dicom(src / "IM2.dcm", "LL", 0.2, instance=2)
    write_dicom(src / "IM1.dcm", "AP", 0.15, instance=1, orientation="L\\F")
    write_png(src / "photo.png")
    (src / "readme.txt").write_text("not an image", encoding="utf-8")
    return src


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_new_from_a_folder_copies_and_detects(tmp_path: Path, films: Path, capsys) -> None:
    case_dir = tmp_path / "case1"
    code, out, err = run(capsys, "new", str(case_dir), str(films), "--level", "l5", "--side", "right")
    assert code == 0, err
    case = load_case(case_dir / "case.json")
    root = case.roots[0]
    assert (root.level, root.side) == ("L5", Side.RIGHT) and case.planned_roots == ["right L5"]
    paths = [f.path for f in root.films]
    assert sorted(paths) == ["films/IM1.dcm", "films/IM2.dcm", "films/photo.png"]
    assert all((case_dir / p).is_file() for p in paths)
    by = {f.path: f for f in root.films}
    assert by["films/IM1.dcm"].view is View.AP and "ViewPosition" in by["films/IM1.dcm"].view_evidence
    assert by["films/IM2.dcm"].view is View.LATERAL
    assert by["films/IM1.dcm"].calibration.source is not CalibrationSource.NONE
    assert by["films/IM1.dcm"].directions is not None and by["films/IM1.dcm"].directions.x == "L"
    assert by["films/photo.png"].view is View.UNKNOWN and by["films/photo.png"].directions is None
    assert paths.index("films/IM1.dcm") < paths.index("films/IM2.dcm")  # instance order
    assert "created case1/case.json: right L5, 3 film(s)" in out
    assert "films/IM2.dcm: lateral (" in out and "mm (detector) per pixel" in out
    assert "readme.txt" in err  # skipped, not fatal
    assert "Secret" not in out + err


def test_files_inside_the_case_folder_are_referenced(tmp_path: Path, capsys) -> None:
    case_dir = tmp_path / "case2"
    (case_dir / "raw").mkdir(parents=True)
    f = write_dicom(case_dir / "raw" / "a.dcm", "AP")
    code, out, err = run(capsys, "new", str(case_dir), str(f), "--level", "S1", "--side", "left")
    assert code == 0, err
    case = load_case(case_dir / "case.json")
    assert [x.path for x in case.roots[0].films] == ["raw/a.dcm"]
    assert not (case_dir / "films").exists() and "copied" not in out


def test_case_folder_itself_as_input_skips_its_own_files(tmp_path: Path, capsys) -> None:
    case_dir = tmp_path / "case3"
    case_dir.mkdir()
    write_png(case_dir / "a.png")
    assert run(capsys, "new", str(case_dir), str(case_dir), "--level", "L4", "--side", "left")[0] == 0
    code, out, err = run(capsys, "new", str(case_dir), str(case_dir), "--level", "L4", "--side", "left", "--force")
    assert code == 0, err
    assert [f.path for f in load_case(case_dir / "case.json").roots[0].films] == ["a.png"]
    assert (case_dir / "case.json.bak").exists()
    assert "case.json" not in err  # never tried as a film


def test_existing_case_needs_force(tmp_path: Path, films: Path, capsys) -> None:
    case_dir = tmp_path / "case4"
    assert run(capsys, "new", str(case_dir), str(films / "IM1.dcm"), "--level", "L5", "--side", "right")[0] == 0
    before = (case_dir / "case.json").read_bytes()
    code, out, err = run(capsys, "new", str(case_dir), str(films / "IM2.dcm"), "--level", "L5", "--side", "right")
    assert code == 2 and "already exists" in err and "--force" in err and len(err.strip().splitlines()) == 1
    assert (case_dir / "case.json").read_bytes() == before
    code, _, _ = run(capsys, "new", str(case_dir), str(films / "IM2.dcm"), "--level", "L5", "--side", "right",
                     "--force")
    assert code == 0
    assert [f.path for f in load_case(case_dir / "case.json").roots[0].films] == ["films/IM2.dcm"]


def test_same_name_from_two_folders_is_not_overwritten(tmp_path: Path, capsys) -> None:
    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir(), b.mkdir()
    write_dicom(a / "IM.dcm", "AP", instance=1)
    write_dicom(b / "IM.dcm", "LL", instance=2)
    code, _, err = run(capsys, "new", str(tmp_path / "c"), str(a / "IM.dcm"), str(b / "IM.dcm"),
                       "--level", "L5", "--side", "left")
    assert code == 0, err
    films = load_case(tmp_path / "c" / "case.json").roots[0].films
    assert [(f.path, f.view) for f in films] == [("films/IM.dcm", View.AP), ("films/IM-2.dcm", View.LATERAL)]


@pytest.mark.parametrize(
    ("argv", "needle"),
    [
        (["--level", "L6", "--side", "right"], "--level: 'L6' is not one of"),
        (["--level", "L5", "--side", "middle"], "invalid choice"),
        (["--level", "S2"], "--level: 'S2' is not one of"),
    ],
)
def test_bad_options_exit_2(tmp_path: Path, films: Path, capsys, argv, needle) -> None:
    with_files = ["new", str(tmp_path / "c"), str(films)]
    try:
        code = main(with_files + argv)
    except SystemExit as exc:  # argparse usage errors
        code = exc.code
    err = capsys.readouterr().err
    assert code == 2 and needle in err
    assert not (tmp_path / "c" / "case.json").exists()


def test_named_non_image_is_refused_and_nothing_is_created(tmp_path: Path, films: Path, capsys) -> None:
    case_dir = tmp_path / "c"
    code, out, err = run(capsys, "new", str(case_dir), str(films / "IM1.dcm"), str(films / "readme.txt"),
                         "--level", "L5", "--side", "right")
    assert code == 2 and "readme.txt" in err and "nothing was created" in err
    assert len(err.strip().splitlines()) == 1
    assert not case_dir.exists()


def test_missing_input_and_empty_folder(tmp_path: Path, capsys) -> None:
    code, _, err = run(capsys, "new", str(tmp_path / "c"), str(tmp_path / "nope.dcm"), "--level", "L5", "--side", "left")
    assert code == 2 and "nope.dcm: no such file" in err
    empty = tmp_path / "empty"
    empty.mkdir()
    code, _, err = run(capsys, "new", str(tmp_path / "c"), str(empty), "--level", "L5", "--side", "left")
    assert code == 2 and "no images found" in err


def test_case_dir_that_is_a_file(tmp_path: Path, films: Path, capsys) -> None:
    f = tmp_path / "file"
    f.write_text("x")
    code, _, err = run(capsys, "new", str(f), str(films), "--level", "L5", "--side", "left")
    assert code == 2 and "not a folder" in err


def test_failed_save_removes_copied_films(tmp_path: Path, films: Path, capsys, monkeypatch) -> None:
    from annotator.cli import new as new_cmd
    from annotator.errors import CaseFileError

    def failing_save(case, path):
        raise CaseFileError(path, "cannot save: disk full; the previous file is unchanged")

    monkeypatch.setattr(new_cmd, "save_case", failing_save)
    case_dir = tmp_path / "c"
    code, _, err = run(capsys, "new", str(case_dir), str(films), "--level", "L5", "--side", "left")
    assert code == 2 and "disk full" in err
    assert not list((case_dir / "films").iterdir())


def test_title_and_json_file(tmp_path: Path, films: Path, capsys) -> None:
    case_dir = tmp_path / "c"
    assert run(capsys, "new", str(case_dir), str(films / "photo.png"), "--level", "L3", "--side", "left",
               "--title", "teaching case 7")[0] == 0
    data = json.loads((case_dir / "case.json").read_text(encoding="utf-8"))
    assert data["schema_version"] == 2 and data["title"] == "teaching case 7"


@pytest.mark.parametrize(
    ("argv", "label"),
    [([], "right L5"), (["--level", "L4"], "right L4"), (["--side", "left"], "left L5")],
)
def test_level_and_side_default_to_right_l5_with_a_note(tmp_path: Path, films: Path, capsys, argv, label) -> None:
    case_dir = tmp_path / "c"
    code, out, err = run(capsys, "new", str(case_dir), str(films / "IM1.dcm"), *argv)
    assert code == 0, err
    assert f"root recorded as {label} — change it with --level/--side or in the app" in out
    (root,) = load_case(case_dir / "case.json").roots
    assert root.label == label


def test_no_note_when_level_and_side_are_given(tmp_path: Path, films: Path, capsys) -> None:
    code, out, _ = run(capsys, "new", str(tmp_path / "c"), str(films / "IM1.dcm"), "--level", "L4", "--side", "left")
    assert code == 0 and "root recorded as" not in out


def test_add_shares_a_film_already_in_the_case_instead_of_copying_it(tmp_path: Path, films: Path, capsys) -> None:
    """Both L5 roots in one session: the AP film shows both needles; the second root shares it."""
    case_dir = tmp_path / "c"
    assert run(capsys, "new", str(case_dir), str(films / "IM1.dcm"), str(films / "IM2.dcm"),
               "--level", "L5", "--side", "right")[0] == 0
    other = tmp_path / "other"
    other.mkdir()
    write_dicom(other / "IM3.dcm", "LL", 0.2, instance=3)
    shutil.copy2(films / "IM1.dcm", other / "same_ap_again.dcm")  # the same AP film, exported twice
    code, out, err = run(capsys, "new", str(case_dir), str(other / "same_ap_again.dcm"), str(other / "IM3.dcm"),
                         "--level", "L5", "--side", "left", "--add")
    assert code == 0, err
    assert "already in the case, shared with left L5" in out
    case = load_case(case_dir / "case.json")
    right, left = case.roots
    assert left.label == "left L5" and case.planned_roots == ["right L5", "left L5"]
    ap = next(f for f in right.films if f.path == "films/IM1.dcm")
    assert left.shared_film_ids == [ap.id] and [f.path for f in left.films] == ["films/IM3.dcm"]
    assert not (case_dir / "films" / "same_ap_again.dcm").exists()
    assert sorted(p.name for p in (case_dir / "films").iterdir()) == ["IM1.dcm", "IM2.dcm", "IM3.dcm"]
    assert [f.path for f in case.films_of(left)] == ["films/IM3.dcm", "films/IM1.dcm"]
    # the film already inside the case folder, named by its path, is shared too (no copy, no duplicate)
    code, _, err = run(capsys, "new", str(case_dir), str(case_dir / "films" / "IM2.dcm"), "--level", "L5",
                       "--side", "left", "--add")
    assert code == 0, err
    left = load_case(case_dir / "case.json").roots[1]
    assert len(left.shared_film_ids) == 2 and len(left.films) == 1


def test_add_needs_an_existing_case_and_not_force(tmp_path: Path, films: Path, capsys) -> None:
    code, _, err = run(capsys, "new", str(tmp_path / "none"), str(films / "IM1.dcm"), "--add")
    assert code == 2 and "does not exist: leave out --add" in err and len(err.strip().splitlines()) == 1
    case_dir = tmp_path / "c"
    assert run(capsys, "new", str(case_dir), str(films / "IM1.dcm"))[0] == 0
    code, _, err = run(capsys, "new", str(case_dir), str(films / "IM1.dcm"), "--add", "--force")
    assert code == 2 and "--add and --force do not go together" in err
