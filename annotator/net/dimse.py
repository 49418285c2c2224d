"""DIMSE client (SCU) operations against a node: C-ECHO, C-FIND, C-GET, C-MOVE, C-STORE.

Every failure becomes a :class:`NetError` of one line naming the node and what to
do: the node does not answer (down, wrong host/port), did not answer in time,
rejected the association (AE titles), aborted it, or answered with a failure
status. Query results may hold patient identity: they are returned to the
caller for display and never logged.
"""

from __future__ import annotations

import contextlib
import socket
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from annotator.net.errors import Cancelled, NetError
from annotator.net.nodes import Node
from annotator.net.sop_classes import ACCEPTED_STORAGE, ACCEPTED_TRANSFER_SYNTAXES

VERIFICATION = "1.2.840.10008.1.1"
FIND_STUDY_ROOT = "1.2.840.10008.5.1.4.1.2.2.1"
MOVE_STUDY_ROOT = "1.2.840.10008.5.1.4.1.2.2.2"
GET_STUDY_ROOT = "1.2.840.10008.5.1.4.1.2.2.3"
EXPLICIT_LE, IMPLICIT_LE = "1.2.840.10008.1.2.1", "1.2.840.10008.1.2"

STUDY_KEYS = ("StudyInstanceUID", "PatientID", "PatientName", "StudyDate", "StudyTime", "AccessionNumber",
              "ModalitiesInStudy", "StudyDescription", "NumberOfStudyRelatedInstances")
SERIES_KEYS = ("SeriesInstanceUID", "Modality", "SeriesNumber", "SeriesDescription",
               "NumberOfSeriesRelatedInstances")


@dataclass(frozen=True)
class StudyQuery:
    """What to search for; empty fields match anything. ``name`` may hold * and ? wildcards;
    dates are YYYYMMDD (either end of the range may be empty)."""

    patient_id: str = ""
    name: str = ""
    date_from: str = ""
    date_to: str = ""
    modality: str = ""
    accession: str = ""
    study_uid: str = ""

    @property
    def date_range(self) -> str:
        if not self.date_from and not self.date_to:
            return ""
        if self.date_from == self.date_to:
            return self.date_from
        return f"{self.date_from}-{self.date_to}"


@dataclass(frozen=True)
class StudyMatch:
    """One study found (values as the PACS returned them)."""

    study_uid: str
    patient_id: str = ""
    patient_name: str = ""
    date: str = ""
    time: str = ""
    accession: str = ""
    modalities: str = ""
    description: str = ""
    instances: int | None = None


@dataclass(frozen=True)
class SeriesMatch:
    series_uid: str
    modality: str = ""
    number: str = ""
    description: str = ""
    instances: int | None = None


def _text(ds: Any, key: str) -> str:
    v = ds.get(key, "")
    if v is None:
        return ""
    if isinstance(v, list | tuple) or type(v).__name__ == "MultiValue":
        return "\\".join(str(x) for x in v)
    return str(v)


def _int(ds: Any, key: str) -> int | None:
    try:
        return int(ds.get(key)) if ds.get(key) not in (None, "") else None
    except (TypeError, ValueError):
        return None


def study_from(ds: Any) -> StudyMatch:
    return StudyMatch(study_uid=_text(ds, "StudyInstanceUID"), patient_id=_text(ds, "PatientID"),
                      patient_name=_text(ds, "PatientName"), date=_text(ds, "StudyDate"),
                      time=_text(ds, "StudyTime"), accession=_text(ds, "AccessionNumber"),
                      modalities=_text(ds, "ModalitiesInStudy"), description=_text(ds, "StudyDescription"),
                      instances=_int(ds, "NumberOfStudyRelatedInstances"))


# ----------------------------------------------------------------------------- association


def _probe(node: Node) -> None:
    """Tell "not running / wrong address" and "no answer" apart before the DICOM handshake."""
    try:
        with socket.create_connection((node.host, int(node.port or 0)), timeout=min(node.timeout_s, 10.0)):
            pass
    except ConnectionRefusedError:
        raise NetError(f"{node.where} does not answer (connection refused): check that it is running "
                       "and its host and port in Settings") from None
    except TimeoutError:
        raise NetError(f"{node.where} did not answer within {min(node.timeout_s, 10.0):g} s: check the "
                       "network and its host and port in Settings") from None
    except OSError as exc:
        raise NetError(f"{node.where} cannot be reached ({exc.strerror or type(exc).__name__}): check its "
                       "host and port in Settings") from None


def _tls_args(node: Node) -> tuple[Any, str] | None:
    if node.tls is None:
        return None
    import ssl

    try:
        ctx = ssl.create_default_context(ssl.Purpose.SERVER_AUTH, cafile=node.tls.ca_file or None)
        if node.tls.cert_file:
            ctx.load_cert_chain(node.tls.cert_file, node.tls.key_file or None)
    except (OSError, ssl.SSLError) as exc:
        raise NetError(f"{node.where}: the TLS certificate files cannot be used "
                       f"({type(exc).__name__}): check the TLS settings") from None
    return ctx, node.host


@contextlib.contextmanager
def associate(node: Node, local_ae: str, contexts: Sequence[tuple[str, Sequence[str]]],
              ext_neg: list[Any] | None = None, evt_handlers: list[Any] | None = None) -> Iterator[Any]:
    """An established association with ``node`` (released on exit, aborted on error)."""
    from pynetdicom import AE

    if not node.has_dimse:
        raise NetError(f"node {node.name!r} has no DIMSE address (AE title, host, port): add one in Settings "
                       "or use its DICOMweb URL")
    _probe(node)
    ae = AE(ae_title=local_ae)
    ae.acse_timeout = ae.dimse_timeout = ae.network_timeout = node.timeout_s
    ae.connection_timeout = min(node.timeout_s, 10.0)
    ae.maximum_pdu_size = 0
    for uid, syntaxes in contexts:
        ae.add_requested_context(uid, list(syntaxes))
    started = time.monotonic()
    assoc = ae.associate(node.host, int(node.port or 0), ae_title=node.ae_title, ext_neg=ext_neg,
                         evt_handlers=evt_handlers, tls_args=_tls_args(node), max_pdu=0)
    if not assoc.is_established:
        if assoc.is_rejected:
            raise NetError(f"{node.where} rejected the association: check that its AE title is "
                           f"{node.ae_title} and that it accepts calls from our AE title {local_ae}")
        if assoc.is_aborted and time.monotonic() - started < node.timeout_s * 0.9:
            # a node that rejects and closes at once can reach us as an abort (the closed
            # connection read before the rejection): the same two things to check
            raise NetError(f"{node.where} aborted the association: check that its AE title is "
                           f"{node.ae_title} and that it accepts calls from our AE title {local_ae}")
        raise NetError(f"{node.where} did not complete the association within {node.timeout_s:g} s: check "
                       "that it is a DICOM node and its port")
    try:
        yield assoc
    except BaseException:
        assoc.abort()
        raise
    else:
        assoc.release()


def _no_answer(node: Node, what: str) -> NetError:
    return NetError(f"{node.where} did not answer the {what} within {node.timeout_s:g} s (or dropped the "
                    "connection): try again, or raise the node's timeout in Settings")


def _status(status: Any) -> int | None:
    return int(status.Status) if status is not None and "Status" in status else None


# ----------------------------------------------------------------------------- operations


def echo(node: Node, local_ae: str) -> None:
    """C-ECHO; NetError unless the node answers Success."""
    with associate(node, local_ae, [(VERIFICATION, [EXPLICIT_LE, IMPLICIT_LE])]) as assoc:
        code = _status(assoc.send_c_echo())
    if code is None:
        raise _no_answer(node, "echo")
    if code != 0:
        raise NetError(f"{node.where} answered the echo with status 0x{code:04X}")


def _find(node: Node, local_ae: str, identifier: Any, limit: int) -> list[Any]:
    out: list[Any] = []
    with associate(node, local_ae, [(FIND_STUDY_ROOT, [EXPLICIT_LE, IMPLICIT_LE])]) as assoc:
        for status, ident in assoc.send_c_find(identifier, FIND_STUDY_ROOT):
            code = _status(status)
            if code is None:
                raise _no_answer(node, "search")
            if code in (0xFF00, 0xFF01):
                if ident is not None and len(out) < limit:
                    out.append(ident)
            elif code != 0:
                raise NetError(f"{node.where} refused the search (status 0x{code:04X}): simplify the query")
    return out


def find_studies(node: Node, local_ae: str, query: StudyQuery, limit: int = 500) -> list[StudyMatch]:
    """C-FIND at STUDY level (Study Root)."""
    from pydicom import Dataset

    ds = Dataset()
    ds.QueryRetrieveLevel = "STUDY"
    for key in STUDY_KEYS:
        setattr(ds, key, "")
    ds.PatientID = query.patient_id
    ds.PatientName = query.name
    ds.StudyDate = query.date_range
    ds.AccessionNumber = query.accession
    ds.ModalitiesInStudy = query.modality
    ds.StudyInstanceUID = query.study_uid
    return [study_from(i) for i in _find(node, local_ae, ds, limit)]


def find_series(node: Node, local_ae: str, study_uid: str, limit: int = 500) -> list[SeriesMatch]:
    """C-FIND at SERIES level of one study."""
    from pydicom import Dataset

    ds = Dataset()
    ds.QueryRetrieveLevel = "SERIES"
    ds.StudyInstanceUID = study_uid
    for key in SERIES_KEYS:
        setattr(ds, key, "")
    return [SeriesMatch(series_uid=_text(i, "SeriesInstanceUID"), modality=_text(i, "Modality"),
                        number=_text(i, "SeriesNumber"), description=_text(i, "SeriesDescription"),
                        instances=_int(i, "NumberOfSeriesRelatedInstances"))
            for i in _find(node, local_ae, ds, limit)]


def _study_identifier(study_uid: str) -> Any:
    from pydicom import Dataset

    ds = Dataset()
    ds.QueryRetrieveLevel = "STUDY"
    ds.StudyInstanceUID = study_uid
    return ds


Progress = Callable[[int, int], bool]  # (done, total or 0 if unknown) -> keep going?


def get_study(node: Node, local_ae: str, study_uid: str, dest: Path,
              progress: Progress | None = None) -> list[Path]:
    """C-GET one study into ``dest`` (one file per object). Cancelled when ``progress`` says no.

    Only the classes we file are requested (images, presentation states, reports);
    the node reports the others as failed sub-operations, which are not an error.
    """
    from pynetdicom import build_role, evt

    dest.mkdir(parents=True, exist_ok=True)
    files: list[Path] = []
    state = {"cancel": False, "error": ""}

    def on_store(event: Any) -> int:
        if state["cancel"]:
            return 0xA700
        try:
            ds = event.dataset
            ds.file_meta = event.file_meta
            path = dest / f"{len(files):05d}.dcm"
            ds.save_as(path, enforce_file_format=True)
        except OSError as exc:
            state["error"] = f"the retrieved objects cannot be written ({exc.strerror or exc}): free disk space"
            return 0xA700
        except Exception:
            return 0xC000
        files.append(path)
        return 0x0000

    # the query model plus every class we accept, as SCP of the sub-operations (<= 128 contexts)
    contexts = [(GET_STUDY_ROOT, [EXPLICIT_LE, IMPLICIT_LE])]
    contexts += [(uid, list(ACCEPTED_TRANSFER_SYNTAXES)) for uid in ACCEPTED_STORAGE]
    roles = [build_role(uid, scp_role=True) for uid in ACCEPTED_STORAGE]
    with associate(node, local_ae, contexts, ext_neg=roles, evt_handlers=[(evt.EVT_C_STORE, on_store)]) as assoc:
        for status, _ident in assoc.send_c_get(_study_identifier(study_uid), GET_STUDY_ROOT):
            code = _status(status)
            if code is None:
                raise _no_answer(node, "retrieve")
            if state["error"]:
                raise NetError(f"{node.where}: {state['error']}")
            if code == 0xFF00:
                remaining = int(status.get("NumberOfRemainingSuboperations", 0) or 0)
                if progress is not None and not progress(len(files), len(files) + remaining):
                    state["cancel"] = True
                    raise Cancelled(f"retrieve from {node.where} cancelled: nothing was filed")
            elif code in (0x0000, 0xB000):
                failed = int(status.get("NumberOfFailedSuboperations", 0) or 0)
                if not files:
                    raise NetError(f"{node.where} sent no image of the study (failed: {failed}): "
                                   "check the study has images of a kind we open")
            elif code == 0xA702 or (code & 0xFF00) == 0xA700:
                raise NetError(f"{node.where} ran out of resources for the retrieve (status 0x{code:04X}): "
                               "try again later")
            elif code == 0xFE00:
                raise Cancelled(f"retrieve from {node.where} cancelled: nothing was filed")
            else:
                raise NetError(f"{node.where} refused the retrieve (status 0x{code:04X}): check the study "
                               "still exists there")
    if progress is not None:
        progress(len(files), len(files))
    return files


def move_study(node: Node, local_ae: str, study_uid: str, dest_ae: str) -> int:
    """C-MOVE one study to ``dest_ae`` (our listener, known to the node); the number of objects sent."""
    with associate(node, local_ae, [(MOVE_STUDY_ROOT, [EXPLICIT_LE, IMPLICIT_LE])]) as assoc:
        completed = 0
        for status, _ident in assoc.send_c_move(_study_identifier(study_uid), dest_ae, MOVE_STUDY_ROOT):
            code = _status(status)
            if code is None:
                raise _no_answer(node, "move")
            if code in (0x0000, 0xB000):
                completed = int(status.get("NumberOfCompletedSuboperations", 0) or 0)
            elif code != 0xFF00:
                raise NetError(f"{node.where} refused the move (status 0x{code:04X}): check that it knows our "
                               f"AE title {dest_ae} as a move destination (or retrieve with C-GET) and that "
                               "the study still exists there")
    if completed == 0:
        raise NetError(f"{node.where} moved no object of the study: check that it has images")
    return completed


@dataclass(frozen=True)
class StoreOutcome:
    """One object sent: its file, its SOP Instance UID, whether the node acknowledged it, why not."""

    path: Path
    sop_uid: str
    ok: bool
    reason: str = ""


def store(node: Node, local_ae: str, files: Sequence[Path]) -> list[StoreOutcome]:
    """C-STORE every file on one association; one outcome per file (acknowledged or not, and why).

    A file counts as sent only when the node answered Success or a Warning status.
    """
    import pydicom

    heads = []
    for p in files:
        h = pydicom.dcmread(p, stop_before_pixels=True, specific_tags=["SOPClassUID", "SOPInstanceUID"])
        heads.append((p, str(h.SOPClassUID), str(h.SOPInstanceUID), str(h.file_meta.TransferSyntaxUID)))
    # one context per (class, stored transfer syntax): the node accepts or refuses each exactly,
    # so a compressed film is sent as it is stored, never silently re-encoded
    contexts = list(dict.fromkeys((cls, (ts,)) for _p, cls, _uid, ts in heads))
    out: list[StoreOutcome] = []
    with associate(node, local_ae, contexts) as assoc:
        accepted = {(str(c.abstract_syntax), str(c.transfer_syntax[0])) for c in assoc.accepted_contexts}
        for p, cls, uid, ts in heads:
            if (cls, ts) not in accepted:
                out.append(StoreOutcome(p, uid, False, "the node does not accept this kind of object "
                                        "in its transfer syntax"))
                continue
            try:
                status = assoc.send_c_store(p)
            except (ValueError, RuntimeError) as exc:
                out.append(StoreOutcome(p, uid, False, f"could not be sent ({type(exc).__name__})"))
                continue
            code = _status(status)
            if code is None:
                out.append(StoreOutcome(p, uid, False, "no answer (timeout or connection lost)"))
                if not assoc.is_established:
                    break
            elif code == 0 or (code & 0xF000) == 0xB000:
                out.append(StoreOutcome(p, uid, True))
            else:
                out.append(StoreOutcome(p, uid, False, f"refused with status 0x{code:04X}"))
    done = {o.path for o in out}
    out += [StoreOutcome(p, uid, False, "not sent: the association ended") for p, _c, uid, _t in heads
            if p not in done]
    return out
