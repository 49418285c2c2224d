"""The project's own error types.

Every message is one line a clinician can act on: it names the file (by its
name, never patient identity) and says what is wrong and what to do. The CLI
and the GUI show ``str(error)`` and never a traceback.
"""

from __future__ import annotations

from pathlib import Path


class AnnotatorError(Exception):
    """Base class of every error the tool reports to a user."""


class ImageLoadError(AnnotatorError):
    """A file could not be opened as an image."""

    def __init__(self, path: str | Path | None, problem: str) -> None:
        self.path = Path(path) if path is not None else None
        self.problem = problem
        where = f"{self.path.name}: " if self.path is not None else ""
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
        where = f"{self.path.name}: " if self.path is not None else ""
        at = f"{field}: " if field else ""
        super().__init__(f"{where}{at}{problem}")


class ExportError(AnnotatorError):
    """An export could not be written."""
