"""Sending the archive export to a node: all or nothing, retried per object.

Every file is sent by C-STORE (DIMSE) or STOW-RS (DICOMweb). Objects the node did
not acknowledge are sent again (up to ``attempts`` rounds); a file counts as sent
only when the node acknowledged it. If any is still not acknowledged, the send
fails with a :class:`SendFailed` listing each failed object and its reason, and
the caller reports nothing as sent beyond the acknowledged ones. Resending an
object the node already holds is harmless (same SOP Instance UID).

:func:`send_archive_export` is the one path from cases to a node (File ▸ Send to
PACS…, the export dialog's "Send the archive export to:" and ``export --send``):
the DICOM objects are written (to a temporary folder unless one is given), then sent.
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from annotator.net import dimse, web
from annotator.net.dimse import StoreOutcome
from annotator.net.errors import NetError
from annotator.net.nodes import Node


@dataclass
class SendReport:
    node: Node
    sent: list[StoreOutcome] = field(default_factory=list)
    failed: list[StoreOutcome] = field(default_factory=list)
    attempts: int = 0
    error: str = ""  # the last association/HTTP error, if a whole round failed
    warnings: list[str] = field(default_factory=list)  # the export's warnings (send_archive_export)

    def failure_lines(self) -> list[str]:
        """One line per object not acknowledged: its file name and the node's reason."""
        return [f"{o.path.name}: {o.reason}" for o in self.failed]


class SendFailed(NetError):
    def __init__(self, report: SendReport) -> None:
        n, total = len(report.failed), len(report.failed) + len(report.sent)
        first = report.failed[0]
        why = report.error or f"{first.path.name}: {first.reason}"
        super().__init__(f"{n} of {total} object(s) were not acknowledged by {report.node.where} after "
                         f"{report.attempts} attempt(s) ({why}); {len(report.sent)} were: run the send again "
                         "(resending is harmless)")
        self.report = report


def choose_method(node: Node, method: str = "auto") -> str:
    if method == "auto":
        return "dimse" if node.has_dimse else "web"
    if method == "dimse" and not node.has_dimse:
        raise NetError(f"node {node.name!r} has no DIMSE address: add AE title, host and port, or use --via web")
    if method == "web" and not node.dicomweb_url:
        raise NetError(f"node {node.name!r} has no DICOMweb URL: add one, or use --via dimse")
    return method


def send_files(node: Node, files: Sequence[Path], local_ae: str, method: str = "auto", attempts: int = 3,
               wait_s: float = 1.0, progress: Callable[[str], None] | None = None) -> SendReport:
    """Send ``files``; a SendReport when every one was acknowledged, else SendFailed."""
    how = choose_method(node, method)
    report = SendReport(node)
    if not files:
        return report
    pending = list(files)
    last: dict[Path, StoreOutcome] = {}
    for attempt in range(1, max(1, attempts) + 1):
        report.attempts = attempt
        try:
            outcomes = dimse.store(node, local_ae, pending) if how == "dimse" else web.store(node, pending)
            report.error = ""
        except NetError as exc:
            report.error = str(exc)
            outcomes = [StoreOutcome(p, "", False, str(exc)) for p in pending]
        for o in outcomes:
            if o.ok:
                report.sent.append(o)
            else:
                last[o.path] = o
        pending = [o.path for o in outcomes if not o.ok]
        if progress is not None:
            progress(f"attempt {attempt}: {len(report.sent)} of {len(files)} acknowledged")
        if not pending:
            break
        if attempt < attempts:
            time.sleep(wait_s)
    report.failed = [last[p] for p in pending]
    if report.failed:
        raise SendFailed(report)
    return report


def send_archive_export(items: Sequence[tuple[Any, str | Path]], node: Node, local_ae: str, *,
                        identified: bool = True, method: str = "auto", lang: str = "en",
                        dicom_dir: str | Path | None = None,
                        progress: Callable[[int, int, str], bool] | None = None,
                        said: Callable[[str], None] | None = None, attempts: int = 3) -> SendReport:
    """Write the archive export (GSPS, SR, secondary captures) of ``items`` ((case, folder) pairs),
    identified unless ``identified`` is False (teaching archives), and send it all or nothing.

    ``progress(done, total, message)`` follows the export (False cancels it); ``said`` the send's
    rounds. The SendReport carries the export's warnings; SendFailed when any object was not
    acknowledged; an ExportError when the export itself failed (nothing sent then).
    """
    from annotator.export.case_export import export_cases

    choose_method(node, method)  # a wrong method fails before anything is written
    with tempfile.TemporaryDirectory(prefix="fluoro-send-") as tmp:
        folder = Path(dicom_dir) if dicom_dir is not None else Path(tmp)
        result = export_cases(items, dicom_dir=folder, lang=lang, identified=identified, progress=progress)
        files = [Path(f) for f in result.files if str(f).endswith(".dcm")]
        report = send_files(node, files, local_ae, method=method, attempts=attempts, progress=said)
    report.warnings = list(result.warnings)
    return report
