"""Tools driven with synthetic image-space events and a real CaseDocument (no widget)."""

from __future__ import annotations

import pytest

from annotator.model import Role, ShapeKind
from annotator.ui.tools import TOOLS, Selection, ToolContext, make_tool, tool_spec
from tests.ui.test_viewport_support import make_case


class StubAsker:
    def __init__(self, number=None, text=None, choice=None):
        self._number, self._text, self._choice = number, text, choice
        self.asked: list[str] = []

    def number(self, title, label, default):
        self.asked.append("number")
        return self._number

    def text(self, title, label, default):
        self.asked.append("text")
        return self._text

    def choice(self, title, label, options, default):
        self.asked.append("choice")
        self.options, self.default = list(options), default
        return self._choice if self._choice is not None else default


@pytest.fixture
def case(tmp_path):
    return make_case(tmp_path)


def ctx_for(doc, root, film, asker=None, frame=0) -> ToolContext:
    return ToolContext(doc, film.id, root.id, frame=frame, tolerance=4.0, ask=asker, selection=Selection())


def click(tool, ctx, p):
    tool.press(ctx, p)
    tool.release(ctx, p)


def drag(tool, ctx, a, b, steps=4):
    tool.press(ctx, a)
    for i in range(1, steps + 1):
        tool.move(ctx, (a[0] + (b[0] - a[0]) * i / steps, a[1] + (b[1] - a[1]) * i / steps))
    tool.release(ctx, b)


def of(doc, film, role):
    return [a for a in doc.film(film.id).annotations if a.role is role]


def test_registry_is_complete_and_its_shortcuts_avoid_the_view_keys():
    names = [s.name for s in TOOLS]
    assert len(names) == len(set(names))
    shortcuts = [s.shortcut.upper() for s in TOOLS]
    assert len(shortcuts) == len(set(shortcuts))
    assert not set(shortcuts) & {"I", "H", "V", "R", "M", "1", "2", "3", "4", "5", "SPACE", ",", "."}
    for spec in TOOLS:
        assert make_tool(spec.name).name == spec.name
        assert spec.label and spec.help and spec.tr_label()
    for needed in ("select", "tip", "shaft", "contrast_path", "pedicle_margin", "sap_margin", "foramen",
                   "s1_foramen", "midline", "iliac_crest", "level_label", "finding", "arrow", "ruler", "angle",
                   "calibration", "redaction"):
        assert tool_spec(needed)
    with pytest.raises(KeyError):
        make_tool("lasso")


def test_tip_is_single_instance_and_a_drag_is_one_undo_step(case):
    doc, root, ap, _ = case
    ctx = ctx_for(doc, root, ap)
    tool = make_tool("tip")
    click(tool, ctx, (10, 10))
    click(tool, ctx, (20, 20))
    tips = of(doc, ap, Role.TIP)
    assert len(tips) == 1 and tips[0].points == ((20, 20),)
    drag(tool, ctx, (20, 20), (60, 70), steps=6)
    assert of(doc, ap, Role.TIP)[0].points == ((60, 70),)
    drag(tool, ctx, (60, 70), (61, 71))  # a second drag is its own step
    doc.undo()
    assert of(doc, ap, Role.TIP)[0].points == ((60, 70),)
    doc.undo()  # the whole first drag at once
    assert of(doc, ap, Role.TIP)[0].points == ((20, 20),)


def test_shaft_is_stored_hub_first_even_when_drawn_from_the_tip(case):
    doc, root, ap, _ = case
    ctx = ctx_for(doc, root, ap)
    click(make_tool("tip"), ctx, (120, 104))
    drag(make_tool("shaft"), ctx, (121, 105), (200, 30))
    shaft = of(doc, ap, Role.SHAFT)[0]
    assert shaft.kind is ShapeKind.LINE and shaft.points == ((200, 30), (121, 105))


def test_pedicle_margin_is_reordered_medial_to_lateral(case):
    doc, root, ap, _ = case  # right root on an AP film: +x = patient left, so lateral = image left
    ctx = ctx_for(doc, root, ap)
    drag(make_tool("pedicle_margin"), ctx, (60, 200), (100, 200))
    margins = of(doc, ap, Role.PEDICLE_MARGIN)
    assert len(margins) == 1  # replaced the existing one
    assert margins[0].points == ((100, 200), (60, 200))


def test_pedicle_margin_uses_the_midline_when_marked(case):
    doc, root, ap, _ = case
    ctx = ctx_for(doc, root, ap)
    drag(make_tool("midline"), ctx, (20, 0), (20, 250))  # midline left of the margin
    drag(make_tool("pedicle_margin"), ctx, (100, 150), (60, 150))
    assert of(doc, ap, Role.PEDICLE_MARGIN)[0].points == ((60, 150), (100, 150))


def test_two_clicks_make_a_line_and_a_click_makes_an_sap_point(case):
    doc, root, ap, _ = case
    ctx = ctx_for(doc, root, ap)
    ruler = make_tool("ruler")
    click(ruler, ctx, (10, 10))
    assert ruler.busy and not of(doc, ap, Role.RULER)
    ruler.hover(ctx, (40, 50))
    assert ruler.sketches()[0].points == ((10, 10), (40, 50))
    click(ruler, ctx, (40, 50))
    assert of(doc, ap, Role.RULER)[0].points == ((10, 10), (40, 50))
    click(make_tool("sap_margin"), ctx, (120, 130))
    sap = of(doc, ap, Role.SAP_MARGIN)[0]
    assert sap.kind is ShapeKind.POINT


def test_contrast_path_snaps_to_the_tip_and_ends_on_double_click(case):
    doc, root, ap, _ = case
    ctx = ctx_for(doc, root, ap)
    click(make_tool("tip"), ctx, (120, 104))
    path = make_tool("contrast_path")
    click(path, ctx, (122, 106))  # within 3 x tolerance of the tip
    click(path, ctx, (150, 130))
    click(path, ctx, (170, 170))
    assert path.double_click(ctx, (170, 170))
    stored = of(doc, ap, Role.CONTRAST_PATH)[0]
    assert stored.kind is ShapeKind.POLYLINE
    assert stored.points == ((120, 104), (150, 130), (170, 170))


def test_polygon_needs_three_points_and_backspace_removes_the_last(case):
    doc, root, _ap, lat = case
    messages = []
    ctx = ctx_for(doc, root, lat)
    ctx.status = messages.append
    tool = make_tool("foramen")
    click(tool, ctx, (0, 0))
    click(tool, ctx, (10, 0))
    assert tool.key(ctx, "enter") and not of(doc, lat, Role.FORAMEN) and messages
    click(tool, ctx, (99, 99))
    assert tool.key(ctx, "backspace")
    click(tool, ctx, (10, 10))
    tool.key(ctx, "enter")
    assert of(doc, lat, Role.FORAMEN)[0].points == ((0, 0), (10, 0), (10, 10))


def test_angle_finishes_at_three_points(case):
    doc, root, ap, _ = case
    ctx = ctx_for(doc, root, ap)
    tool = make_tool("angle")
    for p in ((10, 0), (0, 0), (0, 10)):
        click(tool, ctx, p)
    from annotator.ui.viewport.overlay import angle_degrees

    ang = of(doc, ap, Role.ANGLE)[0]
    assert angle_degrees(ang.points) == pytest.approx(90.0)


def test_s1_ellipse_from_a_dragged_box(case):
    doc, root, ap, _ = case
    ctx = ctx_for(doc, root, ap)
    drag(make_tool("s1_foramen"), ctx, (40, 60), (80, 80))
    e = of(doc, ap, Role.S1_FORAMEN)[0]
    assert e.kind is ShapeKind.ELLIPSE and e.points == ((60, 70),) and e.radii == (20, 10)


def test_calibration_asks_the_length_and_cancel_stores_nothing(case):
    doc, root, ap, _ = case
    drag(make_tool("calibration"), ctx_for(doc, root, ap, StubAsker(number=None)), (0, 0), (100, 0))
    assert not of(doc, ap, Role.CALIBRATION)
    drag(make_tool("calibration"), ctx_for(doc, root, ap, StubAsker(number=25.0)), (0, 0), (100, 0))
    cal = doc.film(ap.id).effective_calibration()
    assert cal.unit_label == "mm (calibrated)" and cal.length((0, 0), (100, 0)) == pytest.approx(25.0)


def test_level_label_defaults_to_the_roots_level(case):
    doc, root, ap, _ = case
    asker = StubAsker()
    click(make_tool("level_label"), ctx_for(doc, root, ap, asker), (30, 30))
    label = of(doc, ap, Role.LEVEL_LABEL)[0]
    assert asker.default == "L5" and label.text == "L5" and label.level == "L5"


def test_finding_marker_adds_annotation_and_finding_in_one_step(case):
    doc, root, ap, _ = case
    asker = StubAsker(choice="contrast_cutoff")
    ctx = ctx_for(doc, root, ap, asker)
    click(make_tool("finding"), ctx, (90, 95))
    ann = of(doc, ap, Role.FINDING)[0]
    finding = doc.root(root.id).findings[0]
    assert finding.code == "contrast_cutoff" and finding.annotation_id == ann.id and finding.film_id == ap.id
    assert any(code == "contrast_cutoff" for code, _ in asker.options)
    doc.undo()  # one step removes both
    assert not doc.root(root.id).findings and not of(doc, ap, Role.FINDING)
    doc.redo()
    ann = of(doc, ap, Role.FINDING)[0]
    ctx.selection.annotation_id = ann.id  # deleting the marker removes its finding too
    assert make_tool("select").key(ctx, "delete")
    assert not doc.root(root.id).findings and not of(doc, ap, Role.FINDING)
    doc.undo()
    assert doc.root(root.id).findings and of(doc, ap, Role.FINDING)


def test_arrow_takes_its_text(case):
    doc, root, ap, _ = case
    drag(make_tool("arrow"), ctx_for(doc, root, ap, StubAsker(text="cutoff here")), (10, 10), (50, 50))
    assert of(doc, ap, Role.ARROW)[0].text == "cutoff here"


def test_redaction_rectangle_goes_to_the_document_and_can_be_deleted(case):
    doc, root, ap, _ = case
    ctx = ctx_for(doc, root, ap)
    drag(make_tool("redaction"), ctx, (50, 40), (10, 5))
    red = doc.film(ap.id).redactions[0]
    assert (red.x0, red.y0, red.x1, red.y1) == (10, 5, 50, 40)
    sel = make_tool("select")
    click(sel, ctx, (20, 20))
    assert ctx.selection.redaction_id == red.id
    assert sel.key(ctx, "delete") and not doc.film(ap.id).redactions


def test_select_moves_a_handle_or_the_whole_shape_in_one_step_each(case):
    doc, root, ap, _ = case
    ctx = ctx_for(doc, root, ap)
    sel = make_tool("select")
    drag(sel, ctx, (140, 100), (150, 90))  # the margin's first vertex
    assert of(doc, ap, Role.PEDICLE_MARGIN)[0].points == ((150, 90), (100, 100))
    drag(sel, ctx, (110, 99), (110, 119))  # grab the segment itself: moves both ends
    assert of(doc, ap, Role.PEDICLE_MARGIN)[0].points[1] == pytest.approx((100, 120))
    doc.undo()
    assert of(doc, ap, Role.PEDICLE_MARGIN)[0].points == ((150, 90), (100, 100))
    doc.undo()
    assert of(doc, ap, Role.PEDICLE_MARGIN)[0].points == ((140, 100), (100, 100))
    click(sel, ctx, (5, 250))
    assert sel.hit_nothing and ctx.selection.annotation_id is None


def test_escape_cancels_every_tool_in_progress(case):
    doc, root, ap, _ = case
    ctx = ctx_for(doc, root, ap)
    for name in ("ruler", "contrast_path", "foramen", "angle"):
        tool = make_tool(name)
        click(tool, ctx, (10, 10))
        assert tool.busy
        assert tool.key(ctx, "escape") and not tool.busy
    box = make_tool("s1_foramen")
    box.press(ctx, (1, 1))
    box.move(ctx, (30, 30))
    assert box.cancel() and not box.busy
    assert len(doc.film(ap.id).annotations) == 1  # only the fixture's pedicle margin


def test_new_annotations_land_on_the_current_frame(case):
    doc, root, ap, _ = case
    click(make_tool("level_label"), ctx_for(doc, root, ap, StubAsker(), frame=3), (30, 30))
    assert of(doc, ap, Role.LEVEL_LABEL)[0].frame == 3


def test_select_resizes_an_ellipse_by_its_axis_handles(case):
    doc, root, ap, _ = case
    ctx = ctx_for(doc, root, ap)
    drag(make_tool("s1_foramen"), ctx, (40, 60), (80, 80))  # centre (60, 70), radii (20, 10)
    sel = make_tool("select")
    drag(sel, ctx, (80, 70), (90, 75))  # the rx handle
    assert of(doc, ap, Role.S1_FORAMEN)[0].radii == (30, 10)
    drag(sel, ctx, (60, 80), (60, 95))  # the ry handle
    assert of(doc, ap, Role.S1_FORAMEN)[0].radii == (30, 25)
    drag(sel, ctx, (60, 70), (70, 70))  # inside: moves the whole ellipse
    assert of(doc, ap, Role.S1_FORAMEN)[0].points == ((70, 70),)


def test_landmarks_get_their_vertebra_level(case):
    doc, root, ap, lat = case  # right L5
    ctx = ctx_for(doc, root, ap)
    drag(make_tool("sap_margin"), ctx, (100, 130), (140, 130))
    drag(make_tool("pedicle_margin"), ctx, (100, 100), (140, 100))
    assert of(doc, ap, Role.SAP_MARGIN)[0].level == "S1"
    assert of(doc, ap, Role.PEDICLE_MARGIN)[0].level == "L5"
    foramen = make_tool("foramen")
    lctx = ctx_for(doc, root, lat)
    for p in ((0, 0), (10, 0), (10, 10)):
        click(foramen, lctx, p)
    foramen.key(lctx, "enter")
    assert of(doc, lat, Role.FORAMEN)[0].level == "L5"
