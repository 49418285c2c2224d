"""WCAG 2 contrast between two colours, for tests of readable text (AA: 4.5:1 for body text)."""

from __future__ import annotations

AA = 4.5


def _channel(c: float) -> float:
    c = c / 255.0
    return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4


def luminance(rgb: tuple[int, int, int]) -> float:
    r, g, b = (_channel(v) for v in rgb[:3])
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def ratio(a: tuple[int, int, int], b: tuple[int, int, int]) -> float:
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def qrgb(color) -> tuple[int, int, int]:
    """(r, g, b) of a QColor or a '#rrggbb' string."""
    if isinstance(color, str):
        h = color.lstrip("#")
        if len(h) == 3:
            h = "".join(ch * 2 for ch in h)
        return int(h[0:2], 16), int(h[2:4], 16), int(h[4:6], 16)
    return color.red(), color.green(), color.blue()


def widget_text_contrast(widget) -> float:
    """Contrast of ``widget``'s text colour against the background it is drawn on, both taken
    from the palettes in use after polishing (a style sheet's colours end up there)."""
    from PyQt6.QtGui import QPalette

    widget.ensurePolished()
    fg = widget.palette().color(widget.foregroundRole())
    holder = widget
    while holder is not None and not holder.autoFillBackground() and not holder.isWindow():
        holder = holder.parentWidget()
    holder = holder or widget
    holder.ensurePolished()
    bg = holder.palette().color(holder.backgroundRole() if holder is not widget else QPalette.ColorRole.Window)
    return ratio(qrgb(fg), qrgb(bg))
