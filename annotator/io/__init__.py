"""Reading films: DICOM and plain images behind one ``FluoroImage`` interface.

``open_image(path)`` decides by content, not by file name: a DICOM preamble
("DICM" at byte 128), else the magic bytes of PNG/JPEG/TIFF/BMP, else a DICOM
data set without preamble, else whatever Pillow recognises. Bad input raises
the ``ImageLoadError`` family of ``annotator.errors`` with a one-line message
that names the file by its name only.
"""

from __future__ import annotations

from pathlib import Path

from annotator.errors import AnnotatorError, CorruptImageError, ImageLoadError, NotAnImageError
from annotator.io.folder import FolderImport, import_folder
from annotator.io.image import (
    MAX_DIMENSION,
    MAX_FRAMES,
    MAX_PLAIN_PIXELS,
    MAX_TOTAL_PIXELS,
    FluoroImage,
    ImageInfo,
    ViewInfo,
    WindowPreset,
)

__all__ = [
    "MAX_DIMENSION",
    "MAX_FRAMES",
    "MAX_PLAIN_PIXELS",
    "MAX_TOTAL_PIXELS",
    "FluoroImage",
    "FolderImport",
    "ImageInfo",
    "ViewInfo",
    "WindowPreset",
    "import_folder",
    "open_image",
    "sniff_format",
]

_HEAD = 132


def _looks_like_raw_dicom(head: bytes) -> bool:
    """A DICOM data set without preamble: starts with a group 0002/0008 element.

    Little endian (implicit or explicit VR), or explicit VR big endian (the
    retired 1.2.840.10008.1.2.2, whose data set starts with group 0008: the file
    meta, group 0002, is always little endian).
    """
    if len(head) < 8:
        return False
    vr = head[4:6]
    explicit = vr.isalpha() and vr.isupper()
    group, element = int.from_bytes(head[0:2], "big"), int.from_bytes(head[2:4], "big")
    if group == 0x0008 and element <= 0x0200 and explicit:
        return True  # explicit VR big endian
    group = int.from_bytes(head[0:2], "little")
    element = int.from_bytes(head[2:4], "little")
    if group not in (0x0002, 0x0008) or element > 0x0200:
        return False
    if explicit:
        return True  # explicit VR
    return int.from_bytes(head[4:8], "little") < 1024  # implicit VR: a small length


def sniff_format(path: str | Path) -> str | None:
    """"DICOM", "DICOM-raw", "PNG", "JPEG", "TIFF", "BMP" from the first bytes, or None."""
    from annotator.io.plain_image import sniff_plain

    with open(path, "rb") as f:
        head = f.read(_HEAD)
    if head[128:132] == b"DICM":
        return "DICOM"
    plain = sniff_plain(head)
    if plain:
        return plain
    if _looks_like_raw_dicom(head):
        return "DICOM-raw"
    return None


def open_image(path: str | Path, *, headers_only: bool = False) -> FluoroImage:
    """Open one film (DICOM or PNG/JPEG/TIFF/BMP), deciding by content.

    Cheap for DICOM: the header is read and checked, no pixel is decoded
    until ``stored_frame`` asks. ``headers_only=True`` also leaves the DICOM
    pixel data on disk until then (for opening many files at once).
    Raises ``ImageLoadError`` subclasses only.
    """
    from annotator.io.dicom_image import open_dicom
    from annotator.io.plain_image import open_plain

    path = Path(path)
    try:
        if path.is_dir():
            raise ImageLoadError(path, "is a folder, not an image: import the folder instead")
        if not path.exists():
            if path.is_symlink():
                raise ImageLoadError(path, "is a symbolic link that leads nowhere (a loop or a missing file)")
            raise ImageLoadError(path, "the file does not exist")
        if path.stat().st_size == 0:
            raise NotAnImageError(path, "the file is empty")
        kind = sniff_format(path)
        if kind in ("DICOM", "DICOM-raw"):
            return open_dicom(path, force=kind == "DICOM-raw", headers_only=headers_only)
        return open_plain(path, kind)
    except AnnotatorError:
        raise
    except PermissionError:
        raise ImageLoadError(path, "permission denied: the file cannot be read") from None
    except OSError as exc:
        raise ImageLoadError(path, f"the file cannot be read ({type(exc).__name__})") from None
    except Exception as exc:  # a bug or an input nobody foresaw: still one clean line
        raise CorruptImageError(path, f"the file could not be read ({type(exc).__name__})") from None
