"""Which pip package decodes which compressed DICOM transfer syntax.

pydicom chooses a decoder plugin by transfer syntax; when none is installed
for the file's syntax the user gets a ``DecoderMissingError`` naming the
package to install (the permissive ones listed in pyproject's
``pydicom[pixeldata]``).
"""

from __future__ import annotations

from pathlib import Path

from annotator.errors import DecoderMissingError, UnsupportedImageError

# transfer syntax UID -> pip package that gives pydicom a decoder for it
DECODER_PACKAGES: dict[str, str] = {
    "1.2.840.10008.1.2.4.50": "pillow",  # JPEG Baseline
    "1.2.840.10008.1.2.4.51": "pillow",  # JPEG Extended (12 bit)
    "1.2.840.10008.1.2.4.57": "python-gdcm",  # JPEG Lossless
    "1.2.840.10008.1.2.4.70": "python-gdcm",  # JPEG Lossless SV1
    "1.2.840.10008.1.2.4.80": "pyjpegls",  # JPEG-LS Lossless
    "1.2.840.10008.1.2.4.81": "pyjpegls",  # JPEG-LS Near-lossless
    "1.2.840.10008.1.2.4.90": "pylibjpeg-openjpeg",  # JPEG 2000 Lossless
    "1.2.840.10008.1.2.4.91": "pylibjpeg-openjpeg",  # JPEG 2000
    "1.2.840.10008.1.2.4.92": "pylibjpeg-openjpeg",  # JPEG 2000 Part 2 lossless
    "1.2.840.10008.1.2.4.93": "pylibjpeg-openjpeg",  # JPEG 2000 Part 2
    "1.2.840.10008.1.2.4.201": "pylibjpeg-openjpeg",  # HTJ2K Lossless
    "1.2.840.10008.1.2.4.202": "pylibjpeg-openjpeg",  # HTJ2K Lossless RPCL
    "1.2.840.10008.1.2.4.203": "pylibjpeg-openjpeg",  # HTJ2K
    # RLE Lossless is not listed: pydicom decodes it itself, its decoder is always available
}

# 12-bit JPEG Extended: Pillow and GDCM (as pydicom drives them) decode only 8-bit JPEG; pydicom's
# one plugin that decodes 12 bits is pylibjpeg with pylibjpeg-libjpeg, which is GPL (ADR 0001: never
# listed). imagecodecs (BSD) decodes them outside pydicom's plugins (jpeg12.py).
JPEG_EXTENDED = "1.2.840.10008.1.2.4.51"
JPEG_12BIT_PLUGINS = ("pylibjpeg",)
JPEG_12BIT_PACKAGE = "pylibjpeg-libjpeg"


# JPEG 2000 / HTJ2K: pylibjpeg-openjpeg decodes faster than gdcm (RG1_J2KI.dcm:
# ~95 ms vs ~135 ms) with identical output, but pydicom tries gdcm first.
PREFERRED_PLUGINS: dict[str, str] = {
    uid: "pylibjpeg" for uid, package in DECODER_PACKAGES.items() if package == "pylibjpeg-openjpeg"
}


def preferred_plugin(uid: str) -> str:
    """The pydicom decoding plugin to try first for ``uid`` ("" = pydicom's own choice).

    Only a plugin that is installed and available is named; the caller falls
    back to pydicom's choice when it fails.
    """
    name = PREFERRED_PLUGINS.get(str(uid), "")
    if not name:
        return ""
    from pydicom.pixels import get_decoder

    try:
        return name if name in get_decoder(uid).available_plugins else ""
    except Exception:
        return ""


def check_decoder(path: Path, uid: str, name: str) -> None:
    """Raise ``DecoderMissingError``/``UnsupportedImageError`` unless pydicom can decode ``uid``."""
    from pydicom.pixels import get_decoder

    try:
        decoder = get_decoder(uid)
    except NotImplementedError:
        raise UnsupportedImageError(
            path, f"the transfer syntax {name} is not supported by any image decoder"
        ) from None
    except Exception:
        raise UnsupportedImageError(path, f"the transfer syntax {uid!s} is not valid") from None
    if not decoder.is_available:
        package = DECODER_PACKAGES.get(str(uid))
        hint = f"install it with: pip install {package}" if package else "no decoder plugin is available"
        raise DecoderMissingError(path, f"no decoder for {name} is installed; {hint}")


def check_jpeg_extended_12bit(path: Path) -> None:
    """Raise ``DecoderMissingError`` when no installed plugin decodes 12-bit JPEG Extended."""
    from pydicom.pixels import get_decoder

    try:
        plugins = get_decoder(JPEG_EXTENDED).available_plugins
    except Exception:
        plugins = ()
    from annotator.io import jpeg12

    if not jpeg12.available() and not any(p in plugins for p in JPEG_12BIT_PLUGINS):
        raise DecoderMissingError(
            path, "no installed decoder handles 12-bit JPEG Extended (Pillow and GDCM decode 8 bits only); "
            "install imagecodecs (pip install imagecodecs) or convert the file"
        )
