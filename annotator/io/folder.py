"""Importing every film of a folder, in acquisition order.

Order: acquisition time (films without one last), then InstanceNumber, then
file name. Files that are not images (reports, DICOMDIR, SR, RT plans,
damaged files) are skipped with a one-line reason, never fatal.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from annotator.errors import AnnotatorError
from annotator.io.image import FluoroImage


@dataclass(frozen=True)
class FolderImport:
    """The films found in a folder and the files skipped with the reason."""

    images: list[FluoroImage] = field(default_factory=list)
    skipped: list[tuple[Path, str]] = field(default_factory=list)


def _order(image: FluoroImage) -> tuple:
    info = image.info
    t = info.acquisition_time
    n = info.instance_number
    return (t is None, t or datetime.min, n is None, n or 0, info.path.name, str(info.path))


def import_folder(
    path: str | Path,
    recursive: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> FolderImport:
    """Open every readable film in ``path`` (sub-folders too when ``recursive``).

    ``progress(done, total)`` is called after each file when given.
    Raises ``AnnotatorError`` only when ``path`` itself is not a readable folder.
    """
    from annotator.io import open_image

    folder = Path(path)
    if not folder.is_dir():
        raise AnnotatorError(f"{folder.name}: not a folder")
    pattern = "**/*" if recursive else "*"
    try:
        files = sorted(p for p in folder.glob(pattern) if p.is_file())
    except OSError as exc:
        raise AnnotatorError(f"{folder.name}: the folder cannot be listed ({type(exc).__name__})") from None
    images: list[FluoroImage] = []
    skipped: list[tuple[Path, str]] = []
    for k, file in enumerate(files):
        try:
            images.append(open_image(file, headers_only=True))
        except AnnotatorError as err:
            skipped.append((file, getattr(err, "problem", None) or str(err)))
        if progress is not None:
            progress(k + 1, len(files))
    images.sort(key=_order)
    return FolderImport(images, skipped)
