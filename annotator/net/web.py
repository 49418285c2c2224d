"""DICOMweb client: QIDO-RS search, WADO-RS retrieve, STOW-RS store (``dicomweb-client``).

Authentication (basic or bearer) and TLS come from the node settings; the secret
goes into the HTTP session only, never into a message. Failures become one-line
:class:`NetError` naming the node (by name and URL) and what to do.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

from annotator.net.dimse import StoreOutcome, StudyMatch, StudyQuery, study_from
from annotator.net.errors import Cancelled, NetError
from annotator.net.nodes import Node

STUDY_FIELDS = ("StudyInstanceUID", "PatientID", "PatientName", "StudyDate", "StudyTime", "AccessionNumber",
                "ModalitiesInStudy", "StudyDescription", "NumberOfStudyRelatedInstances")


def _where(node: Node) -> str:
    return f"{node.name!r} ({node.dicomweb_url})"


def client(node: Node) -> Any:
    """A ``DICOMwebClient`` for the node, with its auth and TLS settings."""
    import requests
    from dicomweb_client.api import DICOMwebClient

    if not node.dicomweb_url:
        raise NetError(f"node {node.name!r} has no DICOMweb URL: add one in Settings or use DIMSE")
    session = requests.Session()
    if node.auth is not None:
        secret = node.auth.resolve(node.name)
        if node.auth.kind == "basic":
            session.auth = (node.auth.username, secret)
        else:
            session.headers["Authorization"] = f"Bearer {secret}"
    if node.tls is not None:
        if node.tls.ca_file:
            session.verify = node.tls.ca_file
        if node.tls.cert_file:
            session.cert = (node.tls.cert_file, node.tls.key_file) if node.tls.key_file else node.tls.cert_file
    c = DICOMwebClient(url=node.dicomweb_url.rstrip("/"), session=session, timeout=node.timeout_s)
    # no hidden back-off (1+2+4+8+16 s against a node that is down): the send retries per object itself
    c.set_http_retry_params(retry=False)
    return c


@contextlib.contextmanager
def _errors(node: Node, what: str) -> Iterator[None]:
    """Turn requests' failures into one line naming the node (never the URL's credentials)."""
    import requests

    try:
        yield
    except NetError:
        raise
    except requests.exceptions.HTTPError as exc:
        code = exc.response.status_code if exc.response is not None else 0
        if code in (401, 403):
            raise NetError(f"{_where(node)} refused our credentials for the {what} (HTTP {code}): check the "
                           "user name and password or token in Settings") from None
        if code == 404:
            raise NetError(f"{_where(node)} has nothing at that address for the {what} (HTTP 404): check the "
                           "DICOMweb URL, or the study no longer exists there") from None
        raise NetError(f"{_where(node)} failed the {what} (HTTP {code}): try again later") from None
    except requests.exceptions.SSLError:
        raise NetError(f"{_where(node)}: the TLS certificate was not accepted: check the CA file in "
                       "Settings") from None
    except requests.exceptions.Timeout:
        raise NetError(f"{_where(node)} did not answer the {what} within {node.timeout_s:g} s: try again, or "
                       "raise the node's timeout in Settings") from None
    except requests.exceptions.ConnectionError:
        raise NetError(f"{_where(node)} does not answer: check that it is running and its DICOMweb URL in "
                       "Settings") from None
    except requests.exceptions.RequestException as exc:
        raise NetError(f"{_where(node)}: the {what} failed ({type(exc).__name__})") from None


def _from_json(item: dict[str, Any]) -> StudyMatch:
    from pydicom import Dataset

    return study_from(Dataset.from_json(item))


def echo(node: Node) -> None:
    """A QIDO-RS search for one study: proves the URL, authentication and TLS."""
    with _errors(node, "test search"):
        client(node).search_for_studies(limit=1)


def search_studies(node: Node, query: StudyQuery, limit: int = 500) -> list[StudyMatch]:
    """QIDO-RS study search with the same fields as a C-FIND."""
    filters = {"PatientID": query.patient_id, "PatientName": query.name, "StudyDate": query.date_range,
               "ModalitiesInStudy": query.modality, "AccessionNumber": query.accession,
               "StudyInstanceUID": query.study_uid}
    filters = {k: v for k, v in filters.items() if v}
    with _errors(node, "search"):
        found = client(node).search_for_studies(search_filters=filters, fields=list(STUDY_FIELDS), limit=limit,
                                                fuzzymatching=False)
    return [_from_json(item) for item in found]


def retrieve_study(node: Node, study_uid: str, dest: Path,
                   progress: Callable[[int, int], bool] | None = None, total: int = 0) -> list[Path]:
    """WADO-RS retrieve of a whole study into ``dest`` (one file per object), as the node stores it.

    ``progress(done, total)`` after each object (``total`` 0 when unknown); returning False cancels.
    """
    from pydicom.uid import ExplicitVRLittleEndian

    dest.mkdir(parents=True, exist_ok=True)
    files: list[Path] = []
    with _errors(node, "retrieve"):
        # "*": the node's stored transfer syntax (we decode what the C-arm sends), not a transcoded copy
        objects = client(node).iter_study(study_uid, media_types=(("application/dicom", "*"),))
        for ds in objects:
            if not hasattr(ds, "file_meta") or "TransferSyntaxUID" not in ds.file_meta:
                ds.ensure_file_meta()
                ds.file_meta.TransferSyntaxUID = ExplicitVRLittleEndian
            path = dest / f"{len(files):05d}.dcm"
            try:
                ds.save_as(path, enforce_file_format=True)
            except OSError as exc:
                raise NetError(f"the retrieved study cannot be written ({exc.strerror or exc}): free disk "
                               "space and retry") from None
            files.append(path)
            if progress is not None and not progress(len(files), total):
                raise Cancelled(f"retrieve from {_where(node)} cancelled: nothing was filed")
    if not files:
        raise NetError(f"{_where(node)} returned no object for the study: check that it has images")
    return files


def store(node: Node, files: Sequence[Path]) -> list[StoreOutcome]:
    """STOW-RS of the files in one request; per object acknowledged or failed (with the reason)."""
    import pydicom

    datasets = [pydicom.dcmread(p) for p in files]
    uid_of = {str(ds.SOPInstanceUID): p for ds, p in zip(datasets, files)}
    with _errors(node, "store"):
        answer = client(node).store_instances(datasets)
    failed: dict[str, str] = {}
    for item in answer.get("FailedSOPSequence", []) or []:
        reason = int(item.get("FailureReason", 0) or 0)
        failed[str(item.ReferencedSOPInstanceUID)] = f"refused with reason 0x{reason:04X}"
    acked = {str(item.ReferencedSOPInstanceUID) for item in answer.get("ReferencedSOPSequence", []) or []}
    out = []
    for uid, p in uid_of.items():
        if uid in acked:
            out.append(StoreOutcome(p, uid, True))
        else:
            out.append(StoreOutcome(p, uid, False, failed.get(uid, "not acknowledged by the node")))
    return out
