"""Checks an interface can run before an export starts, so it can offer the fix in place.

``unredacted_burned_in(case, folder)`` lists the films a de-identified export would refuse
(``films.needs_redaction``): the DICOM header says the pixels carry burned-in text
(``BurnedInAnnotation YES``) and no redaction rectangle is drawn. The same rule, asked early.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from annotator.export import text as tx
from annotator.export.films import burned_in_value, figure_indices, iter_films, needs_redaction
from annotator.model import Case


@dataclass(frozen=True)
class BurnedInFilm:
    """A film with burned-in text and no redaction: ids to find it, the export's label for it."""

    root_id: str
    film_id: str
    label: str  # the figure label the export uses ("1A" when the user gave none)
    path: str  # as stored in the case (relative to its folder)


def unredacted_burned_in(case: Case, folder: str | Path, case_number: int = 1) -> list[BurnedInFilm]:
    """The films a de-identified export of ``case`` would refuse for burned-in text."""
    out: list[BurnedInFilm] = []
    seen: set[str] = set()
    indices = figure_indices(case)
    for root, film in iter_films(case):
        if film.id in seen:
            continue
        seen.add(film.id)
        if needs_redaction(film, Path(folder) / film.path):
            out.append(BurnedInFilm(root.id, film.id, tx.figure_label(case_number, indices[film.id], film),
                                    film.path))
    return out


def film_burned_in(path: str | Path) -> bool:
    """True when the file's DICOM header says its pixels carry burned-in text (a plain image: False)."""
    return burned_in_value(Path(path)) == "YES"
