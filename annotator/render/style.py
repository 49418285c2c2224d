"""The overlay style shared by the screen (Qt painter) and export (Pillow, PDF, PPTX).

Plain data only: colours are ``(r, g, b)`` tuples of 0..255 ints, alphas are
0..1 floats. Sizes are given two ways, because the two targets differ:

- on screen, lines, handles and text have a fixed size in *screen pixels*
  whatever the zoom (``RoleStyle.width``, ``HANDLE_SIZE``, ``SCREEN_FONT_PX``);
- in an export burned into the image at native resolution, they scale with
  the image so a 2048-row film and a 512-row film look alike:
  ``line_width(role, image_height)``, ``font_px(image_height)``,
  ``marker_radius(image_height)`` return *image pixels* (reference height
  ``REFERENCE_HEIGHT`` = the screen size).

Verdict colours follow the traffic-light convention (domain.md §5):
on_target green, near amber, off red, insufficient grey, ambiguous violet.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from annotator.model.annotations import Role

RGB = tuple[int, int, int]


@dataclass(frozen=True)
class RoleStyle:
    """How one annotation role is drawn. ``width`` in screen pixels; ``dash`` is a
    dash pattern in multiples of the line width (empty = solid)."""

    color: RGB
    width: float = 2.0
    dash: tuple[float, ...] = ()
    label: bool = False  # draw its text (level name, ruler length) next to it


# Landmarks in cold colours, the needle in warm ones; no role uses a verdict colour
# (green/amber/red) so a verdict never reads as a landmark.
ROLE_STYLES: Mapping[Role, RoleStyle] = MappingProxyType(
    {
        Role.TIP: RoleStyle((255, 64, 255), 2.0),  # magenta cross
        Role.SHAFT: RoleStyle((255, 160, 255), 2.0),
        Role.CONTRAST_PATH: RoleStyle((0, 200, 255), 2.0),  # cyan
        Role.PEDICLE_MARGIN: RoleStyle((255, 255, 0), 2.0),  # yellow
        Role.SAP_MARGIN: RoleStyle((255, 220, 120), 2.0, dash=(3.0, 2.0)),
        Role.FORAMEN: RoleStyle((120, 160, 255), 2.0),  # light blue outline
        Role.S1_FORAMEN: RoleStyle((120, 160, 255), 2.0),
        Role.MIDLINE: RoleStyle((200, 200, 200), 1.5, dash=(6.0, 4.0)),
        Role.ILIAC_CREST: RoleStyle((170, 140, 255), 1.5, dash=(6.0, 4.0), label=True),
        Role.LEVEL_LABEL: RoleStyle((255, 255, 255), 1.5, label=True),
        Role.FINDING: RoleStyle((255, 128, 0), 2.0, label=True),  # orange
        Role.RULER: RoleStyle((255, 255, 255), 1.5, label=True),
        Role.ANGLE: RoleStyle((255, 255, 255), 1.5, label=True),
        Role.ARROW: RoleStyle((255, 255, 255), 2.0, label=True),
        Role.CALIBRATION: RoleStyle((0, 255, 200), 1.5, dash=(2.0, 2.0), label=True),
    }
)

STATUS_COLORS: Mapping[str, RGB] = MappingProxyType(
    {
        "on_target": (0, 200, 83),  # green
        "near": (255, 176, 0),  # amber
        "off": (230, 40, 40),  # red
        "insufficient": (150, 150, 150),  # grey
        "ambiguous": (200, 90, 230),  # violet: the marks must be fixed before anything is judged
    }
)

# One colour per root of a case (by its place in the case), for films that show the needles of
# several roots: each root's tip and label in its colour. Kept apart from the status colours.
ROOT_COLORS: tuple[RGB, ...] = (
    (0, 200, 255),  # cyan
    (255, 215, 0),  # gold
    (255, 120, 190),  # pink
    (160, 150, 255),  # lavender
)


def root_color(index: int) -> RGB:
    """The colour of the ``index``-th root of a case (the palette repeats after four roots)."""
    return ROOT_COLORS[index % len(ROOT_COLORS)]


# Target zone drawn from a verdict (rules' TargetZone): outline in the status
# colour, fill in the same colour at this alpha; the "near" ring dashed.
ZONE_FILL_ALPHA = 0.22
ZONE_OUTLINE_WIDTH = 1.5
ZONE_NEAR_DASH = (4.0, 3.0)

SELECTED_COLOR: RGB = (255, 255, 255)  # halo around the selected shape
SELECTED_EXTRA_WIDTH = 2.0  # halo width added to the role width, screen px
SUGGESTED_ALPHA = 0.6  # assist proposals not yet confirmed: translucent and dashed
SUGGESTED_DASH = (4.0, 4.0)
REDACTION_COLOR: RGB = (0, 0, 0)  # blacked-out regions, fully opaque in exports
TEXT_COLOR: RGB = (255, 255, 255)
TEXT_SHADOW: RGB = (0, 0, 0)  # 1-px dark outline keeps text legible on bright bone
HANDLE_SIZE = 8.0  # side of the square edit handles, screen px
POINT_MARKER_RADIUS = 6.0  # half-size of point markers (tip cross), screen px
SCREEN_FONT_PX = 14.0

REFERENCE_HEIGHT = 1024  # image height (px) at which export sizes equal screen sizes
FONT_FRACTION = SCREEN_FONT_PX / REFERENCE_HEIGHT  # font height relative to image height
MIN_EXPORT_FONT_PX = 10.0


def role_style(role: Role | str) -> RoleStyle:
    """The style of an annotation role (``Role`` or its string value)."""
    return ROLE_STYLES[Role(role)]


def role_color(role: Role | str) -> RGB:
    """Line colour of an annotation role."""
    return role_style(role).color


def status_color(status: str) -> RGB:
    """Colour of a verdict status: ``on_target``, ``near``, ``off``, ``insufficient``, ``ambiguous``."""
    key = str(getattr(status, "value", status))
    try:
        return STATUS_COLORS[key]
    except KeyError:
        raise ValueError(f"unknown verdict status {status!r} (use {', '.join(STATUS_COLORS)})") from None


def _scale(image_height: int) -> float:
    if image_height <= 0:
        raise ValueError(f"image height must be positive, got {image_height!r}")
    return image_height / REFERENCE_HEIGHT


def line_width(role: Role | str, image_height: int) -> float:
    """Line width in image pixels for an export at native resolution (at least 1)."""
    return max(1.0, role_style(role).width * _scale(image_height))


def font_px(image_height: int) -> float:
    """Text height in image pixels for an export (``FONT_FRACTION`` of the height)."""
    return max(MIN_EXPORT_FONT_PX, FONT_FRACTION * image_height)


def marker_radius(image_height: int) -> float:
    """Half-size of point markers in image pixels for an export (at least 3)."""
    return max(3.0, POINT_MARKER_RADIUS * _scale(image_height))


def with_alpha(color: RGB, alpha: float) -> tuple[int, int, int, int]:
    """``(r, g, b, a)`` with alpha 0..1 converted to 0..255 (Pillow's RGBA)."""
    if not 0.0 <= alpha <= 1.0:
        raise ValueError(f"alpha must be within 0..1, got {alpha!r}")
    return (*color, int(round(alpha * 255)))
