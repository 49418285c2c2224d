"""Random edit sequences: undo walks back through every intermediate state exactly,
redo walks forward again (hypothesis stateful testing)."""

from __future__ import annotations

import copy
from dataclasses import replace
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from annotator.model import (
    Annotation,
    BlockResult,
    Case,
    CaseDocument,
    Film,
    Finding,
    Phase,
    Redaction,
    Root,
    View,
)
from tests.unit.test_model_strategies import annotations, cases, finite, texts

coords = st.floats(-50, 50, allow_nan=False)


def fresh_case() -> Case:
    return Case(id="c", roots=[Root("L5", "right", id="r0", films=[Film("a.dcm", id="f0")])])


class DocumentMachine(RuleBasedStateMachine):
    """``states[i]`` is the case after i undoable steps; ``pos`` is where the document is."""

    def __init__(self) -> None:
        super().__init__()
        self.doc = CaseDocument(fresh_case(), Path("."))
        self.states = [copy.deepcopy(self.doc.case)]
        self.pos = 0
        self.counter = 0
        self.merging: str | None = None

    def _new_id(self, prefix: str) -> str:
        self.counter += 1
        return f"{prefix}{self.counter}"

    def _stepped(self, merged: bool = False) -> None:
        """Record the state after an edit: a merged edit replaces the top state."""
        if not merged:
            self.pos += 1
        del self.states[self.pos:]
        self.states.append(copy.deepcopy(self.doc.case))

    def _films(self) -> list[Film]:
        return self.doc.case.films()

    def _anns(self) -> list[tuple[str, Annotation]]:
        return [(f.id, a) for f in self._films() for a in f.annotations]

    @precondition(lambda self: self._films())
    @rule(data=st.data())
    def add_annotation(self, data) -> None:
        film = data.draw(st.sampled_from(self._films()))
        ann = data.draw(annotations(ann_id=self._new_id("a")))
        self.doc.add_annotation(film.id, ann)
        self.merging = None
        self._stepped()

    @precondition(lambda self: self._anns())
    @rule(data=st.data(), dx=coords, dy=coords, drag=st.booleans())
    def move_annotation(self, data, dx: float, dy: float, drag: bool) -> None:
        film_id, ann = data.draw(st.sampled_from(self._anns()))
        moved = ann.moved(dx, dy)
        if moved == ann:
            return
        key = f"drag-{ann.id}" if drag else None
        merged = key is not None and self.merging == key and self.pos > 0
        self.doc.update_annotation(film_id, moved, merge_key=key)
        self.merging = key
        self._stepped(merged)

    @precondition(lambda self: self._anns())
    @rule(data=st.data())
    def remove_annotation(self, data) -> None:
        film_id, ann = data.draw(st.sampled_from(self._anns()))
        self.doc.remove_annotation(film_id, ann.id)
        self.merging = None
        self._stepped()

    @rule(level=st.sampled_from(["L3", "L4", "S1"]), side=st.sampled_from(["left", "right"]))
    def add_root(self, level: str, side: str) -> None:
        self.doc.add_root(Root(level, side, id=self._new_id("r"), films=[Film("x.png", id=self._new_id("f"))]))
        self.merging = None
        self._stepped()

    @precondition(lambda self: self.doc.case.roots)
    @rule(data=st.data())
    def remove_root(self, data) -> None:
        root = data.draw(st.sampled_from(self.doc.case.roots))
        self.doc.remove_root(root.id)
        self.merging = None
        self._stepped()

    @precondition(lambda self: self.doc.case.roots)
    @rule(data=st.data(), block=st.sampled_from(list(BlockResult)), vol=st.none() | st.floats(0, 10))
    def update_root(self, data, block: BlockResult, vol: float | None) -> None:
        root = data.draw(st.sampled_from(self.doc.case.roots))
        if root.block_result is block and root.contrast_volume_ml == vol:
            return
        self.doc.update_root(root.id, block_result=block, contrast_volume_ml=vol)
        self.merging = None
        self._stepped()

    @precondition(lambda self: self.doc.case.roots)
    @rule(data=st.data())
    def add_film(self, data) -> None:
        root = data.draw(st.sampled_from(self.doc.case.roots))
        self.doc.add_film(root.id, Film("y.dcm", id=self._new_id("f")))
        self.merging = None
        self._stepped()

    @precondition(lambda self: self._films())
    @rule(data=st.data(), view=st.sampled_from(list(View)), phase=st.sampled_from(list(Phase)), cap=texts)
    def update_film(self, data, view: View, phase: Phase, cap: str) -> None:
        film = data.draw(st.sampled_from(self._films()))
        if (film.view, film.phase, film.caption) == (view, phase, cap):
            return
        self.doc.update_film(film.id, view=view, phase=phase, caption=cap)
        self.merging = None
        self._stepped()

    @precondition(lambda self: self._films())
    @rule(data=st.data())
    def remove_film(self, data) -> None:
        self.doc.remove_film(data.draw(st.sampled_from(self._films())).id)
        self.merging = None
        self._stepped()

    @precondition(lambda self: self.doc.case.roots)
    @rule(data=st.data(), code=st.sampled_from(["bench_sign", "contrast_cutoff"]), angle=st.none() | finite)
    def finding_edits(self, data, code: str, angle) -> None:
        root = data.draw(st.sampled_from(self.doc.case.roots))
        if root.findings and data.draw(st.booleans()):
            f = data.draw(st.sampled_from(root.findings))
            if data.draw(st.booleans()):
                self.doc.remove_finding(root.id, f.id)
            else:
                new = replace(f, note=f.note + "x")
                self.doc.update_finding(root.id, new)
        else:
            self.doc.add_finding(root.id, Finding(code, id=self._new_id("n"), angle_deg=None))
        self.merging = None
        self._stepped()

    @precondition(lambda self: self._films())
    @rule(data=st.data(), x=st.integers(0, 50), y=st.integers(0, 50))
    def redaction_edits(self, data, x: int, y: int) -> None:
        film = data.draw(st.sampled_from(self._films()))
        if film.redactions and data.draw(st.booleans()):
            self.doc.remove_redaction(film.id, film.redactions[0].id)
        else:
            self.doc.add_redaction(film.id, Redaction(x, y, x + 10, y + 10, id=self._new_id("x")))
        self.merging = None
        self._stepped()

    @rule(title=texts, age=st.none() | st.integers(0, 120))
    def update_case(self, title: str, age) -> None:
        if (self.doc.case.title, self.doc.case.age) == (title, age):
            return
        self.doc.update_case(title=title, age=age)
        self.merging = None
        self._stepped()

    @precondition(lambda self: len(self._anns()) >= 1 and self.doc.case.roots)
    @rule(data=st.data())
    def macro(self, data) -> None:
        film_id, ann = data.draw(st.sampled_from(self._anns()))
        root = self.doc.case.roots[0]
        with self.doc.macro("several"):
            self.doc.remove_annotation(film_id, ann.id)
            self.doc.update_root(root.id, notes=root.notes + "m")
        self.merging = None
        self._stepped()

    @rule()
    def undo(self) -> None:
        self.doc.undo()
        self.merging = None
        self.pos = max(0, self.pos - 1)

    @rule()
    def redo(self) -> None:
        self.doc.redo()
        self.merging = None
        self.pos = min(len(self.states) - 1, self.pos + 1)

    @invariant()
    def matches_the_recorded_state(self) -> None:
        assert self.doc.case == self.states[self.pos]
        assert self.doc.can_undo == (self.pos > 0)
        assert self.doc.can_redo == (self.pos < len(self.states) - 1)

    def teardown(self) -> None:
        while self.doc.can_undo:
            self.doc.undo()
        assert self.doc.case == self.states[0]
        assert not self.doc.dirty
        while self.doc.can_redo:
            self.doc.redo()
        assert self.doc.case == self.states[-1]


TestDocumentMachine = DocumentMachine.TestCase
TestDocumentMachine.settings = settings(
    max_examples=60, stateful_step_count=25, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cases(), st.data())
def test_random_case_edit_undo_all_redo_all(case: Case, data) -> None:
    """Starting from a random case: random removals and edits, undo all, redo all."""
    original = copy.deepcopy(case)
    doc = CaseDocument(case, Path("."))
    for _ in range(data.draw(st.integers(1, 8))):
        films = doc.case.films()
        anns = [(f.id, a) for f in films for a in f.annotations]
        choice = data.draw(st.sampled_from(["case", "root", "film", "ann", "rmroot"]))
        if choice == "case":
            doc.update_case(notes=doc.case.notes + "!")
        elif choice == "root" and doc.case.roots:
            r = data.draw(st.sampled_from(doc.case.roots))
            doc.update_root(r.id, adjustments=r.adjustments + "+", subtraction_used=not r.subtraction_used)
        elif choice == "film" and films:
            f = data.draw(st.sampled_from(films))
            doc.update_film(f.id, key_frame=f.key_frame + 1)
        elif choice == "ann" and anns:
            fid, a = data.draw(st.sampled_from(anns))
            doc.remove_annotation(fid, a.id)
        elif choice == "rmroot" and doc.case.roots:
            doc.remove_root(data.draw(st.sampled_from(doc.case.roots)).id)
    final = copy.deepcopy(doc.case)
    while doc.can_undo:
        doc.undo()
    assert doc.case == original and not doc.dirty
    while doc.can_redo:
        doc.redo()
    assert doc.case == final
