"""``fluoro-annotator-cli pacs echo|find|get NODE ...``: query and retrieve from a PACS.

- ``echo NODE``: C-ECHO (DIMSE) and/or a QIDO-RS test search (DICOMweb).
- ``find NODE [--patient-id ID] [--name NAME] [--from DATE] [--to DATE] [--modality XA]
  [--accession N]``: studies (C-FIND, or QIDO-RS with ``--via web``), one per line,
  tab-separated: study UID, date, modalities, images, accession, patient ID, name.
  ``--series STUDY_UID`` lists a study's series instead.
- ``get NODE STUDY_UID --inbox DIR [--via get|move|web]``: retrieve one study into a new
  case folder under DIR (C-GET, C-MOVE to a temporary listener, or WADO-RS).

Nodes come from the settings file (``--nodes FILE``, see README "Connect to your PACS").
"""

from __future__ import annotations

import sys
import threading
import time
from pathlib import Path
from typing import Any


def register(subparsers: Any) -> None:
    p = subparsers.add_parser("pacs", help="query and retrieve studies from a PACS (DIMSE or DICOMweb)",
                              description="Query and retrieve from a configured PACS node.")
    p.add_argument("--nodes", type=Path, metavar="FILE", help="node settings file (see README)")
    p.add_argument("--ae", help="our AE title (default: from the nodes file, else FLUORO)")
    sub = p.add_subparsers(dest="action", required=True)
    e = sub.add_parser("echo", help="test the connection (C-ECHO and/or QIDO-RS)")
    e.add_argument("node", metavar="NODE")
    f = sub.add_parser("find", help="search studies")
    f.add_argument("node", metavar="NODE")
    f.add_argument("--patient-id", default="")
    f.add_argument("--name", default="", help="patient name, * and ? wildcards (e.g. 'DOE^*')")
    f.add_argument("--from", dest="date_from", default="", metavar="YYYYMMDD")
    f.add_argument("--to", dest="date_to", default="", metavar="YYYYMMDD")
    f.add_argument("--modality", default="", help="e.g. XA, RF, CR, DX")
    f.add_argument("--accession", default="")
    f.add_argument("--series", metavar="STUDY_UID", help="list the series of this study instead")
    f.add_argument("--via", choices=("dimse", "web"), help="default: DIMSE when the node has it")
    g = sub.add_parser("get", help="retrieve one study into a new case")
    g.add_argument("node", metavar="NODE")
    g.add_argument("study_uid", metavar="STUDY_UID")
    g.add_argument("--inbox", type=Path, help="folder of the cases (default: from the nodes file)")
    g.add_argument("--via", choices=("get", "move", "web"), help="default: the node's retrieve setting")
    g.add_argument("--port", type=int, help="with --via move: port of our temporary listener")
    p.set_defaults(run=run)


def _date(value: str, flag: str) -> str:
    from annotator.net.errors import NetError

    if value and (len(value) != 8 or not value.isdigit()):
        raise NetError(f"{flag}: give the date as YYYYMMDD, got {value!r}")
    return value


def run(args: Any) -> int:
    from annotator.net.nodes import load_settings

    settings = load_settings(args.nodes)
    node = settings.node(args.node)
    local_ae = args.ae or settings.local.ae_title
    if args.action == "echo":
        return _echo(node, local_ae)
    if args.action == "find":
        return _find(node, local_ae, args)
    return _get(node, local_ae, settings, args)


def _echo(node: Any, local_ae: str) -> int:
    from annotator.net import dimse, web

    if node.has_dimse:
        t = time.perf_counter()
        dimse.echo(node, local_ae)
        print(f"C-ECHO {node.where}: ok ({(time.perf_counter() - t) * 1000:.0f} ms)")
    if node.dicomweb_url:
        t = time.perf_counter()
        web.echo(node)
        print(f"QIDO-RS {node.name!r}: ok ({(time.perf_counter() - t) * 1000:.0f} ms)")
    return 0


def _find(node: Any, local_ae: str, args: Any) -> int:
    from annotator.net import dimse, web
    from annotator.net.dimse import StudyQuery

    via = args.via or ("dimse" if node.has_dimse else "web")
    if args.series:
        for se in dimse.find_series(node, local_ae, args.series):
            print("\t".join([se.series_uid, se.modality, se.number, str(se.instances or ""), se.description]))
        return 0
    q = StudyQuery(patient_id=args.patient_id, name=args.name, date_from=_date(args.date_from, "--from"),
                   date_to=_date(args.date_to, "--to"), modality=args.modality, accession=args.accession)
    found = dimse.find_studies(node, local_ae, q) if via == "dimse" else web.search_studies(node, q)
    for s in found:
        print("\t".join([s.study_uid, s.date, s.modalities, str(s.instances or ""), s.accession, s.patient_id,
                         s.patient_name]))
    print(f"{len(found)} stud{'y' if len(found) == 1 else 'ies'} found on {node.name!r}", file=sys.stderr)
    return 0


def _get(node: Any, local_ae: str, settings: Any, args: Any) -> int:
    from annotator.net.errors import NetError
    from annotator.net.retrieve import retrieve_study

    inbox = args.inbox or (Path(settings.local.inbox).expanduser() if settings.local.inbox else None)
    if inbox is None:
        raise NetError("no inbox folder: give --inbox DIR (or set local.inbox in the nodes file)")
    via = args.via or node.retrieve
    if via == "move":
        result = _move(node, local_ae, args.study_uid, inbox, args.port or settings.local.port)
    else:
        def progress(done: int, total: int) -> bool:
            print(f"[{done}/{total or '?'}] retrieved", file=sys.stderr, flush=True)
            return True

        result = retrieve_study(node, local_ae, args.study_uid, inbox, method=via, progress=progress)
    print(f"filed {result.study_dir.name}/case.json: {result.films} film(s), {result.others} other object(s)")
    for line in result.skipped:
        print(f"skipped: {line}", file=sys.stderr)
    return 0


def _move(node: Any, local_ae: str, study_uid: str, inbox: Path, port: int) -> Any:
    """C-MOVE to a listener of ours started for the transfer (the PACS must know our AE and port)."""
    from annotator.net import dimse
    from annotator.net.errors import NetError
    from annotator.net.listener import StorageListener
    from annotator.net.retrieve import Retrieved

    filed: list[Any] = []
    lock = threading.Lock()

    def on_filed(f: Any) -> None:
        with lock:
            filed.append(f)

    with StorageListener(local_ae, port, inbox, on_filed=on_filed):
        dimse.move_study(node, local_ae, study_uid, local_ae)
    films = [f for f in filed if f.kind == "image"]
    if not films:
        raise NetError(f"{node.where} moved no film we open: nothing was filed")
    return Retrieved(films[0].study_dir, films=len(films), others=len(filed) - len(films))
