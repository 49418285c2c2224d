"""Change events sent by :class:`~annotator.model.document.CaseDocument` to its subscribers.

An event fires only after its change succeeded. Removing a root or a film
removes what it contains (films, annotations, findings, redactions) without a
separate event for each; adding one back (undo) likewise sends one ``add``.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import StrEnum


class EventKind(StrEnum):
    CASE = "case"
    ROOT = "root"
    FILM = "film"
    ANNOTATION = "annotation"
    FINDING = "finding"
    REDACTION = "redaction"


class Action(StrEnum):
    ADD = "add"
    UPDATE = "update"
    REMOVE = "remove"


@dataclass(frozen=True)
class ChangeEvent:
    """What changed: ``kind`` of item, ``action``, where (root/film ids) and the item's id.

    ``item_id`` is the id of the changed item itself (for a root event, the
    root's id; for a case event, the case's id). ``film_id`` is set for films,
    annotations and redactions, and for findings that point at a film.
    ``fields`` names the attributes an ``update`` of a case, root or film
    changed (empty for whole-item replacements). ``undo_redo`` is True when the
    change came from ``undo()`` or ``redo()``.
    """

    kind: EventKind
    action: Action
    root_id: str | None = None
    film_id: str | None = None
    item_id: str | None = None
    fields: tuple[str, ...] = ()
    undo_redo: bool = False

    def replayed(self) -> ChangeEvent:
        return replace(self, undo_redo=True)
