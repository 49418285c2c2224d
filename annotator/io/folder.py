"""Importing every film of a folder, in acquisition order.

Order: acquisition time (films without one last; in UTC when the files state
their offsets, see ``acquisition_order``), then InstanceNumber, then file name. Files that are not images (reports, DICOMDIR, SR, RT plans,
damaged files) are skipped with a one-line reason, never fatal. JSON files
(``case.json``, ``*.truth.json``) are skipped unopened as "not an image"; a
plain image (PNG/JPEG/TIFF/BMP) whose stem matches a DICOM film in the same
folder (``01_lateral.png`` beside ``01_lateral.dcm``) is the film's display
copy and is skipped as "display copy of 01_lateral.dcm".
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from annotator.errors import AnnotatorError
from annotator.io.image import FluoroImage


@dataclass(frozen=True)
class FolderImport:
    """The films found in a folder and the files skipped with the reason."""

    images: list[FluoroImage] = field(default_factory=list)
    skipped: list[tuple[Path, str]] = field(default_factory=list)


# plain images that may be display copies of a DICOM film with the same stem
PLAIN_SUFFIXES = frozenset({".png", ".jpg", ".jpeg", ".tif", ".tiff", ".bmp"})


def _is_sidecar(file: Path) -> bool:
    """The tool's own JSON files (case.json, ``*.truth.json``, autosaves): never images."""
    return file.suffix.lower() == ".json"


def acquisition_order(images: list[FluoroImage]) -> Callable[[FluoroImage], tuple]:
    """Sort key for ``images``: acquisition time (on one clock), instance number, file name.

    Times with a UTC offset are compared in UTC. A time without one is taken to
    be in the offset most of the others state (the same C-arm), else compared
    as it is. Films without a time come last.
    """
    offsets = Counter(i.info.utc_offset for i in images if i.info.utc_offset is not None
                      and i.info.acquisition_time is not None)
    assumed = offsets.most_common(1)[0][0] if offsets else timedelta(0)

    def key(image: FluoroImage) -> tuple:
        info = image.info
        t = info.acquisition_time
        if t is not None:
            t = t - (info.utc_offset if info.utc_offset is not None else assumed)
        n = info.instance_number
        return (t is None, t or datetime.min, n is None, n or 0, info.path.name, str(info.path))

    return key


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
    dicom_by_stem: dict[tuple[Path, str], Path] = {}
    copies: list[Path] = []  # plain images beside a same-stem file: decided after the DICOM files
    stems: dict[tuple[Path, str], int] = {}
    for file in files:
        stems[(file.parent, file.stem)] = stems.get((file.parent, file.stem), 0) + 1
    done = 0

    def tick() -> None:
        nonlocal done
        done += 1
        if progress is not None:
            progress(done, len(files))

    def add(file: Path) -> None:
        try:
            image = open_image(file, headers_only=True)
        except AnnotatorError as err:
            skipped.append((file, getattr(err, "problem", None) or str(err)))
        else:
            images.append(image)
            if image.info.format == "DICOM":
                dicom_by_stem.setdefault((file.parent, file.stem), file)
        tick()

    for file in files:
        if _is_sidecar(file):
            skipped.append((file, "not an image"))
            tick()
        elif file.suffix.lower() in PLAIN_SUFFIXES and stems[(file.parent, file.stem)] > 1:
            copies.append(file)
        else:
            add(file)
    for file in copies:
        original = dicom_by_stem.get((file.parent, file.stem))
        if original is not None:
            skipped.append((file, f"display copy of {original.name}"))
            tick()
        else:
            add(file)
    images.sort(key=acquisition_order(images))
    skipped.sort(key=lambda item: str(item[0]))
    return FolderImport(images, skipped)
