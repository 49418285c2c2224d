"""R-S1 [seed]: the first dorsal sacral foramen on the AP film (domain.md §5).

``on_target`` when the tip is inside the marked S1 foramen outline (ellipse,
tested exactly, or polygon); outside, the distance to the
outline decides ``near`` (within r_near) or ``off``. Offsets are reported from
the outline's centroid, split into cranial/caudal and medial/lateral.

Without a mm scale r_near is ``s1_near_factor`` × the outline's equivalent
diameter (``2·sqrt(area/π)``, pixels; 0.6 × a typical 10 mm foramen ≈ 6 mm)
and the verdict says so (``fallback = "s1"``).
"""

from __future__ import annotations

import math

from annotator.geometry.polygons import centroid, distance_to_boundary, point_in_polygon, signed_area, sub
from annotator.model import Annotation, Film, Role, Root, ShapeKind
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

RULE_ID = "R-S1"


def _inside(outline: Annotation, tip_px: tuple[float, float], tip_u, poly) -> bool:
    """Inside the outline; an ellipse is tested exactly (its 64-gon is inscribed, a hair smaller)."""
    if outline.kind is ShapeKind.ELLIPSE and outline.radii is not None:
        (cx, cy), (rx, ry) = outline.points[0], outline.radii
        t = math.radians(outline.rotation_deg)
        dx, dy = tip_px[0] - cx, tip_px[1] - cy
        u = dx * math.cos(t) + dy * math.sin(t)  # along the rx axis
        w = -dx * math.sin(t) + dy * math.cos(t)
        return (u / rx) ** 2 + (w / ry) ** 2 <= 1.0 + 1e-12
    return point_in_polygon(tip_u, poly)


def evaluate_s1(film: Film, root: Root, config: RuleConfig) -> Verdict:
    """R-S1 for an S1 ``root`` on an AP ``film``."""
    frame = FilmFrame.of(film)
    tip_choice = choose_tip(film, root)
    tip = tip_choice.mark
    key_frame = tip.frame if tip is not None else None
    landmark_choice = choose_landmark(film, Role.S1_FORAMEN, root.level, key_frame, root_side(root))
    problems = [(c, name) for c, name in ((tip_choice, "tip"), (landmark_choice, "s1_foramen")) if c.ambiguous]
    if problems:
        return ambiguous_verdict(RULE_ID, "seed", frame.unit, root, problems)
    outline_ann = landmark_choice.mark
    missing = tuple(name for name, ann in (("tip", tip), ("s1_foramen", outline_ann)) if ann is None)
    if missing:
        return Verdict(RULE_ID, "seed", Status.INSUFFICIENT, unit=frame.unit, missing=missing, level=root.level)
    assert tip is not None and outline_ann is not None

    outline_px = outline_ann.outline()
    poly = [frame.to_u(p) for p in outline_px]
    tip_u = frame.to_u(tip.points[0])
    centre = centroid(poly)
    tol = config.tolerances
    if frame.is_mm:
        r_near, fallback = tol.r_near_mm, None
        tolerances = {"r_near": r_near}
    else:
        diameter = 2.0 * math.sqrt(abs(signed_area(poly)) / math.pi)
        r_near, fallback = tol.s1_near_factor * diameter, "s1"
        tolerances = {"r_near": r_near, "near_factor": tol.s1_near_factor}

    if _inside(outline_ann, tip.points[0], tip_u, poly):
        reasons: tuple[str, ...] = ("inside_s1",)
        status, distance = Status.ON_TARGET, 0.0
    else:
        distance = distance_to_boundary(tip_u, poly)
        status = Status.NEAR if distance <= r_near else Status.OFF
        reasons = ("outside_s1",)
    if tip_on_wrong_side(film, root, tip):  # never on target, whatever landmark was used
        status, reasons = Status.OFF, ("wrong_side", *reasons)

    medial = frame.medial(root.side, film, frame.to_px(centre))  # from the target, as R-AP
    offsets = split_offsets(
        sub(tip_u, centre), [("cranial", "caudal", frame.vector("H")), ("medial", "lateral", medial)]
    )
    zone = TargetZone(
        kind="polygon",
        center=frame.to_px(centre),
        r_near_px=frame.radii_px(r_near),
        polygon=tuple(outline_px),
        outline=tuple(outline_px),
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
        details={"s1_annotation_id": outline_ann.id, "tip_annotation_id": tip.id},
    )
