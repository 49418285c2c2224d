"""The image size a compressed frame claims, read from its own bytes before it is decoded.

A JPEG, JPEG-LS or JPEG 2000 decoder allocates what the codestream says, not
what the DICOM header says: a 600-byte JPEG 2000 codestream inside a 64 x 64
film can claim 12000 x 12000 pixels and cost the decoder most of a gigabyte
before it fails. ``check_frame_geometry`` reads the frame's first fragment
(a few struct reads, no decoding) and refuses a codestream whose size or
component count disagrees with Rows/Columns/SamplesPerPixel with a
``CorruptImageError``.

Read here:

- JPEG 2000 / HTJ2K (ISO/IEC 15444-1 A.5.1): the SIZ marker segment after SOC,
  in a raw codestream or inside the ``jp2c`` box of a JP2 file. The image is
  ``Xsiz - XOsiz`` by ``Ysiz - YOsiz``; ``Csiz`` components.
- JPEG (ISO/IEC 10918-1 B.2.2): the first SOFn segment (baseline, extended,
  progressive, lossless; Huffman or arithmetic), ``X`` by ``Y``, ``Nf``
  components.
- JPEG-LS (ISO/IEC 14495-1 C.2.2): SOF55, and an LSE segment of ID 4 when the
  SOF says 0 (oversize dimensions).

A frame whose markers cannot be found is left to the decoder (it says what is
wrong); only a size that can be read and is wrong is refused here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

MAX_COMPONENTS = 4  # DICOM images have 1 or 3 samples per pixel; 4 allows an alpha channel
MAX_J2K_TILES = 65535  # ISO/IEC 15444-1 A.5.1: at most 65535 tiles

_ITEM = b"\xfe\xff\x00\xe0"  # (FFFE,E000) item tag, little endian
_JP2_SIGNATURE = b"\x00\x00\x00\x0cjP  \r\n\x87\n"
_SOF_MARKERS = frozenset(range(0xC0, 0xD0)) - {0xC4, 0xC8, 0xCC} | {0xF7}  # SOF0-15, SOF55
_STANDALONE = frozenset(range(0xD0, 0xD8)) | {0x01}  # RSTn, TEM: no length
_JPEG_FAMILY = ("1.2.840.10008.1.2.4.5", "1.2.840.10008.1.2.4.6", "1.2.840.10008.1.2.4.7",
                "1.2.840.10008.1.2.4.8")  # JPEG baseline .. lossless SV1, JPEG-LS
_J2K_FAMILY = ("1.2.840.10008.1.2.4.9", "1.2.840.10008.1.2.4.20")  # JPEG 2000, HTJ2K


class Incomplete(Exception):
    """The bytes end before the size could be read."""


@dataclass(frozen=True)
class Geometry:
    """What a codestream says about its image."""

    kind: str  # "JPEG", "JPEG-LS", "JPEG 2000"
    rows: int
    columns: int
    components: int
    tiles: int = 1
    precision: int = 0  # bits per sample (JPEG / JPEG-LS: P; JPEG 2000: first component's depth)


def _u16(data: Any, at: int) -> int:
    if at + 2 > len(data):
        raise Incomplete
    return int.from_bytes(data[at:at + 2], "big")


def _u32(data: Any, at: int) -> int:
    if at + 4 > len(data):
        raise Incomplete
    return int.from_bytes(data[at:at + 4], "big")


def _jpeg_geometry(data: Any) -> Geometry | None:
    """SOFn / SOF55 of a JPEG or JPEG-LS stream (``data`` starts with SOI)."""
    pos, sof = 2, None
    while True:
        if pos >= len(data):
            raise Incomplete
        if data[pos] != 0xFF:
            return None  # not at a marker: damaged, the decoder will say so
        while pos < len(data) and data[pos] == 0xFF:  # fill bytes
            pos += 1
        if pos >= len(data):
            raise Incomplete
        marker = data[pos]
        pos += 1
        if marker in _STANDALONE:
            continue
        if marker in (0xD8, 0xD9, 0xDA):  # SOI, EOI, SOS before a usable frame header
            return None  # (or a JPEG-LS SOF of size 0 without LSE): the decoder decides
        length = _u16(data, pos)
        if length < 2:
            return None
        if marker in _SOF_MARKERS and sof is None:
            rows, cols = _u16(data, pos + 3), _u16(data, pos + 5)
            if pos + 8 > len(data):
                raise Incomplete
            comps, precision = data[pos + 7], data[pos + 2]
            kind = "JPEG-LS" if marker == 0xF7 else "JPEG"
            sof = Geometry(kind, rows, cols, comps, precision=precision)
            if kind == "JPEG" or (rows and cols):
                return sof
        elif marker == 0xF8 and sof is not None and pos + 3 < len(data) and data[pos + 2] == 4:
            # JPEG-LS LSE ID 4 (C.2.4.1.4): Wxy, then Y and X in Wxy bytes each
            wxy = data[pos + 3]
            if not 2 <= wxy <= 4:
                return None
            if pos + 4 + 2 * wxy > len(data):
                raise Incomplete
            y = int.from_bytes(data[pos + 4:pos + 4 + wxy], "big")
            x = int.from_bytes(data[pos + 4 + wxy:pos + 4 + 2 * wxy], "big")
            return Geometry("JPEG-LS", sof.rows or y, sof.columns or x, sof.components, precision=sof.precision)
        pos += length


def _siz_geometry(data: Any, at: int) -> Geometry | None:
    """SOC + SIZ of a JPEG 2000 codestream starting at ``at``."""
    if at + 4 > len(data):
        raise Incomplete
    if bytes(data[at:at + 4]) != b"\xff\x4f\xff\x51":
        return None
    siz = at + 2
    xsiz, ysiz = _u32(data, siz + 6), _u32(data, siz + 10)
    xo, yo = _u32(data, siz + 14), _u32(data, siz + 18)
    xt, yt = _u32(data, siz + 22), _u32(data, siz + 26)
    xto, yto = _u32(data, siz + 30), _u32(data, siz + 34)
    comps = _u16(data, siz + 38)
    if siz + 41 > len(data):
        raise Incomplete
    precision = (data[siz + 40] & 0x7F) + 1
    if xo >= xsiz or yo >= ysiz or xt == 0 or yt == 0:
        return Geometry("JPEG 2000", max(ysiz - yo, 0), max(xsiz - xo, 0), comps, 0, precision)
    tiles = -(-(xsiz - xto) // xt) * -(-(ysiz - yto) // yt)
    return Geometry("JPEG 2000", ysiz - yo, xsiz - xo, comps, tiles, precision)


def _jp2_geometry(data: Any) -> Geometry | None:
    """The SIZ of the codestream in the ``jp2c`` box of a JP2 file."""
    pos = 0
    while pos + 8 <= len(data):
        size, box = _u32(data, pos), bytes(data[pos + 4:pos + 8])
        header = 8
        if size == 1:  # XLBox
            if pos + 16 > len(data):
                raise Incomplete
            size, header = int.from_bytes(data[pos + 8:pos + 16], "big"), 16
        if box == b"jp2c":
            return _siz_geometry(data, pos + header)
        if size == 0 or size < header:
            return None  # a last box that is not the codestream, or a damaged length
        pos += size
    raise Incomplete


def codestream_geometry(data: Any) -> Geometry | None:
    """Size and components a JPEG / JPEG-LS / JPEG 2000 frame claims (None: not recognised).

    Raises ``Incomplete`` when ``data`` ends before the frame header.
    """
    head = bytes(data[:12])
    if head.startswith(b"\xff\xd8"):
        return _jpeg_geometry(data)
    if head.startswith(b"\xff\x4f"):
        return _siz_geometry(data, 0)
    if head == _JP2_SIGNATURE:
        return _jp2_geometry(data)
    if len(head) < 12 and (_JP2_SIGNATURE.startswith(head) or b"\xff\xd8".startswith(head)
                          or b"\xff\x4f".startswith(head)):
        raise Incomplete
    return None


def is_jpeg_syntax(uid: str) -> bool:
    """JPEG (baseline .. lossless SV1) and JPEG-LS: at most 16 bits per sample (ISO/IEC 10918-1, 14495-1)."""
    return uid.startswith(_JPEG_FAMILY)


def is_checked_syntax(uid: str) -> bool:
    """Transfer syntaxes whose frames carry a JPEG / JPEG-LS / JPEG 2000 frame header."""
    return uid.startswith(_JPEG_FAMILY) or uid.startswith(_J2K_FAMILY)


class FrameLocator:
    """Where each frame of encapsulated pixel data starts, parsed once (PS3.5 A.4).

    The Extended Offset Table, else the Basic Offset Table, else one fragment
    per frame, else (several fragments per frame, no table) only frame 0 is
    located cheaply; ``frame_geometry`` then asks pydicom for the whole frame.
    """

    def __init__(self, buf: Any, frames: int, extended_offsets: Any = None) -> None:
        self.buf = buf
        self.frames = frames
        self.extended_offsets = extended_offsets
        self._mv = memoryview(buf)
        self._offsets: list[int] | None = None  # of each frame's first item, from the first fragment
        self._fragments: list[tuple[int, int]] | None = None
        mv = self._mv
        if len(mv) < 8 or bytes(mv[0:4]) != _ITEM:
            self._start = -1
            return
        bot_len = int.from_bytes(mv[4:8], "little")
        self._start = 8 + bot_len
        if extended_offsets is not None:
            eot = memoryview(extended_offsets).cast("B")
            self._offsets = [int.from_bytes(eot[k:k + 8], "little") for k in range(0, len(eot) - 7, 8)]
        elif bot_len >= 4:
            self._offsets = [int.from_bytes(mv[8 + k:12 + k], "little") for k in range(0, bot_len - 3, 4)]

    def _item_at(self, pos: int) -> memoryview | None:
        mv = self._mv
        if pos < 0 or pos + 8 > len(mv) or bytes(mv[pos:pos + 4]) != _ITEM:
            return None
        length = int.from_bytes(mv[pos + 4:pos + 8], "little")
        return mv[pos + 8:pos + 8 + length]

    def first_fragment(self, index: int) -> memoryview | None:
        """The first fragment of frame ``index`` (no copy), or None when it cannot be told cheaply."""
        if self._start < 0 or not 0 <= index < self.frames:
            return None
        if self._offsets is not None:
            return self._item_at(self._start + self._offsets[index]) if index < len(self._offsets) else None
        if index == 0:
            return self._item_at(self._start)
        if self._fragments is None:  # one pass over the items, kept for the next frames
            mv, pos = self._mv, self._start
            found: list[tuple[int, int]] = []
            while pos + 8 <= len(mv) and bytes(mv[pos:pos + 4]) == _ITEM and len(found) <= self.frames:
                length = int.from_bytes(mv[pos + 4:pos + 8], "little")
                found.append((pos + 8, length))
                pos += 8 + length
            self._fragments = found
        if len(self._fragments) != self.frames:
            return None  # several fragments per frame and no table
        value, length = self._fragments[index]
        return self._mv[value:value + length]


def first_fragment(buf: Any, index: int, frames: int, extended_offsets: Any = None) -> memoryview | None:
    """The first fragment of frame ``index`` of encapsulated pixel data (see ``FrameLocator``)."""
    return FrameLocator(buf, frames, extended_offsets).first_fragment(index)


def frame_geometry(buf: Any, index: int, frames: int, extended_offsets: Any = None,
                   locator: FrameLocator | None = None) -> Geometry | None:
    """What the codestream of frame ``index`` claims; None when it cannot be read cheaply.

    Pass the film's ``locator`` to parse its offset table once for all frames.
    """
    locator = locator or FrameLocator(buf, frames, extended_offsets)
    head = locator.first_fragment(index)
    if head is not None:
        try:
            return codestream_geometry(head)
        except Incomplete:
            pass  # the frame header continues in the next fragment: join the frame's fragments
    try:
        from pydicom.encaps import get_frame

        whole = get_frame(buf, index, extended_offsets=extended_offsets, number_of_frames=frames)
        return codestream_geometry(whole)
    except Incomplete:
        return None
    except Exception:  # the frame cannot be found: pydicom's decoder reports it
        return None


def geometry_problem(geometry: Geometry, rows: int, columns: int, samples: int) -> str | None:
    """Why ``geometry`` cannot be this film's frame, or None when it fits."""
    g = geometry
    if (g.rows, g.columns) != (rows, columns):
        return (f"its {g.kind} data says {g.columns} x {g.rows} pixels but the header says "
                f"{columns} x {rows}")
    if not 1 <= g.components <= MAX_COMPONENTS or (samples == 1) != (g.components == 1):
        return f"its {g.kind} data has {g.components} components for {samples} samples per pixel"
    if g.tiles == 0 or g.tiles > MAX_J2K_TILES:
        return f"its {g.kind} data has an impossible tile layout"
    return None
