"""Property-based tests of the target rules (hypothesis).

* Mirroring a film left-right (x → W − x for every point) together with its
  Directions (``Directions.mirrored_x``) changes no verdict: same status,
  reasons, distance and anatomical offsets.
* Distances scale linearly with the calibration.
* Moving the tip straight toward the target never worsens the status
  (on_target < near < off). For R-LAT this holds for tips inside the foramen
  or in its posterior band (s ≤ the posterior-third cut): an outside tip
  elsewhere may pass through the middle third, which the seed rule calls
  ``off`` even though it is closer (documented in rule_foramen).

Coordinates are integers and spacings binary fractions, so mirrored
arithmetic is exact; cases within 1e-6 of a threshold are skipped.
"""

from __future__ import annotations

import math

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from annotator.geometry import Calibration, CalibrationSource, Directions
from annotator.geometry.polygons import centroid, clip_half_plane, extent_along, signed_area
from annotator.model import Annotation, MarkSide, Role, ShapeKind, Side, View
from annotator.model.mark_side import infer_side
from annotator.rules import Status, default_config, evaluate_film
from tests.unit.test_rules_builders import ellipse, film, line, point, polygon, root, tip

W = 512
coord = st.integers(20, W - 20)
sides = st.sampled_from([Side.LEFT, Side.RIGHT])
calibrations = st.sampled_from([
    Calibration(0.5, 0.5, CalibrationSource.PIXEL_SPACING),
    Calibration(0.5, 0.25, CalibrationSource.DETECTOR),
    Calibration.none(),
])
TOL = default_config().tolerances


def mirror_annotation(a: Annotation) -> Annotation:
    pts = [(W - x, y) for x, y in a.points]
    return Annotation(a.role, a.kind, pts, level=a.level, radii=a.radii, rotation_deg=-a.rotation_deg, id=a.id)


def mirrored(f):
    return film(
        f.view, *[mirror_annotation(a) for a in f.annotations], calibration=f.calibration,
        directions=f.effective_directions().mirrored_x(),
    )


def verdict(f, level="L5", side=Side.RIGHT):
    return evaluate_film(f, root(level, side, f)).verdict


def away_from_thresholds(v):
    if v.distance is None:
        return
    for key in ("r_on", "r_near"):
        if key in v.tolerances:
            assume(abs(v.distance - v.tolerances[key]) > 1e-6)


def assert_same(v, w):
    assert v.status == w.status
    assert v.reasons == w.reasons
    assert v.missing == w.missing
    assert math.isclose(v.distance or 0.0, w.distance or 0.0, rel_tol=1e-9, abs_tol=1e-9)
    assert [d for d, _ in v.offsets] == [d for d, _ in w.offsets] or all(
        a < 1e-6 for _, a in v.offsets + w.offsets
    )
    for (_, a), (_, b) in zip(v.offsets, w.offsets):
        assert math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-6)
    assert v.cranial_half == w.cranial_half


def hull(points):
    """Convex hull (monotone chain), counter-clockwise, without collinear points."""
    pts = sorted(set(points))
    if len(pts) < 3:
        return pts

    def cross(o, a, b):
        return (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0])

    lower, upper = [], []
    for p in pts:
        while len(lower) >= 2 and cross(lower[-2], lower[-1], p) <= 0:
            lower.pop()
        lower.append(p)
    for p in reversed(pts):
        while len(upper) >= 2 and cross(upper[-2], upper[-1], p) <= 0:
            upper.pop()
        upper.append(p)
    return lower[:-1] + upper[:-1]


convex_polygons = st.lists(st.tuples(coord, coord), min_size=3, max_size=8).map(hull).filter(
    lambda h: len(h) >= 3 and abs(signed_area(h)) >= 200
)


@st.composite
def ap_films(draw):
    x0, x1 = draw(coord), draw(coord)
    assume(abs(x0 - x1) >= 6)
    y = draw(coord)
    dy = draw(st.integers(-5, 5))
    anns = [tip(draw(coord), draw(coord)), line(Role.PEDICLE_MARGIN, (x0, y), (x1, y + dy))]
    if draw(st.booleans()):  # the SAP of the vertebra below sits caudal (+y) to the whole margin
        anns.append(point(Role.SAP_MARGIN, (x0 + x1) // 2, y + max(0, dy) + draw(st.integers(1, 20))))
    if draw(st.booleans()):
        mx = draw(coord)
        anns.append(line(Role.MIDLINE, (mx, 0), (mx + draw(st.integers(-3, 3)), W)))
    view = draw(st.sampled_from([View.AP, View.OBLIQUE]))
    return film(view, *anns, calibration=draw(calibrations))


@settings(max_examples=150, deadline=None)
@given(ap_films(), sides)
def test_ap_verdict_unchanged_by_mirroring(f, side):
    v = verdict(f, side=side)
    away_from_thresholds(v)
    w = verdict(mirrored(f), side=side)
    assert_same(v, w)
    # the zone to draw is the mirror image of the original one
    assert w.zone.center == (W - v.zone.center[0], v.zone.center[1])
    assert w.zone.r_on_px == v.zone.r_on_px and w.zone.r_near_px == v.zone.r_near_px


@settings(max_examples=150, deadline=None)
@given(convex_polygons, coord, coord, calibrations, st.booleans())
def test_lat_verdict_unchanged_by_mirroring(poly, x, y, cal, anterior_left):
    d = Directions("P" if anterior_left else "A", "F")
    f = film(View.LATERAL, tip(x, y), polygon(Role.FORAMEN, poly), calibration=cal, directions=d)
    v = verdict(f)
    away_from_thresholds(v)
    w = verdict(mirrored(f))
    assert_same(v, w)
    assert math.isclose(v.fraction, w.fraction, rel_tol=1e-9, abs_tol=1e-12)


@settings(max_examples=150, deadline=None)
@given(coord, coord, st.integers(4, 40), st.integers(4, 40), coord, coord, calibrations, sides)
def test_s1_verdict_unchanged_by_mirroring(cx, cy, rx, ry, x, y, cal, side):
    f = film(View.AP, tip(x, y), ellipse(Role.S1_FORAMEN, (cx, cy), (rx, ry)), calibration=cal)
    v = verdict(f, level="S1", side=side)
    away_from_thresholds(v)
    # the sampled ellipse is symmetric only up to rounding of cos/sin
    assume(abs(v.distance) > 1e-6 or v.status is Status.ON_TARGET)
    assert_same(v, verdict(mirrored(f), level="S1", side=side))


@settings(max_examples=100, deadline=None)
@given(ap_films(), st.floats(0.05, 5.0))
def test_distances_scale_linearly_with_calibration(f, k):
    base = Calibration(0.5, 0.25, CalibrationSource.PIXEL_SPACING)
    f.calibration = base
    d1 = verdict(f).distance
    f.calibration = Calibration(0.5 * k, 0.25 * k, CalibrationSource.PIXEL_SPACING)
    dk = verdict(f).distance
    assert math.isclose(dk, k * d1, rel_tol=1e-9, abs_tol=1e-9)


@settings(max_examples=100, deadline=None)
@given(convex_polygons, coord, coord, st.floats(0.05, 5.0))
def test_lat_and_s1_distances_scale_linearly(poly, x, y, k):
    for view, role, level in ((View.LATERAL, Role.FORAMEN, "L5"), (View.AP, Role.S1_FORAMEN, "S1")):
        f = film(view, tip(x, y), polygon(role, poly), calibration=Calibration(0.5, 0.5, CalibrationSource.USER))
        d1 = verdict(f, level=level).distance
        f.calibration = Calibration(0.5 * k, 0.5 * k, CalibrationSource.USER)
        assert math.isclose(verdict(f, level=level).distance, k * d1, rel_tol=1e-9, abs_tol=1e-9)


STEPS = [i / 20 for i in range(21)]


def ranks_along(f, start, target, level="L5"):
    out = []
    for t in STEPS:
        p = (start[0] + t * (target[0] - start[0]), start[1] + t * (target[1] - start[1]))
        f.annotations[0] = tip(*p)
        out.append(verdict(f, level=level).status.rank)
    return out


def non_increasing(ranks):
    return all(b <= a for a, b in zip(ranks, ranks[1:]))


@settings(max_examples=100, deadline=None)
@given(ap_films())
def test_ap_moving_toward_target_never_worsens(f):
    margin = f.first(Role.PEDICLE_MARGIN)
    (a, b) = margin.points
    target = ((a[0] + b[0]) / 2, (a[1] + b[1]) / 2)
    # a target across the midline from the (right) root is a wrong-side target: never on target
    assume(infer_side(f, target) is not MarkSide.LEFT)
    ranks = ranks_along(f, f.first(Role.TIP).points[0], target)
    assert non_increasing(ranks), ranks
    assert ranks[-1] == Status.ON_TARGET.rank


@settings(max_examples=100, deadline=None)
@given(convex_polygons, coord, coord, calibrations)
def test_lat_moving_toward_posterior_third_never_worsens(poly, x, y, cal):
    f = film(View.LATERAL, tip(x, y), polygon(Role.FORAMEN, poly), calibration=cal)
    v = verdict(f)
    frame_a = (-1.0, 0.0)  # default lateral directions: anterior = -x
    scale = (cal.col_mm or 1.0, cal.row_mm or 1.0)
    upoly = [(px * scale[0], py * scale[1]) for px, py in poly]
    lo, hi = extent_along(upoly, frame_a)
    cut = lo + TOL.posterior_fraction * (hi - lo)
    in_band = -x * scale[0] <= cut
    assume(v.details["inside"] or in_band)
    region = clip_half_plane(upoly, frame_a, cut)
    cu = centroid(region)
    target = (cu[0] / scale[0], cu[1] / scale[1])
    ranks = ranks_along(f, (x, y), target)
    assert non_increasing(ranks), ranks
    assert ranks[-1] == Status.ON_TARGET.rank


@settings(max_examples=100, deadline=None)
@given(coord, coord, st.integers(4, 40), st.integers(4, 40), coord, coord, calibrations)
def test_s1_moving_toward_centre_never_worsens(cx, cy, rx, ry, x, y, cal):
    f = film(View.AP, tip(x, y), ellipse(Role.S1_FORAMEN, (cx, cy), (rx, ry)), calibration=cal)
    ranks = ranks_along(f, (x, y), (cx, cy), level="S1")
    assert non_increasing(ranks), ranks
    assert ranks[-1] == Status.ON_TARGET.rank


def test_polygon_s1_rotated_ellipse_matches_outline():
    # sanity for the generator: a rotated ellipse outline is still used as drawn
    e = Annotation(Role.S1_FORAMEN, ShapeKind.ELLIPSE, [(100, 100)], radii=(30, 10), rotation_deg=90)
    f = film(View.AP, tip(100, 125), e)  # 25 px below the centre, inside the rotated (vertical) ellipse
    assert verdict(f, level="S1").status is Status.ON_TARGET
