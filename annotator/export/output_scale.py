"""Sizes of burned-in overlays in points of the output, whatever the film's size in pixels.

A burned-in film is seen on a 16:9 slide (or printed from the PNG at the same
size): its film area is the slide's image area less a column beside it for the
legend (``PANEL_IN``). :class:`OutputScale` says how many points of that output
one film pixel covers, so text and lines are sized in points and converted to
film pixels: a label is ``LABEL_PT`` (14 pt) high and a line ``LINE_MIN_PT``
(1.5 pt) wide at least, on a 512 x 512 cine film as on a 2048 x 2048 one.
"""

from __future__ import annotations

from dataclasses import dataclass

# Slide geometry (inches, 16:9) -- the deck's IMAGE_AREA (annotator.export.deck) and its legend column
IMAGE_AREA_IN = (0.5, 1.1, 12.3, 5.25)
PANEL_IN = 3.1  # the legend / verdict / scale bar column beside the film
GAP_IN = 0.15  # between the film and the column
PANEL_BG = (16, 16, 16)  # the slide background: the column reads as part of the slide

LABEL_PT = 14.0  # annotation labels and the legend's text
PANEL_MIN_PT = 11.0  # the column's text when a long list of warnings must fit the film height
LINE_MIN_PT = 1.5
MARKER_PT = 6.0  # half-size of point markers
LABEL_GAP_PT = 2.0  # free space kept between a label and drawn geometry or another label
LABEL_NEAR_PT = 12.0  # a label farther than this from its anchor gets a leader line
LABEL_MAX_PT = 54.0  # and is never farther than this (0.75 in on the slide)


@dataclass(frozen=True)
class OutputScale:
    """``pt_per_px``: points of the output covered by one film pixel."""

    pt_per_px: float

    @classmethod
    def slide(cls, width: int, height: int) -> OutputScale:
        """The film (``width`` x ``height`` px) fitted into the slide's film area."""
        _x, _y, aw, ah = IMAGE_AREA_IN
        film_w_in = aw - PANEL_IN - GAP_IN
        inches_per_px = min(film_w_in / max(1, width), ah / max(1, height))
        return cls(inches_per_px * 72.0)

    def px(self, pt: float) -> float:
        """``pt`` points in film pixels."""
        return pt / self.pt_per_px

    def pt(self, px: float) -> float:
        """``px`` film pixels in points."""
        return px * self.pt_per_px

    def line_px(self, screen_width: float) -> int:
        """A role's line width (its screen width taken as points, at least ``LINE_MIN_PT``) in
        whole film pixels, rounded up so it is never thinner than asked."""
        import math

        return max(1, math.ceil(self.px(max(LINE_MIN_PT, screen_width)) - 1e-6))

    @property
    def panel_px(self) -> int:
        return int(round(self.px(PANEL_IN * 72.0)))

    @property
    def gap_px(self) -> int:
        return int(round(self.px(GAP_IN * 72.0)))
