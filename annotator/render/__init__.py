"""Pixels to display buffers (one LUT per state) and the overlay style shared by screen and export.

No Qt here: ``ui/qimage.py`` turns the buffers into ``QImage``.
"""

from annotator.render.display import FrameRenderer, display_frame

__all__ = ["FrameRenderer", "display_frame"]
