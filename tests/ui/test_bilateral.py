"""One film, several roots, and the side of every mark in the GUI (issue #9)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from annotator.model import Annotation, MarkSide, Role, ShapeKind
from annotator.ui.tools import make_tool
from annotator.ui.viewport.mark_menu import mark_menu, set_mark_root, set_mark_side
from annotator.ui.viewport.palette import status_rgba

BILATERAL = Path(__file__).resolve().parents[2] / "sample_images" / "cases" / "bilateral_L5"


@pytest.fixture
def bilateral(tmp_path) -> Path:
    if not BILATERAL.is_dir():
        pytest.skip("sample cases not generated")
    dst = tmp_path / "bilateral_L5"
    shutil.copytree(BILATERAL, dst)
    return dst / "case.json"


def drag(tool, ctx, a, b):
    tool.press(ctx, a)
    tool.move(ctx, ((a[0] + b[0]) / 2, (a[1] + b[1]) / 2))
    tool.release(ctx, b)


def test_bilateral_case_shows_both_roots_verdicts_at_once(make_window, bilateral):
    w = make_window(bilateral, size=(1600, 1000))
    right, left = w.document.case.roots
    (ap_id,) = left.shared_film_ids
    w.select_film(left.id, ap_id)
    text = w.verdict_panel.plain_text()
    assert "left L5" in text and "Fig 6A (AP)" in text and "near the target" in text
    assert "same film, right L5: on target" in text  # the other root's verdict on the shared film
    canvas = w.workspace.viewport("AP").canvas
    assert canvas.film_id == ap_id and canvas.root.id == left.id
    assert canvas.result.verdict.status.value == "near"
    (other,) = canvas.other_roots
    assert other.root_id == right.id and other.result.verdict.status.value == "on_target"
    items = canvas.overlay_items()
    tips = {it.ann_id: it for it in items if it.role == "tip"}
    film = w.document.film(ap_id)
    right_tip = next(a for a in film.annotations if a.role is Role.TIP and a.root_id == right.id)
    left_tip = next(a for a in film.annotations if a.role is Role.TIP and a.root_id == left.id)
    assert tips[right_tip.id].color == other.color and tips[right_tip.id].label.startswith("right L5")
    assert tips[left_tip.id].color == status_rgba("near") and tips[left_tip.id].label.startswith("left L5")
    assert any(it.role == "other_zone_on" for it in items)  # the right root's target zone is drawn too
    # the case panel lists the shared film under both roots
    w.select_film(right.id, ap_id)
    assert "same film, left L5: near the target" in w.verdict_panel.plain_text()


def test_drawing_a_pedicle_margin_gets_the_side_it_is_drawn_on(make_window, synthetic_case):
    w = make_window(synthetic_case, size=(1200, 800))
    canvas = w.workspace.viewport("AP").canvas
    ctx = canvas.context()
    film = ctx.film
    film.annotations = [a for a in film.annotations if a.role is not Role.PEDICLE_MARGIN]
    tool = make_tool("pedicle_margin")
    # 256 px wide AP film, default directions (+x = patient left): x < 128 is the patient's right
    drag(tool, ctx, (40, 100), (80, 100))
    drag(tool, ctx, (170, 100), (210, 100))
    margins = [a for a in w.document.film(film.id).annotations if a.role is Role.PEDICLE_MARGIN]
    assert [a.side for a in margins] == [MarkSide.RIGHT, MarkSide.LEFT]  # two sides: neither replaced the other
    assert all(a.level == "L5" for a in margins)
    # a marked midline wins over the image centre: with the spine at x = 230, x = 200 is the right side
    w.document.add_annotation(film.id, Annotation(Role.MIDLINE, ShapeKind.LINE, ((230, 0), (230, 256))))
    drag(tool, ctx, (190, 120), (210, 120))
    newest = [a for a in w.document.film(film.id).annotations if a.role is Role.PEDICLE_MARGIN]
    assert newest[0].side is MarkSide.RIGHT and newest[0].points[0][1] == 120  # replaced the right one
    # the tip tool gives the tip its root
    click_tip = make_tool("tip")
    click_tip.press(ctx, (60, 104))
    click_tip.release(ctx, (60, 104))
    (tip,) = [a for a in w.document.film(film.id).annotations if a.role is Role.TIP]
    assert tip.root_id == ctx.root_id


def test_side_and_root_are_edited_through_the_undo_stack(make_window, bilateral):
    w = make_window(bilateral)
    doc = w.document
    right, left = doc.case.roots
    ap = doc.film(left.shared_film_ids[0])
    margin = next(a for a in ap.annotations if a.role is Role.PEDICLE_MARGIN and a.side is MarkSide.LEFT)
    menu = mark_menu(w, doc, ap.id, margin.id)
    assert menu is not None and [a.text() for a in menu.actions() if a.isCheckable()] == ["left", "right",
                                                                                         "side unknown"]
    set_mark_side(doc, ap.id, margin.id, MarkSide.UNKNOWN)
    assert doc.film(ap.id).annotation(margin.id).side is MarkSide.UNKNOWN
    from annotator.rules import evaluate_case

    verdicts = {r.root_id: r.films for r in evaluate_case(doc.case).roots}
    assert any(f.verdict.status.value == "ambiguous" for f in verdicts[right.id] if f.film_id == ap.id)
    doc.undo()
    assert doc.film(ap.id).annotation(margin.id).side is MarkSide.LEFT
    tip = next(a for a in ap.annotations if a.role is Role.TIP and a.root_id == left.id)
    set_mark_root(doc, ap.id, tip.id, right.id)
    assert doc.film(ap.id).annotation(tip.id).root_id == right.id
    doc.undo()
    assert doc.film(ap.id).annotation(tip.id).root_id == left.id


def test_importing_a_film_of_another_root_shares_it(make_window, synthetic_case, tmp_path):
    w = make_window(synthetic_case)
    w.case_panel.add_root("L5", "left")
    right, left = w.document.case.roots
    ap = next(f for f in right.films if f.path == "ap.png")
    copy = tmp_path / "ap_exported_again.png"
    shutil.copy2(synthetic_case.parent / "ap.png", copy)
    added, problems = w.case_panel.add_files([copy], root_id=left.id)
    assert added == [ap.id] and not problems
    assert left.shared_film_ids == [ap.id] and left.films == []
    assert len(w.document.case.films()) == 2  # not duplicated
    assert w.save()
    from annotator.io.casefile import load_case

    assert load_case(synthetic_case).roots[1].shared_film_ids == [ap.id]
    # removing the film removes the sharing too: the saved file stays readable
    w.document.remove_film(ap.id)
    assert w.document.case.roots[1].shared_film_ids == []
    w.document.undo()
    assert w.document.case.roots[1].shared_film_ids == [ap.id]
    w.document.remove_root(right.id)
    assert w.save() and load_case(synthetic_case).roots[0].shared_film_ids == []


class PickRoot:
    def __init__(self, root_id):
        self.root_id, self.asked = root_id, []

    def choice(self, title, label, options, default):
        self.asked.append([text for _, text in options])
        return self.root_id


def test_the_tip_tool_asks_which_root_only_when_it_cannot_tell(make_window, bilateral):
    from annotator.ui.tools import Selection, ToolContext

    w = make_window(bilateral)
    doc = w.document
    right, left = doc.case.roots
    ap_id = left.shared_film_ids[0]
    asker = PickRoot(left.id)
    tool = make_tool("shaft")
    # the shown root uses the film: no question, the mark is that root's
    ctx = ToolContext(doc, ap_id, left.id, ask=asker, selection=Selection())
    drag(tool, ctx, (700, 300), (640, 400))
    assert asker.asked == []
    shafts = [a for a in doc.film(ap_id).annotations if a.role is Role.SHAFT and a.root_id == left.id]
    assert len(shafts) == 1 and shafts[0].points == ((700, 300), (640, 400))  # replaced the left shaft only
    assert len([a for a in doc.film(ap_id).annotations if a.role is Role.SHAFT]) == 2
    # no shown root among the film's roots: ask, and the answer decides
    ctx = ToolContext(doc, ap_id, None, ask=asker, selection=Selection())
    drag(tool, ctx, (710, 300), (650, 400))
    assert asker.asked == [["right L5", "left L5"]]
    (shaft,) = [a for a in doc.film(ap_id).annotations if a.role is Role.SHAFT and a.root_id == left.id]
    assert shaft.points == ((710, 300), (650, 400))


@pytest.mark.parametrize("size", [(1600, 1000), (1280, 800), (1440, 900)])
@pytest.mark.parametrize("shown", [0, 1])
def test_each_roots_tip_label_sits_by_its_own_tip_clear_of_the_other_labels(make_window, bilateral, shown, size):
    """The shared AP film: no label covers another (the other root's tip label used to cover the
    pedicle label in a smaller window); at the default size each tip label is beside its own tip."""
    w = make_window(bilateral, size=size)
    roots = w.document.case.roots
    ap_id = roots[1].shared_film_ids[0]
    w.select_film(roots[shown].id, ap_id)
    canvas = w.workspace.viewport("AP").canvas
    canvas.grab()  # paint
    painted = canvas.painted_labels
    overlaps = [(a, b) for i, (a, ra) in enumerate(painted) for b, rb in painted[i + 1:] if ra.intersects(rb)]
    assert not overlaps, overlaps
    if size != (1600, 1000):
        return  # smaller: the needles are closer together than a label is long
    film = w.document.film(ap_id)
    tips = {r.label: next(a for a in film.annotations if a.role is Role.TIP and a.root_id == r.id) for r in roots}
    for label, tip in tips.items():
        [(text, rect)] = [(t, r) for t, r in painted if t.startswith(f"{label}:")]
        own = canvas.transform.to_widget(*tip.points[0])
        assert rect.adjusted(-14, -14, 14, 14).contains(*own), (text, rect, own)
        for other_label, other in tips.items():
            if other_label != label:
                far = canvas.transform.to_widget(*other.points[0])
                assert not rect.adjusted(-14, -14, 14, 14).contains(*far), (text, rect, far)


def test_propose_needle_on_a_shared_film_gives_the_shown_roots_own_needle(make_window, bilateral):
    # the AP film shows both needles; the proposal for the left L5 root is the left needle,
    # given to that root -- never the better-scoring needle of the other side
    w = make_window(bilateral, size=(1600, 1000))
    right, left = w.document.case.roots
    (ap_id,) = left.shared_film_ids
    film = w.document.film(ap_id)
    tips = {a.root_id: a.points[0] for a in film.annotations if a.role is Role.TIP and not a.suggested}
    for root in (left, right):
        w.select_film(root.id, ap_id)
        prop = w.assist_toolbar.assist.propose_needle()
        assert prop is not None and prop.side == root.side.value
        (suggested,) = [a for a in w.document.film(ap_id).annotations if a.role is Role.TIP and a.suggested]
        assert suggested.root_id == root.id
        x, y = suggested.points[0]
        assert abs(x - tips[root.id][0]) < 8 and abs(y - tips[root.id][1]) < 8


def test_analyse_path_on_a_shared_film_uses_and_feeds_the_shown_root(make_window, bilateral):
    w = make_window(bilateral, size=(1600, 1000))
    right, left = w.document.case.roots
    (ap_id,) = left.shared_film_ids
    assist = w.assist_toolbar.assist
    for root in (left, right):
        w.select_film(root.id, ap_id)
        assert assist.analyse_path() is not None
    film = w.document.film(ap_id)
    for root in (left, right):  # each root keeps the suggestion from its own path
        (finding,) = [f for f in root.findings if f.suggested and f.film_id == ap_id]
        mark = film.annotation(finding.annotation_id)
        (path,) = [a for a in film.annotations if a.role is Role.CONTRAST_PATH and a.root_id == root.id]
        assert mark.root_id == root.id
        assert min(abs(mark.points[0][0] - x) + abs(mark.points[0][1] - y) for x, y in path.points) < 3
