"""Burned-in text for the phantom films: a tiny 5x7 bitmap font, pure numpy.

Real fluoroscopy frames often carry the patient's name and the date in the
pixels; the phantom writes fake ones so redaction has something to black out.
Coordinates: pixel corners, origin at the top-left of the image.
"""

from __future__ import annotations

import numpy as np

_GLYPHS: dict[str, tuple[str, ...]] = {
    "A": ("01110", "10001", "10001", "11111", "10001", "10001", "10001"),
    "C": ("01110", "10001", "10000", "10000", "10000", "10001", "01110"),
    "D": ("11110", "10001", "10001", "10001", "10001", "10001", "11110"),
    "E": ("11111", "10000", "10000", "11110", "10000", "10000", "11111"),
    "F": ("11111", "10000", "10000", "11110", "10000", "10000", "10000"),
    "G": ("01110", "10001", "10000", "10111", "10001", "10001", "01111"),
    "H": ("10001", "10001", "10001", "11111", "10001", "10001", "10001"),
    "I": ("01110", "00100", "00100", "00100", "00100", "00100", "01110"),
    "K": ("10001", "10010", "10100", "11000", "10100", "10010", "10001"),
    "L": ("10000", "10000", "10000", "10000", "10000", "10000", "11111"),
    "M": ("10001", "11011", "10101", "10101", "10001", "10001", "10001"),
    "N": ("10001", "11001", "10101", "10011", "10001", "10001", "10001"),
    "O": ("01110", "10001", "10001", "10001", "10001", "10001", "01110"),
    "P": ("11110", "10001", "10001", "11110", "10000", "10000", "10000"),
    "R": ("11110", "10001", "10001", "11110", "10100", "10010", "10001"),
    "S": ("01111", "10000", "10000", "01110", "00001", "00001", "11110"),
    "T": ("11111", "00100", "00100", "00100", "00100", "00100", "00100"),
    "U": ("10001", "10001", "10001", "10001", "10001", "10001", "01110"),
    "V": ("10001", "10001", "10001", "10001", "10001", "01010", "00100"),
    "X": ("10001", "10001", "01010", "00100", "01010", "10001", "10001"),
    "Y": ("10001", "10001", "01010", "00100", "00100", "00100", "00100"),
    "0": ("01110", "10001", "10011", "10101", "11001", "10001", "01110"),
    "1": ("00100", "01100", "00100", "00100", "00100", "00100", "01110"),
    "2": ("01110", "10001", "00001", "00010", "00100", "01000", "11111"),
    "3": ("11111", "00010", "00100", "00010", "00001", "10001", "01110"),
    "4": ("00010", "00110", "01010", "10010", "11111", "00010", "00010"),
    "5": ("11111", "10000", "11110", "00001", "00001", "10001", "01110"),
    "6": ("00110", "01000", "10000", "11110", "10001", "10001", "01110"),
    "7": ("11111", "00001", "00010", "00100", "01000", "01000", "01000"),
    "8": ("01110", "10001", "10001", "01110", "10001", "10001", "01110"),
    "9": ("01110", "10001", "10001", "01111", "00001", "00010", "01100"),
    "^": ("00100", "01010", "10001", "00000", "00000", "00000", "00000"),
    "-": ("00000", "00000", "00000", "11111", "00000", "00000", "00000"),
    ":": ("00000", "01100", "01100", "00000", "01100", "01100", "00000"),
    ".": ("00000", "00000", "00000", "00000", "00000", "01100", "01100"),
    "/": ("00001", "00010", "00010", "00100", "01000", "01000", "10000"),
    " ": ("00000",) * 7,
}


def text_mask(lines: tuple[str, ...] | list[str], scale: int = 2) -> np.ndarray:
    """Boolean mask of the text block (rows, cols); unknown characters draw as blanks."""
    cell_w, cell_h = 6 * scale, 9 * scale
    width = max((len(t) for t in lines), default=0) * cell_w
    out = np.zeros((len(lines) * cell_h, max(width, 1)), dtype=bool)
    for li, line in enumerate(lines):
        for ci, ch in enumerate(line.upper()):
            glyph = _GLYPHS.get(ch, _GLYPHS[" "])
            bits = np.array([[c == "1" for c in row] for row in glyph], dtype=bool)
            big = np.kron(bits, np.ones((scale, scale), dtype=bool))
            y0, x0 = li * cell_h, ci * cell_w
            out[y0 : y0 + 7 * scale, x0 : x0 + 5 * scale] |= big
    return out


def burn_text(image: np.ndarray, lines: tuple[str, ...] | list[str], x: int, y: int, value: int,
              scale: int = 2) -> tuple[float, float, float, float]:
    """Write ``lines`` into ``image`` (in place) at pixel (x, y); return the bounding box (x0, y0, x1, y1).

    The box is in pixel-corner coordinates and covers every lit pixel, with
    one glyph pixel of margin.
    """
    mask = text_mask(lines, scale)
    h = min(mask.shape[0], image.shape[0] - y)
    w = min(mask.shape[1], image.shape[1] - x)
    region = image[y : y + h, x : x + w]
    region[mask[:h, :w]] = value
    rows = np.flatnonzero(mask[:h, :w].any(axis=1))
    cols = np.flatnonzero(mask[:h, :w].any(axis=0))
    m = scale
    return (float(x + cols[0] - m), float(y + rows[0] - m), float(x + cols[-1] + 1 + m), float(y + rows[-1] + 1 + m))
