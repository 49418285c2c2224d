"""The library's own error type (a one-line message a user can act on)."""

from __future__ import annotations

from annotator.errors import AnnotatorError


class LibraryError(AnnotatorError):
    """A library folder, the index or a search could not be used as asked."""
