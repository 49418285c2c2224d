"""Our Storage SCP: films sent with dcmtk's storescu or pynetdicom assemble into a case; faults."""

from __future__ import annotations

import errno
import os
import subprocess
from pathlib import Path

import pydicom
import pytest

from annotator.io.casefile import load_case
from annotator.net.errors import NetError
from annotator.net.inbox import Inbox
from annotator.net.listener import StorageListener
from tests.orthanc_server import free_port
from tests.unit.net.conftest import OUR_AE, needs


def storescu(port: int, files: list[Path], aec: str = OUR_AE) -> subprocess.CompletedProcess:
    # -xt: also propose JPEG-LS (the sample films' transfer syntax), +sd folders
    return subprocess.run(["storescu", "-xt", "-to", "10", "-ta", "10", "-td", "10", "-aec", aec, "127.0.0.1",
                           str(port), *map(str, files)], capture_output=True, text=True, timeout=60)


@pytest.fixture
def listening(tmp_path):
    events: dict[str, list] = {"filed": [], "errors": []}
    port = free_port()
    with StorageListener(OUR_AE, port, tmp_path / "inbox", on_filed=events["filed"].append,
                         on_error=events["errors"].append) as lst:
        yield lst, events


def test_storescu_films_assemble_into_one_case_with_views(listening, films):
    needs("storescu")
    lst, events = listening
    r = storescu(lst.port, list(reversed(films)))  # sent in reverse: the case sorts them
    assert r.returncode == 0, r.stderr
    studies = {f.study_dir for f in events["filed"]}
    assert len(studies) == 1
    case = load_case(studies.pop() / "case.json")
    assert [f.view.value for f in case.roots[0].films] == ["lateral", "AP", "oblique", "AP"]
    assert lst.received == 4 and lst.failed == 0
    # no patient identity in the paths
    assert all("FAKE" not in str(f.study_dir) for f in events["filed"])


def test_echo_and_wrong_called_ae_title(listening):
    needs("echoscu")
    lst, _ = listening
    ok = subprocess.run(["echoscu", "-aec", OUR_AE, "127.0.0.1", str(lst.port)], capture_output=True, timeout=30)
    assert ok.returncode == 0
    bad = subprocess.run(["echoscu", "-aec", "OTHER", "127.0.0.1", str(lst.port)], capture_output=True,
                         text=True, timeout=30)
    assert bad.returncode != 0 and "Called AE Title Not Recognized" in bad.stderr
    again = subprocess.run(["echoscu", "-aec", OUR_AE, "127.0.0.1", str(lst.port)], capture_output=True, timeout=30)
    assert again.returncode == 0  # still running after the rejected association


def test_a_class_we_do_not_file_is_refused_at_negotiation(listening, tmp_path, films):
    from pynetdicom import AE

    lst, events = listening
    ds = pydicom.dcmread(films[0])
    ds.SOPClassUID = "1.2.840.10008.5.1.4.1.1.104.1"  # Encapsulated PDF: not something we file
    ds.file_meta.MediaStorageSOPClassUID = ds.SOPClassUID
    ae = AE(ae_title="SENDER")
    ae.add_requested_context(ds.SOPClassUID, ds.file_meta.TransferSyntaxUID)
    ae.add_requested_context("1.2.840.10008.1.1")
    assoc = ae.associate("127.0.0.1", lst.port, ae_title=OUR_AE)
    assert assoc.is_established
    assert [str(c.abstract_syntax) for c in assoc.rejected_contexts] == ["1.2.840.10008.5.1.4.1.1.104.1"]
    assoc.release()
    assert events["filed"] == []


def _send(port: int, ds) -> int:
    from pynetdicom import AE

    ae = AE(ae_title="SENDER")
    ae.add_requested_context(ds.SOPClassUID, ds.file_meta.TransferSyntaxUID)
    assoc = ae.associate("127.0.0.1", port, ae_title=OUR_AE)
    assert assoc.is_established
    status = assoc.send_c_store(ds)
    assoc.release()
    return int(status.Status)


def test_a_corrupt_film_is_refused_and_nothing_is_filed(listening, films):
    lst, events = listening
    ds = pydicom.dcmread(films[0])
    ds.Rows = 1  # the pixel data no longer fits the header
    ds.BitsAllocated = 64
    status = _send(lst.port, ds)
    assert status == 0xC000
    assert events["filed"] == [] and len(events["errors"]) == 1
    assert "SENDER" in events["errors"][0] and "\n" not in events["errors"][0]
    assert not list((lst.inbox.root).glob("study-*")) and not list((lst.inbox.root / ".incoming").iterdir())
    assert _send(lst.port, pydicom.dcmread(films[1])) == 0  # still serving


def test_an_image_class_without_pixels_is_refused(listening, films):
    lst, events = listening
    ds = pydicom.dcmread(films[0])
    del ds.PixelData
    assert _send(lst.port, ds) == 0xC000
    assert "no image" in events["errors"][0] or "pixel" in events["errors"][0].lower()
    assert not list(lst.inbox.root.glob("study-*"))


def test_disk_full_in_the_inbox_answers_out_of_resources_and_leaves_no_half_case(listening, films, monkeypatch):
    lst, events = listening
    assert _send(lst.port, pydicom.dcmread(films[0])) == 0
    study = events["filed"][0].study_dir
    before = (study / "case.json").read_text()
    import annotator.net.inbox as inbox_mod

    def full(*a, **k):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(inbox_mod, "atomic_write_text", full)
    assert _send(lst.port, pydicom.dcmread(films[1])) == 0xA700
    assert "is full: free disk space" in events["errors"][-1] and "SENDER" in events["errors"][-1]
    assert (study / "case.json").read_text() == before
    assert len(list((study / "films").iterdir())) == 1  # the refused film was taken out again
    monkeypatch.undo()
    assert _send(lst.port, pydicom.dcmread(films[1])) == 0  # resent after space was freed
    assert len(load_case(study / "case.json").roots[0].films) == 2


def test_a_second_listener_on_the_same_port_is_one_line(listening, tmp_path):
    lst, _ = listening
    with pytest.raises(NetError, match=rf"port {lst.port} is already in use .*: stop it or choose another port"):
        StorageListener(OUR_AE, lst.port, tmp_path / "other").start()


def test_a_resent_film_is_not_a_second_film(tmp_path, films):
    inbox = Inbox(tmp_path / "inbox")
    a = inbox.file_path(films[0])
    b = inbox.file_path(films[0])
    assert a.new and not b.new
    assert len(load_case(a.study_dir / "case.json").roots[0].films) == 1


def test_a_retrieved_study_that_does_not_fit_on_disk_leaves_nothing(tmp_path, films, monkeypatch):
    import shutil

    import annotator.net.inbox as inbox_mod
    from annotator.net.retrieve import file_retrieved

    staged = tmp_path / "staged"
    staged.mkdir()
    copies = [Path(shutil.copy2(f, staged / f.name)) for f in films]

    def full(*a, **k):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(inbox_mod, "atomic_write_text", full)
    with pytest.raises(NetError, match=r"inbox inbox is full: free disk space"):
        file_retrieved(Inbox(tmp_path / "inbox"), copies, "'pacs'")
    assert not [p for p in (tmp_path / "inbox").rglob("*") if p.is_file()]


def test_a_study_with_only_a_report_is_not_a_case(tmp_path, films):
    from annotator.net.retrieve import file_retrieved

    ds = pydicom.dcmread(films[0], stop_before_pixels=True)
    ds.SOPClassUID = "1.2.840.10008.5.1.4.1.1.88.33"  # comprehensive SR, no image
    ds.SOPInstanceUID = pydicom.uid.generate_uid()
    ds.file_meta.MediaStorageSOPClassUID, ds.file_meta.MediaStorageSOPInstanceUID = ds.SOPClassUID, ds.SOPInstanceUID
    sr = tmp_path / "sr.dcm"
    ds.save_as(sr)
    with pytest.raises(NetError, match=r"the study from 'pacs' holds no film we open: nothing was filed"):
        file_retrieved(Inbox(tmp_path / "inbox"), [sr], "'pacs'")
    assert not list((tmp_path / "inbox").glob("study-*/case.json"))
