"""The sample case in the three-view workspace (skipped until sample_images/cases is generated)."""

from __future__ import annotations

import pytest

from annotator.io import open_image
from annotator.io.casefile import load_case
from annotator.model.document import CaseDocument
from annotator.ui.viewport.overlay import tip_item
from annotator.ui.viewport.palette import status_rgba
from annotator.ui.workspace import Workspace


@pytest.mark.slow
def test_every_sample_film_shows_with_its_verdict_colour(qtbot, sample_copy, tmp_path):
    cases = sorted(sample_copy.glob("*/case.json"))
    assert len(cases) >= 5, "the sample cases ship a case.json each"
    path = cases[0]
    doc = CaseDocument(load_case(path), path.parent, path)
    ws = Workspace(doc)
    qtbot.addWidget(ws)
    ws.resize(1500, 560)
    ws.show()
    qtbot.waitExposed(ws)
    shown = 0
    for root in doc.case.roots:
        for film in root.films:
            vp = ws.show_film(root.id, film.id, open_image(doc.film_path(film.id)))
            c = vp.canvas
            assert c.display is not None
            tip = tip_item(c.overlay_items())
            verdict = getattr(c.result, "verdict", None)
            if tip is not None and verdict is not None:
                assert tip.color == status_rgba(verdict.status)
            shown += 1
    assert shown >= 1
    assert ws.grab().save(str(tmp_path / "workspace.png"))
