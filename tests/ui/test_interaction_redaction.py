"""Redaction tool and select tool on redactions: zero-area clicks ignored, a drag moves, one undo step."""

from __future__ import annotations

import pytest

from annotator.model import Redaction
from annotator.ui.tools import Selection, ToolContext, make_tool
from tests.ui.test_viewport_support import make_case


@pytest.fixture
def case(tmp_path):
    return make_case(tmp_path)


def ctx_with_status(doc, root, film):
    messages: list[str] = []
    ctx = ToolContext(doc, film.id, root.id, tolerance=4.0, selection=Selection(), status=messages.append)
    return ctx, messages


def drag(tool, ctx, a, b, steps=4):
    tool.press(ctx, a)
    for i in range(1, steps + 1):
        tool.move(ctx, (a[0] + (b[0] - a[0]) * i / steps, a[1] + (b[1] - a[1]) * i / steps))
    tool.release(ctx, b)


@pytest.mark.parametrize("end", [(30, 30), (30, 60), (60, 30), (30.4, 30.4)])
def test_redaction_click_without_drag_is_ignored_with_a_message(case, end):
    doc, root, ap, _ = case
    ctx, messages = ctx_with_status(doc, root, ap)
    tool = make_tool("redaction")
    tool.press(ctx, (30, 30))
    tool.release(ctx, end)
    assert doc.film(ap.id).redactions == [] and not doc.can_undo
    assert messages and not tool.busy


def test_redaction_made_with_a_zero_area_box_is_ignored(case):
    doc, root, ap, _ = case
    ctx, messages = ctx_with_status(doc, root, ap)
    make_tool("redaction").made(ctx, 10, 10, 10, 40)  # what a 0-wide box would give
    assert doc.film(ap.id).redactions == [] and messages


def test_select_drag_moves_a_redaction_in_one_undo_step(case):
    doc, root, ap, _ = case
    doc.add_redaction(ap.id, Redaction(200, 200, 240, 220, id="r1"))
    doc.clear_history()
    doc.mark_saved()
    ctx, _ = ctx_with_status(doc, root, ap)
    sel = make_tool("select")
    drag(sel, ctx, (210, 210), (230, 195), steps=5)
    moved = doc.film(ap.id).redaction("r1")
    assert (moved.x0, moved.y0, moved.x1, moved.y1) == (220, 185, 260, 205)
    assert ctx.selection.redaction_id == "r1" and not sel.busy
    doc.undo()
    back = doc.film(ap.id).redaction("r1")
    assert (back.x0, back.y0, back.x1, back.y1) == (200, 200, 240, 220)
    assert not doc.can_undo and not doc.dirty


def test_select_click_on_a_redaction_only_selects_it(case):
    doc, root, ap, _ = case
    doc.add_redaction(ap.id, Redaction(200, 200, 240, 220, id="r1"))
    doc.clear_history()
    ctx, _ = ctx_with_status(doc, root, ap)
    sel = make_tool("select")
    sel.press(ctx, (210, 210))
    sel.release(ctx, (210, 210))
    assert ctx.selection.redaction_id == "r1" and not doc.can_undo
