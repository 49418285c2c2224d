"""DICOMweb against a real Orthanc, the all-or-nothing send, and the round trip of marks."""

from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path

import pydicom
import pytest

from annotator.io.casefile import load_case
from annotator.net import web
from annotator.net.dimse import StudyQuery
from annotator.net.errors import NetError
from annotator.net.nodes import Auth, Secret, load_settings
from annotator.net.retrieve import retrieve_study
from annotator.net.send import SendFailed, send_files
from tests.unit.net.conftest import OUR_AE, SAMPLES


@pytest.fixture
def pacs(nodes_file: Path):
    return load_settings(nodes_file).node("pacs")


@pytest.fixture
def stored(orthanc, films):
    for f in films:
        orthanc.upload(f)
    return str(pydicom.dcmread(films[0], stop_before_pixels=True).StudyInstanceUID)


def test_qido_search_and_wado_retrieve_into_a_case(pacs, stored, tmp_path):
    web.echo(pacs)
    found = web.search_studies(pacs, StudyQuery(patient_id="FAKE-0001"))
    assert stored in [s.study_uid for s in found]
    result = retrieve_study(pacs, OUR_AE, stored, tmp_path / "inbox", method="web")
    films = load_case(result.case_path).roots[0].films
    assert len(films) == 4 and films[0].view.value == "lateral"


def test_wrong_password_is_one_line_without_the_secret(pacs):
    bad = replace(pacs, auth=Auth(kind="basic", username="tester", secret=Secret("hunter2-wrong")))
    with pytest.raises(NetError) as err:
        web.echo(bad)
    assert "refused our credentials" in str(err.value) and "hunter2" not in str(err.value)
    assert "hunter2" not in repr(bad)


def test_dicomweb_server_down(pacs):
    from tests.orthanc_server import free_port

    with pytest.raises(NetError, match=r"does not answer: check that it is running"):
        web.echo(replace(pacs, dicomweb_url=f"http://127.0.0.1:{free_port()}/dicom-web"))


def _archive_export(tmp_path: Path) -> tuple[Path, list[Path]]:
    from annotator.export.case_export import export_case

    case_dir = tmp_path / "case"
    shutil.copytree(SAMPLES / "right_L5_on_target", case_dir)
    result = export_case(load_case(case_dir / "case.json"), case_dir, dicom_dir=tmp_path / "out", identified=True)
    files = [Path(f) for f in result.files if str(f).endswith(".dcm")]
    assert files
    return case_dir, files


@pytest.mark.parametrize("method", ["dimse", "web"])
def test_send_the_archive_export_and_read_it_back_restores_the_marks(pacs, orthanc, stored, tmp_path, method):
    case_dir, files = _archive_export(tmp_path)
    report = send_files(pacs, files, OUR_AE, method=method)
    assert len(report.sent) == len(files) and not report.failed
    uids = {str(pydicom.dcmread(f, stop_before_pixels=True).SOPInstanceUID) for f in files}
    for uid in uids:  # every object reported sent is in the archive
        assert orthanc.rest("/tools/lookup", method="POST", data=uid.encode())
    # the study comes back from the archive: marks and record restored from our GSPS and SR
    back = retrieve_study(pacs, OUR_AE, stored, tmp_path / "inbox", method="get" if method == "dimse" else "web")
    original = load_case(case_dir / "case.json")
    restored = load_case(back.case_path)
    want = sorted(a.id for r in original.roots for f in r.films for a in f.annotations)
    got = sorted(a.id for r in restored.roots for f in r.films for a in f.annotations)
    assert want and got == want
    assert back.others >= 2
    # the record: block result and findings from our measurement report
    assert restored.roots[0].block_result == original.roots[0].block_result
    assert sorted((f.code, f.value) for f in restored.roots[0].findings) == \
        sorted((f.code, f.value) for f in original.roots[0].findings)


def test_send_that_the_node_refuses_is_reported_per_object_and_retried(pacs, tmp_path, films):
    ds = pydicom.dcmread(films[0])
    ds.SOPClassUID = "1.2.826.0.1.3680043.8.498.999.1"  # a private class: Orthanc refuses unknown classes
    ds.SOPInstanceUID = pydicom.uid.generate_uid()
    ds.file_meta.MediaStorageSOPClassUID = ds.SOPClassUID
    ds.file_meta.MediaStorageSOPInstanceUID = ds.SOPInstanceUID
    odd = tmp_path / "odd.dcm"
    ds.save_as(odd)
    lines: list[str] = []
    with pytest.raises(SendFailed) as err:
        send_files(pacs, [films[1], odd], OUR_AE, method="dimse", attempts=2, wait_s=0, progress=lines.append)
    rep = err.value.report
    assert [o.path for o in rep.sent] == [films[1]] and [o.path for o in rep.failed] == [odd]
    assert rep.attempts == 2 and len(lines) == 2
    assert "1 of 2 object(s) were not acknowledged by 'pacs'" in str(err.value)


def test_send_to_a_pacs_that_is_down_reports_nothing_sent(pacs, films):
    from tests.orthanc_server import free_port

    with pytest.raises(SendFailed) as err:
        send_files(replace(pacs, port=free_port()), films, OUR_AE, method="dimse", attempts=2, wait_s=0)
    assert err.value.report.sent == [] and "does not answer" in str(err.value)
