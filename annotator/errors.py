"""The project's own error types.

Every message is one line a clinician can act on: it names the file (by its
name, never patient identity) and says what is wrong and what to do. The CLI
and the GUI show ``str(error)`` and never a traceback.
"""

from __future__ import annotations

import re
from pathlib import Path

# C0 and C1 control characters, DEL and the Unicode line/paragraph separators:
# anything that would break a message over lines or move the terminal's cursor
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape(match: re.Match[str]) -> str:
    ch = match.group()
    return _ESCAPES.get(ch) or (f"\\x{ord(ch):02x}" if ord(ch) < 0x100 else f"\\u{ord(ch):04x}")


def one_line(text: object) -> str:
    """``text`` as one printable line: surrounding space stripped, control characters escaped
    (a newline in a file name shows as ``\\n``). The one place messages are made single-line."""
    return _CONTROL.sub(_escape, str(text).strip())


def file_label(path: str | Path) -> str:
    """A file's name as messages show it: the name only (no folders), control characters escaped."""
    return one_line(Path(path).name or str(path))


class AnnotatorError(Exception):
    """Base class of every error the tool reports to a user."""


class ImageLoadError(AnnotatorError):
    """A file could not be opened as an image."""

    def __init__(self, path: str | Path | None, problem: str) -> None:
        self.path = Path(path) if path is not None else None
        self.problem = problem
        where = f"{file_label(self.path)}: " if self.path is not None else ""
        super().__init__(f"{where}{problem}")


class NotAnImageError(ImageLoadError):
    """The file is neither DICOM nor a supported plain image format."""


class NoPixelDataError(ImageLoadError):
    """A DICOM object without an image (SR, RT plan, waveform, ...)."""


class CorruptImageError(ImageLoadError):
    """Header or pixel data is damaged or truncated."""


class DecoderMissingError(ImageLoadError):
    """A compressed transfer syntax whose decoder plugin is not installed."""


class UnsupportedImageError(ImageLoadError):
    """Photometric interpretation, bit depth or size the tool does not handle."""


class ImageTooLargeError(UnsupportedImageError):
    """Dimensions beyond the documented limit."""


class CaseFileError(AnnotatorError):
    """A case file is unreadable or invalid; the message names the field."""

    def __init__(self, path: str | Path | None, problem: str, field: str | None = None) -> None:
        self.path = Path(path) if path is not None else None
        self.field = field
        self.problem = problem
        where = f"{file_label(self.path)}: " if self.path is not None else ""
        at = f"{field}: " if field else ""
        super().__init__(f"{where}{at}{problem}")


class ExportError(AnnotatorError):
    """An export could not be written."""
