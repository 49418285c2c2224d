"""DIMSE against a real Orthanc: echo, find, get, move, store, and their failures."""

from __future__ import annotations

import json
import socket
import threading
from dataclasses import replace
from pathlib import Path

import pytest

from annotator.io.casefile import load_case
from annotator.net import dimse
from annotator.net.dimse import StudyQuery
from annotator.net.errors import NetError
from annotator.net.nodes import load_settings
from annotator.net.retrieve import retrieve_study
from tests.unit.net.conftest import OUR_AE


@pytest.fixture
def pacs(nodes_file: Path):
    return load_settings(nodes_file).node("pacs")


@pytest.fixture
def stored(orthanc, films):
    for f in films:
        orthanc.upload(f)
    import pydicom

    return str(pydicom.dcmread(films[0], stop_before_pixels=True).StudyInstanceUID)


def test_echo_answers(pacs):
    dimse.echo(pacs, OUR_AE)


def test_echo_to_a_pacs_that_is_down_names_the_node_and_what_to_do(pacs):
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with pytest.raises(NetError) as err:
        dimse.echo(replace(pacs, port=port), OUR_AE)
    msg = str(err.value)
    assert "'pacs'" in msg and "does not answer" in msg and "check that it is running" in msg
    assert "\n" not in msg


def test_wrong_called_ae_title_is_a_rejected_association(pacs):
    # Orthanc rejects and closes at once; on a busy machine the closed connection can be read
    # before the rejection and pynetdicom reports an abort: either way the message says what to check
    with pytest.raises(NetError, match=r"(rejected|aborted) the association: check that its AE title is WRONG "
                                       r"and that it accepts calls from our AE title"):
        dimse.echo(replace(pacs, ae_title="WRONG"), OUR_AE)


def test_a_silent_server_times_out_with_one_line(pacs):
    with socket.socket() as srv:  # accepts the TCP connection, never answers the DICOM handshake
        srv.bind(("127.0.0.1", 0))
        srv.listen(4)
        node = replace(pacs, port=srv.getsockname()[1], timeout_s=0.5)
        with pytest.raises(NetError, match=r"did not complete the association within 0.5 s"):
            dimse.echo(node, OUR_AE)


def test_find_studies_by_patient_and_modality_then_series(pacs, stored):
    found = dimse.find_studies(pacs, OUR_AE, StudyQuery(patient_id="FAKE-0001", modality="XA"))
    assert stored in [s.study_uid for s in found]
    match = next(s for s in found if s.study_uid == stored)
    assert match.instances == 4
    assert dimse.find_studies(pacs, OUR_AE, StudyQuery(patient_id="NOBODY")) == []
    series = dimse.find_series(pacs, OUR_AE, stored)
    assert series and all(s.modality == "XA" for s in series)


def test_get_study_files_a_case_with_views_in_acquisition_order(pacs, stored, tmp_path):
    seen: list[tuple[int, int]] = []
    result = retrieve_study(pacs, OUR_AE, stored, tmp_path / "inbox", method="get",
                            progress=lambda d, t: seen.append((d, t)) or True)
    case = load_case(result.case_path)
    films = case.roots[0].films
    assert result.films == 4 and len(films) == 4
    assert {f.view.value for f in films} == {"AP", "lateral", "oblique"}
    assert seen[-1] == (4, 4)
    # same order as the sample case made by the folder import
    sample = load_case(Path(__file__).resolve().parents[3] / "sample_images/cases/right_L5_on_target/case.json")
    assert [f.view for f in films] == [f.view for f in sample.roots[0].films]


def test_cancelled_get_files_nothing(pacs, stored, tmp_path):
    from annotator.net.errors import Cancelled

    with pytest.raises(Cancelled, match="nothing was filed"):
        retrieve_study(pacs, OUR_AE, stored, tmp_path / "inbox", method="get", progress=lambda d, t: False)
    assert not list((tmp_path / "inbox").glob("study-*"))


def test_get_of_an_unknown_study_is_one_line(pacs, tmp_path):
    with pytest.raises(NetError) as err:
        retrieve_study(pacs, OUR_AE, "1.2.3.4.5.6.7.8.9", tmp_path / "inbox", method="get")
    assert "'pacs'" in str(err.value)
    assert not list((tmp_path / "inbox").glob("study-*"))


def test_move_to_our_listener_files_the_study(pacs, stored, tmp_path, listener_port):
    from annotator.net.listener import StorageListener

    filed = []
    lock = threading.Lock()
    with StorageListener(OUR_AE, listener_port, tmp_path / "inbox", on_filed=lambda f: filed.append(f) or lock):
        assert dimse.move_study(pacs, OUR_AE, stored, OUR_AE) == 4
    assert len({f.study_dir for f in filed}) == 1
    assert len(load_case(filed[0].study_dir / "case.json").roots[0].films) == 4


def test_move_to_an_unknown_destination_says_what_to_do(pacs, stored):
    with pytest.raises(NetError, match=r"refused the move .*knows our AE title NOBODY as a move destination"):
        dimse.move_study(pacs, OUR_AE, stored, "NOBODY")


def test_store_reports_each_object(pacs, orthanc, films):
    before = orthanc.instance_count()
    out = dimse.store(pacs, OUR_AE, films[:2])
    assert [o.ok for o in out] == [True, True]
    assert orthanc.instance_count() >= min(before + 0, 2)
    assert json.dumps([o.sop_uid for o in out])


def test_a_search_the_node_never_answers_times_out_with_one_line(pacs):
    """A real C-FIND SCP (pynetdicom) that accepts the association but answers after the timeout."""
    import time as _time

    from pynetdicom import AE, evt

    from tests.orthanc_server import free_port

    release = threading.Event()

    def slow_find(event):
        release.wait(5)
        yield 0x0000, None

    scp = AE(ae_title="SLOW")
    scp.add_supported_context(dimse.FIND_STUDY_ROOT)
    port = free_port()
    server = scp.start_server(("127.0.0.1", port), block=False, evt_handlers=[(evt.EVT_C_FIND, slow_find)])
    try:
        node = replace(pacs, ae_title="SLOW", port=port, timeout_s=0.5)
        t = _time.monotonic()
        with pytest.raises(NetError, match=r"did not answer the search within 0.5 s .*raise the node's timeout"):
            dimse.find_studies(node, OUR_AE, StudyQuery(patient_id="X"))
        assert _time.monotonic() - t < 4
    finally:
        release.set()
        server.shutdown()
