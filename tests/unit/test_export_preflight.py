"""The export's burned-in-text refusal, asked before the export so the GUI can offer the fix."""

from __future__ import annotations

import pytest

from annotator.errors import ExportError
from annotator.export.case_export import export_case
from annotator.export.preflight import film_burned_in, unredacted_burned_in
from tests.unit.test_export_fixtures import make_case


def test_lists_exactly_the_films_the_export_refuses(tmp_path):
    folder = tmp_path / "case"
    case = make_case(folder, n_films=2, identity=False)
    assert unredacted_burned_in(case, folder) == []  # both films carry a redaction
    film = case.roots[0].films[1]
    film.redactions.clear()
    found = unredacted_burned_in(case, folder)
    assert [(f.film_id, f.label, f.path) for f in found] == [(film.id, "1B", "film1.dcm")]
    with pytest.raises(ExportError, match="film 1B"):
        export_case(case, folder, pdf=tmp_path / "out" / "deck.pdf")
    assert film_burned_in(folder / "film1.dcm")


def test_a_plain_image_or_a_missing_file_is_not_burned_in(tmp_path):
    from PIL import Image

    Image.new("L", (8, 8)).save(tmp_path / "a.png")
    assert not film_burned_in(tmp_path / "a.png")
    assert not film_burned_in(tmp_path / "missing.dcm")
