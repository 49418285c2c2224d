"""Needle proposal: find the straight steel shaft and its tip on a fluoroscopy frame.

Method (scikit-image, lazily imported):

1. The frame becomes a density image (dense = high, ``common.density``),
   block-averaged to about 512 px on its long side for speed.
2. A Hessian line filter at the needle's scale (``skimage.feature.hessian_matrix``,
   sigma ~ the needle radius, mirrored border) keeps thin bright ridges; the
   strongest 0.5 % of the field's pixels go to a probabilistic Hough transform
   (``skimage.transform.probabilistic_hough_line``).
3. Each Hough segment is extended along its line while the *line contrast*
   (density on the axis minus the denser of both sides, so an edge is not a
   line) stays high; where the segment's middle sits in a dip of that contrast
   (the needle crossing a bone edge), the pieces on both sides are joined over
   the dip when the contrast against the *mean* of both sides stays up.
   Score = (median contrast + ``CLIP_WEIGHT`` x the fraction of the run whose
   thin axis is clipped to black) x length, damped when the structure is
   band-wide (a contrast column, ``THIN_RATIO``) and when one side is denser
   than the other all along (a vertebral rim or endplate, ``ASYM``). The rim of
   the radiation field (``FIELD_EDGE_MM``) is ignored.
4. At full resolution the axis is re-fitted to sub-pixel perpendicular peak
   positions and profiled across the whole image (``_axis_profile``): line
   contrast against the mean of both sides (densest of five samples within
   +-``BEVEL_HALF`` x radius, which follows the bevel); *clipped* where the
   mean of those five samples, smoothed over 0.5 mm, reaches the film's
   densest value; *blind* where both sides are clipped too; *thin* where the
   contrast 1.2 px beside the needle's edge keeps ``THIN_EDGE`` of it. The
   shaft is the run of thin contrast above ``TIP_LEVEL`` x its median, or of
   clipped axis on unclipped sides, bridging gaps of ``RUN_GAP_MM`` but not
   blind samples; across a gap of up to ``BRIDGE_MM`` it goes on when at least
   ``RESUME_MM`` of clipped shaft follows in line (a dense bone crossing).
   Each end of the run (``_end_position``):

   - a blind stretch right past it hides the tip: contrast leaves the needle at
     its tip and spreads both ways, so the tip is put half-way into the blob,
     at most ``BLIND_CAP_MM`` in;
   - clipped steel that un-clips while the run goes on (``STEEL_TAIL_MM``) with
     less contrast and sides no lighter ended there: what goes on in line is a
     contrast column (``_clipped_steel_end``);
   - a clipped end is taken as it is;
   - otherwise the crossing of ``TIP_LEVEL`` x the contrast of the last
     2.5-8 mm of shaft, linearly interpolated (sub-pixel); the level is below
     one half because a bevelled tip tapers over ~1.8 mm.
5. Hub vs tip (``_hub_first``): an end at the edge of the radiation field is the
   hub; otherwise the tip is the end in the denser surroundings; when those are
   alike, the end a contrast band leaves; failing that, the end nearer the
   field's centre.
6. ``confidence`` multiplies what can make a proposal wrong: the shaft's
   contrast over the noise, how far the runner-up candidate is behind, how
   clear the hub/tip call was and how much of the last 8 mm before the tip is
   seen clearly.
7. A second needle (``propose_needles``, a bilateral film): a further candidate
   that scores like the first (``_second_like``) or, among the first
   ``SECOND_LOOK``, is as thin and as even at full resolution
   (``_thin_and_even``); it may cross the first at an angle (``CROSS_DEG``).

Coordinates: float pixels, origin at the top-left corner of the top-left pixel
(domain.md §3). Without a calibration, a film is assumed to span ~256 mm on its
long side (a 9-12 inch intensifier): only the filter scales depend on it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace

import numpy as np

from annotator.assist.common import AssistError, density, downsample, field_mask, mm_per_px, sample
from annotator.assist.needle_ends import CUE_WEIGHTS, call_ends
from annotator.assist.needle_tip import (  # the tip along a found shaft
    NEEDLE_RADIUS_MM,
    _Refined,
    clip_level,
    line_contrast,
    refine_shaft,
    runs_of,
)

Point = tuple[float, float]

ASSUMED_FIELD_MM = 256.0  # long side of an uncalibrated film, for filter scales only
WORK_SIZE = 512  # long side of the detection image (px)
MIN_LENGTH_MM = 5.0  # shortest shaft accepted (an AP needle can be foreshortened)
MAX_SEGMENTS = 150  # Hough segments scored, strongest ridge first
THIN_MIN = 0.08  # line contrast (density units) a clipped axis sample needs to count as thin
ASYM = (0.6, 1.2)  # side difference / line contrast: needle ... edge (the score falls between)
ASYM_FLOOR = 0.2  # ... down to this factor
THIN_RATIO = (0.35, 0.6)  # line contrast 1.2 px off the edge / 2.5 px off: band ... needle
FIELD_EDGE_MM = 5.0  # the rim of the radiation field is ignored (its black edge is a false line)
CONF_SNR = 5.0  # confidence terms (``confidence``): snr scale, ...
CONF_SEPARATION = 0.2  # ... separation from the runner-up that costs nothing, ...
CONF_HUB = 0.5  # ... loss at an end call without any margin, ...
CONF_COARSE = 0.2  # ... loss on a coarse film: from CONF_PX_MM[0] to [1] mm per pixel
CONF_PX_MM = (0.25, 0.5)
CONF_CONTRAST = 0.06  # ... loss when contrast leaves the tip (it can hide the steel's end)
DISAGREE_CAP = 0.85  # confidence of a proposal whose end cues disagree
CONF_UNCLEAR = 0.03  # ... loss when nothing of the last 8 mm of shaft is seen clearly


@dataclass(frozen=True)
class NeedleProposal:
    """A proposed needle: ``tip`` and ``shaft`` = (hub end, tip) in pixels, ``confidence`` 0..1.

    ``contrast`` is the shaft's line contrast in density units (dense - sides),
    ``length_px`` the visible shaft length in pixels; the other fields are what
    ``confidence`` was computed from.
    """

    tip: Point
    shaft: tuple[Point, Point]
    confidence: float
    contrast: float = 0.0
    length_px: float = 0.0
    tip_unclear: float = 0.0  # share of the last 8 mm of shaft before the tip not seen clearly
    hub_margin: float = 1.0  # how clear the hub/tip call was (see ``confidence``)
    separation: float = 1.0  # 1 - second best candidate's score / the best's
    snr: float = 0.0  # the shaft's line contrast / pixel noise
    cues: dict[str, float] = field(default_factory=dict)  # end cue -> weighted vote for this tip
    disagree: tuple[str, ...] = ()  # end cues that voted for the other end
    side: str | None = None  # patient side ("left"/"right") when the view and directions tell it

    @property
    def other_end(self) -> Point:
        """The shaft's other end: the tip if the end call was wrong (offered as a candidate)."""
        return self.shaft[0]

    def swapped(self) -> NeedleProposal:
        """The same shaft with the other end as the tip."""
        return replace(self, tip=self.shaft[0], shaft=(self.shaft[1], self.shaft[0]),
                       cues={k: -v for k, v in self.cues.items()}, disagree=())

    def to_json(self) -> dict:
        out = {
            "tip": [round(self.tip[0], 3), round(self.tip[1], 3)],
            "shaft": [[round(p[0], 3), round(p[1], 3)] for p in self.shaft],
            "confidence": round(self.confidence, 3),
            "other_end": [round(self.shaft[0][0], 3), round(self.shaft[0][1], 3)],
            "end_cues": {k: round(v, 3) for k, v in self.cues.items()},
            "cues_disagree": list(self.disagree),
        }
        if self.side is not None:
            out["side"] = self.side
        return out


def _px_mm(frame: np.ndarray, calibration) -> float:
    mm = mm_per_px(calibration)
    return float(mm) if mm else ASSUMED_FIELD_MM / max(frame.shape[:2])


def _ridge(img: np.ndarray, sigma: float) -> np.ndarray:
    """Bright-line response: -(most negative Hessian eigenvalue) minus |the other| (>= 0)."""
    from skimage.feature import hessian_matrix, hessian_matrix_eigvals

    h = hessian_matrix(img, sigma=sigma, mode="reflect", order="rc", use_gaussian_derivatives=False)
    ev = hessian_matrix_eigvals(h)  # ev[0] >= ev[1]
    return np.clip(-ev[1] - np.abs(ev[0]), 0, None).astype(np.float32) * np.float32(sigma**2)


CLIP_WEIGHT = 0.7  # score bonus per unit of shaft length whose thin axis is clipped to black


def _score(plateau: float, clipped: float, length_mm: float) -> float:
    """Candidate score: the line-contrast integral, plus a bonus where the thin axis is clipped
    (steel is the only thin structure dense enough to clip; its contrast there is understated)."""
    return (plateau + CLIP_WEIGHT * clipped) * length_mm


def _cross(a: np.ndarray, b: np.ndarray) -> float:
    """z of the 2-D cross product."""
    return float(a[0] * b[1] - a[1] * b[0])


@dataclass(frozen=True)
class _Candidate:
    """A straight dense run on the detection image: ends ``a``, ``b`` and what scored it."""

    score: float
    a: np.ndarray
    b: np.ndarray
    plateau: float  # median line contrast
    clipped: float  # fraction of the run whose thin axis is clipped
    thin: float  # contrast 1.2 px off the edge / 2.5 px off (~1 needle, < 0.4 wide band)
    asym: float  # |median (left - right side density)| / plateau: ~0 for a needle, high for an edge
    length_mm: float


def _candidates(small: np.ndarray, mask: np.ndarray, px_mm: float) -> list[_Candidate]:
    """Straight dense runs on the detection image, best score first.

    Saturated stretches (the densest value of the film: steel over bone and
    contrast often clips to black) count as part of a run, since the needle
    can only be hidden there, never interrupted."""
    sat = clip_level(small, 0.06)
    from skimage.transform import probabilistic_hough_line

    r_px = NEEDLE_RADIUS_MM / px_mm
    ridge = _ridge(small, sigma=max(0.8, r_px))
    ridge[~mask] = 0
    vals = ridge[mask]
    if vals.size == 0:
        return []
    thr = max(float(np.percentile(vals, 99.5)), 1e-6)
    edges = ridge > thr
    min_len = max(6, int(MIN_LENGTH_MM / px_mm * 0.6))
    segs = probabilistic_hough_line(edges, threshold=8, line_length=min_len, line_gap=2, rng=0)
    def strength(seg) -> float:
        (x0, y0), (x1, y1) = seg
        k = max(2, int(math.dist(*seg)))
        rr = np.linspace(y0, y1, k).round().astype(int)
        cc = np.linspace(x0, x1, k).round().astype(int)
        return float(ridge[rr, cc].sum())

    segs = sorted(segs, key=lambda s: -strength(s))[:MAX_SEGMENTS]
    side = r_px + 2.5
    h, w = small.shape
    out = []
    seen: list[tuple[np.ndarray, np.ndarray]] = []
    for (x0, y0), (x1, y1) in segs:
        a = np.array([x0 + 0.5, y0 + 0.5])
        b = np.array([x1 + 0.5, y1 + 0.5])
        u = (b - a) / (np.linalg.norm(b - a) or 1.0)
        mid = (a + b) / 2
        if any(abs(_cross(u, u2)) < 0.05 and abs(_cross(u2, mid - m2)) < 2.0 for u2, m2 in seen):
            continue  # same line as a candidate already scored
        seen.append((u, mid))
        reach = float(np.hypot(h, w))
        ts = np.arange(-reach, reach, 0.5)
        xs, ys = mid[0] + ts * u[0], mid[1] + ts * u[1]
        inside = (xs >= 0) & (xs < w) & (ys >= 0) & (ys < h)
        ts = ts[inside]
        xs, ys = xs[inside], ys[inside]
        ok = mask[np.clip(ys.astype(int), 0, h - 1), np.clip(xs.astype(int), 0, w - 1)]
        c, centre = line_contrast(small, mid, u, ts, side, with_centre=True)
        c[~ok] = 0
        half_len = np.linalg.norm(b - a) / 2
        core = np.abs(ts) <= half_len
        level = float(np.median(c[core])) if core.any() else 0.0
        if level <= 0:
            continue
        evidence = (c > 0.4 * level) & ok
        gap = int(1.5 / px_mm / 0.5)
        k0 = int(np.argmin(np.abs(ts)))
        run = next(((i, j) for i, j in runs_of(evidence, gap) if i <= k0 <= j), None)
        if run is None:
            # where the needle crosses a bone edge its contrast against the denser side dips,
            # but not against the mean of both sides: such a stretch joins the pieces around it
            bridge = (line_contrast(small, mid, u, ts, side, strict=False) > 0.4 * level) & ok
            run = next(((i, j) for i, j in runs_of(evidence | bridge, gap) if i <= k0 <= j), None)
            if run is None or not evidence[run[0]:k0].any() or not evidence[k0:run[1] + 1].any():
                continue
            hits = np.flatnonzero(evidence[run[0]:run[1] + 1]) + run[0]
            run = (int(hits[0]), int(hits[-1]))
        i, j = run
        length = (ts[j] - ts[i])
        if length * px_mm < MIN_LENGTH_MM:
            continue
        plateau = float(np.median(c[i:j + 1]))
        clipped = float(np.mean((centre[i:j + 1] >= sat) & (c[i:j + 1] >= THIN_MIN)))  # clipped AND thin
        near = float(np.median(line_contrast(small, mid, u, ts[i:j + 1], r_px + 1.2)))
        thin = near / plateau if plateau > 0 else 0.0  # ~1 for a needle, < 0.4 inside a wide band
        thin_factor = float(np.clip((thin - THIN_RATIO[0]) / (THIN_RATIO[1] - THIN_RATIO[0]), 0.05, 1.0))
        score = _score(plateau, clipped, length * px_mm) * thin_factor
        nrm = np.array([-u[1], u[0]])
        xr, yr = xs[i:j + 1], ys[i:j + 1]
        lr = sample(small, xr + side * nrm[0], yr + side * nrm[1]) - sample(small, xr - side * nrm[0], yr - side * nrm[1])
        asym = abs(float(np.median(lr))) / plateau if plateau > 0 else 0.0
        # an edge (a vertebral rim, an endplate) is denser on one side all along; steel is not
        score *= float(np.clip((ASYM[1] - asym) / (ASYM[1] - ASYM[0]), ASYM_FLOOR, 1.0))
        out.append(_Candidate(score, mid + ts[i] * u, mid + ts[j] * u, plateau, clipped, thin, asym,
                              float(length * px_mm)))
    out.sort(key=lambda c: -c.score)
    return out


def _noise(small: np.ndarray, mask: np.ndarray) -> float:
    """Pixel noise of the detection image: robust std of horizontal differences in the field."""
    d = np.diff(small, axis=1)[mask[:, 1:] & mask[:, :-1]]
    if d.size == 0:
        return 1e-3
    return float(1.4826 * np.median(np.abs(d - np.median(d))) / math.sqrt(2)) or 1e-3


def _midline_x(small: np.ndarray, mask: np.ndarray, px_mm: float) -> float:
    """The spine's midline on the detection image: the densest column band (40 mm wide) in the field."""
    from scipy import ndimage

    cols = np.where(mask, small, 0).sum(axis=0) / np.maximum(mask.sum(axis=0), 1)
    cols = np.where(mask.sum(axis=0) > 0.3 * mask.shape[0], cols, np.nan)
    if np.all(np.isnan(cols)):
        return small.shape[1] / 2
    filled = np.where(np.isnan(cols), np.nanmin(cols), cols)
    smooth = ndimage.uniform_filter1d(filled, max(3, int(40 / px_mm)), mode="nearest")
    return float(np.argmax(smooth)) + 0.5


def _side(tip_x: float, midline_x: float, directions, view: str | None) -> str | None:
    """"left"/"right" (patient) of a tip at image x, from the midline and the +x direction."""
    if directions is None or view == "lateral" or directions.x[0] not in "LR":
        return None
    toward_plus = tip_x >= midline_x
    plus_is_left = directions.x[0] == "L"
    return "left" if toward_plus == plus_is_left else "right"


def _same_line(c1: _Candidate, c2: _Candidate, px_mm: float) -> bool:
    u1 = (c1.b - c1.a) / (np.linalg.norm(c1.b - c1.a) or 1.0)
    u2 = (c2.b - c2.a) / (np.linalg.norm(c2.b - c2.a) or 1.0)
    offset = max(abs(_cross(u1, c2.a - c1.a)), abs(_cross(u1, c2.b - c1.a)))
    return abs(_cross(u1, u2)) < math.sin(math.radians(8)) and offset * px_mm < 4.0


def _seg_gap(p, q, r, s) -> float:
    """Smallest distance between segments p-q and r-s (sampled)."""
    ts = np.linspace(0, 1, 50)[:, None]
    a = p + ts * (q - p)
    b = r + ts * (s - r)
    return float(np.min(np.linalg.norm(a[:, None, :] - b[None, :, :], axis=2)))


def propose_needle(frame: np.ndarray, calibration=None, invert: bool = False, *, directions=None,
                   view: str | None = None, earlier: np.ndarray | None = None) -> NeedleProposal | None:
    """Propose the needle on one frame (stored or modality values, dense = dark unless ``invert``).

    Returns None when no straight dense structure of needle size is found.
    ``calibration`` (a ``Calibration``) sets the filter scales in mm; results are in pixels.
    ``directions`` (``Directions``) and ``view`` let the end call use the procedure's aim;
    ``earlier``: an earlier frame of the same cine run (where new contrast appears marks the tip).
    """
    found = propose_needles(frame, calibration, invert, directions=directions, view=view, earlier=earlier,
                            max_needles=1)
    return found[0] if found else None


SECOND_RATIO = 0.35  # a second needle: its score at least this x the first's, or else ...
SECOND_CONTRAST = 0.4  # ... its line contrast at least this x the first's, on a thin line
SECOND_THIN = 0.7  # (``_Candidate.thin``) that is no edge (``_Candidate.asym``)
SECOND_ASYM = 0.4
SECOND_MM = 8.0  # ... at least this long
SECOND_LOOK = 6  # failing that, one of the first this many candidates, judged at full resolution:
SECOND_REFINED = 0.45  # its line contrast at least this x the first's, ...
SECOND_THIN_FULL = 0.6  # ... as thin (``_thin_and_even``) ...
SECOND_EVEN = 0.75  # ... and as even on both sides as a needle
CROSS_DEG = 15.0  # two needles may cross (or nearly touch) when their axes differ by more than this


def _second_like(cand: _Candidate, first: _Candidate) -> bool:
    """Whether a further candidate looks like a second needle as much as the first does (a
    bilateral film): a shorter needle (its hub inside the field) scores less, so its line
    contrast, thinness and symmetry decide."""
    if cand.score >= SECOND_RATIO * first.score:
        return True
    return (cand.plateau >= SECOND_CONTRAST * first.plateau and cand.thin >= SECOND_THIN
            and cand.asym <= SECOND_ASYM and cand.length_mm >= SECOND_MM)


def _thin_and_even(dens: np.ndarray, r: _Refined, px_mm: float) -> tuple[float, float]:
    """(thinness, evenness) of a refined shaft at full resolution, over its inner 70 %: the line
    contrast 1.2 px off the needle's edge / 3 px off (~1 for a needle, low for a wide band or a
    hub), and the contrast against the denser side / against the mean of both (~1 for a line,
    low for an edge)."""
    length = float(np.linalg.norm(r.b - r.a))
    if length <= 0:
        return 0.0, 0.0
    u = (r.b - r.a) / length
    ts = np.linspace(0.15 * length, 0.85 * length, 40)
    r_px = NEEDLE_RADIUS_MM / px_mm
    far = float(np.median(line_contrast(dens, r.a, u, ts, r_px + 3.0, strict=False)))
    if far <= 0:
        return 0.0, 0.0
    near = float(np.median(line_contrast(dens, r.a, u, ts, r_px + 1.2, strict=False)))
    strict = float(np.median(line_contrast(dens, r.a, u, ts, r_px + 3.0)))
    return near / far, strict / far


def _crossing_ok(r: _Refined, r0: _Refined, px_mm: float) -> bool:
    """Whether shaft ``r`` is clear of ``r0``: 3 mm apart, or crossing it at an angle."""
    if _seg_gap(r.a, r.b, r0.a, r0.b) * px_mm >= 3.0:
        return True
    u = (r.b - r.a) / (np.linalg.norm(r.b - r.a) or 1.0)
    u0 = (r0.b - r0.a) / (np.linalg.norm(r0.b - r0.a) or 1.0)
    return abs(_cross(u, u0)) > math.sin(math.radians(CROSS_DEG))


def propose_needles(frame: np.ndarray, calibration=None, invert: bool = False, *, directions=None,
                    view: str | None = None, earlier: np.ndarray | None = None,
                    max_needles: int = 2) -> list[NeedleProposal]:
    """Every needle on the frame (at most ``max_needles``; two on a bilateral film), best first;
    each names its patient ``side`` when the view and directions tell it."""
    dens = density(frame, invert)
    px_mm = _px_mm(dens, calibration)
    factor = max(1, int(round(max(dens.shape) / WORK_SIZE)))
    small = downsample(dens, factor)
    edge_px = max(3, int(round(FIELD_EDGE_MM / (px_mm * factor))))
    mask = field_mask(downsample(np.asarray(frame, dtype=np.float32), factor) if not invert else -small, edge_px)
    cands = _candidates(small, mask, px_mm * factor)
    if not cands:
        return []
    noise = _noise(small, mask)
    new = None
    if earlier is not None and np.shape(earlier) == np.shape(frame):
        new = small - downsample(density(earlier, invert), factor)
    midline = _midline_x(small, mask, px_mm * factor)
    chosen: list[tuple[_Candidate, _Refined]] = []
    for k, cand in enumerate(cands):
        if len(chosen) >= max_needles:
            break
        likely = not chosen or _second_like(cand, chosen[0][0])
        if chosen and ((not likely and (k >= SECOND_LOOK or cand.asym > SECOND_ASYM))
                       or any(_same_line(c, cand, px_mm * factor) for c, _ in chosen)):
            continue
        r = refine_shaft(dens, cand.a * factor, cand.b * factor, px_mm)
        if r.plateau <= 0 or np.linalg.norm(r.b - r.a) * px_mm < MIN_LENGTH_MM:
            continue
        if chosen:
            r0 = chosen[0][1]
            if r.plateau < SECOND_CONTRAST * r0.plateau or not _crossing_ok(r, r0, px_mm):
                continue
            if not likely:  # a weaker candidate: a needle only when it looks like one at full resolution
                thin, even = _thin_and_even(dens, r, px_mm)
                if (r.plateau < SECOND_REFINED * r0.plateau or np.linalg.norm(r.b - r.a) * px_mm < SECOND_MM
                        or thin < SECOND_THIN_FULL or even < SECOND_EVEN):
                    continue
        chosen.append((cand, r))
    if not chosen:
        return []
    out = []
    next_score = max((c.score for c in cands if all(c is not k for k, _ in chosen)), default=0.0)
    for cand, r in chosen:
        call = call_ends(small, mask, r.a / factor, r.b / factor, px_mm * factor, noise=noise,
                         plateau=r.plateau, full=dens, full_px_mm=px_mm, factor=factor, new=new,
                         directions=directions, view=view, midline_x=midline)
        hub, tip, unclear = (r.a, r.b, r.unclear_b) if call.b_is_tip else (r.b, r.a, r.unclear_a)
        snr = r.plateau / noise
        separation = 1.0 - next_score / cand.score if cand.score > 0 else 0.0
        margin = end_margin(call.margin)
        conf = confidence(snr, separation, margin, unclear, disagree=bool(call.disagree), px_mm=px_mm,
                          tip_in_contrast=min(1.0, max(0.0, call.votes.get("contrast", 0.0) / CUE_WEIGHTS["contrast"])))
        out.append(NeedleProposal(
            tip=(float(tip[0]), float(tip[1])),
            shaft=((float(hub[0]), float(hub[1])), (float(tip[0]), float(tip[1]))),
            confidence=round(conf, 4), contrast=r.plateau, length_px=float(np.linalg.norm(tip - hub)),
            tip_unclear=float(unclear), hub_margin=margin, separation=float(separation), snr=float(snr),
            cues=call.votes, disagree=call.disagree,
        ))
    if len(out) == 2:
        mid = 0.5 * (out[0].tip[0] + out[1].tip[0]) / factor
    else:
        mid = midline
    return [replace(p, side=_side(p.tip[0] / factor, mid, directions, view)) for p in out]


END_SCALE = 2.0  # weighted end-vote sum at which the end call's margin reaches 1 - 1/e


def end_margin(vote_sum: float) -> float:
    """0..1 clarity of the end call from the weighted vote sum (``needle_ends.call_ends``)."""
    return float(1.0 - math.exp(-max(vote_sum, 0.0) / END_SCALE))


def confidence(snr: float, separation: float, hub_margin: float, tip_unclear: float,
               disagree: bool = False, px_mm: float = 0.0, tip_in_contrast: float = 0.0) -> float:
    """0..1, the product of what can make a proposal wrong:

    - ``snr``: the shaft's line contrast over the pixel noise (a faint line may be noise);
    - ``separation``: 1 - (second best candidate's score / the best's): a competing straight
      dense structure (a vertebral rim, a contrast column) could be the needle instead;
    - ``hub_margin``: how clear the end call was (``end_margin``, 0..1): a wrong end puts the
      tip a whole shaft length off, so an unclear call costs most (``CONF_HUB``);
    - ``tip_unclear``: the share of the last 8 mm of shaft before the tip where the needle is
      not seen clearly (clipped, faint or wide): its end is then a guess more often;
    - ``disagree``: end cues voted against the call: never 0.9 or more (``DISAGREE_CAP``);
    - ``px_mm``: a coarse film (``CONF_PX_MM``: more than 0.25 mm per pixel) cannot place a
      tip that tapers over 1-3 mm to within a millimetre as often;
    - ``tip_in_contrast`` (0..1, the contrast cue's vote for the tip): contrast leaving the tip
      can hide where the steel ends (``CONF_CONTRAST``).
    """
    s = 1.0 - math.exp(-snr / CONF_SNR)
    sep = 0.5 + 0.5 * min(1.0, max(0.0, separation / CONF_SEPARATION))
    hub = 1.0 - CONF_HUB * (1.0 - hub_margin)
    tip = 1.0 - CONF_UNCLEAR * tip_unclear
    res = 1.0 - CONF_COARSE * min(1.0, max(0.0, (px_mm - CONF_PX_MM[0]) / (CONF_PX_MM[1] - CONF_PX_MM[0])))
    res *= 1.0 - CONF_CONTRAST * min(1.0, max(0.0, tip_in_contrast))
    c = float(min(1.0, max(0.0, s * sep * hub * tip * res)))
    return min(c, DISAGREE_CAP) if disagree else c


def snap_tip(frame: np.ndarray, click: Point, radius_px: float, calibration=None,
             invert: bool = False) -> Point | None:
    """The needle tip nearest ``click`` within ``radius_px`` (pixels), or None.

    The tip of the whole film's proposal (``propose_needle``: its hub/tip call sees the whole
    shaft) when it lies within the radius; otherwise the nearest end, within the radius, of a
    shaft found in a window around the click (another needle, or one the whole-film search
    did not pick), its ends followed on the whole frame so that the window's border does not
    make an end. None when no needle end lies within the radius: the click stays.
    """
    if radius_px <= 0:
        raise AssistError("snap radius must be positive")
    a = np.asarray(frame)
    h, w = a.shape[:2]
    prop = propose_needle(a, calibration, invert)
    if prop is not None and math.dist(prop.tip, click) <= radius_px:
        return prop.tip
    half = int(max(64, 4 * radius_px))
    x0, y0 = max(0, int(click[0]) - half), max(0, int(click[1]) - half)
    x1, y1 = min(w, int(click[0]) + half), min(h, int(click[1]) + half)
    if x1 - x0 < 16 or y1 - y0 < 16:
        return None
    dens = density(a, invert)
    crop = dens[y0:y1, x0:x1]
    px_mm = _px_mm(a, calibration)
    mask = np.ones(crop.shape, bool)
    mask[:3, :] = mask[-3:, :] = mask[:, :3] = mask[:, -3:] = False
    inside = field_mask(-crop, 0)
    if inside.mean() > 0.05:
        from scipy import ndimage

        mask &= ndimage.binary_erosion(inside, iterations=3)
    offset = np.array([x0, y0], dtype=np.float64)
    best: tuple[float, Point] | None = None
    for cand in _candidates(crop, mask, px_mm)[:5]:
        r = refine_shaft(dens, cand.a + offset, cand.b + offset, px_mm)
        for end in (r.a, r.b):
            d = math.dist((float(end[0]), float(end[1])), click)
            if d <= radius_px and (best is None or d < best[0]):
                best = (d, (float(end[0]), float(end[1])))
    return None if best is None else best[1]
