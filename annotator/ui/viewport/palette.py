"""Colours and widths for the canvas, from ``annotator.render.style`` (shared with export).

Colours are (r, g, b, a) 0..255; widths and dashes are screen pixels / multiples
of the width, as the style module defines them.
"""

from __future__ import annotations

from annotator.render import style

RGBA = tuple[int, int, int, int]

SELECTION: RGBA = (0, 160, 255, 255)
PREVIEW: RGBA = (255, 255, 255, 220)
REDACTION_FILL: RGBA = (0, 0, 0, 255)  # fully opaque: burned-in identity must never show through
REDACTION_EDGE: RGBA = (255, 80, 80, 255)
SUGGESTED_DASH: tuple[float, ...] = tuple(getattr(style, "SUGGESTED_DASH", (4.0, 4.0)))


def role_rgba(role: object) -> RGBA:
    """Line colour of an annotation role; white for anything the style does not know."""
    try:
        return (*style.role_color(role), 255)  # type: ignore[arg-type]
    except (KeyError, ValueError):
        return (255, 255, 255, 255)


def role_width(role: object) -> float:
    try:
        return float(style.role_style(role).width)  # type: ignore[arg-type]
    except (KeyError, ValueError):
        return 2.0


def role_dash(role: object) -> tuple[float, ...]:
    try:
        return tuple(style.role_style(role).dash)  # type: ignore[arg-type]
    except (KeyError, ValueError):
        return ()


def status_rgba(status: object) -> RGBA:
    """Green on target, amber near, red off, grey insufficient, violet ambiguous."""
    try:
        return (*style.status_color(status), 255)  # type: ignore[arg-type]
    except ValueError:
        return (*style.status_color("insufficient"), 255)


def zone_fill_alpha() -> int:
    return int(round(255 * getattr(style, "ZONE_FILL_ALPHA", 0.22)))
