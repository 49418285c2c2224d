"""CaseDocument change events: order, content, undo/redo flag, macros, subscribers."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotator.model import (
    Action,
    Annotation,
    Case,
    CaseDocument,
    ChangeEvent,
    EventKind,
    Film,
    Finding,
    Redaction,
    Root,
)


@pytest.fixture
def doc(tmp_path: Path) -> CaseDocument:
    tip = Annotation("tip", "point", [(1, 1)], id="a1")
    case = Case(id="c1", roots=[Root("L5", "left", id="r1", films=[Film("a.dcm", id="f1", annotations=[tip])])])
    return CaseDocument(case, tmp_path)


def record(doc: CaseDocument) -> list[ChangeEvent]:
    events: list[ChangeEvent] = []
    doc.subscribe(events.append)
    return events


def test_event_content_for_each_kind(doc: CaseDocument) -> None:
    ev = record(doc)
    doc.add_annotation("f1", Annotation("ruler", "line", [(0, 0), (3, 4)], id="a2"))
    doc.update_film("f1", caption="c", figure_label="7A")
    doc.add_film("r1", Film("b.dcm", id="f2"))
    doc.add_root(Root("L4", "left", id="r2"))
    doc.update_root("r2", notes="n")
    doc.update_case(title="x")
    doc.add_finding("r1", Finding("bench_sign", id="n1", film_id="f1"))
    doc.add_redaction("f1", Redaction(0, 0, 5, 5, id="x1"))
    doc.remove_annotation("f1", "a2")
    assert ev == [
        ChangeEvent(EventKind.ANNOTATION, Action.ADD, "r1", "f1", "a2"),
        ChangeEvent(EventKind.FILM, Action.UPDATE, "r1", "f1", "f1", ("caption", "figure_label")),
        ChangeEvent(EventKind.FILM, Action.ADD, "r1", "f2", "f2"),
        ChangeEvent(EventKind.ROOT, Action.ADD, "r2", None, "r2"),
        ChangeEvent(EventKind.ROOT, Action.UPDATE, "r2", None, "r2", ("notes",)),
        ChangeEvent(EventKind.CASE, Action.UPDATE, None, None, "c1", ("title",)),
        ChangeEvent(EventKind.FINDING, Action.ADD, "r1", "f1", "n1"),
        ChangeEvent(EventKind.REDACTION, Action.ADD, "r1", "f1", "x1"),
        ChangeEvent(EventKind.ANNOTATION, Action.REMOVE, "r1", "f1", "a2"),
    ]
    assert all(not e.undo_redo for e in ev)
    assert ev[0].kind == "annotation" and ev[0].action == "add"  # plain strings compare too


def test_undo_and_redo_events_are_flagged_and_reversed(doc: CaseDocument) -> None:
    doc.remove_annotation("f1", "a1")
    ev = record(doc)
    doc.undo()
    doc.redo()
    assert ev == [
        ChangeEvent(EventKind.ANNOTATION, Action.ADD, "r1", "f1", "a1", undo_redo=True),
        ChangeEvent(EventKind.ANNOTATION, Action.REMOVE, "r1", "f1", "a1", undo_redo=True),
    ]


def test_event_fires_after_the_change(doc: CaseDocument) -> None:
    seen = []
    doc.subscribe(lambda e: seen.append([a.points for a in doc.film("f1").annotations]))
    doc.update_annotation("f1", doc.film("f1").annotation("a1").moved(1, 1))
    assert seen == [[((2.0, 2.0),)]]


def test_macro_events_come_after_the_macro_in_order(doc: CaseDocument) -> None:
    ev = record(doc)
    with doc.macro("two"):
        doc.update_case(title="a")
        doc.add_annotation("f1", Annotation("tip", "point", [(0, 0)], id="a3"))
        assert ev == []  # nothing heard until the macro succeeded
    assert [(e.kind, e.action) for e in ev] == [(EventKind.CASE, Action.UPDATE), (EventKind.ANNOTATION, Action.ADD)]
    ev.clear()
    doc.undo()
    assert [(e.kind, e.action, e.undo_redo) for e in ev] == [
        (EventKind.ANNOTATION, Action.REMOVE, True), (EventKind.CASE, Action.UPDATE, True)]


def test_failed_macro_fires_nothing(doc: CaseDocument) -> None:
    ev = record(doc)
    with pytest.raises(KeyError), doc.macro("broken"):
        doc.update_case(title="a")
        doc.remove_root("zz")
    assert ev == [] and doc.case.title == ""


def test_drag_sends_one_event_per_update(doc: CaseDocument) -> None:
    ev = record(doc)
    a = doc.film("f1").annotation("a1")
    for i in range(3):
        doc.update_annotation("f1", a.moved(i + 1, 0), merge_key="d")
    assert len(ev) == 3 and all(e.action is Action.UPDATE for e in ev)


def test_unsubscribe(doc: CaseDocument) -> None:
    ev: list[ChangeEvent] = []
    off = doc.subscribe(ev.append)
    doc.update_case(title="a")
    off()
    off()  # twice is harmless
    doc.update_case(title="b")
    assert len(ev) == 1


def test_a_failing_listener_does_not_starve_others_or_break_the_stack(doc: CaseDocument) -> None:
    def broken(event: ChangeEvent) -> None:
        raise RuntimeError("view bug")

    doc.subscribe(broken)
    ev = record(doc)
    with pytest.raises(RuntimeError, match="view bug"):
        doc.update_case(title="a")
    assert len(ev) == 1 and doc.case.title == "a" and doc.can_undo


def test_finding_without_film_has_no_film_id(doc: CaseDocument) -> None:
    ev = record(doc)
    doc.add_finding("r1", Finding("tip_in_sheath", id="n2"))
    assert ev == [ChangeEvent(EventKind.FINDING, Action.ADD, "r1", None, "n2")]
