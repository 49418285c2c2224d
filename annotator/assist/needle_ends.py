"""Which end of a found needle shaft is the tip: every cue, weighed, and whether they agree.

Step 5 of :mod:`annotator.assist.needle`. Each cue votes in -1..+1 (+ = end ``b``
is the tip) with a weight; the call is the sign of the weighted sum, its margin
the sum's size. The cues (``CUE_WEIGHTS``):

- ``field_edge``: an end at the edge of the radiation field is where the shaft
  leaves the field, the hub side (the needle enters from outside);
- ``hub``: a piece several mm wide, dense and as wide all along, in line with the
  shaft just beyond an end or just inside it (the shaft's run went on through
  it) marks the hub end (``hub_width``: the density 1 mm beside the axis, which a
  needle is too thin to reach, against the shaft's own contrast). A contrast
  column in line with the tip is wide too, but seldom as even;
- ``taper``: the tip's bevel fades over 1-3 mm, while the shaft stops sharply
  where it meets its hub or leaves the field;
- ``contrast``: a contrast band (a ridge 1-2 mm in radius) leaving an end, not in
  line with the shaft: the tip injects the contrast;
- ``surroundings``: the tip lies in denser surroundings (bone of the foramen,
  contrast) than the hub in soft tissue;
- ``cine``: on a cine run, the end around which new contrast first appears
  (density of the frame minus an earlier frame, ``earlier``);
- ``direction``: with the film's view and patient directions, the needle is aimed
  caudally and medially (anteriorly on a lateral film), domain.md section 2:
  the tip is the caudal end and the end nearer the spine's midline.
  A weak prior: a needle placed another way is called by the image cues.

When the direction votes fully for the call and the image cues agree with it
(none against it), the call's margin gets ``CONSISTENT_BONUS``: a consistent,
unambiguous geometry is a confident call even without a hub or the field's edge.

Cues that vote against the call with weight at least ``DISAGREE`` (other than
the anatomical prior ``surroundings``, whose vote is still reported) are
reported as disagreeing (``EndCall.disagree``); the proposal then says so and its
confidence stays below the GUI's 0.9 (``needle.confidence``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from annotator.assist.common import sample

CUE_WEIGHTS = {
    "field_edge": 5.0,
    "hub": 3.0,
    "taper": 2.0,
    "contrast": 1.5,
    "surroundings": 1.0,  # an assumption about anatomy, like the direction: never a disagreement alone
    "cine": 3.0,
    "direction": 0.8,
}
PRIORS = ("surroundings",)  # cues that report a vote against the call but do not make a disagreement
DISAGREE = 0.6  # a cue voting against the call with at least this weight x vote is a disagreement
EDGE_MM = 4.0  # an end this close to the field's edge is at the edge
HUB_SIDE_MM = 4.5  # the hub cue compares the density 1 mm beside the axis with the sides this far off it
HUB_SPAN_MM = (1.5, 7.0)  # ... along this stretch beyond an end or inside it
HUB_REF_SIDE_MM = 2.0  # the shaft's reference contrast: its axis against the sides this far off it
HUB_CAP = 1.5  # a hub's width measure (``hub_width``) counts up to this
HUB_EVEN = (0.5, 0.8)  # ... scaled from 0 to 1 as its smallest / largest along the span goes from ... to ...
HUB_SCALE = 0.6  # a difference in ``hub_width`` between the ends this large is a full hub vote
CONSISTENT_BONUS = 3.0  # added to the margin of a call on which the geometry and the image agree:
CONSISTENT_DIRECTION = 0.95  # ... the procedure's aim votes fully (caudal AND medial/anterior), ...
CONSISTENT_IMAGE = 1.0  # ... the image cues (weighted) vote the same way by at least this much, ...
CONSISTENT_MEASURED = 0.25  # ... of it at least this much from measured cues (not the anatomy prior), ...
CONSISTENT_AGAINST = 0.3  # ... and no cue votes against it with more than this weight x vote
BLOB = 0.3  # an end whose surroundings are denser than the shaft's sides by this x its contrast is in a blob


@dataclass(frozen=True)
class EndCall:
    """``b_is_tip``; ``margin`` = |weighted vote sum|; ``votes`` name -> weighted vote
    (+ = for the call made); ``disagree`` names the cues against it."""

    b_is_tip: bool
    margin: float
    votes: dict[str, float] = field(default_factory=dict)
    disagree: tuple[str, ...] = ()


def _edge_distance(mask: np.ndarray) -> np.ndarray:
    from scipy import ndimage

    return ndimage.distance_transform_edt(mask)


def _at(img: np.ndarray, p: np.ndarray) -> float:
    h, w = img.shape
    return float(img[int(np.clip(p[1], 0, h - 1)), int(np.clip(p[0], 0, w - 1))])


def _field_edge(edge: np.ndarray, a, b, px_mm: float) -> float:
    near = EDGE_MM / px_mm
    ea, eb = _at(edge, a), _at(edge, b)
    if min(ea, eb) < near <= max(ea, eb):
        return 1.0 if ea < eb else -1.0  # a at the edge: a is the hub, b the tip
    return 0.0


def _axis_contrast(img: np.ndarray, a, b, px_mm: float) -> float:
    """The shaft's own line contrast on ``img``: axis minus the denser side ``HUB_REF_SIDE_MM`` off
    it, median over the middle 30-70 % of a-b (away from both ends' hub, bevel or contrast)."""
    a, b = np.asarray(a, float), np.asarray(b, float)
    u = (b - a) / (np.linalg.norm(b - a) or 1.0)
    nrm = np.array([-u[1], u[0]])
    pts = a[None, :] + np.linspace(0.3, 0.7, 15)[:, None] * (b - a)[None, :]
    side = HUB_REF_SIDE_MM / px_mm
    sides = np.maximum(sample(img, pts[:, 0] + side * nrm[0], pts[:, 1] + side * nrm[1]),
                       sample(img, pts[:, 0] - side * nrm[0], pts[:, 1] - side * nrm[1]))
    return float(np.median(sample(img, pts[:, 0], pts[:, 1]) - sides))


def _wide(img: np.ndarray, end, out, px_mm: float, ref: float, sign: float) -> float:
    """The smallest density 1 mm beside the axis (the lighter side) above the denser side at
    ``HUB_SIDE_MM``, over ``HUB_SPAN_MM`` beyond ``end`` (``sign`` +1) or inside it (-1), in
    units of the shaft's axis contrast ``ref``: about 0 for a needle (too thin to reach 1 mm off
    its axis), about 1 or more all along a hub; scaled down when it is uneven along the span
    (``HUB_EVEN``: smallest / largest)."""
    ts = sign * np.linspace(HUB_SPAN_MM[0], HUB_SPAN_MM[1], 12) / px_mm
    nrm = np.array([-out[1], out[0]])
    xs, ys = end[0] + ts * out[0], end[1] + ts * out[1]
    near = np.minimum(sample(img, xs + nrm[0] / px_mm, ys + nrm[1] / px_mm),
                      sample(img, xs - nrm[0] / px_mm, ys - nrm[1] / px_mm))
    side = HUB_SIDE_MM / px_mm
    far = np.maximum(sample(img, xs + side * nrm[0], ys + side * nrm[1]),
                     sample(img, xs - side * nrm[0], ys - side * nrm[1]))
    c = near - far
    lo, hi = float(np.min(c)), float(np.max(c))
    if lo <= 0 or hi <= 0:
        return 0.0
    # a hub is as wide all along; a contrast cloud around a tip varies: graded by lo / hi
    even = float(np.clip((lo / hi - HUB_EVEN[0]) / (HUB_EVEN[1] - HUB_EVEN[0]), 0.0, 1.0))
    return lo / ref * even


def hub_width(img: np.ndarray, end, out, px_mm: float, ref: float, floor: float = 0.0) -> float:
    """How much ``end`` (``out``: outward unit vector) looks like the hub end, 0..``HUB_CAP``: a
    wide dense straight piece in line with the shaft, all along ``HUB_SPAN_MM``, either just
    beyond the end (the run stopped at the junction) or just inside it (the run went on through
    the hub). 0 when the shaft's own contrast ``ref`` is not above ``floor`` (the pixel noise):
    against a shaft that is hardly seen, any even patch would read as a hub."""
    if not ref > max(floor, 0.0):  # also NaN
        return 0.0
    return float(np.clip(max(_wide(img, end, out, px_mm, ref, 1.0), _wide(img, end, out, px_mm, ref, -1.0)),
                         0.0, HUB_CAP))


def _in_blob(img: np.ndarray, end, out, px_mm: float, plateau: float) -> bool:
    """Whether ``end`` sits in something dense (a contrast blob): the ring 1.5-3 mm around it,
    away from the shaft, is denser than the shaft's own sides by ``BLOB`` x its contrast."""
    ang = np.linspace(0, 2 * np.pi, 24, endpoint=False)
    dirs = np.stack([np.cos(ang), np.sin(ang)], axis=1)
    dirs = dirs[dirs @ out > -0.5]
    rr = np.array([1.5, 2.25, 3.0]) / px_mm
    ring = sample(img, end[0] + (rr[None, :] * dirs[:, :1]).ravel(), end[1] + (rr[None, :] * dirs[:, 1:]).ravel())
    nrm = np.array([-out[1], out[0]])
    ts = -np.linspace(2.0, 6.0, 9) / px_mm
    side = 3.0 / px_mm
    sides = np.concatenate([sample(img, end[0] + ts * out[0] + f * side * nrm[0], end[1] + ts * out[1] + f * side * nrm[1])
                            for f in (-1, 1)])
    return float(np.median(ring)) > float(np.median(sides)) + BLOB * plateau


def _taper_width(img: np.ndarray, end, out, px_mm: float, plateau: float) -> float | None:
    """mm over which the line contrast falls from 80 % to 20 % of the shaft's just inside, walking out of
    ``end`` (a bevel fades over 1-3 mm; a hub junction or the field's edge stops sharply);
    None inside a blob (``_in_blob``: contrast around the tip hides its bevel)."""
    from annotator.assist.needle_tip import line_contrast

    if _in_blob(img, end, out, px_mm, plateau):
        return None

    step = 0.1 / px_mm if px_mm < 0.5 else 0.25
    ts = np.arange(-4.0 / px_mm, 3.0 / px_mm, step)
    c = line_contrast(img, np.asarray(end, float), np.asarray(out, float), ts, 0.42 / px_mm + 2.5,
                      half=0.2 / px_mm, strict=False)
    c = np.convolve(c, np.ones(3) / 3, mode="same")
    inside = (ts >= -4.0 / px_mm) & (ts <= -1.5 / px_mm)
    ref = float(np.median(c[inside])) if inside.any() else 0.0
    if ref < 0.4 * plateau:
        return None  # the shaft is not seen clearly just inside this end
    hi = np.flatnonzero((c >= 0.8 * ref) & (ts <= 1.0 / px_mm))
    if hi.size == 0:
        return None
    k = int(hi[-1])  # the last strong sample up to 1 mm past the end
    lo = np.flatnonzero((c < 0.2 * ref) & (np.arange(len(c)) > k))
    if lo.size == 0:
        return None
    return float((ts[lo[0]] - ts[k]) * px_mm)


def band_leaving(small: np.ndarray, end: np.ndarray, out: np.ndarray, px_mm: float,
                 mask: np.ndarray | None = None) -> float:
    """Contrast-band response (ridge of 1-2 mm radius, 90th percentile) on a ring 2-5 mm around
    a needle end inside the field (``mask``), leaving out the shaft's own line back along it
    (25 deg) and a hub in line beyond it (60 deg)."""
    from skimage.feature import hessian_matrix, hessian_matrix_eigvals

    half = int(6.0 / px_mm) + 4
    x0, y0 = int(end[0]) - half, int(end[1]) - half
    h, w = small.shape
    crop = small[max(0, y0):min(h, y0 + 2 * half), max(0, x0):min(w, x0 + 2 * half)]
    if min(crop.shape) < 8:
        return 0.0
    best = np.zeros(crop.shape, np.float32)
    for r_mm in (1.0, 2.0):
        sg = max(1.0, r_mm / px_mm / math.sqrt(3))
        ev = hessian_matrix_eigvals(hessian_matrix(crop, sigma=sg, mode="reflect", order="rc",
                                                   use_gaussian_derivatives=False))
        np.maximum(best, np.clip(-ev[1], 0, None) * np.float32(sg**2), out=best)
    if mask is not None:
        best[~mask[max(0, y0):min(h, y0 + 2 * half), max(0, x0):min(w, x0 + 2 * half)]] = 0
    ang = np.linspace(0, 2 * np.pi, 36, endpoint=False)
    dirs = np.stack([np.cos(ang), np.sin(ang)], axis=1)
    along = dirs @ out
    dirs = dirs[(along > -math.cos(math.radians(25))) & (along < math.cos(math.radians(60)))]
    rr = np.arange(2.0, 5.01, 0.5) / px_mm
    xs = end[0] - max(0, x0) + (rr[None, :] * dirs[:, :1]).ravel()
    ys = end[1] - max(0, y0) + (rr[None, :] * dirs[:, 1:]).ravel()
    return float(np.percentile(sample(best, xs, ys), 90))


def _surroundings(small: np.ndarray, a, b, px_mm: float) -> float:
    ang = np.linspace(0, 2 * np.pi, 24, endpoint=False)
    rad = np.array([2.0, 4.0, 6.0]) / px_mm
    ox = (rad[:, None] * np.cos(ang)[None, :]).ravel()
    oy = (rad[:, None] * np.sin(ang)[None, :]).ravel()
    da = float(np.median(sample(small, a[0] + ox, a[1] + oy)))
    db = float(np.median(sample(small, b[0] + ox, b[1] + oy)))
    return float(np.clip((db - da) / 0.3, -1, 1))


def _cine(new: np.ndarray, a, b, px_mm: float) -> float:
    """New density (a frame minus an earlier one) on a ring 1.5-6 mm around each end."""
    ang = np.linspace(0, 2 * np.pi, 24, endpoint=False)
    rad = np.array([1.5, 3.0, 4.5, 6.0]) / px_mm
    ox = (rad[:, None] * np.cos(ang)[None, :]).ravel()
    oy = (rad[:, None] * np.sin(ang)[None, :]).ravel()
    na = float(np.percentile(sample(new, a[0] + ox, a[1] + oy), 75))
    nb = float(np.percentile(sample(new, b[0] + ox, b[1] + oy), 75))
    spread = float(np.percentile(np.abs(new), 90)) or 1e-6
    return float(np.clip((nb - na) / spread, -1, 1))


def direction_vote(a, b, directions, view: str | None, midline_x: float | None) -> float:
    """+1..-1 for b being the tip by the procedure's aim: caudal, and medial (AP/oblique: the end
    nearer the spine's midline) or anterior (lateral film); an unknown view: caudal only.
    0 without directions."""
    if directions is None:
        return 0.0
    u = np.asarray(b, float) - np.asarray(a, float)
    length = float(np.linalg.norm(u)) or 1.0
    u = u / length
    caudal = np.asarray(directions.vector("F"), float)
    votes = [float(np.clip((u @ caudal) / 0.3, -1, 1))] if caudal.any() else []
    if view == "lateral":
        ant = np.asarray(directions.vector("A"), float)
        if ant.any():
            votes.append(float(np.clip((u @ ant) / 0.3, -1, 1)))
    elif view in ("AP", "oblique") and midline_x is not None:
        da, db = abs(float(a[0]) - midline_x), abs(float(b[0]) - midline_x)
        votes.append(float(np.clip((da - db) / (0.3 * length), -1, 1)))
    return float(np.mean(votes)) if votes else 0.0


def call_ends(small: np.ndarray, mask: np.ndarray, a: np.ndarray, b: np.ndarray, px_mm: float, *,
              noise: float, plateau: float, full: np.ndarray | None = None, full_px_mm: float | None = None,
              factor: int = 1, new: np.ndarray | None = None, directions=None, view: str | None = None,
              midline_x: float | None = None) -> EndCall:
    """The end call for the shaft a-b (detection-image pixels of ``small``, ``px_mm`` each).
    ``full``: the full-resolution density (for the taper), ``factor`` px of it per small px;
    ``new``: new density since an earlier frame (detection image); ``directions``/``view``:
    the film's patient directions and view; ``midline_x``: the spine's midline (small px)."""
    u = (b - a) / (np.linalg.norm(b - a) or 1.0)
    raw: dict[str, float] = {}
    raw["field_edge"] = _field_edge(_edge_distance(mask), a, b, px_mm)
    if raw["field_edge"] == 0:  # with one end at the field's edge the hub is outside the field
        ref = _axis_contrast(small, a, b, px_mm)
        # a hub is wide and dense all along, in line with the shaft, at one end only
        raw["hub"] = float(np.clip((hub_width(small, a, -u, px_mm, ref, noise)
                                    - hub_width(small, b, u, px_mm, ref, noise)) / HUB_SCALE, -1, 1))
    if full is not None and full_px_mm:
        ta = _taper_width(full, a * factor, -u, full_px_mm, plateau)
        tb = _taper_width(full, b * factor, u, full_px_mm, plateau)
        if ta is not None and tb is not None:
            raw["taper"] = float(np.clip((tb - ta) / 0.8, -1, 1))
    ba, bb = band_leaving(small, a, -u, px_mm, mask), band_leaving(small, b, u, px_mm, mask)
    raw["contrast"] = float(np.clip((bb - ba) / (max(ba, bb) + 3 * noise), -1, 1))
    raw["surroundings"] = _surroundings(small, a, b, px_mm)
    if new is not None:
        raw["cine"] = _cine(new, a, b, px_mm)
    raw["direction"] = direction_vote(a, b, directions, view, midline_x)
    weighted = {k: CUE_WEIGHTS[k] * v for k, v in raw.items()}
    total = float(sum(weighted.values()))
    b_tip = total > 0 if total != 0 else bool(np.linalg.norm(b - np.array(mask.shape[::-1]) / 2)
                                              < np.linalg.norm(a - np.array(mask.shape[::-1]) / 2))
    sign = 1.0 if b_tip else -1.0
    votes = {k: round(sign * v, 3) for k, v in weighted.items()}
    against = tuple(k for k, v in votes.items() if v <= -DISAGREE and k not in PRIORS)
    return EndCall(b_tip, abs(total) + _consistency_bonus(votes, against), votes, against)


def _consistency_bonus(votes: dict[str, float], against: tuple[str, ...]) -> float:
    """``CONSISTENT_BONUS`` when an unambiguous geometry and the image agree on the call (votes
    signed for the call): the direction votes fully for it, the image cues together by at least
    ``CONSISTENT_IMAGE`` (``CONSISTENT_MEASURED`` of it not the anatomy prior) and none against it.
    The aim alone is a weak prior (a needle can lie any way); the image alone, without a hub or
    the field's edge, often has a small margin; both together are a confident call."""
    direction = votes.get("direction", 0.0) / CUE_WEIGHTS["direction"]
    image = sum(v for k, v in votes.items() if k != "direction")
    measured = sum(v for k, v in votes.items() if k != "direction" and k not in PRIORS)
    if (against or direction < CONSISTENT_DIRECTION or image < CONSISTENT_IMAGE
            or measured < CONSISTENT_MEASURED or min(votes.values(), default=0.0) < -CONSISTENT_AGAINST):
        return 0.0
    return CONSISTENT_BONUS
