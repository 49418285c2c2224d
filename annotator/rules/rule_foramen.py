"""R-LAT [seed]: posterior third of the foramen on the lateral film (domain.md §5).

Everything is computed in unit space (see :mod:`annotator.rules.film_frame`).
With ``a`` the unit vector toward the patient's anterior (from the film's
Directions) and ``s(p) = p·a``, ``s_post``/``s_ant`` the min/max of ``s`` over
the foramen polygon, the tip's fraction is
``f = (s(tip) − s_post) / (s_ant − s_post)`` (0 = posterior edge, 1 = anterior).

* tip inside the polygon and ``f ≤ posterior_fraction`` (1/3): ``on_target``,
  distance 0;
* inside with ``f > 1/3``: ``off`` as "middle third", or "anterior third — too
  anterior" when ``f > anterior_fraction`` (2/3); the distance is to the
  posterior-third region;
* outside: the distance to the posterior-third region
  ``polygon ∩ {s ≤ s_post + (s_ant − s_post)/3}`` decides: ``near`` within
  r_near, else ``off`` (an outside tip is never on target, so r_on is unused).

Without a mm scale r_near is ``foramen_near_factor`` × the foramen's
cranio-caudal height in pixels (0.4 × a typical 15 mm foramen ≈ 6 mm, the
calibrated r_near), and the verdict says so (``fallback = "foramen"``).

The verdict also reports whether an inside tip lies in the cranial half of the
foramen (the dorsal-cranial "safe triangle" quadrant [ext]): ``cranial_half``.
"""

from __future__ import annotations

import math

from annotator.geometry.polygons import (
    centroid,
    clip_half_plane,
    clipped_boundary,
    distance_to_region,
    dot,
    extent_along,
    nearest_on_segments,
    point_in_polygon,
    sub,
)
from annotator.model import Film, Role, Root
from annotator.rules.config import RuleConfig
from annotator.rules.film_frame import FilmFrame, split_offsets
from annotator.rules.mark_choice import (
    ambiguous_verdict,
    choose_landmark,
    choose_tip,
    root_side,
    tip_on_wrong_side,
)
from annotator.rules.verdict import Status, TargetZone, Verdict

RULE_ID = "R-LAT"


def evaluate_foramen(film: Film, root: Root, config: RuleConfig) -> Verdict:
    """R-LAT for ``root`` on a lateral ``film``."""
    frame = FilmFrame.of(film)
    tip_choice = choose_tip(film, root)
    tip = tip_choice.mark
    key_frame = tip.frame if tip is not None else None
    landmark_choice = choose_landmark(film, Role.FORAMEN, root.level, key_frame, root_side(root))
    problems = [(c, name) for c, name in ((tip_choice, "tip"), (landmark_choice, "foramen")) if c.ambiguous]
    if problems:
        return ambiguous_verdict(RULE_ID, "seed", frame.unit, root, problems)
    foramen = landmark_choice.mark
    anterior = frame.vector("A")
    missing = tuple(
        name
        for name, ok in (("tip", tip is not None), ("foramen", foramen is not None),
                         ("orientation_anterior", anterior is not None))
        if not ok
    )
    if not missing and foramen is not None:
        poly_chk = [frame.to_u(p) for p in foramen.outline()]
        lo, hi = extent_along(poly_chk, anterior)  # type: ignore[arg-type]
        if hi - lo <= 0:
            missing = ("foramen",)
    if missing:
        return Verdict(RULE_ID, "seed", Status.INSUFFICIENT, unit=frame.unit, missing=missing, level=root.level)
    assert tip is not None and foramen is not None and anterior is not None

    tol = config.tolerances
    poly = [frame.to_u(p) for p in foramen.outline()]
    tip_u = frame.to_u(tip.points[0])
    s_post, s_ant = extent_along(poly, anterior)
    span = s_ant - s_post
    f = (dot(tip_u, anterior) - s_post) / span
    cut = s_post + tol.posterior_fraction * span
    region = clip_half_plane(poly, anterior, cut)

    cranial = frame.vector("H")
    if frame.is_mm:
        r_near, fallback = tol.r_near_mm, None
        tolerances = {"r_near": r_near}
    else:
        axis = cranial if cranial is not None else (-anterior[1], anterior[0])
        h_lo, h_hi = extent_along(poly, axis)
        r_near, fallback = tol.foramen_near_factor * (h_hi - h_lo), "foramen"
        tolerances = {"r_near": r_near, "near_factor": tol.foramen_near_factor}

    inside = point_in_polygon(tip_u, poly)
    in_region = inside and dot(tip_u, anterior) <= cut
    nearest, distance = nearest_on_segments(tip_u, clipped_boundary(poly, anterior, cut))
    if in_region:
        nearest, distance = tip_u, 0.0
    if inside and f <= tol.posterior_fraction:
        reasons: tuple[str, ...] = ("posterior_third",)
        status, distance = Status.ON_TARGET, 0.0
    elif inside:
        status = Status.OFF
        reasons = ("anterior_third",) if f > tol.anterior_fraction else ("middle_third",)
    else:
        status = Status.NEAR if distance <= r_near else Status.OFF
        reasons = ("outside_foramen",)
    if tip_on_wrong_side(film, root, tip):  # a lateral film has no L/R axis: only a rotated one can tell
        status = Status.OFF
        reasons = ("wrong_side", *reasons)

    cranial_half = None
    if inside and cranial is not None:
        c_lo, c_hi = extent_along(poly, cranial)
        cranial_half = dot(tip_u, cranial) >= c_hi - tol.cranial_half_fraction * (c_hi - c_lo)

    offsets: tuple[tuple[str, float], ...] = ()
    if distance > 0:
        offsets = split_offsets(
            sub(tip_u, nearest),
            [("anterior", "posterior", anterior), ("cranial", "caudal", cranial)],
        )

    zone = TargetZone(
        kind="polygon",
        center=frame.to_px(centroid(region)),
        r_near_px=frame.radii_px(r_near),
        polygon=tuple(frame.to_px(p) for p in region),
        outline=tuple(foramen.outline()),
        cut_line=_cut_line(region, anterior, cut, span, frame),
    )
    return Verdict(
        rule_id=RULE_ID,
        source="seed",
        status=status,
        distance=distance,
        unit=frame.unit,
        offsets=offsets,
        zone=zone,
        reasons=reasons,
        level=root.level,
        side=root.side.value,
        fallback=fallback,
        tolerances=tolerances,
        fraction=f,
        cranial_half=cranial_half,
        details={
            "inside": inside,
            "distance_to_foramen": distance_to_region(tip_u, poly),
            "foramen_annotation_id": foramen.id,
            "tip_annotation_id": tip.id,
        },
    )


def _cut_line(region, anterior, cut, span, frame: FilmFrame):
    """End points (pixels) of the posterior-third boundary across the foramen."""
    eps = 1e-9 * max(1.0, abs(span))
    on_cut = [p for p in region if abs(dot(p, anterior) - cut) <= eps]
    if len(on_cut) < 2:
        return None
    along = (-anterior[1], anterior[0])
    on_cut.sort(key=lambda p: dot(p, along))
    a, b = on_cut[0], on_cut[-1]
    if math.dist(a, b) == 0:
        return None
    return (frame.to_px(a), frame.to_px(b))
