"""File ▸ Receive from C-arm, Open from PACS…, PACS settings…: driven offscreen against real servers."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pydicom
import pytest

from tests.orthanc_server import AE_TITLE, PASSWORD, USER, OrthancServer, free_port

SAMPLES = Path(__file__).resolve().parents[2] / "sample_images" / "cases" / "right_L5_on_target"
FILMS = sorted(SAMPLES.glob("*.dcm"))


@pytest.fixture(scope="module")
def orthanc(tmp_path_factory):
    server = OrthancServer(tmp_path_factory.mktemp("orthanc"))
    server.start()
    for f in FILMS:
        server.upload(f)
    yield server
    server.stop()


@pytest.fixture
def nodes(tmp_path, monkeypatch):
    """The settings file the app reads (FLUORO_ANNOTATOR_NODES), local listener on a free port."""
    path = tmp_path / "nodes.json"
    data = {"local": {"ae_title": "FLUORO", "port": free_port(), "inbox": str(tmp_path / "inbox")}, "nodes": {}}
    path.write_text(json.dumps(data))
    monkeypatch.setenv("FLUORO_ANNOTATOR_NODES", str(path))
    return path


def add_orthanc(path: Path, orthanc: OrthancServer, monkeypatch) -> None:
    monkeypatch.setenv("TEST_PACS_PASSWORD", PASSWORD)
    data = json.loads(path.read_text())
    data["nodes"]["pacs"] = {"ae_title": AE_TITLE, "host": "127.0.0.1", "port": orthanc.dicom_port,
                             "dicomweb_url": orthanc.dicomweb_url, "timeout_s": 10,
                             "auth": {"type": "basic", "username": USER, "password_env": "TEST_PACS_PASSWORD"}}
    path.write_text(json.dumps(data))


def send(port: int, path: Path) -> int:
    from pynetdicom import AE

    ds = pydicom.dcmread(path)
    ae = AE(ae_title="CARM")
    ae.add_requested_context(ds.SOPClassUID, ds.file_meta.TransferSyntaxUID)
    assoc = ae.associate("127.0.0.1", port, ae_title="FLUORO")
    assert assoc.is_established
    status = int(assoc.send_c_store(ds).Status)
    assoc.release()
    return status


def test_receive_from_carm_shows_new_films_of_the_open_case_within_1s(make_window, nodes, qtbot):
    w = make_window()
    try:
        w.pacs.receive_action.trigger()
        assert w.pacs.receiver.running and w.pacs.receive_action.isChecked()
        assert "Receiving as FLUORO on port" in w.statusBar().currentMessage()
        port = w.pacs.receiver.listener.port
        assert not w.pacs.receiver.indicator.isHidden()
        assert w.pacs.receiver.indicator.text() == f"Receiving: FLUORO :{port}"
        assert send(port, FILMS[0]) == 0
        qtbot.waitUntil(lambda: "Received a film into study-" in w.statusBar().currentMessage(), timeout=2000)
        (case_path,) = (nodes.parent / "inbox").glob("study-*/case.json")
        assert w.open_case(case_path, ask_unsaved=False)
        assert len(w.document.case.roots[0].films) == 1
        t = time.monotonic()
        assert send(port, FILMS[1]) == 0
        qtbot.waitUntil(lambda: len(w.document.case.roots[0].films) == 2, timeout=1000)
        assert time.monotonic() - t < 1.0
        assert "New film received" in w.statusBar().currentMessage()
        # films in acquisition order, as the case file has them
        on_disk = json.loads(case_path.read_text())["roots"][0]["films"]
        assert [f.path for f in w.document.case.roots[0].films] == [f["path"] for f in on_disk]
        w.pacs.receive_action.trigger()
        assert not w.pacs.receiver.running and "off" in w.statusBar().currentMessage()
        assert w.pacs.receiver.indicator.isHidden()
    finally:
        w.pacs.shutdown()


def test_receive_on_a_port_in_use_says_so_and_stays_off(make_window, nodes, qtbot):
    import socket

    data = json.loads(nodes.read_text())
    with socket.socket() as s:
        s.bind(("127.0.0.1", data["local"]["port"]))
        s.listen(1)
        w = make_window()
        w.pacs.receive_action.trigger()
        assert not w.pacs.receiver.running and not w.pacs.receive_action.isChecked()
        assert "already in use" in w.statusBar().currentMessage()


def test_open_from_pacs_search_and_retrieve_opens_the_case(make_window, nodes, orthanc, qtbot, monkeypatch, tmp_path):
    add_orthanc(nodes, orthanc, monkeypatch)
    w = make_window()
    dialog = w.pacs.open_search()
    try:
        for via in ("dimse", "web"):
            dialog.via.setCurrentIndex(dialog.via.findData(via))
            dialog.patient_id.setText("FAKE-0001")
            dialog.search_button.click()
            qtbot.waitUntil(lambda: dialog.task is None and dialog.table.rowCount() > 0, timeout=10_000)
            assert dialog.table.item(0, 0).text() == "FAKE-0001" and dialog.table.item(0, 4).text() == "4"
        dialog.resize(1000, 520)
        dialog.retrieve_button.click()
        qtbot.waitUntil(lambda: w.document is not None and len(w.document.case.roots[0].films) == 4, timeout=15_000)
        assert Path(w.document.folder).parent == nodes.parent / "inbox"
    finally:
        dialog.close()


def test_open_from_pacs_with_the_pacs_down_is_one_line(make_window, nodes, orthanc, qtbot, monkeypatch):
    add_orthanc(nodes, orthanc, monkeypatch)
    data = json.loads(nodes.read_text())
    data["nodes"]["pacs"]["port"] = free_port()
    nodes.write_text(json.dumps(data))
    w = make_window()
    dialog = w.pacs.open_search()
    dialog.via.setCurrentIndex(dialog.via.findData("dimse"))
    dialog.search_button.click()
    qtbot.waitUntil(lambda: dialog.task is None and dialog.status.text() != "", timeout=10_000)
    qtbot.waitUntil(lambda: "does not answer" in dialog.status.text(), timeout=10_000)
    assert "'pacs'" in dialog.status.text() and "\n" not in dialog.status.text()
    assert dialog.search_button.isEnabled()
    dialog.close()


def test_settings_dialog_tests_the_node_and_saves_without_secrets(make_window, nodes, orthanc, qtbot, monkeypatch):
    add_orthanc(nodes, orthanc, monkeypatch)
    w = make_window()
    dialog = w.pacs.open_settings()
    assert dialog.nodes.currentItem().text() == "pacs"
    dialog.test_button.click()
    qtbot.waitUntil(lambda: "C-ECHO ok, QIDO-RS ok" in dialog.result.text(), timeout=10_000)
    dialog.secret_env.setText("OTHER_VARIABLE")
    monkeypatch.delenv("OTHER_VARIABLE", raising=False)
    dialog.test_button.click()
    qtbot.waitUntil(lambda: "OTHER_VARIABLE" in dialog.result.text(), timeout=10_000)
    dialog.local_ae.setText("WORKSTATION1")
    dialog.save()
    saved = json.loads(nodes.read_text())
    assert saved["local"]["ae_title"] == "WORKSTATION1"
    assert saved["nodes"]["pacs"]["auth"] == {"type": "basic", "username": USER, "password_env": "OTHER_VARIABLE"}
    assert PASSWORD not in nodes.read_text()


def _foreign_gsps(film: Path, path: Path) -> None:
    """Another viewer's presentation state (a polyline and a text) on ``film``, plain pydicom."""
    from pydicom.dataset import Dataset, FileMetaDataset
    from pydicom.uid import ExplicitVRLittleEndian, generate_uid

    img = pydicom.dcmread(film, stop_before_pixels=True)
    ds = Dataset()
    ds.file_meta = FileMetaDataset()
    ds.file_meta.TransferSyntaxUID = ExplicitVRLittleEndian
    ds.SOPClassUID = "1.2.840.10008.5.1.4.1.1.11.1"
    ds.SOPInstanceUID = generate_uid()
    ds.file_meta.MediaStorageSOPClassUID = ds.SOPClassUID
    ds.file_meta.MediaStorageSOPInstanceUID = ds.SOPInstanceUID
    ds.PatientID, ds.StudyInstanceUID = img.PatientID, img.StudyInstanceUID
    ds.SeriesInstanceUID, ds.Modality = generate_uid(), "PR"
    ds.Manufacturer, ds.ContentLabel = "OtherViewer", "MEASURE"
    ref = Dataset()
    ref.ReferencedSOPClassUID, ref.ReferencedSOPInstanceUID = img.SOPClassUID, img.SOPInstanceUID
    series = Dataset()
    series.SeriesInstanceUID = img.SeriesInstanceUID
    series.ReferencedImageSequence = [ref]
    ds.ReferencedSeriesSequence = [series]
    item = Dataset()
    item.GraphicLayer = "MEASUREMENTS"
    item.ReferencedImageSequence = [ref]
    line = Dataset()
    line.GraphicAnnotationUnits, line.GraphicDimensions, line.NumberOfGraphicPoints = "PIXEL", 2, 2
    line.GraphicData, line.GraphicType, line.GraphicFilled = [10.5, 20.25, 100.0, 120.0], "POLYLINE", "N"
    text = Dataset()
    text.UnformattedTextValue = "other tool"
    text.AnchorPointAnnotationUnits, text.AnchorPoint, text.AnchorPointVisibility = "PIXEL", [100.0, 120.0], "Y"
    item.GraphicObjectSequence = [line]
    item.TextObjectSequence = [text]
    ds.GraphicAnnotationSequence = [item]
    ds.save_as(path, enforce_file_format=True)


def test_a_foreign_presentation_state_from_the_pacs_is_shown_read_only(orthanc, tmp_path):
    from annotator.io.casefile import load_case
    from annotator.net.nodes import Node
    from annotator.net.retrieve import retrieve_study
    from annotator.ui import presentation_states

    gsps = tmp_path / "other.dcm"
    _foreign_gsps(FILMS[0], gsps)
    orthanc.upload(gsps)
    node = Node(name="pacs", ae_title=AE_TITLE, host="127.0.0.1", port=orthanc.dicom_port, timeout_s=10)
    study = str(pydicom.dcmread(FILMS[0], stop_before_pixels=True).StudyInstanceUID)
    got = retrieve_study(node, "FLUORO", study, tmp_path / "inbox", method="get")
    assert got.films == 4 and got.others == 1
    case = load_case(got.case_path)
    lateral = next(f for f in case.roots[0].films if f.view.value == "lateral")
    assert lateral.annotations == []  # another tool's marks never become ours
    shown = presentation_states.foreign_graphics(got.study_dir, got.study_dir / lateral.path, (512, 512))
    assert sorted(g.kind for g in shown) == ["POLYLINE", "TEXT"]


@pytest.mark.parametrize("via", ["dimse", "web"])
def test_send_to_pacs_sends_the_open_cases_archive_export(make_window, nodes, orthanc, qtbot, monkeypatch, tmp_path,
                                                          via):
    import shutil

    add_orthanc(nodes, orthanc, monkeypatch)
    case_dir = tmp_path / "case"
    shutil.copytree(SAMPLES, case_dir)
    w = make_window(case=case_dir / "case.json")
    dialog = w.pacs.open_send()
    dialog.via.setCurrentIndex(dialog.via.findData(via))
    dialog.send_button.click()
    qtbot.waitUntil(lambda: dialog.task is None and dialog.report is not None, timeout=20_000)
    n = len(dialog.report.sent)
    assert n > 0 and not dialog.report.failed
    assert f"{n} object(s) acknowledged by pacs" in dialog.status.text()
    for o in dialog.report.sent:  # every object called sent is in the archive
        assert orthanc.rest("/tools/lookup", method="POST", data=o.sop_uid.encode())
    dialog.close()


def test_send_to_a_pacs_that_is_down_says_nothing_was_acknowledged(make_window, nodes, orthanc, qtbot, monkeypatch,
                                                                    tmp_path):
    import shutil

    add_orthanc(nodes, orthanc, monkeypatch)
    data = json.loads(nodes.read_text())
    data["nodes"]["pacs"]["port"] = free_port()
    nodes.write_text(json.dumps(data))
    case_dir = tmp_path / "case"
    shutil.copytree(SAMPLES, case_dir)
    w = make_window(case=case_dir / "case.json")
    dialog = w.pacs.open_send()
    dialog.via.setCurrentIndex(dialog.via.findData("dimse"))
    monkeypatch.setattr("annotator.net.send.time.sleep", lambda s: None)
    dialog.send_button.click()
    qtbot.waitUntil(lambda: dialog.task is None and "not acknowledged" in dialog.status.text(), timeout=20_000)
    text = dialog.status.text()
    assert dialog.report is None
    import re

    m = re.match(r"(\d+) of (\d+) object\(s\) were not acknowledged by 'pacs'", text)
    assert m and m.group(1) == m.group(2) and "does not answer" in text and "\n" not in text
    dialog.close()
