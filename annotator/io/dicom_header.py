"""Reading a DICOM header and checking it before any pixel is decoded.

``read_header`` reads with pydicom (large pixel data deferred) and turns
pydicom's many exception types into the project's one-line errors;
``check_geometry`` and ``check_pixels_supported`` refuse sizes beyond the
documented limits and photometric interpretations or bit depths the viewer
cannot show; ``transfer_syntax`` finds the syntax (also for a raw data set
without file meta); ``raise_no_pixels`` says what a file without pixel data
is (a structured report, a DICOMDIR, ...) or that it is damaged. No message
ever carries a header value that could be patient identity.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from annotator.errors import (
    CorruptImageError,
    ImageTooLargeError,
    NoPixelDataError,
    NotAnImageError,
    UnsupportedImageError,
)
from annotator.io.image import MAX_DIMENSION, MAX_FRAMES, MAX_TOTAL_PIXELS
from annotator.io.safe_meta import get_cs, get_int, get_raw, no_image_description, uid_name, valid_uid

PIXEL_TAG = 0x7FE00010
FLOAT_PIXEL_TAGS = (0x7FE00008, 0x7FE00009)
MONO = ("MONOCHROME1", "MONOCHROME2")
COLOR = ("RGB", "YBR_FULL", "YBR_FULL_422", "YBR_ICT", "YBR_RCT")
IMPLICIT_LE = "1.2.840.10008.1.2"
MEDIA_DIRECTORY = "1.2.840.10008.1.3.10"  # Media Storage Directory Storage (DICOMDIR)


def quiet_value_validation() -> None:
    """Stop pydicom from warning about (and logging) invalid element values on read.

    Those warnings quote the value, which may be a patient name or ID; the
    tool reads only what it needs through ``safe_meta`` and never shows values.
    This is a process-wide pydicom setting for reading only (writing is unaffected).
    """
    from pydicom import config

    config.settings.reading_validation_mode = config.IGNORE


def read_header(path: Path, force: bool, defer: int) -> Any:
    from pydicom import dcmread
    from pydicom.errors import InvalidDicomError

    quiet_value_validation()

    try:
        return dcmread(path, defer_size=defer, force=force)
    except InvalidDicomError:
        raise NotAnImageError(path, "not a DICOM file or a supported image format") from None
    except (MemoryError, RecursionError):
        raise CorruptImageError(path, "the DICOM header is damaged (implausible element lengths)") from None
    except Exception as exc:  # pydicom raises many types on damaged headers
        kind = type(exc).__name__ if type(exc).__name__ != "error" else "struct.error"
        raise CorruptImageError(path, f"the DICOM header is damaged and cannot be read ({kind})") from None


def pixel_element_length(path: Path, ds: Any) -> int | None:
    """Bytes of native pixel data actually present (None when undefined/encapsulated)."""
    elem = ds.get_item(PIXEL_TAG, keep_deferred=True)  # raw: do not trigger a deferred read
    length = getattr(elem, "length", None)
    if length is None:  # converted DataElement: value in memory
        value = getattr(elem, "value", None)
        return len(value) if isinstance(value, (bytes, bytearray)) else None
    if length == 0xFFFFFFFF:
        return None
    if getattr(elem, "value", b"") is None:  # deferred: the file must hold it
        tell = getattr(elem, "value_tell", 0) or 0
        return max(0, min(length, path.stat().st_size - tell))
    value = elem.value
    return len(value) if isinstance(value, (bytes, bytearray)) else length


def check_geometry(path: Path, ds: Any) -> tuple[int, int, int, int, int, int, str]:
    rows, cols = get_int(ds, "Rows"), get_int(ds, "Columns")
    if rows is None or cols is None:
        raise CorruptImageError(path, "the DICOM header has no image size (Rows/Columns)")
    nf = get_raw(ds, "NumberOfFrames")
    frames = get_int(ds, "NumberOfFrames") if nf is not None else 1
    if frames is None:
        raise CorruptImageError(path, "the DICOM header has an unreadable NumberOfFrames")
    if rows <= 0 or cols <= 0 or frames <= 0:
        raise CorruptImageError(
            path, f"the header says the image is {cols} x {rows} pixels x {frames} frames: nothing to show"
        )
    if rows > MAX_DIMENSION or cols > MAX_DIMENSION:
        raise ImageTooLargeError(
            path, f"{cols} x {rows} pixels is larger than the limit of {MAX_DIMENSION} per side"
        )
    if frames > MAX_FRAMES:
        raise ImageTooLargeError(path, f"{frames} frames is more than the limit of {MAX_FRAMES}")
    if rows * cols * frames > MAX_TOTAL_PIXELS:
        raise ImageTooLargeError(
            path, f"{cols} x {rows} x {frames} frames is more than {MAX_TOTAL_PIXELS:,} pixels in all"
        )
    spp = get_int(ds, "SamplesPerPixel") or 1
    alloc = get_int(ds, "BitsAllocated")
    if alloc is None:
        raise CorruptImageError(path, "the DICOM header has no BitsAllocated")
    stored = get_int(ds, "BitsStored")
    if stored is None:
        stored = alloc
    if stored < 1 or alloc < 1:
        raise CorruptImageError(
            path, f"the header is inconsistent: {stored} bits stored in {alloc} allocated (nothing to show)"
        )
    if stored > alloc or spp not in (1, 3):
        raise CorruptImageError(
            path, f"the header is inconsistent: {stored} bits stored in {alloc}, {spp} samples per pixel"
        )
    photometric = get_cs(ds, "PhotometricInterpretation") or ""
    if not photometric and get_raw(ds, "PhotometricInterpretation") is not None:
        raise CorruptImageError(path, "the PhotometricInterpretation value is damaged")
    if not photometric:
        photometric = "MONOCHROME2" if spp == 1 else "RGB"
    return rows, cols, frames, spp, alloc, stored, photometric


def check_pixels_supported(path: Path, spp: int, alloc: int, stored: int, photometric: str) -> None:
    if photometric in MONO:
        if spp != 1:
            raise UnsupportedImageError(path, f"{photometric} with {spp} samples per pixel is not supported")
        if alloc not in (1, 8, 16) or stored > 16 or stored < 1:
            raise UnsupportedImageError(
                path, f"{stored}-bit monochrome pixels ({alloc} allocated) are not supported (up to 16 bits)"
            )
    elif photometric in COLOR:
        # RGB of 16 or 32 bits per sample is shown scaled to 8 bits per channel (dicom_image.py)
        if spp != 3 or not (alloc == 8 or (photometric == "RGB" and alloc in (16, 32) and stored <= alloc)):
            raise UnsupportedImageError(
                path, f"{photometric} with {spp} samples of {alloc} bits is not supported "
                "(8-bit colour, or RGB of 16 or 32 bits)"
            )
    elif photometric == "PALETTE COLOR":
        if spp != 1 or alloc not in (8, 16):
            raise UnsupportedImageError(path, f"PALETTE COLOR with {alloc}-bit indices is not supported")
    else:
        raise UnsupportedImageError(path, f"the photometric interpretation {photometric!r} is not supported")


def transfer_syntax(path: Path, ds: Any) -> Any:
    from pydicom.uid import UID

    meta = getattr(ds, "file_meta", None)
    uid = get_raw(meta, "TransferSyntaxUID") if meta is not None else None
    if uid is not None and valid_uid(uid) is None:
        raise CorruptImageError(path, "the transfer syntax UID in the file meta is damaged")
    if uid is None:  # raw dataset without file meta: use what the reader found
        implicit, little = getattr(ds, "original_encoding", (True, True))
        uid = UID(IMPLICIT_LE if implicit else ("1.2.840.10008.1.2.1" if little else "1.2.840.10008.1.2.2"))
        if meta is not None:
            meta.TransferSyntaxUID = uid
    return UID(valid_uid(uid) or IMPLICIT_LE)


def raise_no_pixels(path: Path, ds: Any) -> None:
    """No pixel data: a non-image object (NoPixelDataError) or a damaged image (CorruptImageError).

    pydicom stops quietly at a damaged or cut-off element, so a file that
    describes an image (image SOP class, Rows/Columns) but has no pixel data,
    or has no SOP class at all, is reported as damaged.
    """
    sop = valid_uid(get_raw(ds, "SOPClassUID"))
    if sop is None:  # a DICOMDIR and other media files name their class in the file meta only
        sop = valid_uid(get_raw(getattr(ds, "file_meta", None), "MediaStorageSOPClassUID"))
    if sop == MEDIA_DIRECTORY:
        raise NoPixelDataError(
            path, "this file is a DICOMDIR (the index of a DICOM disc or folder): it has no image; "
            "open the image files it lists instead"
        )
    name = uid_name(sop) or ""
    describes_image = "Image" in name or any(get_raw(ds, kw) is not None for kw in ("Rows", "Columns"))
    if sop is None or describes_image:
        raise CorruptImageError(
            path, "the DICOM file is damaged or cut short: its pixel data is missing"
        )
    raise NoPixelDataError(path, f"this file is {no_image_description(ds, sop)}: it has no image")
