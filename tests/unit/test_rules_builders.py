"""Builders of synthetic films and roots for the rules tests (no tests here).

Conventions used by every rules test: calibration 0.5 mm/px unless a test says
otherwise, so 2 px = 1 mm; AP default directions (+x = patient left, +y =
feet), lateral default directions (+x = posterior, +y = feet).
"""

from __future__ import annotations

from annotator.geometry import Calibration, CalibrationSource, Directions
from annotator.model import Annotation, Film, Finding, Role, Root, ShapeKind, Side, View

HALF_MM = Calibration(0.5, 0.5, CalibrationSource.PIXEL_SPACING)
NO_MM = Calibration.none()


def tip(x: float, y: float) -> Annotation:
    return Annotation(Role.TIP, ShapeKind.POINT, [(x, y)])


def line(role: Role, p, q, level: str | None = None) -> Annotation:
    return Annotation(role, ShapeKind.LINE, [p, q], level=level)


def polygon(role: Role, pts, level: str | None = None) -> Annotation:
    return Annotation(role, ShapeKind.POLYGON, pts, level=level)


def ellipse(role: Role, centre, radii, level: str | None = None) -> Annotation:
    return Annotation(role, ShapeKind.ELLIPSE, [centre], radii=radii, level=level)


def point(role: Role, x: float, y: float, level: str | None = None) -> Annotation:
    return Annotation(role, ShapeKind.POINT, [(x, y)], level=level)


def film(view: View, *annotations: Annotation, calibration: Calibration = HALF_MM,
         directions: Directions | None = None, **kw) -> Film:
    return Film(f"{view.value}.png", view, calibration=calibration, directions=directions,
                annotations=list(annotations), **kw)


def root(level: str = "L5", side: Side = Side.RIGHT, *films: Film, **kw) -> Root:
    return Root(level, side, films=list(films), **kw)


def sheath() -> Finding:
    return Finding("tip_in_sheath")


# The right L5 pedicle lower margin on an AP film with default directions:
# +x = patient left = medial for a right root, so the medial end has the larger x.
# Length 40 px = 20 mm; T = (120, 200).
L5_MARGIN = line(Role.PEDICLE_MARGIN, (140, 200), (100, 200), level="L5")

# A lateral foramen: x 100..190 (90 px = 45 mm), y 100..160 (60 px = 30 mm).
# Default lateral directions: anterior = -x, so the posterior edge is x = 190
# and the posterior third is x in [160, 190].
FORAMEN = polygon(Role.FORAMEN, [(100, 100), (190, 100), (190, 160), (100, 160)], level="L5")
