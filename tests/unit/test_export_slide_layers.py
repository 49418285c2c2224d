"""The layers chosen for the burned-in films (legend, verdict, zone, ...) apply to the annotated
slides too; the slide's caption stays its own text box."""

from __future__ import annotations

from dataclasses import replace

from annotator.export.burn_in import Layers
from annotator.export.deck import encode_slide_image, film_slides
from annotator.export.films import iter_films, load_rule_config, prepare_film
from tests.unit.test_export_fixtures import make_case


def prepared(tmp_path):
    folder = tmp_path / "case"
    case = make_case(folder, n_films=1, identity=False)
    root, film = next(iter_films(case))
    return prepare_film(case, folder, root, film, 0, 1, "en", load_rule_config(), None)


def test_the_annotated_slide_shows_the_chosen_layers(tmp_path):
    pf = prepared(tmp_path)
    no_legend = Layers(legend=False, verdict=False)
    default = film_slides(pf)[1].image
    chosen = film_slides(pf, no_legend)[1].image
    assert chosen != default
    assert chosen == encode_slide_image(pf.image(annotated=True, layers=replace(no_legend, caption=False),
                                                 panel=True))
    assert film_slides(pf, Layers())[1].image == default  # all layers: as before
