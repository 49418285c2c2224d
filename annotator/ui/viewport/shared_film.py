"""A film several roots use (one film, several roots: domain.md §4): each root's result on it.

The canvas shows the film for one root (its verdict colours the tip, its zone is
drawn); the other roots that use the film come with their own result, label and
root colour (``render.style.root_color`` by the root's place in the case) so the
overlay can draw their tips and zones too.
"""

from __future__ import annotations

from typing import Any

from annotator.render import style
from annotator.ui.case_panel import root_label
from annotator.ui.viewport.overlay import RootOnFilm


def root_rgba(case: Any, root: Any) -> tuple[int, int, int, int]:
    return (*style.root_color(case.roots.index(root)), 255)


def other_roots(case: Any, film: Any, root: Any) -> list[RootOnFilm]:
    """The other roots using ``film``, each with its ``FilmResult`` on it."""
    from annotator.rules import evaluate_film

    return [RootOnFilm(r.id, root_label(r), root_rgba(case, r), evaluate_film(film, r))
            for r in case.roots_of(film.id) if r.id != root.id]


def active_root(case: Any, root: Any, result: Any, others: list[RootOnFilm]) -> RootOnFilm | None:
    """The shown root as the overlay labels it, when the film is shared (None otherwise)."""
    if root is None or not others:
        return None
    return RootOnFilm(root.id, root_label(root), root_rgba(case, root), result)
