"""The department's three commands against a real Orthanc: listen, pacs find/get, export --send."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time

import pydicom
import pytest

from annotator.cli import main
from annotator.io.casefile import load_case
from tests.orthanc_server import free_port
from tests.unit.net.conftest import OUR_AE, SAMPLES, needs


@pytest.fixture
def stored(orthanc, films):
    for f in films:
        orthanc.upload(f)
    return str(pydicom.dcmread(films[0], stop_before_pixels=True).StudyInstanceUID)


def test_pacs_echo_find_get(nodes_file, stored, tmp_path, capsys):
    assert main(["pacs", "--nodes", str(nodes_file), "echo", "pacs"]) == 0
    out = capsys.readouterr().out
    assert "C-ECHO 'pacs'" in out and "QIDO-RS 'pacs': ok" in out
    for via in ("dimse", "web"):
        assert main(["pacs", "--nodes", str(nodes_file), "find", "pacs", "--patient-id", "FAKE-0001",
                     "--via", via]) == 0
        assert stored in capsys.readouterr().out
    for via in ("get", "web", "move"):
        inbox = tmp_path / f"inbox-{via}"
        assert main(["pacs", "--nodes", str(nodes_file), "get", "pacs", stored, "--inbox", str(inbox),
                     "--via", via]) == 0
        assert "4 film(s)" in capsys.readouterr().out
        (case,) = inbox.glob("study-*/case.json")
        assert len(load_case(case).roots[0].films) == 4


def test_errors_are_one_line_exit_2(nodes_file, tmp_path, capsys):
    assert main(["pacs", "--nodes", str(nodes_file), "echo", "nowhere"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "no node named 'nowhere'" in err
    cfg = json.loads(nodes_file.read_text())
    cfg["nodes"]["pacs"]["port"] = free_port()
    nodes_file.write_text(json.dumps(cfg))
    assert main(["pacs", "--nodes", str(nodes_file), "find", "pacs", "--via", "dimse"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "'pacs'" in err and "does not answer" in err
    assert main(["pacs", "--nodes", str(nodes_file), "find", "pacs", "--from", "2024-01-01"]) == 2
    assert "YYYYMMDD" in capsys.readouterr().err
    bad = tmp_path / "bad.json"
    bad.write_text('{"nodes": {"x": {"ae_title": "A", "host": "h", "port": 99999}}}')
    assert main(["pacs", "--nodes", str(bad), "echo", "x"]) == 2
    assert "nodes.x.port: port must be a whole number 1-65535" in capsys.readouterr().err


def test_export_send_to_orthanc(nodes_file, orthanc, tmp_path, capsys):
    case = tmp_path / "case"
    shutil.copytree(SAMPLES / "right_L5_on_target", case)
    before = orthanc.instance_count()
    assert main(["export", str(case), "--send", "pacs", "--nodes", str(nodes_file), "--quiet"]) == 0
    sent = [line for line in capsys.readouterr().out.splitlines() if line.startswith("sent ")]
    assert sent and orthanc.instance_count() == before + len(sent)


def test_export_send_to_a_pacs_that_is_down_exits_2(nodes_file, tmp_path, capsys):
    cfg = json.loads(nodes_file.read_text())
    cfg["nodes"]["pacs"]["port"] = free_port()
    nodes_file.write_text(json.dumps(cfg))
    case = tmp_path / "case"
    shutil.copytree(SAMPLES / "right_L5_on_target", case)
    assert main(["export", str(case), "--send", "pacs", "--nodes", str(nodes_file), "--quiet"]) == 2
    captured = capsys.readouterr()
    assert "sent " not in captured.out
    assert "were not acknowledged by 'pacs'" in captured.err and captured.err.count("\n") == 1


def test_listen_command_receives_and_stops(tmp_path, films):
    needs("storescu")
    port = free_port()
    inbox = tmp_path / "inbox"
    proc = subprocess.Popen([sys.executable, "-m", "annotator.cli", "listen", "--ae", OUR_AE, "--port", str(port),
                             "--inbox", str(inbox), "--for", "20"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)
    try:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            r = subprocess.run(["echoscu", "-aec", OUR_AE, "127.0.0.1", str(port)], capture_output=True, timeout=10)
            if r.returncode == 0:
                break
            time.sleep(0.2)
        r = subprocess.run(["storescu", "-xt", "-aec", OUR_AE, "127.0.0.1", str(port), *map(str, films)],
                           capture_output=True, text=True, timeout=60)
        assert r.returncode == 0, r.stderr
        # a second listener on the same port: one line, exit 2
        second = subprocess.run([sys.executable, "-m", "annotator.cli", "listen", "--port", str(port), "--inbox",
                                 str(tmp_path / "b"), "--for", "1"], capture_output=True, text=True, timeout=60)
        assert second.returncode == 2 and second.stderr.count("\n") == 1 and "already in use" in second.stderr
    finally:
        proc.terminate()
        out, err = proc.communicate(timeout=30)
    assert out.count("received study-") == 4 and "FAKE" not in out
    assert "stopped: 4 object(s) filed, 0 refused" in out
    (case,) = inbox.glob("study-*/case.json")
    assert len(load_case(case).roots[0].films) == 4
