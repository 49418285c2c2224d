"""The pixel size of a film's image file, read from its header only.

Case files written before films recorded ``columns``/``rows`` (schema
version 1) lack the image size, and without it neither the 1 -> 2 migration
nor the rules' wrong-side tip check can use the image centre line
(``model.mark_side``). ``fill_film_sizes`` fills it in on the raw JSON of a
case file, before migration, from each film's file header:

- DICOM: ``Rows``/``Columns`` read with pydicom, stopping before the pixel data;
- plain images (PNG, JPEG, TIFF, BMP): Pillow's lazy open, which reads the
  header and decodes nothing.

Anything that goes wrong (missing or unreadable file, damaged header, a size
that is not a positive whole number) leaves the size unknown: loading a case
never fails because of an image file.
"""

from __future__ import annotations

from collections.abc import Mapping
from contextlib import suppress
from pathlib import Path
from typing import Any

from annotator.io.image import MAX_DIMENSION

_DICOM_MAGIC_AT = 128
_DICOM_MAGIC = b"DICM"


def _plausible(columns: Any, rows: Any) -> tuple[int, int] | None:
    ok = all(isinstance(n, int) and not isinstance(n, bool) and 0 < n <= MAX_DIMENSION for n in (columns, rows))
    return (columns, rows) if ok else None


def _dicom_size(path: Path, force: bool) -> tuple[int, int] | None:
    from pydicom import dcmread

    from annotator.io.dicom_header import quiet_value_validation
    from annotator.io.safe_meta import get_int

    quiet_value_validation()
    ds = dcmread(path, stop_before_pixels=True, force=force, specific_tags=["Rows", "Columns"])
    return _plausible(get_int(ds, "Columns"), get_int(ds, "Rows"))


def _plain_size(path: Path) -> tuple[int, int] | None:
    from PIL import Image

    with Image.open(path) as im:  # lazy: reads the header, decodes no pixel
        return _plausible(*im.size)


def image_size(path: str | Path) -> tuple[int, int] | None:
    """(columns, rows) of the image file at ``path`` from its header, or None when it cannot tell."""
    path = Path(path)
    try:
        with path.open("rb") as fh:
            head = fh.read(_DICOM_MAGIC_AT + len(_DICOM_MAGIC))
    except (OSError, ValueError):  # missing, unreadable, a link loop, a NUL in the name: no size
        return None
    if head[_DICOM_MAGIC_AT:] == _DICOM_MAGIC:
        attempts = [lambda: _dicom_size(path, force=False)]
    else:  # a plain image, else a DICOM data set without the preamble
        attempts = [lambda: _plain_size(path), lambda: _dicom_size(path, force=True)]
    for attempt in attempts:
        with suppress(Exception):  # Pillow and pydicom raise many types on damaged files
            size = attempt()
            if size is not None:
                return size
    return None


def _film_file(film: Mapping[str, Any]) -> str | None:
    name = film.get("path", film.get("file"))  # "file": the version-0 key
    return name.replace("\\", "/") if isinstance(name, str) and name.strip() else None


def _has_size(film: Mapping[str, Any]) -> bool:
    """True when the file states a size (even a wrong one: the schema check names what is wrong)."""
    return any(film.get(k) is not None for k in ("columns", "rows"))


def fill_film_sizes(data: Any, folder: str | Path) -> int:
    """Give each film of raw case-file ``data`` without ``columns``/``rows`` its file's size, in place.

    Film paths are relative to ``folder`` (the case file's folder). A film
    whose size cannot be read keeps no size. Returns how many films got one.
    """
    if not isinstance(data, dict):
        return 0
    filled = 0
    for root in data.get("roots") or []:
        films = root.get("films") if isinstance(root, dict) else None
        for film in films if isinstance(films, list) else []:
            if not isinstance(film, dict) or _has_size(film):
                continue
            name = _film_file(film)
            if name is None or name.startswith("/"):
                continue
            size = image_size(Path(folder) / name)
            if size is not None:
                film["columns"], film["rows"] = size
                filled += 1
    return filled
