"""Text on the films stays readable: labels do not overlap each other (an arrow's text sits at its
tail), and the corner text keeps clear of the redaction boxes."""

from __future__ import annotations

from PyQt6.QtCore import QPoint, Qt

from annotator.model import Role
from annotator.ui.dialogs import ScriptedPrompter
from annotator.ui.main_window import MainWindow
from annotator.ui.viewport import furniture


def _window(qtbot, case):
    w = MainWindow(prompter=ScriptedPrompter(), restore_layout=False)
    qtbot.addWidget(w)
    w.resize(1600, 1000)
    w.show()
    qtbot.waitExposed(w)
    assert w.open_case(case)
    return w


class Ask:
    def text(self, title, label, default):
        return "cut-off here"


def test_an_arrow_pointing_at_the_iliac_crest_label_does_not_cover_it(qtbot, sample_copy):
    w = _window(qtbot, sample_copy / "right_L5_on_target")
    canvas = w.workspace.viewport("AP").canvas
    canvas.asker = Ask()  # the arrow's text dialog
    crest = canvas.film.first(Role.ILIAC_CREST)
    head = crest.points[-1]
    tail = (head[0] - 120.0, head[1] - 110.0)
    w.tool_actions["arrow"][0].trigger()
    to = lambda p: QPoint(*(round(v) for v in canvas.transform.to_widget(*p)))  # noqa: E731
    qtbot.mousePress(canvas, Qt.MouseButton.LeftButton, pos=to(tail))
    qtbot.mouseMove(canvas, to(head))
    qtbot.mouseRelease(canvas, Qt.MouseButton.LeftButton, pos=to(head))
    arrow = canvas.film.first(Role.ARROW)
    assert arrow is not None and arrow.text == "cut-off here"
    canvas.grab()  # paint
    labels = dict(canvas.painted_labels)
    rects = list(labels.values())
    assert len(rects) >= 6
    overlaps = [(a, b) for i, (a, ra) in enumerate(canvas.painted_labels)
                for b, rb in canvas.painted_labels[i + 1:] if ra.intersects(rb)]
    assert not overlaps, overlaps
    sx, sy = canvas.transform.to_widget(*arrow.points[0])
    assert labels["cut-off here"].adjusted(-12, -12, 12, 12).contains(sx, sy)  # at the tail
    hx, hy = canvas.transform.to_widget(*arrow.points[-1])
    assert not labels["iliac crest (≈ L4 / L4-5)"].contains(hx, hy)
    w.autosaver.timer.stop()
    w.hide()


def test_corner_text_keeps_clear_of_the_redaction_box(qtbot, sample_copy):
    w = _window(qtbot, sample_copy / "cine_venous_blush")
    canvas = w.workspace.viewport("AP").canvas
    assert canvas.display.frames > 1 and canvas.film.redactions
    canvas.grab()
    fm = furniture.text_metrics(canvas)
    blocks = furniture.corner_blocks(canvas, fm)
    boxes = furniture.redaction_rects(canvas)
    assert blocks["top_left"].lines[0].startswith("Frame")
    for block in blocks.values():
        assert not any(block.rect.intersects(b) for b in boxes), block
    # the frame/time text stays near its corner: just below the box
    assert blocks["top_left"].rect.top() < max(b.bottom() for b in boxes) + 30
    w.autosaver.timer.stop()
    w.hide()
