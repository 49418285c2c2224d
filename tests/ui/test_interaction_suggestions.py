"""Suggestions through the tools layer: a drag keeps a suggestion unconfirmed; accept replaces the single tip."""

from __future__ import annotations

from annotator.model import Annotation, Finding, Role, ShapeKind
from annotator.ui.tools import (
    Selection,
    ToolContext,
    accept_suggestion,
    make_tool,
    reject_suggestion,
    suggestion_key,
)
from tests.ui.test_viewport_support import make_case


def ctx_for(doc, root, film):
    return ToolContext(doc, film.id, root.id, tolerance=4.0, selection=Selection())


def test_dragging_a_suggested_tip_keeps_it_a_suggestion_until_enter(tmp_path):
    doc, root, ap, _ = make_case(tmp_path, tip=(120.0, 104.0))
    sug = Annotation(Role.TIP, ShapeKind.POINT, ((60.0, 60.0),), suggested=True, attrs={"source": "assist"})
    doc.add_annotation(ap.id, sug)
    ctx = ctx_for(doc, root, ap)
    sel = make_tool("select")
    sel.press(ctx, (60.0, 60.0))
    sel.move(ctx, (70.0, 65.0))
    sel.release(ctx, (70.0, 65.0))
    moved = doc.film(ap.id).annotation(sug.id)
    assert moved.points == ((70.0, 65.0),) and moved.suggested
    assert len([a for a in doc.film(ap.id).annotations if a.role is Role.TIP and not a.suggested]) == 1
    assert suggestion_key(ctx, "enter")
    tips = [a for a in doc.film(ap.id).annotations if a.role is Role.TIP]
    assert [(a.id, a.suggested, a.points) for a in tips] == [(sug.id, False, ((70.0, 65.0),))]


def test_keys_do_nothing_to_a_confirmed_selection(tmp_path):
    doc, root, ap, _ = make_case(tmp_path, tip=(120.0, 104.0))
    ctx = ctx_for(doc, root, ap)
    ctx.selection.annotation_id = doc.film(ap.id).first(Role.TIP).id
    assert not suggestion_key(ctx, "enter") and not suggestion_key(ctx, "escape")
    assert not doc.can_undo


def test_accept_and_reject_a_finding_suggestion_with_its_finding(tmp_path):
    doc, root, ap, _ = make_case(tmp_path)
    for n in range(2):
        ann = Annotation(Role.FINDING, ShapeKind.POINT, ((50.0 + n, 50.0),), text="contrast_cutoff", suggested=True)
        f = Finding("contrast_cutoff", film_id=ap.id, annotation_id=ann.id, suggested=True)
        doc.add_annotation(ap.id, ann)
        doc.add_finding(root.id, f)
    a1, a2 = [a for a in doc.film(ap.id).annotations if a.role is Role.FINDING]
    ctx = ctx_for(doc, root, ap)
    assert accept_suggestion(ctx, a1.id)
    f1 = next(f for f in doc.case.root(root.id).findings if f.annotation_id == a1.id)
    assert not f1.suggested and not doc.film(ap.id).annotation(a1.id).suggested
    assert ctx.selection.annotation_id == a2.id  # the next suggestion
    assert reject_suggestion(ctx, a2.id)
    assert [f.annotation_id for f in doc.case.root(root.id).findings] == [a1.id]
    doc.undo()
    assert len(doc.case.root(root.id).findings) == 2  # one undo step brings both back


def proposal(doc, film_id, tip, shaft, frame=0, **attrs):
    attrs = {"source": "assist", **attrs}
    t = Annotation(Role.TIP, ShapeKind.POINT, (tip,), frame=frame, suggested=True, attrs=attrs)
    s = Annotation(Role.SHAFT, ShapeKind.LINE, (tip, shaft), frame=frame, suggested=True, attrs=attrs)
    doc.add_annotation(film_id, t)
    doc.add_annotation(film_id, s)
    return t, s


def test_enter_on_a_proposed_tip_accepts_its_shaft_too_in_one_undo_step(tmp_path):
    doc, root, ap, _ = make_case(tmp_path)
    tip, shaft = proposal(doc, ap.id, (60.0, 60.0), (90.0, 20.0))
    ctx = ctx_for(doc, root, ap)
    ctx.selection.annotation_id = tip.id
    assert suggestion_key(ctx, "enter")
    film = doc.film(ap.id)
    assert not film.annotation(tip.id).suggested and not film.annotation(shaft.id).suggested
    doc.undo()
    film = doc.film(ap.id)
    assert film.annotation(tip.id).suggested and film.annotation(shaft.id).suggested


def test_escape_on_a_tip_leaves_the_shaft_of_another_proposal_and_the_selected_is_named(tmp_path):
    doc, root, ap, _ = make_case(tmp_path)
    tip, shaft = proposal(doc, ap.id, (60.0, 60.0), (90.0, 20.0), proposal_id="a")
    _tip2, other_shaft = proposal(doc, ap.id, (70.0, 60.0), (95.0, 20.0), proposal_id="b")
    doc.remove_annotation(ap.id, _tip2.id)
    finding = Annotation(Role.FINDING, ShapeKind.POINT, ((50.0, 50.0),), text="contrast_cutoff", suggested=True)
    doc.add_annotation(ap.id, finding)
    messages = []
    ctx = ToolContext(doc, ap.id, root.id, tolerance=4.0, selection=Selection(), status=messages.append)
    ctx.selection.annotation_id = tip.id
    assert suggestion_key(ctx, "escape")
    ids = [a.id for a in doc.film(ap.id).annotations]
    assert tip.id not in ids and shaft.id not in ids and other_shaft.id in ids and finding.id in ids
    assert "Enter/Esc: accept/reject the selected suggestion (2 left)" in messages[-1]
