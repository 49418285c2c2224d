"""CaseDocument.update_redaction: undo/redo, events, one undo step per drag, checks."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest

from annotator.model import Case, CaseDocument, Film, Redaction, Root, Side, UnknownItemError


@pytest.fixture
def doc(tmp_path: Path) -> CaseDocument:
    film = Film("ap.dcm", id="f1", redactions=[Redaction(0, 0, 100, 30, id="x1")])
    return CaseDocument(Case(title="t", id="c1", roots=[Root("L5", Side.RIGHT, id="r1", films=[film])]), tmp_path)


def _moved(r: Redaction, dx: float, dy: float) -> Redaction:
    return Redaction(r.x0 + dx, r.y0 + dy, r.x1 + dx, r.y1 + dy, id=r.id)


def test_update_undo_redo_and_event(doc: CaseDocument) -> None:
    events = []
    doc.subscribe(events.append)
    before = copy.deepcopy(doc.case)
    doc.update_redaction("f1", Redaction(5, 5, 50, 40, id="x1"))
    assert doc.film("f1").redaction("x1") == Redaction(5, 5, 50, 40, id="x1")
    ((kind, action, film_id, item_id),) = [(str(e.kind), str(e.action), e.film_id, e.item_id) for e in events]
    assert (kind, action, film_id, item_id) == ("redaction", "update", "f1", "x1")
    assert doc.dirty and doc.undo_text.endswith("Edit redaction")
    doc.undo()
    assert doc.case == before and not doc.dirty
    doc.redo()
    assert doc.film("f1").redaction("x1").x1 == 50


def test_drag_is_one_undo_step(doc: CaseDocument) -> None:
    start = doc.film("f1").redaction("x1")
    for k in range(1, 6):
        doc.update_redaction("f1", _moved(start, k, 2 * k), merge_key="drag-x1")
    assert doc.film("f1").redaction("x1") == _moved(start, 5, 10)
    assert doc.undo_text.endswith("Move redaction")
    doc.undo()
    assert doc.film("f1").redaction("x1") == start and not doc.can_undo


def test_unchanged_is_no_step_and_bad_input_raises(doc: CaseDocument) -> None:
    doc.update_redaction("f1", doc.film("f1").redaction("x1"))
    assert not doc.can_undo
    with pytest.raises(UnknownItemError):
        doc.update_redaction("f1", Redaction(0, 0, 1, 1, id="nope"))
    with pytest.raises(UnknownItemError):
        doc.update_redaction("nope", Redaction(0, 0, 1, 1, id="x1"))
    with pytest.raises(TypeError):
        doc.update_redaction("f1", (0, 0, 1, 1))
    assert not doc.can_undo
