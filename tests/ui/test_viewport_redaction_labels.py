"""Labels around redactions: an item painted after a redaction (over it) keeps its label, clear
of the labels painted before the redaction."""

from __future__ import annotations

from annotator.model import Redaction
from annotator.ui.viewport import canvas as canvas_module
from annotator.ui.viewport.overlay import OverlayItem


def test_an_item_after_a_redaction_keeps_its_label(qtbot, synthetic_case, make_window, monkeypatch):
    w = make_window(synthetic_case, size=(1400, 900))
    canvas = w.workspace.viewport("AP").canvas
    film = canvas.film
    w.document.add_redaction(film.id, Redaction(10.0, 10.0, 60.0, 30.0))
    w.document.add_redaction(film.id, Redaction(200.0, 200.0, 240.0, 230.0))
    before = dict(canvas.grab() and canvas.painted_labels)
    assert before  # the pedicle margin's level label, painted before the redactions
    after = OverlayItem("path", ((100.0, 100.0), (141.0, 101.0)), (255, 255, 0, 255), label="in progress",
                        layer="sketch")
    monkeypatch.setattr(canvas_module, "_sketch", lambda _tool: [after])
    canvas.update()
    canvas.grab()
    labels = canvas.painted_labels
    texts = [t for t, _r in labels]
    assert "in progress" in texts and texts[:-1] == list(before)
    rects = [r for _t, r in labels]
    assert not any(a.intersects(b) for i, a in enumerate(rects) for b in rects[i + 1:])
