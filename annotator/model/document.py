"""The open case: every edit is a command on an undo stack, every change an event.

``CaseDocument`` owns the :class:`Case`; the GUI, tools and panels edit it only
through the methods below, never by mutating the dataclasses directly, so that
undo/redo sees every change and subscribers hear about it.

Rules:

- An edit is checked before anything changes. One that raises (unknown id:
  :class:`UnknownItemError`, a ``KeyError``; bad value: ``ValueError``; unknown
  field name: ``TypeError``) leaves the case and the stacks as they were and
  sends no event.
- Events go to subscribers after the change succeeded, in the order the
  changes happened; those of a ``macro`` after the whole macro succeeded.
- A new edit clears redo. ``update_annotation``/``update_redaction(..., merge_key=k)`` calls in a
  row with the same key and annotation merge into one step (a drag).
- ``dirty`` is True when the case differs from the last ``mark_saved()``
  state; undoing back to that state makes it clean again.
- An edit that changes nothing is not an undo step and sends no event.
"""

from __future__ import annotations

import itertools
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import fields, replace
from pathlib import Path
from typing import Any

from annotator.model.annotations import Annotation
from annotator.model.case import Case, Film, Finding, Redaction, Root
from annotator.model.commands import (
    Command,
    Container,
    InsertItem,
    Macro,
    RemoveItem,
    ReplaceItem,
    SetFields,
)
from annotator.model.events import ChangeEvent, EventKind

log = logging.getLogger(__name__)

Listener = Callable[[ChangeEvent], None]

# Fields the update_* methods refuse: ids keep references valid; contained lists
# have their own add/remove commands.
_FIXED = {
    Case: {"id", "roots"},
    Root: {"id", "films", "findings"},
    Film: {"id", "annotations", "redactions"},
}


def _words(value: str) -> str:
    return value.replace("_", " ")


class CaseDocument:
    """A case being edited, with its folder (film paths are relative to it) and file path.

    ``undo_limit``: at most this many undo steps are kept (None: no limit).
    """

    def __init__(self, case: Case, folder: str | Path, path: str | Path | None = None,
                 undo_limit: int | None = None) -> None:
        if undo_limit is not None and undo_limit < 1:
            raise ValueError("undo_limit must be at least 1 (or None for no limit)")
        self.case = case
        self.folder = Path(folder)
        self.path = Path(path) if path is not None else None
        self.undo_limit = undo_limit
        self._undo: list[Command] = []
        self._redo: list[Command] = []
        self._listeners: list[Listener] = []
        self._macro: Macro | None = None
        self._macro_events: list[ChangeEvent] = []
        # state tokens: each pushed step gets a serial; the state is the serial of the
        # top undo step (or of the last step dropped by the limit, 0 at the start)
        self._serials = itertools.count(1)
        self._serial_of: dict[int, int] = {}  # id(command) -> serial
        self._base_state = 0
        self._saved_state: int | None = 0
        self._merge_open = False  # the top step may absorb the next edit with its merge key

    # ------------------------------------------------------------------ reading

    def film(self, film_id: str) -> Film:
        return self.case.film(film_id)[1]

    def root(self, root_id: str) -> Root:
        return self.case.root(root_id)

    def root_of_film(self, film_id: str) -> Root:
        return self.case.film(film_id)[0]

    def film_path(self, film_id: str) -> Path:
        """Absolute-or-folder-relative path of a film's image file."""
        return self.folder / self.film(film_id).path

    # ------------------------------------------------------------------ events

    def subscribe(self, callback: Listener) -> Callable[[], None]:
        """Call ``callback(event)`` after each change; returns a function that unsubscribes."""
        self._listeners.append(callback)

        def unsubscribe() -> None:
            if callback in self._listeners:
                self._listeners.remove(callback)

        return unsubscribe

    def _emit(self, events: list[ChangeEvent]) -> None:
        """Every listener hears every event; the first listener error is raised afterwards."""
        first: BaseException | None = None
        for event in events:
            for listener in list(self._listeners):
                try:
                    listener(event)
                except Exception as exc:  # one broken view must not starve the others
                    log.exception("change listener failed")
                    first = first or exc
        if first is not None:
            raise first

    # ------------------------------------------------------------------ the stack

    def _state(self) -> int:
        return self._serial_of[id(self._undo[-1])] if self._undo else self._base_state

    def _new_serial(self, cmd: Command) -> None:
        self._serial_of[id(cmd)] = next(self._serials)

    def _forget(self, cmds: list[Command]) -> None:
        for c in cmds:
            self._serial_of.pop(id(c), None)

    def _run(self, cmd: Command, merge: bool = False) -> None:
        events = cmd.apply(self.case)  # raises before changing anything
        if self._macro is not None:
            subs = self._macro.commands
            if not (merge and subs and subs[-1].merge(cmd)):
                subs.append(cmd)
            self._macro_events += events
            return
        top = self._undo[-1] if self._undo else None
        if merge and self._merge_open and top is not None and top.merge(cmd):
            self._new_serial(top)  # the merged step is a new state
        else:
            self._push(cmd)
        self._merge_open = merge
        self._emit(events)

    def _push(self, cmd: Command) -> None:
        self._merge_open = False
        self._forget(self._redo)
        self._redo.clear()
        self._undo.append(cmd)
        self._new_serial(cmd)
        if self.undo_limit is not None:
            while len(self._undo) > self.undo_limit:
                dropped = self._undo.pop(0)
                self._base_state = self._serial_of.pop(id(dropped))

    @contextmanager
    def macro(self, text: str) -> Iterator[None]:
        """Group the edits made inside the ``with`` block into one undo step.

        If the block raises, its edits are undone, no event is sent and the
        exception propagates. Nested macros join the outermost one.
        """
        if self._macro is not None:
            yield
            return
        self._macro = Macro(text=text)
        self._macro_events = []
        try:
            yield
        except BaseException:
            macro, self._macro = self._macro, None
            macro.revert(self.case)
            self._macro_events = []
            raise
        macro, self._macro = self._macro, None
        events, self._macro_events = self._macro_events, []
        if macro.commands:
            self._push(macro)
            self._emit(events)

    def _check_not_in_macro(self, what: str) -> None:
        if self._macro is not None:
            raise RuntimeError(f"cannot {what} inside a macro")

    def undo(self) -> None:
        """Undo the last step (no-op when there is none)."""
        self._check_not_in_macro("undo")
        if not self._undo:
            return
        cmd = self._undo.pop()
        self._merge_open = False
        events = cmd.revert(self.case)
        self._redo.append(cmd)
        self._emit([e.replayed() for e in events])

    def redo(self) -> None:
        """Redo the last undone step (no-op when there is none)."""
        self._check_not_in_macro("redo")
        if not self._redo:
            return
        cmd = self._redo.pop()
        self._merge_open = False
        events = cmd.apply(self.case)
        self._undo.append(cmd)
        self._emit([e.replayed() for e in events])

    @property
    def can_undo(self) -> bool:
        return bool(self._undo)

    @property
    def can_redo(self) -> bool:
        return bool(self._redo)

    @property
    def undo_text(self) -> str:
        return self._undo[-1].text if self._undo else ""

    @property
    def redo_text(self) -> str:
        return self._redo[-1].text if self._redo else ""

    @property
    def dirty(self) -> bool:
        """True when the case differs from the state of the last ``mark_saved()``."""
        return self._state() != self._saved_state

    def mark_saved(self) -> None:
        """The current state is what is on disk now (a drag in progress starts a new step)."""
        self._saved_state = self._state()
        self._merge_open = False

    def mark_unsaved(self) -> None:
        """The case differs from what is on disk (e.g. restored from a recovery file)."""
        self._saved_state = None
        self._merge_open = False

    def clear_history(self) -> None:
        """Forget undo and redo (e.g. after loading a recovered case); dirtiness is kept."""
        self._check_not_in_macro("clear the history")
        was_dirty = self.dirty
        self._forget(self._undo + self._redo)
        self._undo.clear()
        self._redo.clear()
        self._base_state = next(self._serials)
        self._saved_state = None if was_dirty else self._base_state
        self._merge_open = False

    # ------------------------------------------------------------------ field updates

    def _set_fields(self, kind: EventKind, obj: Case | Root | Film, text: str, changes: dict[str, Any],
                    merge_key: str | None) -> None:
        names = {f.name for f in fields(obj)}
        for name in changes:
            if name not in names:
                raise TypeError(f"{type(obj).__name__} has no field {name!r}")
            if name in _FIXED[type(obj)]:
                raise TypeError(f"{type(obj).__name__}.{name} cannot be changed with an update")
        checked = replace(obj, **changes)  # runs the dataclass checks; obj is untouched
        new = {k: getattr(checked, k) for k in changes}
        old = {k: getattr(obj, k) for k in changes}
        new = {k: v for k, v in new.items() if old[k] != v or type(old[k]) is not type(v)}
        if not new:
            return
        old = {k: old[k] for k in new}
        self._run(SetFields(kind, obj.id, old, new, text, merge_key), merge=merge_key is not None)

    def update_case(self, merge_key: str | None = None, **fields: Any) -> None:
        """Set case fields (title, age, sex, symptoms, iodine_allergy_test_done, planned_roots, notes, extra).

        ``merge_key``: consecutive updates with the same key are one undo step (a typing burst).
        """
        self._set_fields(EventKind.CASE, self.case, "Edit case", fields, merge_key)

    def update_root(self, root_id: str, merge_key: str | None = None, **fields: Any) -> None:
        """Set fields of a root (procedure record, drugs list, block result, ...)."""
        root = self.case.root(root_id)
        self._set_fields(EventKind.ROOT, root, f"Edit {root.label}", fields, merge_key)

    def update_film(self, film_id: str, merge_key: str | None = None, **fields: Any) -> None:
        """Set fields of a film (view, phase, caption, key frame, overrides, ...)."""
        self._set_fields(EventKind.FILM, self.film(film_id), "Edit film", fields, merge_key)

    # ------------------------------------------------------------------ roots and films

    def add_root(self, root: Root, index: int | None = None) -> None:
        if not isinstance(root, Root):
            raise TypeError("add_root needs a Root")
        self._run(InsertItem(Container(EventKind.ROOT), root, index, f"Add {root.label}"))

    def remove_root(self, root_id: str) -> None:
        """Remove a root; its needle marks on other roots' films and the sharing of its films go too
        (a mark naming a removed root, or a shared id naming a removed film, would make the file unreadable)."""
        root = self.case.root(root_id)
        with self.macro(f"Remove {root.label}"):
            for other in self.case.roots:
                if other.id == root_id:
                    continue
                for film in other.films:
                    for ann in [a for a in film.annotations if a.root_id == root_id]:
                        self.remove_annotation(film.id, ann.id)
            self._drop_sharing({f.id for f in root.films}, keep_root=root_id)
            self._run(RemoveItem(Container(EventKind.ROOT), root_id, f"Remove {root.label}"))

    def _drop_sharing(self, film_ids: set[str], keep_root: str | None = None) -> None:
        for other in self.case.roots:
            if other.id != keep_root and film_ids & set(other.shared_film_ids):
                self.update_root(other.id, shared_film_ids=[i for i in other.shared_film_ids if i not in film_ids])

    def share_film(self, root_id: str, film_id: str) -> None:
        """Let ``root_id`` use another root's film (one film, several roots): one undo step."""
        root = self.case.root(root_id)
        owner = self.root_of_film(film_id)
        if owner.id == root_id or film_id in root.shared_film_ids:
            return
        self.update_root(root_id, shared_film_ids=[*root.shared_film_ids, film_id])

    def add_film(self, root_id: str, film: Film, index: int | None = None) -> None:
        if not isinstance(film, Film):
            raise TypeError("add_film needs a Film")
        self._run(InsertItem(Container(EventKind.FILM, root_id), film, index, "Add film"))

    def remove_film(self, film_id: str) -> None:
        """Remove a film from the case (and from every root that shared it)."""
        root = self.root_of_film(film_id)
        with self.macro("Remove film"):
            self._drop_sharing({film_id})
            self._run(RemoveItem(Container(EventKind.FILM, root.id), film_id, "Remove film"))

    # ------------------------------------------------------------------ annotations

    def add_annotation(self, film_id: str, ann: Annotation, index: int | None = None) -> None:
        if not isinstance(ann, Annotation):
            raise TypeError("add_annotation needs an Annotation")
        where = Container(EventKind.ANNOTATION, film_id=film_id)
        self._run(InsertItem(where, ann, index, f"Add {_words(ann.role)}"))

    def update_annotation(self, film_id: str, ann: Annotation, merge_key: str | None = None) -> None:
        """Replace the annotation with ``ann.id`` by ``ann``.

        Calls in a row with the same ``merge_key`` (e.g. ``"drag-<id>"``) are one undo step.
        """
        if not isinstance(ann, Annotation):
            raise TypeError("update_annotation needs an Annotation")
        old = self.film(film_id).annotation(ann.id)
        if old == ann:
            return
        verb = "Move" if merge_key else "Edit"
        where = Container(EventKind.ANNOTATION, film_id=film_id)
        self._run(ReplaceItem(where, old, ann, merge_key, f"{verb} {_words(ann.role)}"), merge=merge_key is not None)

    def remove_annotation(self, film_id: str, ann_id: str) -> None:
        ann = self.film(film_id).annotation(ann_id)
        where = Container(EventKind.ANNOTATION, film_id=film_id)
        self._run(RemoveItem(where, ann_id, f"Delete {_words(ann.role)}"))

    # ------------------------------------------------------------------ findings

    def add_finding(self, root_id: str, finding: Finding, index: int | None = None) -> None:
        if not isinstance(finding, Finding):
            raise TypeError("add_finding needs a Finding")
        where = Container(EventKind.FINDING, root_id)
        self._run(InsertItem(where, finding, index, f"Add finding {_words(finding.code)}"))

    def update_finding(self, root_id: str, finding: Finding) -> None:
        """Replace the finding with ``finding.id`` by ``finding``."""
        if not isinstance(finding, Finding):
            raise TypeError("update_finding needs a Finding")
        old = self.root(root_id).finding(finding.id)
        if old == finding:
            return
        where = Container(EventKind.FINDING, root_id)
        self._run(ReplaceItem(where, old, finding, None, f"Edit finding {_words(finding.code)}"))

    def remove_finding(self, root_id: str, finding_id: str) -> None:
        finding = self.root(root_id).finding(finding_id)
        where = Container(EventKind.FINDING, root_id)
        self._run(RemoveItem(where, finding_id, f"Remove finding {_words(finding.code)}"))

    # ------------------------------------------------------------------ redactions

    def add_redaction(self, film_id: str, redaction: Redaction) -> None:
        if not isinstance(redaction, Redaction):
            raise TypeError("add_redaction needs a Redaction")
        where = Container(EventKind.REDACTION, film_id=film_id)
        self._run(InsertItem(where, redaction, None, "Add redaction"))

    def update_redaction(self, film_id: str, redaction: Redaction, merge_key: str | None = None) -> None:
        """Replace the redaction with ``redaction.id`` by ``redaction`` (event "redaction"/"update").

        Calls in a row with the same ``merge_key`` (e.g. ``"drag-<id>"``) are one undo step.
        """
        if not isinstance(redaction, Redaction):
            raise TypeError("update_redaction needs a Redaction")
        old = self.film(film_id).redaction(redaction.id)
        if old == redaction:
            return
        text = "Move redaction" if merge_key else "Edit redaction"
        where = Container(EventKind.REDACTION, film_id=film_id)
        self._run(ReplaceItem(where, old, redaction, merge_key, text), merge=merge_key is not None)

    def remove_redaction(self, film_id: str, redaction_id: str) -> None:
        self.film(film_id).redaction(redaction_id)
        where = Container(EventKind.REDACTION, film_id=film_id)
        self._run(RemoveItem(where, redaction_id, "Remove redaction"))
