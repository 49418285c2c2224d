"""DICOM networking on loopback: receive, arrival-to-display, retrieve — beside Orthanc, getscu, dicomweb-client.

1. Receive 100 films sent by dcmtk's ``storescu`` (one association): our listener
   (``annotator.net.listener``: each film written, opened, filed into its study's
   case, case file rewritten atomically) vs Orthanc receiving the same films.
   Target: our rate >= 0.8x Orthanc's.
2. Arrival-to-display: one film C-STOREd to the in-app listener while its case is
   open in the main window (offscreen) until the open document lists it. Target <= 1 s.
3. Retrieve a 12-film study from Orthanc into a new case: by C-GET vs ``getscu`` alone
   (files only), by WADO-RS vs ``dicomweb-client`` alone (files only). Target <= 2x.

Films are uncompressed copies of a sample film (explicit VR little endian) so no
side transcodes. Skipped when Orthanc or dcmtk is not installed.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
import time
from pathlib import Path

SAMPLE = Path(__file__).resolve().parents[1] / "sample_images" / "cases" / "right_L5_on_target" / "02_ap.dcm"
AE = "FLUORO"


def make_films(folder: Path, n: int) -> tuple[list[Path], str]:
    """``n`` uncompressed films of one new study (new UIDs, acquisition times a second apart)."""
    import pydicom
    from pydicom.uid import ExplicitVRLittleEndian, generate_uid

    base = pydicom.dcmread(SAMPLE)
    base.decompress()
    base.file_meta.TransferSyntaxUID = ExplicitVRLittleEndian
    study, series = generate_uid(), generate_uid()
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for i in range(n):
        base.StudyInstanceUID, base.SeriesInstanceUID = study, series
        base.SOPInstanceUID = base.file_meta.MediaStorageSOPInstanceUID = generate_uid()
        base.InstanceNumber = i + 1
        base.AcquisitionTime = f"10{i // 60:02d}{i % 60:02d}"
        p = folder / f"{i:03d}.dcm"
        base.save_as(p, enforce_file_format=True)
        out.append(p)
    return out, study


def storescu(port: int, aec: str, folder: Path) -> float:
    t = time.perf_counter()
    r = subprocess.run(["storescu", "+sd", "-aec", aec, "127.0.0.1", str(port), str(folder)],
                       capture_output=True, text=True, timeout=600)
    if r.returncode != 0:
        raise RuntimeError(r.stderr.strip().splitlines()[-1])
    return time.perf_counter() - t


def bench_receive(tmp: Path, orthanc, rounds: int = 3) -> list[list[object]]:
    from annotator.net.listener import StorageListener
    from tests.orthanc_server import AE_TITLE, free_port

    films, _ = make_films(tmp / "films100", 100)
    ours, theirs = [], []
    for k in range(rounds):
        with StorageListener(AE, free_port(), tmp / f"inbox-{k}") as lst:
            ours.append(storescu(lst.port, AE, films[0].parent))
            assert lst.received == 100, lst.received
        theirs.append(storescu(orthanc.dicom_port, AE_TITLE, films[0].parent))
    o, t = sorted(ours)[len(ours) // 2], sorted(theirs)[len(theirs) // 2]
    return [["receive 100 films (storescu)", f"{100 / o:.0f} films/s", f"{100 / t:.0f} films/s (Orthanc)",
             f"{(100 / o) / (100 / t):.2f}x", ">= 0.8x"]]


def bench_display(tmp: Path) -> list[list[object]]:
    import os

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    import json

    from PyQt6.QtWidgets import QApplication

    from tests.orthanc_server import free_port

    app = QApplication.instance() or QApplication([])
    nodes = tmp / "nodes.json"
    nodes.write_text(json.dumps({"local": {"ae_title": AE, "port": free_port(), "inbox": str(tmp / "gui-inbox")}}))
    os.environ["FLUORO_ANNOTATOR_NODES"] = str(nodes)
    from annotator.ui.main_window import MainWindow

    films, _ = make_films(tmp / "films-gui", 6)
    w = MainWindow(restore_layout=False)
    w.offer_recovery = False
    times = []
    try:
        assert w.pacs.receiver.start()
        port = w.pacs.receiver.listener.port
        _send(port, films[0])
        deadline = time.monotonic() + 5
        while not list((tmp / "gui-inbox").glob("study-*/case.json")) and time.monotonic() < deadline:
            app.processEvents()
        (case,) = (tmp / "gui-inbox").glob("study-*/case.json")
        w.open_case(case, ask_unsaved=False)
        for f in films[1:]:
            n = len(w.document.case.roots[0].films)
            t = time.perf_counter()
            _send(port, f, wait=False)
            while len(w.document.case.roots[0].films) == n and time.perf_counter() - t < 5:
                app.processEvents()
            times.append(time.perf_counter() - t)
    finally:
        w.pacs.shutdown()
        w.autosaver.timer.stop()
        if w.document is not None:
            w.document.mark_saved()  # the received films are in the case file already
        w.close()
    med = sorted(times)[len(times) // 2] * 1000
    return [["arrival-to-display (C-STORE start -> open case lists the film)", f"{med:.0f} ms", "—",
             f"max {max(times) * 1000:.0f} ms", "<= 1000 ms"]]


def _send(port: int, path: Path, wait: bool = True) -> None:
    import threading

    from pynetdicom import AE as _AE

    def go() -> None:
        import pydicom

        ds = pydicom.dcmread(path)
        ae = _AE(ae_title="CARM")
        ae.add_requested_context(ds.SOPClassUID, ds.file_meta.TransferSyntaxUID)
        assoc = ae.associate("127.0.0.1", port, ae_title=AE)
        assoc.send_c_store(ds)
        assoc.release()

    th = threading.Thread(target=go)
    th.start()
    if wait:
        th.join()


def bench_retrieve(tmp: Path, orthanc, rounds: int = 3) -> list[list[object]]:
    from annotator.net.nodes import Auth, Node, Secret
    from annotator.net.retrieve import retrieve_study
    from annotator.net.web import client
    from tests.orthanc_server import AE_TITLE, PASSWORD, USER

    films, study = make_films(tmp / "films12", 12)
    for f in films:
        orthanc.upload(f)
    node = Node(name="bench", ae_title=AE_TITLE, host="127.0.0.1", port=orthanc.dicom_port,
                dicomweb_url=orthanc.dicomweb_url, auth=Auth("basic", USER, Secret(PASSWORD)))
    k = [0]

    def fresh() -> Path:
        k[0] += 1
        return tmp / f"r{k[0]}"

    def ours_get() -> None:
        assert retrieve_study(node, AE, study, fresh(), method="get").films == 12

    def ours_web() -> None:
        assert retrieve_study(node, AE, study, fresh(), method="web").films == 12

    def getscu() -> None:
        out = fresh()
        out.mkdir()
        subprocess.run(["getscu", "-S", "-aet", AE, "-aec", AE_TITLE, "-od", str(out), "-k", "QueryRetrieveLevel=STUDY",
                        "-k", f"StudyInstanceUID={study}", "127.0.0.1", str(orthanc.dicom_port)],
                       check=True, capture_output=True, timeout=120)
        assert len(list(out.iterdir())) == 12

    def dicomweb_alone() -> None:
        out = fresh()
        out.mkdir()
        for i, ds in enumerate(client(node).iter_study(study, media_types=(("application/dicom", "*"),))):
            ds.save_as(out / f"{i}.dcm")
        assert len(list(out.iterdir())) == 12

    from benchmarks.timing import interleaved_ms

    a, b, c, d = interleaved_ms([ours_get, getscu, ours_web, dicomweb_alone], repeats=rounds)
    return [["retrieve 12 films by C-GET into a case", f"{a:.0f} ms", f"{b:.0f} ms (getscu, files only)",
             f"{a / b:.2f}x", "<= 2x"],
            ["retrieve 12 films by WADO-RS into a case", f"{c:.0f} ms", f"{d:.0f} ms (dicomweb-client, files only)",
             f"{c / d:.2f}x", "<= 2x"]]


def run() -> str:
    from benchmarks.timing import table
    from tests.orthanc_server import OrthancServer, orthanc_binary

    if orthanc_binary() is None or shutil.which("storescu") is None or shutil.which("getscu") is None:
        return "skipped: needs Orthanc (Debian orthanc, orthanc-dicomweb) and dcmtk"
    with tempfile.TemporaryDirectory(prefix="bench-net-") as name:
        tmp = Path(name)
        with OrthancServer(tmp / "orthanc") as orthanc:
            rows = bench_receive(tmp, orthanc)
            rows += bench_retrieve(tmp, orthanc)
        rows += bench_display(tmp)
    return table(["what", "ours", "baseline", "ratio", "target"], rows)
