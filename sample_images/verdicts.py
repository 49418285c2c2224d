"""The intended verdict of a phantom film, from its ground truth (domain.md §5 defaults).

A small, independent re-statement of the seed rules (R-AP, R-LAT, R-S1 with
r_on = 3 mm, r_near = 6 mm) so every sample film says what the rules engine
should answer. Distances in mm at the patient plane (``truth["spacing_mm"]``).
"""

from __future__ import annotations

import math

R_ON, R_NEAR = 3.0, 6.0


def _inside(x: float, y: float, poly) -> bool:
    inside = False
    for i in range(len(poly)):
        (x0, y0), (x1, y1) = poly[i], poly[(i + 1) % len(poly)]
        if (y0 > y) != (y1 > y) and x < x0 + (y - y0) * (x1 - x0) / (y1 - y0):
            inside = not inside
    return inside


def _dist_to_segment(p, a, b) -> float:
    ax, ay, bx, by = *a, *b
    dx, dy = bx - ax, by - ay
    ll = dx * dx + dy * dy
    t = 0.0 if ll == 0 else max(0.0, min(1.0, ((p[0] - ax) * dx + (p[1] - ay) * dy) / ll))
    return math.hypot(p[0] - ax - t * dx, p[1] - ay - t * dy)


def _status(d_mm: float) -> str:
    return "on_target" if d_mm <= R_ON else "near" if d_mm <= R_NEAR else "off"


def expected_verdict(truth: dict) -> dict:
    """{"rule", "status", "distance_mm", ...}; rule None when the film has no rule (informational)."""
    s = truth["spacing_mm"]
    tip = truth.get("tip")
    view, level = truth["view"], truth["level"]
    if tip is None:
        return {"rule": None, "status": None}
    if level == "S1":
        if view != "AP" or truth.get("s1_foramen") is None:
            return {"rule": None, "status": None, "note": "no seed rule for this view at S1"}
        e = truth["s1_foramen"]
        (cx, cy), (rx, ry), rot = e["center"], e["radii"], math.radians(e["rotation_deg"])
        outline = [(cx + rx * math.cos(a) * math.cos(rot) - ry * math.sin(a) * math.sin(rot),
                    cy + rx * math.cos(a) * math.sin(rot) + ry * math.sin(a) * math.cos(rot))
                   for a in (2 * math.pi * i / 128 for i in range(128))]
        if _inside(tip[0], tip[1], outline):
            return {"rule": "R-S1", "status": "on_target", "distance_mm": 0.0}
        d = min(_dist_to_segment(tip, outline[i], outline[(i + 1) % 128]) for i in range(128)) * s
        return {"rule": "R-S1", "status": _status(d), "distance_mm": round(d, 2)}
    if view in ("AP", "oblique") and truth.get("target"):
        t = truth["target"]
        d = math.hypot(tip[0] - t[0], tip[1] - t[1]) * s
        out = {"rule": "R-AP" if view == "AP" else "R-OBL", "status": _status(d), "distance_mm": round(d, 2)}
        sap = truth.get("sap_margin")
        if sap and tip[1] > max(p[1] for p in sap["points"]):
            out.update(status="off", note="too caudal: below the SAP superior margin")
        return out
    if view == "lateral" and truth.get("foramen"):
        poly = truth["foramen"]["polygon"]
        xs = [p[0] for p in poly]
        post, ant = max(xs), min(xs)  # anterior is image left on these films
        f = (post - tip[0]) / (post - ant)
        if _inside(tip[0], tip[1], poly):
            status = "on_target" if f <= 1 / 3 else "off"
            return {"rule": "R-LAT", "status": status, "fraction": round(f, 3), "distance_mm": 0.0}
        return {"rule": "R-LAT", "status": "off", "fraction": round(f, 3), "note": "outside the foramen"}
    return {"rule": None, "status": None}
