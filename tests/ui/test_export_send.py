"""File ▸ Export…: "Send the archive export to:" a configured node, against a real Orthanc."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pydicom
import pytest

from annotator.ui.export_dialog import ExportDialog, export_from_window
from tests.orthanc_server import AE_TITLE, PASSWORD, USER, OrthancServer, free_port

SAMPLES = Path(__file__).resolve().parents[2] / "sample_images" / "cases" / "right_L5_on_target"


@pytest.fixture(scope="module")
def orthanc(tmp_path_factory):
    server = OrthancServer(tmp_path_factory.mktemp("orthanc"))
    server.start()
    yield server
    server.stop()


def write_nodes(tmp_path: Path, monkeypatch, nodes: dict) -> None:
    path = tmp_path / "nodes.json"
    data = {"local": {"ae_title": "FLUORO", "port": free_port(), "inbox": str(tmp_path / "inbox")}, "nodes": nodes}
    path.write_text(json.dumps(data))
    monkeypatch.setenv("FLUORO_ANNOTATOR_NODES", str(path))
    monkeypatch.setenv("TEST_PACS_PASSWORD", PASSWORD)


def pacs(orthanc: OrthancServer, via: str = "dimse", port: int | None = None) -> dict:
    node: dict = {"dicomweb_url": orthanc.dicomweb_url, "timeout_s": 10,
                  "auth": {"type": "basic", "username": USER, "password_env": "TEST_PACS_PASSWORD"}}
    if via == "dimse":  # a node with an AE title is sent to by C-STORE, one with only a URL by STOW-RS
        node.update(ae_title=AE_TITLE, host="127.0.0.1", port=port or orthanc.dicom_port)
    return node


@pytest.fixture
def case_dir(tmp_path):
    folder = tmp_path / "case"
    shutil.copytree(SAMPLES, folder)
    return folder


def dialog_for(window, qtbot) -> ExportDialog:
    doc = window.document
    dialog = ExportDialog(Path(doc.folder), window, case=doc.case)
    qtbot.addWidget(dialog)
    return dialog


def test_without_a_configured_node_the_send_control_is_disabled_and_says_why(make_window, case_dir, qtbot, tmp_path,
                                                                              monkeypatch):
    write_nodes(tmp_path, monkeypatch, {})
    w = make_window(case=case_dir / "case.json")
    dialog = dialog_for(w, qtbot)
    box = dialog.send_box
    assert not box.check.isEnabled() and not box.node.isEnabled()
    assert box.check.toolTip() == "No PACS node is set up: add one in File ▸ PACS settings…"
    assert "\n" not in box.check.toolTip()
    for c in dialog.checks.values():
        c.setChecked(False)
    assert not dialog.export_button.isEnabled()
    assert dialog.options().send_node is None


def test_the_send_control_lists_the_nodes_and_is_identified_by_default(make_window, case_dir, qtbot, tmp_path,
                                                                       monkeypatch, orthanc):
    write_nodes(tmp_path, monkeypatch, {"pacs": pacs(orthanc), "teaching": pacs(orthanc, via="web")})
    w = make_window(case=case_dir / "case.json")
    dialog = dialog_for(w, qtbot)
    box = dialog.send_box
    assert [box.node.itemText(i) for i in range(box.node.count())] == ["pacs", "teaching"]
    assert not box.check.isChecked() and not box.node.isEnabled()  # off until ticked
    for c in dialog.checks.values():
        c.setChecked(False)
    assert not dialog.export_button.isEnabled()
    box.check.setChecked(True)
    assert dialog.export_button.isEnabled()  # sending alone is an export
    assert "C-STORE" in box.hint.text() and "with patient identity" in box.hint.text()
    opts = dialog.options()
    assert opts.send_node == "pacs" and opts.send_identified is True and not opts.any_format()
    box.node.setCurrentText("teaching")
    box.deidentify.setChecked(True)
    assert "STOW-RS" in box.hint.text() and "teaching archive" in box.hint.text()
    opts = dialog.options()
    assert opts.send_node == "teaching" and opts.send_identified is False


@pytest.mark.parametrize("via", ["dimse", "web"])
def test_export_dialog_sends_the_archive_export_and_orthanc_holds_it(make_window, case_dir, qtbot, tmp_path,
                                                                    monkeypatch, orthanc, via):
    write_nodes(tmp_path, monkeypatch, {"pacs": pacs(orthanc, via)})
    w = make_window(case=case_dir / "case.json")
    dialog = dialog_for(w, qtbot)
    dialog.folder.setText(str(tmp_path / "out"))
    for key, c in dialog.checks.items():
        c.setChecked(key == "png")
    dialog.identified.setChecked(True)
    dialog.send_box.check.setChecked(True)
    run = export_from_window(w, dialog.options())
    send = w.archive_send
    with qtbot.waitSignal(send.finished, timeout=60_000) as blocker:
        pass
    assert run.ok is True and list((tmp_path / "out").glob("*_films/*.png"))  # the files were written first
    ok, text = blocker.args
    report = send.outcome.report
    n = len(report.sent)
    assert ok and n > 0 and not report.failed
    assert text == f"{n} object(s) acknowledged by pacs" == w.statusBar().currentMessage()
    assert send.percent == 100 and not w.prompter.errors
    patient = pydicom.dcmread(case_dir / "01_lateral.dcm", stop_before_pixels=True).PatientID
    modalities = set()
    for o in report.sent:  # every object called sent is read back from the archive, identified
        (hit,) = orthanc.rest("/tools/lookup", method="POST", data=o.sop_uid.encode())
        tags = orthanc.rest(f"/instances/{hit['ID']}/simplified-tags")
        assert tags["SOPInstanceUID"] == o.sop_uid and tags["PatientID"] == patient
        modalities.add(tags["Modality"])
    assert {"PR", "SR"} <= modalities


def test_de_identified_send_for_a_teaching_archive(make_window, case_dir, qtbot, tmp_path, monkeypatch, orthanc):
    write_nodes(tmp_path, monkeypatch, {"teaching": pacs(orthanc, "web")})
    w = make_window(case=case_dir / "case.json")
    dialog = dialog_for(w, qtbot)
    for c in dialog.checks.values():
        c.setChecked(False)
    dialog.send_box.check.setChecked(True)
    dialog.send_box.deidentify.setChecked(True)
    send = export_from_window(w, dialog.options())
    with qtbot.waitSignal(send.finished, timeout=60_000) as blocker:
        pass
    assert blocker.args[0], blocker.args[1]
    original = pydicom.dcmread(case_dir / "01_lateral.dcm", stop_before_pixels=True)
    for o in send.outcome.report.sent:
        (hit,) = orthanc.rest("/tools/lookup", method="POST", data=o.sop_uid.encode())
        tags = orthanc.rest(f"/instances/{hit['ID']}/simplified-tags")
        assert tags.get("PatientID") != original.PatientID
        assert tags.get("PatientName") != str(original.PatientName)


def test_pacs_down_is_one_line_naming_the_node(make_window, case_dir, qtbot, tmp_path, monkeypatch, orthanc):
    write_nodes(tmp_path, monkeypatch, {"pacs": pacs(orthanc, "dimse", port=free_port())})  # nobody listens
    monkeypatch.setattr("annotator.net.send.time.sleep", lambda s: None)
    w = make_window(case=case_dir / "case.json")
    dialog = dialog_for(w, qtbot)
    for c in dialog.checks.values():
        c.setChecked(False)
    dialog.send_box.check.setChecked(True)
    send = export_from_window(w, dialog.options())
    with qtbot.waitSignal(send.finished, timeout=60_000) as blocker:
        pass
    ok, text = blocker.args
    assert not ok and send.outcome.report is not None and not send.outcome.report.sent  # nothing called sent
    m = re.match(r"(\d+) of (\d+) object\(s\) were not acknowledged by 'pacs' \(", text)
    assert m and m.group(1) == m.group(2) and "does not answer" in text and "\n" not in text
    assert w.statusBar().currentMessage() == text
    assert w.prompter.errors == [text]


def test_the_send_control_in_chinese(make_window, case_dir, qtbot, tmp_path, monkeypatch, orthanc):
    from annotator.ui import i18n

    write_nodes(tmp_path, monkeypatch, {"pacs": pacs(orthanc)})
    w = make_window(case=case_dir / "case.json")
    i18n.set_language("zh", remember=False)
    box = dialog_for(w, qtbot).send_box
    box.check.setChecked(True)
    assert box.check.text() == "将归档导出发送到：" and box.deidentify.text() == "去标识化（教学归档）"
    assert box.hint.text() == "显示状态、测量报告和二次采集图像，通过 C-STORE（DIMSE），含患者身份信息：归档中保存着原始图像。"
