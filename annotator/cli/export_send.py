"""``export CASE... --send NODE``: the archive export (GSPS, SR, secondary captures) sent to a node.

Identified by default (the archive holds the originals; our objects must reference
them by their real UIDs), de-identified with ``--deidentify`` for teaching
archives. The objects are written first (to ``--dicom DIR`` when given, else a
temporary folder), then sent all or nothing (``annotator.net.send``): each
acknowledged object is printed; if any is not acknowledged after the retries,
one line says how many and why, and the exit code is 2.
"""

from __future__ import annotations

import sys
from typing import Any


def run_send(args: Any) -> int:
    from annotator.export.case_export import IDENTIFIED_WARNING
    from annotator.io.casefile import load_case
    from annotator.net.nodes import load_settings
    from annotator.net.send import choose_method, send_archive_export

    settings = load_settings(args.nodes)
    node = settings.node(args.send)
    choose_method(node, args.via)  # a wrong --via fails before anything is written
    items = []
    for path in args.cases:
        case_file = path / "case.json" if path.is_dir() else path
        items.append((load_case(case_file), case_file.parent))
    identified = args.identified or not args.deidentify

    def progress(done: int, total: int, message: str) -> bool:
        if not args.quiet:
            print(f"[{done}/{total}] {message}", file=sys.stderr)
        return True

    def said(message: str) -> None:
        if not args.quiet:
            print(message, file=sys.stderr)

    report = send_archive_export(items, node, settings.local.ae_title, identified=identified, method=args.via,
                                 lang=args.lang, dicom_dir=args.dicom, progress=progress, said=said)
    for w in report.warnings:
        if w != IDENTIFIED_WARNING:
            print(f"warning: {w}", file=sys.stderr)
    for o in report.sent:
        print(f"sent {o.path.name}")
    print(f"{len(report.sent)} object(s) acknowledged by {node.where}", file=sys.stderr)
    return 0
