"""Finding suggestions from a contrast path and its profile: cutoff and bench sign.

Every suggestion is a pair (``Finding(suggested=True)``, ``Annotation(role=FINDING,
suggested=True)``) linked both ways (``finding.annotation_id`` and
``annotation.attrs["finding_id"]``), for the user to accept or reject; nothing
here is ever confirmed.

Cutoff (``contrast_cutoff``, domain.md §6.1): the band *ends* inside the traced
path (intensity stays below ``END_LEVEL`` x its typical level for at least
``MIN_TAIL_MM``; with the traced end known, the first such stop from
``NEAR_TRACED_END_MM`` before it, so that another structure further along the
profile's extension is not taken for the band), the end is *abrupt* (>= 0.6 of
the typical level within ``ABRUPT_MM`` of it), and the column is still *full
calibre* just before it. Calibre is read twice, apart: the band's width (FWHM,
measured across it at full resolution) and its intensity over ``END_WINDOW_MM``
before the end, each against its median over the first half of the visible
course, must lie within ``WIDTH_RATIO`` / ``INTENSITY_RATIO`` and their product
(~ the squared radius of a tube) reach ``MIN_AREA_RATIO`` (a normal sleeve
narrows and fades; a column wider at its end than along its course has
something overlapping it); the width must be steady (its spread over both windows, the
course's first half and the end's, std / median <= ``MAX_WIDTH_SPREAD``: bone
edges make it jump). The end itself must be
*blunt*: from 80 % to 20 % of the column's level within ``END_SHARPNESS`` widths
on the profile and, when the film is at hand (``analyse_path``), within
``END_SHARPNESS_FULL`` widths measured along the axis at full resolution
(``profile.end_drop``): a band whose end blurs out as softly as its sides
(~0.7 widths for a gaussian band) is not a cutoff. When any of this is unclear,
nothing is suggested: a missed suggestion costs the user a click, a false cutoff
misleads a clinical conclusion. No course length is required: a block can sit
anywhere from the recess to beyond the foramen, and a normal sleeve can fill
only a short way (an earlier "stops before 30 mm" gate is gone).
Location: the half-height crossing of the intensity after the last full
station (interpolated), moved back by half the column's FWHM (the rounded end
of a filled sleeve reaches half height 0.87 r past the end of its axis), on
the path. Focal narrowings are not suggested yet
(too many false alarms from overlapping bone edges on the phantom).

Bench sign (``bench_sign``): the root's course turns *upward* (toward the head)
by at least ``BENCH_TURN_DEG`` and back, i.e. the descent angle of its tangent
falls by that much along the path. Location: the point of the path farthest
toward the head from the chord joining its ends.

L5 tilt angle (domain.md §6.2, ``l5_tilt_angle``; reported on bench-sign
suggestions as ``angle_deg`` and as its own suggestion for L5 roots): the angle,
in degrees 0..90, between the root's initial course -- the chord from the path
start (the tip) to the point ``TILT_CHORD_MM`` along it -- and the image
horizontal, i.e. the line perpendicular to the craniocaudal axis given by the
film's ``Directions`` (on AP films this is parallel to the vertebral endplates
of a well-aligned film). 0 deg = horizontal course, 90 deg = straight caudal.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np

from annotator.assist.profile import ContrastProfile, contrast_profile, end_drop, extend_path, resample
from annotator.model.annotations import Annotation, Role, ShapeKind
from annotator.model.case import Finding

Point = tuple[float, float]

SKIP_START_MM = 3.0  # the needle overlaps the first millimetres of the path
END_LEVEL = 0.3
ABRUPT_MM = 3.0
MIN_TAIL_MM = 1.5
END_WINDOW_MM = (3.5, 1.5)  # the column's calibre is read this far before its end (mm, from..to)
WIDTH_RATIO = (0.7, 1.3)  # width there / width over the first half of the course: full calibre
INTENSITY_RATIO = (0.7, 1.6)  # the same for the band's intensity
MIN_AREA_RATIO = 0.6  # and their product (~ the squared radius of a tube)
NEAR_TRACED_END_MM = 3.0
MAX_WIDTH_SPREAD = 0.3  # std / median of the raw width over both windows
END_SHARPNESS = 1.0  # 80 % -> 20 % of the column's level within this many widths, on the profile
END_SHARPNESS_FULL = 0.45  # the same at full resolution on the film (a gaussian blur of the end: ~0.7)
BENCH_TURN_DEG = 12.0
TILT_CHORD_MM = 15.0


@dataclass(frozen=True)
class Candidate:
    """A suggested finding location: ``s`` arc length (profile unit), ``point`` in pixels."""

    code: str
    s: float
    point: Point
    reason: str
    angle_deg: float | None = None


def _smooth(v: np.ndarray, n: int) -> np.ndarray:
    from scipy import ndimage

    return ndimage.median_filter(v, size=max(1, n), mode="nearest") if n > 1 else v


def _crossing(x: np.ndarray, v: np.ndarray, j: int, level: float) -> float:
    """Where ``v`` falls through ``level`` between samples ``j`` and ``j + 1`` (interpolated in ``x``)."""
    if j + 1 < len(v) and v[j] != v[j + 1]:
        return float(x[j] + (v[j] - level) / (v[j] - v[j + 1]) * (x[j + 1] - x[j]))
    return float(x[j])


def find_cutoff(profile: ContrastProfile, scale_mm: float | None = None,
                traced_to: float | None = None, frame: np.ndarray | None = None,
                invert: bool = False) -> Candidate | None:
    """An abrupt end of a full-calibre band that stops short on ``profile``, or None.

    ``scale_mm`` converts the profile unit to mm (None for calibrated profiles;
    for pixel profiles pass the assumed mm per pixel). ``traced_to``: where the
    traced path ends on the profile (profile unit), when the profile runs on past
    it: the band's end is then its first stop from ``NEAR_TRACED_END_MM`` before
    that point on (the user traced to where the contrast stops; another structure
    further along the extension is not the band), else its last visible station.
    ``frame`` (the film the profile was measured on; ``invert`` as there): the
    end's fall is also measured on it at full resolution (``profile.end_drop``).
    """
    s, inten, width = profile.s, profile.intensity, profile.width
    mm = 1.0 if scale_mm is None else scale_mm
    if len(s) < 8:
        return None
    ds = float(s[1] - s[0]) * mm
    n_sm = int(round(1.5 / ds)) | 1
    ii = _smooth(inten, n_sm)
    ww = _smooth(width, n_sm)
    smm = s * mm
    start = smm >= SKIP_START_MM
    if start.sum() < 4:
        return None
    ref_i = float(np.percentile(ii[start], 60))
    peak = float(np.max(ii[start]))
    if ref_i <= 0.2 * peak:
        # a path traced far past a stop is mostly empty: take the band's own level
        # from the samples where it shows at all
        ref_i = float(np.percentile(ii[start & (ii > 0.2 * peak)], 60)) if peak > 0 else 0.0
    if ref_i <= 0:
        return None
    present = ii >= END_LEVEL * ref_i
    if profile.clipped is not None:
        present |= _smooth(profile.clipped.astype(float), n_sm) > 0.5  # a band cannot be seen to end there
    idx = np.flatnonzero(present & start)
    if idx.size == 0:
        return None
    last = int(idx[-1])
    if traced_to is not None:
        gap = int(math.ceil(MIN_TAIL_MM / ds))
        for j in map(int, idx):
            if j + gap < len(present) and smm[j] >= traced_to * mm - NEAR_TRACED_END_MM \
                    and not present[j + 1 : j + 1 + gap].any():
                last = j
                break
    end_mm = smm[last]
    if smm[-1] - end_mm < MIN_TAIL_MM:
        return None  # the band runs to the end of the path
    if not np.any((smm >= end_mm - ABRUPT_MM) & (smm <= end_mm) & (ii >= 0.6 * ref_i)):
        return None  # faded out rather than stopped
    # calibre just before the end against the first half of the visible course, width (FWHM at full
    # resolution) and intensity apart: both must stay full; a normal sleeve narrows and fades
    before = start & (smm >= end_mm - END_WINDOW_MM[0]) & (smm <= end_mm - END_WINDOW_MM[1])
    ref = start & (smm <= max(SKIP_START_MM + 4.0, 0.5 * (SKIP_START_MM + end_mm))) & (smm <= end_mm - END_WINDOW_MM[0])
    if before.sum() < 3 or ref.sum() < 3:
        return None  # too short a course to compare its end with its start
    w_end, w_ref = float(np.median(ww[before])), float(np.median(ww[ref]))
    i_end, i_ref = float(np.median(ii[before])), float(np.median(ii[ref]))
    if min(w_end, w_ref, i_end, i_ref) <= 0:
        return None
    wr, ir = w_end / w_ref, i_end / i_ref
    if not (WIDTH_RATIO[0] <= wr <= WIDTH_RATIO[1] and INTENSITY_RATIO[0] <= ir <= INTENSITY_RATIO[1]
            and wr * ir >= MIN_AREA_RATIO):
        return None  # narrowed or faded (a normal sleeve), or wider than its course (something overlaps it)
    both = before | ref
    if float(np.std(width[both]) / max(float(np.median(width[both])), 1e-9)) > MAX_WIDTH_SPREAD:
        return None  # the width varies over both windows (bone edges, overlap): not measured reliably
    # the end itself: from 80 % to 20 % of the column's level within END_SHARPNESS x its width (a blunt
    # stop); a band that fades over a longer run is not a cutoff
    j80 = int(np.flatnonzero(before)[-1])
    while j80 + 1 < len(ii) and ii[j80 + 1] >= 0.8 * i_end:
        j80 += 1
    j20 = j80
    while j20 + 1 < len(ii) and ii[j20 + 1] >= 0.2 * i_end:
        j20 += 1
    if _crossing(smm, ii, j20, 0.2 * i_end) - _crossing(smm, ii, j80, 0.8 * i_end) > END_SHARPNESS * w_end * mm:
        return None
    if frame is not None:
        drop = end_drop(frame, profile, ((end_mm - END_WINDOW_MM[0]) / mm, (end_mm - END_WINDOW_MM[1]) / mm),
                        (end_mm + 2.5) / mm, w_end, invert)
        if drop is None or drop > END_SHARPNESS_FULL * w_end:
            return None
    level = 0.5 * i_end
    k = last
    while k + 1 < len(ii) and ii[k + 1] >= level:
        k += 1
    while k > 0 and ii[k] < level:
        k -= 1
    if k + 1 < len(ii) and ii[k] != ii[k + 1]:
        f = (ii[k] - level) / (ii[k] - ii[k + 1])
        s_end = float(s[k] + f * (s[k + 1] - s[k]))
    else:
        s_end = float(s[k])
    # a column ends in a rounded cap: along its axis the cap's projected thickness falls to half
    # at 0.87 r beyond the end of the filled course, i.e. half the column's FWHM (1.73 r)
    s_end = max(float(s[0]), s_end - 0.5 * min(w_end, w_ref))
    return Candidate("contrast_cutoff", s_end, profile.point_at(s_end),
                     f"contrast stops abruptly {s_end * mm:.0f} mm along the root at full calibre")


def _axes(directions) -> tuple[np.ndarray, np.ndarray]:
    """(unit pixel vector toward the feet, unit horizontal perpendicular to it)."""
    head = np.array(directions.vector("H") if directions is not None else (0.0, -1.0), dtype=float)
    if not np.any(head):
        head = np.array([0.0, -1.0])
    feet = -head / np.linalg.norm(head)
    return feet, np.array([-feet[1], feet[0]])


def root_tilt_deg(path: Sequence[Point], directions=None, px_per_mm: float | None = None) -> float | None:
    """L5 tilt angle (degrees, 0 = horizontal, 90 = straight caudal) of the path's first
    ``TILT_CHORD_MM`` (see the module docstring); None for a path shorter than 2 px."""
    step = 1.0
    s, pts, _ = resample(path, step)
    if s[-1] < 2:
        return None
    reach = TILT_CHORD_MM * px_per_mm if px_per_mm else TILT_CHORD_MM * 4.0
    k = int(np.clip(np.searchsorted(s, reach), 1, len(s) - 1))
    d = pts[k] - pts[0]
    feet, horiz = _axes(directions)
    return float(math.degrees(math.atan2(abs(d @ feet), abs(d @ horiz))))


def find_bench(path: Sequence[Point], directions=None, px_per_mm: float | None = None) -> Candidate | None:
    """An upward turn of the root course (bench sign) along ``path``, or None."""
    ppm = px_per_mm or 4.0
    s, pts, tan = resample(path, 0.5 * ppm)  # stations every 0.5 mm
    if len(s) < 12:
        return None
    feet, horiz = _axes(directions)
    from scipy import ndimage

    win = max(3, int(round(4.0 / 0.5)))
    t = ndimage.uniform_filter1d(tan, size=win, axis=0, mode="nearest")
    sign = 1.0 if float(np.sum(t @ horiz)) >= 0 else -1.0  # course runs toward +horiz or -horiz
    theta = np.degrees(np.arctan2(t @ feet, sign * (t @ horiz)))  # descent angle of the tangent
    run_max = np.maximum.accumulate(theta)
    drop = run_max - theta
    k = int(np.argmax(drop))
    if drop[k] < BENCH_TURN_DEG:
        return None
    chord = pts[-1] - pts[0]
    n = np.array([-chord[1], chord[0]]) / (np.linalg.norm(chord) or 1.0)
    if n @ feet > 0:
        n = -n  # toward the head
    dev = (pts - pts[0]) @ n
    j = int(np.argmax(dev))
    tilt = root_tilt_deg(path, directions, px_per_mm)
    return Candidate("bench_sign", float(s[j] / ppm), (float(pts[j, 0]), float(pts[j, 1])),
                     f"root course turns {drop[k]:.0f} deg toward the head and back", tilt)


def make_suggestion(c: Candidate, film_id: str | None, frame: int = 0, unit: str = "mm") -> tuple[Finding, Annotation]:
    """A linked (Finding, FINDING annotation) pair, both ``suggested=True``."""
    ann = Annotation(Role.FINDING, ShapeKind.POINT, (c.point,), frame=frame, text=c.code, suggested=True,
                     attrs={"arc_length": round(c.s, 3), "arc_length_unit": unit, "source": "assist"})
    angle = None if c.angle_deg is None else round(c.angle_deg, 1)
    note = f"assist: {c.reason}"
    if c.code != "l5_tilt_angle" and angle is not None:  # only the tilt finding carries an angle
        note += f"; root tilt {angle:.0f} deg from horizontal"
        angle = None
    finding = Finding(c.code, film_id=film_id, annotation_id=ann.id, suggested=True, angle_deg=angle, note=note)
    ann = replace(ann, attrs={**ann.attrs, "finding_id": finding.id})
    return finding, ann


def suggest_path_findings(profile: ContrastProfile, path: Sequence[Point], film_id: str | None = None,
                          directions=None, level: str | None = None, frame: int = 0,
                          px_per_mm: float | None = None, image: np.ndarray | None = None,
                          invert: bool = False) -> list[tuple[Finding, Annotation]]:
    """Cutoff / bench sign (and, for L5, the tilt angle) suggestions along one traced path
    (``image``: the film's frame the profile was measured on, for the cutoff's end at full resolution)."""
    mm_scale = None if profile.unit != "px" else (1.0 / px_per_mm if px_per_mm else 0.25)
    ppm = px_per_mm or (profile.px_per_unit if profile.unit != "px" else 4.0)
    out = []
    traced = float(resample(path, 1.0)[0][-1]) / (profile.px_per_unit if profile.unit != "px" else 1.0)
    cut = find_cutoff(profile, mm_scale, traced_to=traced, frame=image, invert=invert)
    if cut is not None:
        out.append(make_suggestion(cut, film_id, frame, profile.unit))
    bench = find_bench(path, directions, ppm)
    if bench is not None:
        out.append(make_suggestion(bench, film_id, frame, profile.unit))
    if level == "L5":
        tilt = root_tilt_deg(path, directions, ppm)
        if tilt is not None:
            c = Candidate("l5_tilt_angle", 0.0, (float(path[0][0]), float(path[0][1])),
                          f"L5 root tilt {tilt:.0f} deg from horizontal" + (" (> 60 deg)" if tilt > 60 else ""),
                          tilt)
            out.append(make_suggestion(c, film_id, frame, profile.unit))
    return out


TAIL_MM = 6.0  # the profile looks this far past the path's end: a traced path stops where the band stops


def _tail_inside(frame, path: Sequence[Point], length_px: float) -> float:
    """How much of a ``length_px`` extension past the path's end stays on the film:
    samples beyond the edge have no data, look clipped, and would hide an end."""
    if len(path) < 2:
        return 0.0
    h, w = frame.shape[:2]
    (x0, y0), (x1, y1) = path[-2], path[-1]
    d = math.hypot(x1 - x0, y1 - y0)
    if d == 0:
        return 0.0
    ux, uy = (x1 - x0) / d, (y1 - y0) / d
    margin = 1.0  # keep bilinear samples clear of the edge
    t = length_px
    for pos, u, size in ((x1, ux, w), (y1, uy, h)):
        if u > 0:
            t = min(t, (size - margin - pos) / u)
        elif u < 0:
            t = min(t, (pos - margin) / -u)
    return max(0.0, t)


def analyse_path(frame, path: Sequence[Point], calibration=None, directions=None, level: str | None = None,
                 film_id: str | None = None, frame_index: int = 0, invert: bool = False,
                 ) -> tuple[ContrastProfile, list[tuple[Finding, Annotation]]]:
    """Profile and suggestions of one path in one call (what the GUI's "analyse path" and
    ``assist CASE`` run). The profile extends ``TAIL_MM`` past the path's end so that an
    abrupt stop at the end of the traced path can be seen; suggestions are located on it."""
    mm = calibration.mean_mm_per_px() if calibration is not None else None
    ppm = 1.0 / mm if mm else None
    longer = extend_path(path, _tail_inside(frame, path, TAIL_MM * (ppm or 4.0)))
    profile = contrast_profile(frame, longer, calibration, invert=invert)
    return profile, suggest_path_findings(profile, path, film_id, directions, level, frame_index, ppm,
                                          image=frame, invert=invert)
