"""The one mapping between image pixels and widget pixels (pure Python, no Qt).

Image coordinates follow domain.md §3: float pixels, origin at the top-left
*corner* of the top-left pixel, +x right, +y down, in the stored grid. Widget
coordinates are the canvas's logical pixels, same orientation.

The display applies, in this order: centre the image on its middle, rotate by
quarter turns clockwise (as seen on screen), flip the screen axes, scale by
``zoom`` (widget px per image px), then move the image middle to ``center``.
Display state never changes stored coordinates: tools receive image
coordinates from ``to_image``.
"""

from __future__ import annotations

from dataclasses import dataclass

from annotator.geometry import Directions
from annotator.geometry.directions import OPPOSITE

MIN_ZOOM = 0.02
MAX_ZOOM = 64.0

# Rotation by k quarter turns clockwise on screen (+y down): (x, y) -> (-y, x) per turn.
_ROT = {0: (1, 0, 0, 1), 1: (0, -1, 1, 0), 2: (-1, 0, 0, -1), 3: (0, 1, -1, 0)}


@dataclass
class ViewTransform:
    """Image <-> widget mapping of one viewport.

    ``width``/``height``: image size in pixels; ``zoom``: widget px per image
    px; ``center``: widget position of the image middle; ``quarter_turns``:
    0..3 clockwise; ``flip_h``/``flip_v``: mirror the screen's horizontal /
    vertical axis (applied after the rotation, so ``h`` always flips what
    the user sees left-right).
    """

    width: float = 1.0
    height: float = 1.0
    zoom: float = 1.0
    center: tuple[float, float] = (0.0, 0.0)
    quarter_turns: int = 0
    flip_h: bool = False
    flip_v: bool = False

    # -- the linear part -----------------------------------------------------
    def _linear(self) -> tuple[float, float, float, float]:
        """2x2 matrix (a, b, c, d): screen = [[a, b], [c, d]] @ image (before zoom)."""
        a, b, c, d = _ROT[self.quarter_turns % 4]
        fx = -1 if self.flip_h else 1
        fy = -1 if self.flip_v else 1
        return a * fx, b * fx, c * fy, d * fy

    def to_widget(self, x: float, y: float) -> tuple[float, float]:
        """Image pixel coordinates -> widget coordinates."""
        a, b, c, d = self._linear()
        dx, dy = x - self.width / 2.0, y - self.height / 2.0
        return (
            self.center[0] + self.zoom * (a * dx + b * dy),
            self.center[1] + self.zoom * (c * dx + d * dy),
        )

    def to_image(self, sx: float, sy: float) -> tuple[float, float]:
        """Widget coordinates -> image pixel coordinates (inverse of ``to_widget``)."""
        a, b, c, d = self._linear()
        ux = (sx - self.center[0]) / self.zoom
        uy = (sy - self.center[1]) / self.zoom
        # The linear part is orthogonal (rotation x flip): its inverse is its transpose.
        return (self.width / 2.0 + a * ux + c * uy, self.height / 2.0 + b * ux + d * uy)

    def matrix(self) -> tuple[float, float, float, float, float, float]:
        """Affine (m11, m12, m21, m22, dx, dy) in QTransform's convention:
        x' = m11 x + m21 y + dx, y' = m12 x + m22 y + dy (image -> widget)."""
        a, b, c, d = self._linear()
        z = self.zoom
        ox, oy = self.to_widget(0.0, 0.0)
        return (z * a, z * c, z * b, z * d, ox, oy)

    def screen_vector(self, vx: float, vy: float) -> tuple[float, float]:
        """Direction on screen (unnormalised by zoom) of the image vector (vx, vy)."""
        a, b, c, d = self._linear()
        return a * vx + b * vy, c * vx + d * vy

    def image_vector(self, sx: float, sy: float) -> tuple[float, float]:
        """Image direction that shows as the screen direction (sx, sy)."""
        a, b, c, d = self._linear()
        return a * sx + c * sy, b * sx + d * sy

    # -- view operations -----------------------------------------------------
    def set_image_size(self, width: float, height: float) -> None:
        self.width, self.height = float(width), float(height)

    def displayed_size(self) -> tuple[float, float]:
        """Image size on screen in image pixels (swapped by odd quarter turns)."""
        if self.quarter_turns % 2:
            return self.height, self.width
        return self.width, self.height

    def fit(self, view_width: float, view_height: float, margin: float = 0.0) -> None:
        """Whole image visible and centred in a view of the given widget size."""
        w, h = self.displayed_size()
        vw, vh = max(1.0, view_width - 2 * margin), max(1.0, view_height - 2 * margin)
        self.zoom = _clamp(min(vw / w, vh / h))
        self.center = (view_width / 2.0, view_height / 2.0)

    def zoom_about(self, sx: float, sy: float, factor: float) -> None:
        """Multiply the zoom by ``factor`` keeping the image point under (sx, sy) fixed."""
        px, py = self.to_image(sx, sy)
        self.zoom = _clamp(self.zoom * factor)
        self._pin(px, py, sx, sy)

    def pan(self, dx: float, dy: float) -> None:
        """Move the image by (dx, dy) widget pixels."""
        self.center = (self.center[0] + dx, self.center[1] + dy)

    def rotate90(self, about: tuple[float, float] | None = None) -> None:
        """A quarter turn clockwise about the widget point ``about`` (default: image middle)."""
        self._keep(about, lambda: setattr(self, "quarter_turns", (self.quarter_turns + 1) % 4))

    def toggle_flip_h(self, about: tuple[float, float] | None = None) -> None:
        self._keep(about, lambda: setattr(self, "flip_h", not self.flip_h))

    def toggle_flip_v(self, about: tuple[float, float] | None = None) -> None:
        self._keep(about, lambda: setattr(self, "flip_v", not self.flip_v))

    def _keep(self, about, change) -> None:
        if about is None:
            change()
            return
        px, py = self.to_image(*about)
        change()
        self._pin(px, py, *about)

    def _pin(self, px: float, py: float, sx: float, sy: float) -> None:
        """Move ``center`` so the image point (px, py) shows at widget (sx, sy)."""
        wx, wy = self.to_widget(px, py)
        self.pan(sx - wx, sy - wy)

    # -- orientation letters -------------------------------------------------
    def edge_letters(self, directions: Directions) -> dict[str, str]:
        """Patient direction shown toward each widget edge: keys right, left, bottom, top."""
        out = {}
        for edge, (sx, sy) in {"right": (1, 0), "left": (-1, 0), "bottom": (0, 1), "top": (0, -1)}.items():
            ix, iy = self.image_vector(sx, sy)
            if ix:
                code = directions.x if ix > 0 else _opposite(directions.x)
            else:
                code = directions.y if iy > 0 else _opposite(directions.y)
            out[edge] = code
        return out


def _opposite(code: str) -> str:
    return "".join(OPPOSITE[c] for c in code)


def _clamp(z: float) -> float:
    return max(MIN_ZOOM, min(MAX_ZOOM, z))
