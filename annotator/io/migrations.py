"""Case-file migrations: each step turns the raw JSON of version N into N+1.

A step works on plain dicts (the parsed JSON), before schema validation, and
must keep every key it does not understand. ``migrate(data)`` applies the
chain up to ``CURRENT_VERSION``; the loader refuses files from a newer version.

Version 0 is the layout of the prototype (no ``schema_version`` key):

- films named their image with ``"file"`` (now ``"path"``), possibly with
  Windows separators;
- annotations said ``"type"`` (now ``"role"``) and ``"shape"`` (now ``"kind"``),
  with points as ``{"x": .., "y": ..}`` objects (now ``[x, y]`` pairs);
- calibration was a bare ``"pixel_spacing": [row_mm, col_mm]`` on the film.

Version 1 → 2 (domain.md §4 "Side and root of every mark"): needle marks (tip,
shaft, contrast path) and finding markers get the ``root_id`` of the root
whose film they are on (a root without an id gets one); bilateral landmarks
(pedicle margin, SAP margin, S1 foramen, foramen) get the ``side`` inferred
from the film's midline, else the image centre line, and patient directions
(``model.mark_side``), or ``"unknown"`` when it cannot be inferred: never
guessed. Version-1 films have no ``columns``/``rows``; the loader fills them
from the image file's header before this step (``film_size.py``). Roots get an empty
``shared_film_ids``.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

CURRENT_VERSION = 2

Migration = Callable[[dict[str, Any]], dict[str, Any]]


def _migrate_annotation_0(ann: dict[str, Any]) -> None:
    if "role" not in ann and "type" in ann:
        ann["role"] = ann.pop("type")
    if "kind" not in ann and "shape" in ann:
        ann["kind"] = ann.pop("shape")
    pts = ann.get("points")
    if isinstance(pts, list):
        ann["points"] = [
            [p["x"], p["y"]] if isinstance(p, dict) and "x" in p and "y" in p else p for p in pts
        ]


def _migrate_film_0(film: dict[str, Any]) -> None:
    if "path" not in film and "file" in film:
        f = film.pop("file")
        film["path"] = f.replace("\\", "/") if isinstance(f, str) else f
    spacing = film.get("pixel_spacing")
    if "calibration" not in film and isinstance(spacing, list) and len(spacing) == 2:
        film.pop("pixel_spacing")
        film["calibration"] = {"row_mm": spacing[0], "col_mm": spacing[1], "source": "PixelSpacing"}
    for ann in film.get("annotations") or []:
        if isinstance(ann, dict):
            _migrate_annotation_0(ann)


def migrate_0_to_1(data: dict[str, Any]) -> dict[str, Any]:
    """Version 0 (prototype) -> 1; see the module docstring for the differences."""
    data = copy.deepcopy(data)
    for root in data.get("roots") or []:
        if not isinstance(root, dict):
            continue
        for film in root.get("films") or []:
            if isinstance(film, dict):
                _migrate_film_0(film)
    data["schema_version"] = 1
    return data


def _film_for_sides(film: dict[str, Any]) -> Any:
    """A model Film with just what side inference reads (view, directions, midline, size), or None."""
    from annotator.geometry import Directions
    from annotator.model import Annotation, Film, Role

    def directions(d: Any) -> Directions | None:
        return Directions(d["x"], d["y"]) if isinstance(d, dict) else None

    midlines = [
        Annotation(role=Role.MIDLINE, kind=a["kind"], points=tuple(tuple(p) for p in a["points"]))
        for a in film.get("annotations") or []
        if isinstance(a, dict) and a.get("role") == "midline" and not a.get("suggested", False)
    ][:1]
    size = {k: film[k] for k in ("columns", "rows") if isinstance(film.get(k), int) and film[k] > 0}
    return Film(path="film", view=film.get("view", "unknown"), directions=directions(film.get("directions")),
                directions_override=directions(film.get("directions_override")), annotations=midlines, **size)


def _inferred_side(model_film: Any, ann: dict[str, Any]) -> str:
    from annotator.model import Annotation
    from annotator.model.mark_side import infer_mark_side

    if model_film is None:
        return "unknown"
    try:
        known = {k: ann[k] for k in ("role", "kind", "points") if k in ann}
        known["points"] = tuple(tuple(p) for p in known["points"])
        mark = Annotation(**known, radii=tuple(ann["radii"]) if ann.get("radii") else None)
    except (KeyError, TypeError, ValueError):
        return "unknown"  # the schema check names what is wrong with this mark
    return infer_mark_side(model_film, mark).value


_ROOTED = ("tip", "shaft", "contrast_path", "finding")
_SIDED = ("pedicle_margin", "sap_margin", "s1_foramen", "foramen")


def migrate_1_to_2(data: dict[str, Any]) -> dict[str, Any]:
    """Version 1 -> 2: root_id on needle marks, side on bilateral landmarks (module docstring)."""
    import uuid

    data = copy.deepcopy(data)
    for root in data.get("roots") or []:
        if not isinstance(root, dict):
            continue
        if not isinstance(root.get("id"), str) or not root["id"].strip():
            root["id"] = uuid.uuid4().hex[:12]
        root.setdefault("shared_film_ids", [])
        for film in root.get("films") or []:
            if not isinstance(film, dict):
                continue
            try:
                model_film = _film_for_sides(film)
            except (KeyError, TypeError, ValueError):
                model_film = None  # bad directions or midline: the schema/model check says so later
            for ann in film.get("annotations") or []:
                if not isinstance(ann, dict):
                    continue
                if ann.get("role") in _ROOTED and ann.get("root_id") is None:
                    ann["root_id"] = root["id"]
                if ann.get("role") in _SIDED and ann.get("side") is None:
                    ann["side"] = _inferred_side(model_film, ann)
    data["schema_version"] = 2
    return data


MIGRATIONS: dict[int, Migration] = {0: migrate_0_to_1, 1: migrate_1_to_2}


def file_version(data: dict[str, Any]) -> Any:
    """The schema version a parsed file declares (0 when the key is missing)."""
    return data.get("schema_version", 0)


def migrate(data: dict[str, Any]) -> dict[str, Any]:
    """``data`` brought to ``CURRENT_VERSION`` (a new dict; the input is not changed).

    The caller checks first that the version is an integer not above
    ``CURRENT_VERSION``; a gap in the registry raises ``LookupError``.
    """
    version = file_version(data)
    while version < CURRENT_VERSION:
        step = MIGRATIONS.get(version)
        if step is None:
            raise LookupError(f"no migration from case-file version {version}")
        data = step(data)
        version = file_version(data)
    return data
