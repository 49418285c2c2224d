"""Text colours that stay readable: a status or warning colour darkened (on a light background)
or lightened (on a dark one) just enough to reach the WCAG AA contrast of 4.5:1, so coloured
text never looks disabled while keeping its hue."""

from __future__ import annotations

RGB = tuple[int, int, int]
AA = 4.5


def _linear(c: float) -> float:
    c = c / 255.0
    return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4


def luminance(rgb: RGB) -> float:
    r, g, b = (_linear(v) for v in rgb[:3])
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: RGB, b: RGB) -> float:
    hi, lo = sorted((luminance(a), luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def readable(rgb: RGB, background: RGB, minimum: float = AA) -> RGB:
    """``rgb`` mixed toward black (light background) or white (dark background) in small steps
    until its contrast with ``background`` reaches ``minimum``."""
    target = (0, 0, 0) if luminance(background) > 0.18 else (255, 255, 255)
    colour = tuple(int(v) for v in rgb[:3])
    for step in range(0, 21):
        t = step / 20
        colour = tuple(round(c + (g - c) * t) for c, g in zip(rgb[:3], target))
        if contrast(colour, background) >= minimum:
            break
    return colour  # type: ignore[return-value]


def hex_of(rgb: RGB) -> str:
    return "#{:02x}{:02x}{:02x}".format(*rgb[:3])


def parse_hex(text: str) -> RGB:
    h = text.lstrip("#")
    if len(h) == 3:
        h = "".join(ch * 2 for ch in h)
    return int(h[0:2], 16), int(h[2:4], 16), int(h[4:6], 16)
