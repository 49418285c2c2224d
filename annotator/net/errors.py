"""Errors of the networking layer: one line naming the node and what to do."""

from __future__ import annotations

from annotator.errors import AnnotatorError


class NetError(AnnotatorError):
    """A network operation failed; the message names the node and says what to do."""


class NodeConfigError(NetError):
    """The node settings file is missing, unreadable or has a wrong value."""


class Cancelled(NetError):
    """The user cancelled a transfer; nothing was filed."""
