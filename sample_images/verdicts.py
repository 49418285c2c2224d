"""The intended verdict of a phantom film, from its ground truth (domain.md §5 defaults).

A small, independent re-statement of the seed rules (R-AP, R-LAT, R-S1 with
r_on = 3 mm, r_near = 6 mm) so every sample film says what the rules engine
should answer. Distances in mm at the patient plane (``truth["spacing_mm"]``).
Image conventions of the phantom: +y is caudal, anterior is image left on the
lateral films.

- R-AP / R-OBL: |tip - T| against r_on / r_near; a tip below the marked SAP
  superior margin *at the tip's column* (the segment's height interpolated
  there, held past its ends) is ``off`` as "too caudal".
- R-LAT: inside the foramen, the posterior third (fraction <= 1/3) is on
  target and the rest ``off``; outside, the distance to the posterior-third
  region (the polygon clipped to its posterior third) is ``near`` within
  r_near, else ``off``.
- R-S1: inside the ellipse on target, else the distance to its outline.

Landmarks listed in ``truth["unmarked"]`` are ignored (the case does not mark
them): an oblique film without a marked pedicle margin has no rule (R-OBL is
informational, domain.md §5); an AP film without one is ``insufficient``.
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


def _dist_to_polygon(p, poly) -> float:
    """0 inside ``poly``, else the distance to its outline (pixels)."""
    if _inside(p[0], p[1], poly):
        return 0.0
    return min(_dist_to_segment(p, poly[i], poly[(i + 1) % len(poly)]) for i in range(len(poly)))


def _clip_x_at_least(poly, x_cut: float) -> list:
    """The part of ``poly`` with x >= x_cut (one Sutherland-Hodgman pass)."""
    out = []
    for i in range(len(poly)):
        a, b = poly[i - 1], poly[i]
        a_in, b_in = a[0] >= x_cut, b[0] >= x_cut
        if a_in != b_in:
            t = (x_cut - a[0]) / (b[0] - a[0])
            out.append((x_cut, a[1] + t * (b[1] - a[1])))
        if b_in:
            out.append(tuple(b))
    return out


def _height_at_x(points, x: float) -> float:
    """y of a marked margin at image column ``x``: interpolated along the segment, held past its ends."""
    if len(points) == 1:
        return points[0][1]
    (x0, y0), (x1, y1) = sorted((tuple(points[0]), tuple(points[-1])))
    if x1 == x0 or x <= x0:
        return y0 if x <= x0 else y1
    if x >= x1:
        return y1
    return y0 + (x - x0) / (x1 - x0) * (y1 - y0)


def _status(d_mm: float) -> str:
    return "on_target" if d_mm <= R_ON else "near" if d_mm <= R_NEAR else "off"


def expected_verdict(truth: dict) -> dict:
    """{"rule", "status", "distance_mm", ...}; rule None when the film has no rule (informational)."""
    s = truth["spacing_mm"]
    unmarked = set(truth.get("unmarked", ()))
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
    if view in ("AP", "oblique") and "pedicle_margin" in unmarked:
        if view == "oblique":
            return {"rule": None, "status": None, "note": "no pedicle margin marked on the oblique film: informational"}
        return {"rule": "R-AP", "status": "insufficient", "note": "no pedicle margin marked"}
    if view in ("AP", "oblique") and truth.get("target"):
        t = truth["target"]
        d = math.hypot(tip[0] - t[0], tip[1] - t[1]) * s
        out = {"rule": "R-AP" if view == "AP" else "R-OBL", "status": _status(d), "distance_mm": round(d, 2)}
        sap = truth.get("sap_margin")
        if sap and tip[1] > _height_at_x(sap["points"], tip[0]):  # +y is caudal on these films
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
        # outside: distance to the posterior-third region decides near/off (never on target)
        region = _clip_x_at_least(poly, post - (post - ant) / 3)
        d = _dist_to_polygon(tip, region) * s
        status = "near" if d <= R_NEAR else "off"
        return {"rule": "R-LAT", "status": status, "fraction": round(f, 3), "distance_mm": round(d, 2),
                "note": "outside the foramen"}
    return {"rule": None, "status": None}
