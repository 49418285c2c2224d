"""import_folder: every readable film, in acquisition order; the rest skipped with a reason."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from pydicom.data import get_testdata_file

from annotator.errors import AnnotatorError
from annotator.io import FolderImport, import_folder
from tests.unit.test_io_synthetic import SECRETS, make_dicom


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    d = tmp_path / "case"
    d.mkdir()
    # names deliberately out of time order
    make_dicom(d / "a.dcm", AcquisitionDate="20240301", AcquisitionTime="101500", InstanceNumber=9)
    make_dicom(d / "b.dcm", AcquisitionDate="20240301", AcquisitionTime="100000", InstanceNumber=5)
    make_dicom(d / "c", AcquisitionDate="20240301", AcquisitionTime="100000", InstanceNumber=2)
    make_dicom(d / "d.dcm", InstanceNumber=1)  # no time: after the timed ones
    Image.fromarray(np.zeros((8, 8), np.uint8)).save(d / "0_photo.png")  # no time, no number: last
    (d / "notes.txt").write_text("patient notes\n")
    shutil.copy(get_testdata_file("test-SR.dcm"), d / "report.dcm")
    ds_bad = make_dicom(d / "cut.dcm")
    ds_bad.write_bytes(ds_bad.read_bytes()[:-100])
    sub = d / "sub"
    sub.mkdir()
    make_dicom(sub / "e.dcm", AcquisitionDate="20240301", AcquisitionTime="090000")
    return d


def test_order_and_skips(folder):
    result = import_folder(folder)
    assert isinstance(result, FolderImport)
    assert [img.info.path.name for img in result.images] == ["c", "b.dcm", "a.dcm", "d.dcm", "0_photo.png"]
    skipped = {p.name: reason for p, reason in result.skipped}
    assert set(skipped) == {"notes.txt", "report.dcm", "cut.dcm"}
    assert skipped["report.dcm"] == "this file is a DICOM Comprehensive SR: it has no image"
    assert "truncated" in skipped["cut.dcm"]
    for reason in skipped.values():
        assert "\n" not in reason
        for secret in SECRETS:
            assert secret not in reason


def test_recursive(folder):
    names = [img.info.path.name for img in import_folder(folder, recursive=True).images]
    assert names[0] == "e.dcm" and len(names) == 6


def test_progress_callback(folder):
    seen = []
    import_folder(folder, progress=lambda done, total: seen.append((done, total)))
    assert seen[-1] == (8, 8) and len(seen) == 8  # 8 files at the top level


def test_not_a_folder(tmp_path):
    with pytest.raises(AnnotatorError):
        import_folder(tmp_path / "missing")


def test_empty_folder(tmp_path):
    result = import_folder(tmp_path)
    assert result.images == [] and result.skipped == []


SAMPLE_CASE = Path(__file__).resolve().parents[2] / "sample_images" / "cases" / "right_L5_on_target"


def test_sample_case_skips_display_copies_and_json(tmp_path):
    case = tmp_path / "case"
    shutil.copytree(SAMPLE_CASE, case)
    seen = []
    result = import_folder(case, progress=lambda done, total: seen.append((done, total)))
    stems = sorted(p.stem for p in case.glob("*.dcm"))
    assert len(stems) == 4
    assert all(img.info.format == "DICOM" for img in result.images)
    assert sorted(img.info.path.stem for img in result.images) == stems
    skipped = {p.name: reason for p, reason in result.skipped}
    for stem in stems:
        assert skipped[f"{stem}.png"] == f"display copy of {stem}.dcm"
        assert skipped[f"{stem}.truth.json"] == "not an image"
    assert skipped["case.json"] == "not an image"
    assert len(skipped) == 2 * len(stems) + 1
    total = len(list(case.iterdir()))
    assert seen[-1] == (total, total) and len(seen) == total


def test_same_stem_without_dicom_is_imported(tmp_path):
    Image.fromarray(np.zeros((8, 8), np.uint8)).save(tmp_path / "film.png")
    (tmp_path / "film.txt").write_text("notes\n")
    Image.fromarray(np.zeros((8, 8), np.uint8)).save(tmp_path / "other.png")
    make_dicom(tmp_path / "other.dcm")
    result = import_folder(tmp_path)
    assert sorted(img.info.path.name for img in result.images) == ["film.png", "other.dcm"]
    skipped = dict((p.name, r) for p, r in result.skipped)
    assert skipped["other.png"] == "display copy of other.dcm" and "film.txt" in skipped


def test_order_across_time_zones(tmp_path):
    """09:00+0800 is 01:00 UTC, before 07:00+0000; a time without offset takes the others' offset."""
    d = tmp_path / "zones"
    d.mkdir()
    make_dicom(d / "a_utc.dcm", AcquisitionDateTime="20240101070000+0000")
    make_dicom(d / "b_beijing.dcm", AcquisitionDateTime="20240101090000+0800")
    make_dicom(d / "c_beijing_tag.dcm", AcquisitionDate="20240101", AcquisitionTime="100000",
               TimezoneOffsetFromUTC="+0800")
    make_dicom(d / "d_no_offset.dcm", AcquisitionDate="20240101", AcquisitionTime="093000")  # taken as +0800
    result = import_folder(d)
    assert [i.info.path.name for i in result.images] == [
        "b_beijing.dcm", "d_no_offset.dcm", "c_beijing_tag.dcm", "a_utc.dcm"]
    beijing = result.images[0].info
    assert beijing.acquisition_time.hour == 9 and beijing.utc_offset.total_seconds() == 8 * 3600
    assert str(beijing.acquisition_aware) == "2024-01-01 09:00:00+08:00"
