"""What the application remembers between runs, in ``QSettings``.

Keys: ``window/geometry`` and ``window/state`` (Qt's own byte blobs),
``files/recent`` (absolute paths of case files, newest first; a new case's before its first Save),
``ui/language`` (see ``i18n``), ``export/formats``, ``export/lang`` and ``export/folder`` (the
export dialog's last choice; identity is never remembered: every export starts de-identified). Tests point QSettings at a temporary folder.
"""

from __future__ import annotations

import os
from pathlib import Path

from PyQt6.QtCore import QByteArray, QSettings

ORGANIZATION = "fluoro-annotator"
APPLICATION = "fluoro-annotator"
MAX_RECENT = 8


_record_recent = True  # False for --screenshot runs: they never enter the recent cases


def set_record_recent(record: bool) -> None:
    """Whether opening and saving cases adds them to the recent list (off for screenshots)."""
    global _record_recent
    _record_recent = record


def _bundled_samples() -> Path | None:
    """The folder of the bundled (installed or source-tree) sample cases: never a recent case."""
    from annotator.ui.app import sample_case_path

    case = sample_case_path()
    return case.parent.parent.resolve() if case is not None else None


def recent_worthy(path: Path) -> bool:
    """A case worth offering again: its folder is writable (not a read-only or installed
    location) and it is not one of the bundled sample cases (the user's copy is)."""
    folder = Path(path).resolve().parent
    if folder.is_dir() and (not os.access(folder, os.W_OK) or not folder.stat().st_mode & 0o222):
        return False  # (the mode bits too: for root, os.access says every folder is writable)
    samples = _bundled_samples()
    return samples is None or not folder.is_relative_to(samples)


def recent_cases() -> list[Path]:
    """Recent case files that still exist, newest first, each once (by resolved path); a case
    never saved yet (no case.json) stays while its recovery file exists, so its unsaved work is
    offered at the next start. Read-only and bundled-sample locations are left out."""
    from annotator.io.casefile import recovery_path

    raw = QSettings().value("files/recent", [], type=list) or []
    out: list[Path] = []
    for item in raw:
        p = Path(str(item)).resolve()
        if (p.is_file() or recovery_path(p).is_file()) and p not in out and recent_worthy(p):
            out.append(p)
    return out[:MAX_RECENT]


def recent_label(path: Path) -> str:
    """How a recent case is named in File ▸ Recent cases: its folder's full path (home as ``~``),
    plus the file name when it is not ``case.json``."""
    path = Path(path)
    folder = str(path.parent)
    home = str(Path.home())
    if home not in ("", "/") and (folder == home or folder.startswith(home + os.sep)):
        folder = "~" + folder[len(home):]
    return folder if path.name == "case.json" else f"{folder}{os.sep}{path.name}"


def add_recent_case(path: Path) -> list[Path]:
    """Put ``path`` first in the recent list and return the new list (unchanged for screenshot
    runs and for locations ``recent_worthy`` refuses)."""
    path = Path(path).resolve()
    if not _record_recent or not recent_worthy(path):
        return recent_cases()
    items = [path] + [p for p in recent_cases() if p != path]
    items = items[:MAX_RECENT]
    QSettings().setValue("files/recent", [str(p) for p in items])
    return items


def save_window(geometry: QByteArray, state: QByteArray) -> None:
    s = QSettings()
    s.setValue("window/geometry", geometry)
    s.setValue("window/state", state)


def window_geometry() -> QByteArray | None:
    value = QSettings().value("window/geometry")
    return value if isinstance(value, QByteArray) and not value.isEmpty() else None


def window_state() -> QByteArray | None:
    value = QSettings().value("window/state")
    return value if isinstance(value, QByteArray) and not value.isEmpty() else None


def export_choice() -> tuple[list[str], str | None]:
    """The formats ("pptx", "pdf", "png", "dicom") and language last chosen in the export dialog
    (``export/formats``, ``export/lang``); ``(["pptx"], None)`` before the first export."""
    s = QSettings()
    formats = [str(f) for f in (s.value("export/formats", ["pptx"], type=list) or [])]
    lang = s.value("export/lang", "", type=str) or None
    return formats, lang


def save_export_choice(formats: list[str], lang: str, folder: Path | None = None) -> None:
    s = QSettings()
    s.setValue("export/formats", list(formats))
    s.setValue("export/lang", lang)
    if folder is not None:
        s.setValue("export/folder", str(folder))


def export_folder() -> Path:
    """Where the export dialog proposes to write: the folder last exported to, else
    ``Documents/Fluoro Annotator exports`` in the user's home (never inside a case folder)."""
    from PyQt6.QtCore import QStandardPaths

    last = QSettings().value("export/folder", "", type=str)
    if last:
        return Path(last)
    docs = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    return Path(docs or Path.home()) / "Fluoro Annotator exports"
