"""R-AP [seed] and R-OBL [ext]: the subpedicular target (domain.md §5).

Target T = midpoint of the marked pedicle lower margin of the root's vertebra
(椎弓根下缘中点). The verdict comes from |tip − T| in the film's unit:
``on_target`` within r_on, ``near`` within r_near, else ``off``. Radii are
``r_on_mm``/``r_near_mm`` with a mm scale; without one they are
``pedicle_on_factor``/``pedicle_near_factor`` × the margin's length in pixels,
and the verdict says so (``fallback = "pedicle"``).

Bounds, measured along the patient's cranio-caudal axis of the film:

* "too caudal": the superior margin of the superior articular process of the
  vertebra below (SAP) is marked and the tip lies caudal to it (at the tip's
  medial-lateral position on a marked segment, or the marked point's height).
  The seed makes this a hard lower bound: the status becomes ``off``.
* "too cranial": the tip projects over the pedicle (its projection falls
  within the margin's medial-lateral extent) and lies cranial to the margin.
  This qualifies a verdict that is not already ``on_target``; the status
  stays the distance verdict, because a tip within r_on of T may sit a hair
  above a hand-drawn margin.

R-OBL applies the same geometry to a pedicle margin marked on an oblique
film and is labelled "subpedicular target on the oblique film".
"""

from __future__ import annotations

import math

from annotator.geometry.polygons import dot, midpoint, sub
from annotator.model import Film, Role, Root
from annotator.rules.config import RuleConfig
from annotator.rules.film_frame import (
    FilmFrame,
    projection_parameter,
    split_offsets,
    value_along_segment,
)
from annotator.rules.mark_choice import (
    ambiguous_verdict,
    choose_landmark,
    choose_tip,
    root_side,
    tip_on_wrong_side,
)
from annotator.rules.verdict import Status, TargetZone, Verdict

_NEXT_LEVEL = {"L1": "L2", "L2": "L3", "L3": "L4", "L4": "L5", "L5": "S1"}


def status_from_distance(d: float, r_on: float, r_near: float) -> Status:
    if d <= r_on:
        return Status.ON_TARGET
    if d <= r_near:
        return Status.NEAR
    return Status.OFF


def evaluate_pedicle(film: Film, root: Root, config: RuleConfig, rule_id: str = "R-AP") -> Verdict:
    """R-AP (AP film) or R-OBL (oblique film) for ``root`` on ``film``."""
    source = "seed" if rule_id == "R-AP" else "ext"
    frame = FilmFrame.of(film)
    side = root_side(root)
    tip_choice = choose_tip(film, root)
    tip = tip_choice.mark
    key_frame = tip.frame if tip is not None else None
    margin_choice = choose_landmark(film, Role.PEDICLE_MARGIN, root.level, key_frame, side)
    sap_choice = choose_landmark(film, Role.SAP_MARGIN, _NEXT_LEVEL.get(root.level.upper()), key_frame, side)
    if sap_choice.mark is None and not sap_choice.ambiguous:
        # the SAP belongs to the vertebra below; accept it labelled with the root's level too
        sap_choice = choose_landmark(film, Role.SAP_MARGIN, root.level, key_frame, side)
    problems = [(c, name) for c, name in ((tip_choice, "tip"), (margin_choice, "pedicle_margin"),
                                          (sap_choice, "sap_margin")) if c.ambiguous]
    if problems:
        return ambiguous_verdict(rule_id, source, frame.unit, root, problems)
    margin = margin_choice.mark
    missing = tuple(name for name, ann in (("tip", tip), ("pedicle_margin", margin)) if ann is None)
    if missing:
        return Verdict(rule_id, source, Status.INSUFFICIENT, unit=frame.unit, missing=missing, level=root.level)
    assert tip is not None and margin is not None

    m0, m1 = (frame.to_u(p) for p in margin.points)
    t_u = midpoint(m0, m1)
    tip_u = frame.to_u(tip.points[0])
    margin_len = math.dist(m0, m1)
    if margin_len <= 0.0:  # both ends on one point: no target and no scale for the tolerances
        return Verdict(rule_id, source, Status.INSUFFICIENT, unit=frame.unit, missing=("pedicle_margin",),
                       level=root.level)
    tol = config.tolerances
    if frame.is_mm:
        r_on, r_near, fallback = tol.r_on_mm, tol.r_near_mm, None
        tolerances = {"r_on": r_on, "r_near": r_near}
    else:
        r_on, r_near = tol.pedicle_on_factor * margin_len, tol.pedicle_near_factor * margin_len
        fallback = "pedicle"
        tolerances = {
            "r_on": r_on, "r_near": r_near,
            "on_factor": tol.pedicle_on_factor, "near_factor": tol.pedicle_near_factor,
        }
    distance = math.dist(tip_u, t_u)
    status = status_from_distance(distance, r_on, r_near)

    cranial = frame.vector("H")
    reasons: list[str] = []
    if cranial is not None:
        sap = sap_choice.mark
        if sap is not None:
            pts = [frame.to_u(p) for p in sap.points]
            sap_height = dot(pts[0], cranial) if len(pts) == 1 else value_along_segment(tip_u, pts[0], pts[1], cranial)
            if dot(tip_u, cranial) < sap_height:
                reasons.append("too_caudal")
                status = Status.OFF
        over_pedicle = 0.0 <= projection_parameter(tip_u, m0, m1) <= 1.0
        above_margin = dot(tip_u, cranial) > value_along_segment(tip_u, m0, m1, cranial)
        if over_pedicle and above_margin and status is not Status.ON_TARGET:
            reasons.append("too_cranial")
    if tip_on_wrong_side(film, root, tip):  # never on target, whatever landmark was used
        reasons.insert(0, "wrong_side")
        status = Status.OFF

    # medial is judged from the target, not the tip: a tip that crossed the midline is the most
    # medial one (W1), not a lateral one
    medial = frame.medial(root.side, film, frame.to_px(t_u))
    offsets = split_offsets(
        sub(tip_u, t_u), [("cranial", "caudal", cranial), ("medial", "lateral", medial)]
    )
    zone = TargetZone(
        kind="disc",
        center=frame.to_px(t_u),
        r_on_px=frame.radii_px(r_on),
        r_near_px=frame.radii_px(r_near),
        outline=tuple(margin.points),
    )
    return Verdict(
        rule_id=rule_id,
        source=source,
        status=status,
        distance=distance,
        unit=frame.unit,
        offsets=offsets,
        zone=zone,
        reasons=tuple(reasons),
        level=root.level,
        side=root.side.value,
        fallback=fallback,
        tolerances=tolerances,
        details={
            "margin_length": margin_len,
            "medial_offset": None if medial is None else dot(sub(tip_u, t_u), medial),
            "pedicle_annotation_id": margin.id,
            "tip_annotation_id": tip.id,
        },
    )
