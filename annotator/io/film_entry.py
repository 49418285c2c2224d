"""A case's film entry for an opened image: what import detects from the file itself.

Shared by every way films enter a case (``fluoro-annotator-cli new``, the folder
import, films received over the network), so they all record the same things.
"""

from __future__ import annotations

from typing import Any

from annotator.model import Film, View


def film_for(rel: str, image: Any) -> Film:
    """A Film for an opened image: detected view (+ evidence), calibration, file directions and
    the image size (which side of the spine a mark lies on, domain.md §4, needs it).

    ``rel`` is the POSIX path of the file relative to the case folder. Directions
    the reader only defaulted from the view are not stored, so the view's default
    applies if the user corrects the view later.
    """
    info = image.info
    try:
        view = View(info.view.view)
    except ValueError:
        view = View.UNKNOWN
    directions = info.directions
    if directions is not None and str(getattr(directions, "source", "")).startswith("default"):
        directions = None
    return Film(path=rel, view=view, view_evidence=info.view.evidence, calibration=info.calibration,
                directions=directions, columns=getattr(info, "columns", None), rows=getattr(info, "rows", None))
