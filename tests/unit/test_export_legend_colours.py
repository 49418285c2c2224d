"""The legend of a burned-in film uses the colours the marks are drawn in (the needle tip takes
the verdict colour, so its legend line does too)."""

from __future__ import annotations

from annotator.export.films import iter_films, load_rule_config, prepare_film
from annotator.model import Role
from annotator.render import style
from tests.unit.test_export_fixtures import make_case


def test_legend_lines_have_the_colours_drawn(tmp_path, monkeypatch):
    from PIL import ImageDraw

    folder = tmp_path / "case"
    case = make_case(folder, n_films=1, identity=False)
    root, film = next(iter_films(case))
    pf = prepare_film(case, folder, root, film, 0, 1, "en", load_rule_config(), None)
    assert pf.verdict is not None
    drawn: list[tuple[str, tuple]] = []
    real = ImageDraw.ImageDraw.text

    def spy(self, xy, text, *a, **k):
        drawn.append((str(text), tuple(k.get("fill") or ())))
        return real(self, xy, text, *a, **k)

    monkeypatch.setattr(ImageDraw.ImageDraw, "text", spy)
    img = pf.image(annotated=True)
    # the legend column beside the film writes each role's name in its colour
    legend = {text: fill[:3] for text, fill in drawn if text in ("needle tip", "pedicle lower margin")}
    tip_colour = tuple(style.status_color(pf.verdict.status))
    assert legend["needle tip"] == tip_colour != tuple(style.role_color(Role.TIP))
    x, y = film.first(Role.TIP).points[0]
    assert img.getpixel((round(x), round(y)))[:3] == tip_colour  # the tip's solid centre
    assert legend["pedicle lower margin"] == tuple(style.role_color(Role.PEDICLE_MARGIN))
