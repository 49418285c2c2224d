"""One study from a PACS into a case of the inbox (C-GET, C-MOVE or WADO-RS).

Objects are first retrieved into a private staging folder; only when the
transfer completed are they filed (``annotator.net.inbox``: one case per study,
views detected, films in acquisition order; our presentation states and report
restore the marks and record). A cancelled or failed transfer files nothing.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from annotator.io.casefile import CASE_FILE_NAME
from annotator.net import dimse, web
from annotator.net.errors import NetError
from annotator.net.inbox import INCOMING, Inbox

Progress = Callable[[int, int], bool]  # (done, total or 0) -> keep going?


@dataclass
class Retrieved:
    study_dir: Path
    films: int = 0
    others: int = 0  # presentation states and reports filed beside the films
    skipped: list[str] = field(default_factory=list)  # one line per object not filed

    @property
    def case_path(self) -> Path:
        return self.study_dir / CASE_FILE_NAME


def file_retrieved(inbox: Inbox, files: list[Path], source: str) -> Retrieved:
    """File objects already on disk; NetError when none of them is a film we open."""
    filed, skipped = inbox.file_paths(files, source, move=True)
    out = Retrieved(filed[0].study_dir) if filed else None
    films = sum(1 for f in filed if f.kind == "image")
    others = len(filed) - films
    if out is None or films == 0 and not (out.study_dir / CASE_FILE_NAME).exists():
        why = f" ({skipped[0]})" if skipped else ""
        raise NetError(f"the study from {source} holds no film we open{why}: nothing was filed")
    out.films, out.others, out.skipped = films, others, skipped
    return out


def retrieve_study(node: dimse.Node, local_ae: str, study_uid: str, inbox_root: str | Path,
                   method: str = "get", progress: Progress | None = None, total: int = 0) -> Retrieved:
    """Retrieve one study by ``method`` "get" (C-GET) or "web" (WADO-RS) and file it in the inbox."""
    inbox = Inbox(inbox_root)
    staging = Path(tempfile.mkdtemp(prefix="retrieve-", dir=inbox.root / INCOMING))
    try:
        if method == "web":
            files = web.retrieve_study(node, study_uid, staging, progress, total)
        elif method == "get":
            files = dimse.get_study(node, local_ae, study_uid, staging, progress)
        else:
            raise NetError(f"unknown retrieve method {method!r}: use get, move or web")
        return file_retrieved(inbox, files, node.where)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
