"""CaseDocument: each edit, its undo and redo; merges; redo cleared; dirty; limits."""

from __future__ import annotations

import copy
from dataclasses import replace
from pathlib import Path

import pytest

from annotator.geometry import Calibration, CalibrationSource, Directions
from annotator.model import (
    Annotation,
    BlockResult,
    Case,
    CaseDocument,
    DrugDose,
    Film,
    Finding,
    Phase,
    Redaction,
    Root,
    Side,
    UnknownItemError,
    View,
)


def make_case() -> Case:
    tip = Annotation("tip", "point", [(10, 10)], id="tip1")
    shaft = Annotation("shaft", "line", [(0, 0), (10, 10)], id="shaft1")
    f1 = Film("ap.dcm", view=View.AP, id="f1", annotations=[tip, shaft])
    f2 = Film("lat.dcm", view=View.LATERAL, id="f2")
    r1 = Root("L5", Side.RIGHT, id="r1", films=[f1, f2], findings=[Finding("bench_sign", id="n1")])
    r2 = Root("L4", Side.RIGHT, id="r2")
    return Case(title="t", id="c1", roots=[r1, r2])


@pytest.fixture
def doc(tmp_path: Path) -> CaseDocument:
    return CaseDocument(make_case(), tmp_path)


def check_undo_redo(doc: CaseDocument, edit) -> None:
    """``edit(doc)`` changes the case; undo restores it exactly, redo re-applies it exactly."""
    before = copy.deepcopy(doc.case)
    edit(doc)
    after = copy.deepcopy(doc.case)
    assert after != before, "the edit changed nothing"
    assert doc.can_undo and not doc.can_redo and doc.dirty
    doc.undo()
    assert doc.case == before
    assert not doc.dirty and doc.can_redo
    doc.redo()
    assert doc.case == after
    assert doc.dirty and not doc.can_redo


EDITS = {
    "add_annotation": lambda d: d.add_annotation("f2", Annotation("tip", "point", [(1, 2)], id="t2")),
    "add_annotation_at": lambda d: d.add_annotation("f1", Annotation("ruler", "line", [(0, 0), (1, 1)]), index=0),
    "update_annotation": lambda d: d.update_annotation("f1", d.film("f1").annotation("tip1").moved(5, -3)),
    "remove_annotation": lambda d: d.remove_annotation("f1", "tip1"),
    "add_film": lambda d: d.add_film("r2", Film("obl.png", id="f3")),
    "update_film": lambda d: d.update_film("f1", caption="Fig 7C", phase=Phase.AFTER_CONTRAST,
                                           directions_override=Directions("R", "F", "user")),
    "update_film_calibration": lambda d: d.update_film(
        "f2", calibration_override=Calibration(0.3, 0.3, CalibrationSource.USER)),
    "remove_film": lambda d: d.remove_film("f1"),
    "add_root": lambda d: d.add_root(Root("S1", "left", films=[Film("s1.dcm", id="f9")])),
    "update_root": lambda d: d.update_root("r1", block_result=BlockResult.COMPLETE, contrast_volume_ml=2.0,
                                           drugs=[DrugDose("lidocaine", 0.5, None, 2)]),
    "remove_root": lambda d: d.remove_root("r1"),
    "update_case": lambda d: d.update_case(title="new", age=70, sex="F", planned_roots=["right L5"]),
    "add_finding": lambda d: d.add_finding("r1", Finding("tip_in_sheath", film_id="f1")),
    "update_finding": lambda d: d.update_finding("r1", replace(d.root("r1").finding("n1"), value="marked")),
    "remove_finding": lambda d: d.remove_finding("r1", "n1"),
    "add_redaction": lambda d: d.add_redaction("f1", Redaction(0, 0, 100, 30, id="x1")),
}


@pytest.mark.parametrize("name", sorted(EDITS))
def test_each_edit_undoes_and_redoes_exactly(doc: CaseDocument, name: str) -> None:
    check_undo_redo(doc, EDITS[name])


def test_remove_redaction(doc: CaseDocument) -> None:
    doc.add_redaction("f1", Redaction(0, 0, 100, 30, id="x1"))
    doc.mark_saved()
    check_undo_redo(doc, lambda d: d.remove_redaction("f1", "x1"))


def test_removed_items_come_back_in_place(doc: CaseDocument) -> None:
    doc.remove_annotation("f1", "tip1")
    doc.remove_root("r1")
    doc.undo()
    doc.undo()
    assert [r.id for r in doc.case.roots] == ["r1", "r2"]
    assert [a.id for a in doc.film("f1").annotations] == ["tip1", "shaft1"]


def test_update_film_returns_checked_values(doc: CaseDocument) -> None:
    doc.update_film("f1", view="lateral", path="sub\\x.dcm")
    f = doc.film("f1")
    assert f.view is View.LATERAL and f.path == "sub/x.dcm"


def test_update_root_level_is_normalised(doc: CaseDocument) -> None:
    doc.update_root("r1", level="l4")
    assert doc.root("r1").level == "L4" and doc.root("r1").label == "right L4"


def test_drag_merges_into_one_step(doc: CaseDocument) -> None:
    tip = doc.film("f1").annotation("tip1")
    for i in range(1, 6):
        doc.update_annotation("f1", tip.moved(i, i), merge_key="drag-tip1-1")
    assert doc.film("f1").annotation("tip1").points == ((15.0, 15.0),)
    assert doc.undo_text == "Move tip"
    doc.undo()
    assert doc.film("f1").annotation("tip1") == tip
    assert not doc.can_undo
    doc.redo()
    assert doc.film("f1").annotation("tip1").points == ((15.0, 15.0),)


def test_different_keys_or_an_edit_between_do_not_merge(doc: CaseDocument) -> None:
    tip = doc.film("f1").annotation("tip1")
    doc.update_annotation("f1", tip.moved(1, 0), merge_key="drag-a")
    doc.update_annotation("f1", tip.moved(2, 0), merge_key="drag-b")
    doc.update_case(title="x")
    doc.update_annotation("f1", tip.moved(3, 0), merge_key="drag-b")
    n = 0
    while doc.can_undo:
        doc.undo()
        n += 1
    assert n == 4


def test_no_merge_after_undo_redo(doc: CaseDocument) -> None:
    tip = doc.film("f1").annotation("tip1")
    doc.update_annotation("f1", tip.moved(1, 0), merge_key="k")
    doc.undo()
    doc.redo()
    doc.update_annotation("f1", tip.moved(2, 0), merge_key="k")
    doc.undo()
    assert doc.film("f1").annotation("tip1") == tip.moved(1, 0)


def test_typing_burst_in_a_field_merges(doc: CaseDocument) -> None:
    for text in ("l", "le", "lef", "left leg"):
        doc.update_case(symptoms=text, merge_key="case-symptoms")
    doc.undo()
    assert doc.case.symptoms == "" and not doc.can_undo


def test_new_edit_clears_redo(doc: CaseDocument) -> None:
    doc.update_case(title="a")
    doc.undo()
    assert doc.can_redo and doc.redo_text == "Edit case"
    doc.update_case(title="b")
    assert not doc.can_redo
    doc.redo()  # no-op
    assert doc.case.title == "b"


def test_macro_is_one_step_and_nested_macros_join(doc: CaseDocument) -> None:
    before = copy.deepcopy(doc.case)
    with doc.macro("Place needle"):
        doc.add_annotation("f2", Annotation("tip", "point", [(1, 1)]))
        with doc.macro("inner"):
            doc.update_root("r1", needle_gauge="22G")
        doc.remove_finding("r1", "n1")
    assert doc.undo_text == "Place needle"
    doc.undo()
    assert doc.case == before and not doc.can_undo


def test_failing_macro_rolls_back(doc: CaseDocument) -> None:
    before = copy.deepcopy(doc.case)
    doc.update_case(title="kept")
    with pytest.raises(UnknownItemError):
        with doc.macro("broken"):
            doc.update_case(title="lost")
            doc.remove_film("nope")
    assert doc.case.title == "kept" and doc.undo_text == "Edit case"
    doc.undo()
    assert doc.case == before


def test_empty_macro_adds_no_step(doc: CaseDocument) -> None:
    with doc.macro("nothing"):
        pass
    assert not doc.can_undo and not doc.dirty


def test_undo_inside_macro_is_refused(doc: CaseDocument) -> None:
    doc.update_case(title="a")
    with pytest.raises(RuntimeError), doc.macro("m"):
        doc.undo()


def test_dirty_tracks_the_saved_state(doc: CaseDocument) -> None:
    assert not doc.dirty
    doc.update_case(title="a")
    doc.mark_saved()
    assert not doc.dirty
    doc.update_case(title="b")
    assert doc.dirty
    doc.undo()
    assert not doc.dirty  # back at the saved state
    doc.undo()
    assert doc.dirty  # before the saved state
    doc.redo()
    assert not doc.dirty


def test_saved_state_lost_to_a_new_branch_stays_dirty(doc: CaseDocument) -> None:
    doc.update_case(title="a")
    doc.mark_saved()
    doc.undo()
    doc.update_case(title="b")
    assert doc.dirty
    doc.undo()
    assert doc.dirty  # "a" is no longer reachable, and this state was never saved


def test_drag_after_save_is_a_new_step(doc: CaseDocument) -> None:
    tip = doc.film("f1").annotation("tip1")
    doc.update_annotation("f1", tip.moved(1, 0), merge_key="k")
    doc.mark_saved()
    doc.update_annotation("f1", tip.moved(2, 0), merge_key="k")
    assert doc.dirty
    doc.undo()
    assert not doc.dirty and doc.film("f1").annotation("tip1") == tip.moved(1, 0)


def test_no_op_edit_is_not_a_step(doc: CaseDocument) -> None:
    doc.update_case(title="t")
    doc.update_annotation("f1", doc.film("f1").annotation("tip1"))
    assert not doc.can_undo and not doc.dirty


def test_undo_limit_drops_oldest(tmp_path: Path) -> None:
    doc = CaseDocument(make_case(), tmp_path, undo_limit=3)
    for i in range(5):
        doc.update_case(title=str(i))
    n = 0
    while doc.can_undo:
        doc.undo()
        n += 1
    assert n == 3 and doc.case.title == "1"
    assert doc.dirty  # the oldest steps are gone; this is not the opened state


def test_undo_limit_must_be_positive(tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        CaseDocument(make_case(), tmp_path, undo_limit=0)


def test_clear_history_keeps_dirtiness(doc: CaseDocument) -> None:
    doc.update_case(title="x")
    doc.clear_history()
    assert not doc.can_undo and doc.dirty
    doc.mark_saved()
    assert not doc.dirty


@pytest.mark.parametrize(
    ("edit", "exc"),
    [
        (lambda d: d.remove_annotation("f1", "nope"), KeyError),
        (lambda d: d.remove_annotation("nope", "tip1"), KeyError),
        (lambda d: d.update_annotation("f1", Annotation("tip", "point", [(0, 0)], id="nope")), KeyError),
        (lambda d: d.add_annotation("nope", Annotation("tip", "point", [(0, 0)])), KeyError),
        (lambda d: d.add_annotation("f1", Annotation("tip", "point", [(0, 0)], id="tip1")), ValueError),
        (lambda d: d.add_film("nope", Film("x.dcm")), KeyError),
        (lambda d: d.add_film("r2", Film("x.dcm", id="f1")), ValueError),
        (lambda d: d.add_root(Root("L3", "left", id="r1")), ValueError),
        (lambda d: d.add_root(Root("L3", "left", films=[Film("x.dcm", id="f2")])), ValueError),
        (lambda d: d.update_film("nope", caption="x"), KeyError),
        (lambda d: d.update_film("f1", key_frame=-1), ValueError),
        (lambda d: d.update_film("f1", view="sideways"), ValueError),
        (lambda d: d.update_film("f1", colour="red"), TypeError),
        (lambda d: d.update_film("f1", id="zz"), TypeError),
        (lambda d: d.update_film("f1", annotations=[]), TypeError),
        (lambda d: d.update_root("r1", level="L6"), ValueError),
        (lambda d: d.update_root("r1", contrast_volume_ml=-1.0, notes="never applied"), ValueError),
        (lambda d: d.update_root("nope", notes="x"), KeyError),
        (lambda d: d.remove_root("nope"), KeyError),
        (lambda d: d.remove_film("nope"), KeyError),
        (lambda d: d.update_case(age=121), ValueError),
        (lambda d: d.update_case(sex="X"), ValueError),
        (lambda d: d.add_finding("nope", Finding("bench_sign")), KeyError),
        (lambda d: d.add_finding("r1", Finding("bench_sign", id="n1")), ValueError),
        (lambda d: d.update_finding("r1", Finding("bench_sign", id="nope")), KeyError),
        (lambda d: d.remove_finding("r1", "nope"), KeyError),
        (lambda d: d.add_redaction("nope", Redaction(0, 0, 1, 1)), KeyError),
        (lambda d: d.remove_redaction("f1", "nope"), KeyError),
        (lambda d: d.add_annotation("f1", "not an annotation"), TypeError),
    ],
)
def test_failing_edit_changes_nothing_and_fires_nothing(doc: CaseDocument, edit, exc) -> None:
    doc.update_case(title="step")
    doc.undo()  # leave something on the redo stack too
    events = []
    doc.subscribe(events.append)
    before = copy.deepcopy(doc.case)
    with pytest.raises(exc):
        edit(doc)
    assert doc.case == before
    assert events == []
    assert not doc.can_undo and doc.can_redo and not doc.dirty


def test_unknown_id_message_is_clear(doc: CaseDocument) -> None:
    with pytest.raises(UnknownItemError) as info:
        doc.remove_film("f404")
    assert str(info.value) == "no film with id 'f404' in this case"
    assert isinstance(info.value, KeyError)


def test_reading_helpers(doc: CaseDocument, tmp_path: Path) -> None:
    assert doc.film_path("f1") == tmp_path / "ap.dcm"
    assert doc.root_of_film("f2").id == "r1"
    assert doc.path is None and doc.folder == tmp_path
