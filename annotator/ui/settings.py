"""What the application remembers between runs, in ``QSettings``.

Keys: ``window/geometry`` and ``window/state`` (Qt's own byte blobs),
``files/recent`` (absolute paths of case files, newest first; a new case's before its first Save),
``ui/language`` (see ``i18n``), ``export/formats`` and ``export/lang`` (the export
dialog's last choice; identity is never remembered: every export starts de-identified). Tests point QSettings at a temporary folder.
"""

from __future__ import annotations

from pathlib import Path

from PyQt6.QtCore import QByteArray, QSettings

ORGANIZATION = "fluoro-annotator"
APPLICATION = "fluoro-annotator"
MAX_RECENT = 8


def recent_cases() -> list[Path]:
    """Recent case files that still exist, newest first; a case never saved yet (no case.json)
    stays while its recovery file exists, so its unsaved work is offered at the next start."""
    from annotator.io.casefile import recovery_path

    raw = QSettings().value("files/recent", [], type=list) or []
    out: list[Path] = []
    for item in raw:
        p = Path(str(item))
        if (p.is_file() or recovery_path(p).is_file()) and p not in out:
            out.append(p)
    return out[:MAX_RECENT]


def add_recent_case(path: Path) -> list[Path]:
    """Put ``path`` first in the recent list and return the new list."""
    path = Path(path).resolve()
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


def save_export_choice(formats: list[str], lang: str) -> None:
    s = QSettings()
    s.setValue("export/formats", list(formats))
    s.setValue("export/lang", lang)
