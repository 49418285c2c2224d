"""What we accept over the network: storage SOP classes and transfer syntaxes.

Images: the fluoroscopy and projection radiography classes (XA, RF, CR, DX) and
secondary capture, with their enhanced / multi-frame forms. Besides images, a
study may hold presentation states and structured reports (ours, written by the
archive export, and other systems'): they are filed beside the case, not as films.

Transfer syntaxes: the uncompressed ones, RLE (pydicom decodes it itself) and
every compressed syntax that ``annotator.io.decoders`` has a decoder for.
"""

from __future__ import annotations

from annotator.io.decoders import DECODER_PACKAGES

IMAGE_STORAGE: dict[str, str] = {
    "1.2.840.10008.5.1.4.1.1.12.1": "XA",  # X-Ray Angiographic Image Storage
    "1.2.840.10008.5.1.4.1.1.12.1.1": "Enhanced XA",
    "1.2.840.10008.5.1.4.1.1.12.2": "RF",  # X-Ray Radiofluoroscopic Image Storage
    "1.2.840.10008.5.1.4.1.1.12.2.1": "Enhanced XRF",
    "1.2.840.10008.5.1.4.1.1.1": "CR",
    "1.2.840.10008.5.1.4.1.1.1.1": "DX (for presentation)",
    "1.2.840.10008.5.1.4.1.1.1.1.1": "DX (for processing)",
    "1.2.840.10008.5.1.4.1.1.7": "Secondary Capture",
    "1.2.840.10008.5.1.4.1.1.7.1": "Multi-frame Single Bit SC",
    "1.2.840.10008.5.1.4.1.1.7.2": "Multi-frame Grayscale Byte SC",
    "1.2.840.10008.5.1.4.1.1.7.3": "Multi-frame Grayscale Word SC",
    "1.2.840.10008.5.1.4.1.1.7.4": "Multi-frame True Color SC",
}

PRESENTATION_STATE = "1.2.840.10008.5.1.4.1.1.11.1"  # Grayscale Softcopy Presentation State
REPORTS: dict[str, str] = {
    "1.2.840.10008.5.1.4.1.1.88.11": "Basic Text SR",
    "1.2.840.10008.5.1.4.1.1.88.22": "Enhanced SR",
    "1.2.840.10008.5.1.4.1.1.88.33": "Comprehensive SR",
    "1.2.840.10008.5.1.4.1.1.88.34": "Comprehensive 3D SR",
}

# every SOP class a study of ours can hold
ACCEPTED_STORAGE: tuple[str, ...] = (*IMAGE_STORAGE, PRESENTATION_STATE, *REPORTS)

UNCOMPRESSED: tuple[str, ...] = (
    "1.2.840.10008.1.2.1",  # Explicit VR Little Endian
    "1.2.840.10008.1.2",  # Implicit VR Little Endian
    "1.2.840.10008.1.2.2",  # Explicit VR Big Endian (retired, still sent by old modalities)
    "1.2.840.10008.1.2.1.99",  # Deflated Explicit VR Little Endian
)
RLE = "1.2.840.10008.1.2.5"
ACCEPTED_TRANSFER_SYNTAXES: tuple[str, ...] = (*UNCOMPRESSED, RLE, *DECODER_PACKAGES)


def kind_of(sop_class_uid: str) -> str:
    """"image", "presentation_state", "report" or "" (not something we file)."""
    uid = str(sop_class_uid)
    if uid in IMAGE_STORAGE:
        return "image"
    if uid == PRESENTATION_STATE:
        return "presentation_state"
    if uid in REPORTS:
        return "report"
    return ""
