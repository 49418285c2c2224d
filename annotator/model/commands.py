"""Undoable commands on a :class:`~annotator.model.case.Case`.

A command stores only what it needs to go both ways (the item added or
removed and its index, the old and new values of the fields it set), never a
copy of the case. ``apply`` checks everything that can fail *before* changing
anything, so a refused edit leaves the case as it was; both ``apply`` and
``revert`` return the change events to send.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from typing import Any

from annotator.model.case import Case, Film, Root
from annotator.model.events import Action, ChangeEvent, EventKind
from annotator.model.validation import UnknownItemError


class Command(ABC):
    """One undo step. ``text`` is what Edit > Undo shows ("Undo Move tip")."""

    text: str = ""

    @abstractmethod
    def apply(self, case: Case) -> list[ChangeEvent]:
        """Do (or redo) the change; raise without changing anything if it cannot be done."""

    @abstractmethod
    def revert(self, case: Case) -> list[ChangeEvent]:
        """Undo the change (only called right after ``apply`` in stack order)."""

    def merge(self, other: Command) -> bool:
        """Absorb ``other`` (the next edit) into this step; True when merged."""
        return False


@dataclass(frozen=True)
class Container:
    """Where a list of items lives: ``kind`` plus the root/film that holds the list."""

    kind: EventKind
    root_id: str | None = None
    film_id: str | None = None

    def resolve(self, case: Case) -> tuple[list[Any], str | None]:
        """(the live list, id of the root holding it); UnknownItemError for stale ids."""
        if self.kind is EventKind.ROOT:
            return case.roots, None
        if self.kind in (EventKind.FILM, EventKind.FINDING):
            assert self.root_id is not None
            root = case.root(self.root_id)
            return (root.films if self.kind is EventKind.FILM else root.findings), root.id
        assert self.film_id is not None
        root, film = case.film(self.film_id)
        return (film.annotations if self.kind is EventKind.ANNOTATION else film.redactions), root.id

    def event(self, action: Action, root_id: str | None, item: Any, fields: tuple[str, ...] = ()) -> ChangeEvent:
        film_id = self.film_id
        if self.kind is EventKind.FILM:
            film_id = item.id
        elif self.kind is EventKind.FINDING:
            film_id = item.film_id
        elif self.kind is EventKind.ROOT:
            root_id = item.id
        return ChangeEvent(self.kind, action, root_id, film_id, item.id, fields)


def _index_of(items: list[Any], item_id: str, kind: EventKind) -> int:
    for i, it in enumerate(items):
        if it.id == item_id:
            return i
    raise UnknownItemError(kind.value, item_id)


def _check_new_ids(case: Case, kind: EventKind, items: list[Any], item: Any) -> None:
    """Ids stay unique: within the list, and film ids across the whole case."""
    if any(it.id == item.id for it in items):
        raise ValueError(f"a {kind.value} with id {item.id!r} is already there")
    films = [item] if kind is EventKind.FILM else list(item.films) if kind is EventKind.ROOT else []
    existing = {f.id for f in case.films()}
    for f in films:
        if f.id in existing:
            raise ValueError(f"a film with id {f.id!r} is already in the case")


@dataclass(eq=False)
class InsertItem(Command):
    """Add ``item`` to a list at ``index`` (None: at the end)."""

    where: Container
    item: Any
    index: int | None = None
    text: str = ""

    def apply(self, case: Case) -> list[ChangeEvent]:
        items, root_id = self.where.resolve(case)
        _check_new_ids(case, self.where.kind, items, self.item)
        if self.index is None or not 0 <= self.index <= len(items):
            self.index = len(items)
        items.insert(self.index, self.item)
        return [self.where.event(Action.ADD, root_id, self.item)]

    def revert(self, case: Case) -> list[ChangeEvent]:
        items, root_id = self.where.resolve(case)
        del items[_index_of(items, self.item.id, self.where.kind)]
        return [self.where.event(Action.REMOVE, root_id, self.item)]


@dataclass(eq=False)
class RemoveItem(Command):
    """Remove the item ``item_id``; remembers it and its index for undo."""

    where: Container
    item_id: str
    text: str = ""
    item: Any = None
    index: int = -1

    def apply(self, case: Case) -> list[ChangeEvent]:
        items, root_id = self.where.resolve(case)
        self.index = _index_of(items, self.item_id, self.where.kind)
        self.item = items.pop(self.index)
        return [self.where.event(Action.REMOVE, root_id, self.item)]

    def revert(self, case: Case) -> list[ChangeEvent]:
        items, root_id = self.where.resolve(case)
        items.insert(self.index, self.item)
        return [self.where.event(Action.ADD, root_id, self.item)]


@dataclass(eq=False)
class ReplaceItem(Command):
    """Replace a frozen item (annotation, finding) by a new version with the same id.

    Consecutive replacements with the same ``merge_key`` of the same item
    merge into one step (a drag): the first ``old`` and the last ``new``.
    """

    where: Container
    old: Any
    new: Any
    merge_key: str | None = None
    text: str = ""

    def _put(self, case: Case, value: Any) -> list[ChangeEvent]:
        items, root_id = self.where.resolve(case)
        items[_index_of(items, value.id, self.where.kind)] = value
        return [self.where.event(Action.UPDATE, root_id, value)]

    def apply(self, case: Case) -> list[ChangeEvent]:
        return self._put(case, self.new)

    def revert(self, case: Case) -> list[ChangeEvent]:
        return self._put(case, self.old)

    def merge(self, other: Command) -> bool:
        if (
            isinstance(other, ReplaceItem) and self.merge_key is not None
            and other.merge_key == self.merge_key and other.where == self.where
            and other.new.id == self.new.id
        ):
            self.new = other.new
            return True
        return False


@dataclass(eq=False)
class SetFields(Command):
    """Set attributes of the case, a root or a film: ``new`` and ``old`` values by name."""

    kind: EventKind  # CASE, ROOT or FILM
    target_id: str
    old: dict[str, Any]
    new: dict[str, Any]
    text: str = ""
    merge_key: str | None = None

    def target(self, case: Case) -> tuple[Case | Root | Film, str | None]:
        if self.kind is EventKind.CASE:
            return case, None
        if self.kind is EventKind.ROOT:
            return case.root(self.target_id), self.target_id
        root, film = case.film(self.target_id)
        return film, root.id

    def _set(self, case: Case, values: dict[str, Any]) -> list[ChangeEvent]:
        obj, root_id = self.target(case)
        for name, value in values.items():
            setattr(obj, name, value)
        film_id = self.target_id if self.kind is EventKind.FILM else None
        return [ChangeEvent(self.kind, Action.UPDATE, root_id, film_id, obj.id, tuple(values))]

    def apply(self, case: Case) -> list[ChangeEvent]:
        return self._set(case, self.new)

    def revert(self, case: Case) -> list[ChangeEvent]:
        return self._set(case, self.old)

    def merge(self, other: Command) -> bool:
        """A typing burst in one field: keep the first old values and the latest new ones."""
        if (
            isinstance(other, SetFields) and self.merge_key is not None and other.merge_key == self.merge_key
            and other.kind is self.kind and other.target_id == self.target_id
        ):
            for k, v in other.old.items():
                self.old.setdefault(k, v)
            self.new.update(other.new)
            return True
        return False


@dataclass(eq=False)
class Macro(Command):
    """Several commands as one undo step; undone in reverse order."""

    text: str = ""
    commands: list[Command] = field(default_factory=list)

    def apply(self, case: Case) -> list[ChangeEvent]:
        events: list[ChangeEvent] = []
        for c in self.commands:
            events += c.apply(case)
        return events

    def revert(self, case: Case) -> list[ChangeEvent]:
        events: list[ChangeEvent] = []
        for c in reversed(self.commands):
            events += c.revert(case)
        return events
