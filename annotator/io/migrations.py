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
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

CURRENT_VERSION = 1

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


MIGRATIONS: dict[int, Migration] = {0: migrate_0_to_1}


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
