"""Contrast profile along a path: band intensity and width against arc length.

At stations every ``step`` along the polyline, a perpendicular profile of the
density (dense = high, ``common.density``) is sampled over +-``half_width``.
The background is the line through the medians of both outer quarters (a band
crossing a bone edge lies on a sloping background; the higher of the two sides
put it too high, and the band seemed to end where it crossed the edge); the band
*intensity* is the peak density near the axis above that line (density
units, ~0..1) and its *width* the full width at half that height (FWHM),
interpolated between samples. Stations whose axis is clipped to the film's
densest value are flagged (``clipped``): there the band can be neither seen
nor ruled out. Arc length and width are in mm when the film is
calibrated (``unit`` says which mm, e.g. ``mm (ERMF)``), else in pixels.

Coordinates: float pixels, origin at the top-left corner of the top-left pixel
(domain.md §3). Suggestions built from a profile live in ``assist.suggest``;
``plot_profile`` draws it (matplotlib, Agg backend, imported when called).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from annotator.assist.common import AssistError, density, mm_per_px, sample

Point = tuple[float, float]

STEP_MM = 0.5
HALF_WIDTH_MM = 7.0
ASSUMED_FIELD_MM = 256.0  # long side of an uncalibrated film, for sampling scales only


@dataclass(frozen=True)
class ContrastProfile:
    """Per-station arrays (same length): ``s`` arc length, ``intensity`` band height
    above background (density units), ``width`` FWHM, ``points`` (N, 2) station
    positions in pixels, ``tangents`` (N, 2) unit directions. ``unit`` labels ``s``
    and ``width``; ``px_per_unit`` converts them back to pixels."""

    s: np.ndarray
    intensity: np.ndarray
    width: np.ndarray
    points: np.ndarray
    tangents: np.ndarray
    unit: str
    px_per_unit: float
    clipped: np.ndarray | None = None  # bool per station: the axis is clipped (no band signal there)

    def point_at(self, s: float) -> Point:
        """The path point at arc length ``s`` (profile unit), interpolated."""
        x = float(np.interp(s, self.s, self.points[:, 0]))
        y = float(np.interp(s, self.s, self.points[:, 1]))
        return (x, y)

    def to_json(self) -> dict:
        return {
            "unit": self.unit,
            "s": [round(float(v), 3) for v in self.s],
            "intensity": [round(float(v), 4) for v in self.intensity],
            "width": [None if not math.isfinite(v) else round(float(v), 3) for v in self.width],
        }


def resample(path: Sequence[Point], step_px: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Stations every ``step_px`` along a polyline: (arc length px, points (N, 2), unit tangents (N, 2))."""
    p = np.asarray(path, dtype=np.float64)
    if p.ndim != 2 or p.shape[0] < 2 or p.shape[1] != 2:
        raise AssistError("a contrast profile needs a path of at least two (x, y) points")
    seg = np.linalg.norm(np.diff(p, axis=0), axis=1)
    keep = np.concatenate([[True], seg > 1e-9])
    p = p[keep]
    seg = np.linalg.norm(np.diff(p, axis=0), axis=1)
    if p.shape[0] < 2:
        raise AssistError("a contrast profile needs a path of non-zero length")
    cum = np.concatenate([[0.0], np.cumsum(seg)])
    s = np.arange(0.0, cum[-1] + 1e-9, step_px)
    pts = np.stack([np.interp(s, cum, p[:, 0]), np.interp(s, cum, p[:, 1])], axis=1)
    # tangents from a centred difference over ~2 steps, smoothed so polyline corners do not jump
    k = np.clip(np.searchsorted(cum, s, side="right") - 1, 0, len(seg) - 1)
    t = (p[k + 1] - p[k]) / seg[k][:, None]
    if len(t) >= 5:
        from scipy import ndimage

        t = ndimage.uniform_filter1d(t, size=5, axis=0, mode="nearest")
        t /= np.maximum(np.linalg.norm(t, axis=1, keepdims=True), 1e-9)
    return s, pts, t


def extend_path(path: Sequence[Point], length_px: float) -> list[Point]:
    """``path`` with one more point ``length_px`` past its end, along its last segment: a
    traced path stops where the contrast stops, and the profile must see how it stops."""
    p = [(float(x), float(y)) for x, y in path]
    if len(p) < 2 or length_px <= 0:
        return p
    (x0, y0), (x1, y1) = p[-2], p[-1]
    d = math.hypot(x1 - x0, y1 - y0)
    if d == 0:
        return p
    return p + [(x1 + (x1 - x0) / d * length_px, y1 + (y1 - y0) / d * length_px)]


def _fwhm(prof: np.ndarray, offs: np.ndarray, centre_half: float) -> tuple[float, float]:
    """(height above background, FWHM in the units of ``offs``) of one perpendicular profile."""
    q = max(2, len(prof) // 4)
    left, right = float(np.median(prof[:q])), float(np.median(prof[-q:]))
    # a sloping background (the band crosses a bone edge): the line through both outer medians
    o_l, o_r = float(np.median(offs[:q])), float(np.median(offs[-q:]))
    prof = prof - (left + (right - left) * (offs - o_l) / (o_r - o_l))
    bg = 0.0
    core = np.abs(offs) <= centre_half
    k = int(np.flatnonzero(core)[np.argmax(prof[core])])
    height = float(prof[k] - bg)
    if height <= 0:
        return 0.0, 0.0
    half = bg + height / 2

    def edge(direction: int) -> float:
        j = k
        while 0 <= j + direction < len(prof) and prof[j + direction] >= half:
            j += direction
        if not 0 <= j + direction < len(prof):
            return float(offs[j])
        a, b = prof[j], prof[j + direction]
        f = (a - half) / (a - b) if a != b else 0.0
        return float(offs[j] + f * (offs[j + direction] - offs[j]))

    return height, edge(1) - edge(-1)


def contrast_profile(frame: np.ndarray, path: Sequence[Point], calibration=None, invert: bool = False,
                     step_mm: float = STEP_MM, half_width_mm: float = HALF_WIDTH_MM) -> ContrastProfile:
    """Band intensity and width along ``path`` (pixels) on ``frame`` (dense = dark unless ``invert``)."""
    dens = density(frame, invert)
    mm = mm_per_px(calibration)
    px_mm = mm or ASSUMED_FIELD_MM / max(dens.shape)
    unit = calibration.unit_label if mm else "px"
    px_per_unit = 1.0 / mm if mm else 1.0
    s, pts, tan = resample(path, step_mm / px_mm)
    half = half_width_mm / px_mm
    offs = np.linspace(-half, half, max(15, int(2 * half / 0.5) | 1))
    nrm = np.stack([-tan[:, 1], tan[:, 0]], axis=1)
    xs = pts[:, 0:1] + offs[None, :] * nrm[:, 0:1]
    ys = pts[:, 1:2] + offs[None, :] * nrm[:, 1:2]
    profs = sample(dens, xs, ys)
    # average three neighbouring stations along the path: noise down, edges kept
    if len(profs) >= 3:
        profs = np.concatenate([profs[:1], (profs[:-2] + profs[1:-1] + profs[2:]) / 3, profs[-1:]])
    top = float(dens.max())
    sat = top - 0.03 * (top - float(np.median(dens)))
    clipped = profs[:, len(offs) // 2] >= sat
    centre_half = 0.35 * half
    hw = np.array([_fwhm(p, offs, centre_half) for p in profs])
    height, width_px = hw[:, 0], hw[:, 1]
    return ContrastProfile(
        s=s / px_per_unit,
        intensity=height,
        width=width_px / px_per_unit,
        points=pts,
        tangents=tan,
        unit=unit,
        px_per_unit=px_per_unit,
        clipped=clipped,
    )


def end_drop(frame: np.ndarray, profile: ContrastProfile, level_window: tuple[float, float], search_to: float,
             width: float, invert: bool = False, smooth: float | None = None) -> float | None:
    """How far (profile unit) the band's axis density takes to fall from 80 % to 20 % of its level
    at the band's end, measured at full resolution on ``frame`` (not on the profile's smoothed
    stations): every 0.25 px along the path, the mean density over the band's middle half-width
    (+-0.25 ``width``, its FWHM) less the median of both sides (1.0-1.6 widths out), averaged over
    ``smooth`` (default 0.4 mm or 1.6 px); the level is the median over ``level_window`` (arc
    lengths), the fall is searched from its end up to ``search_to``. None when it cannot be read
    (too short, no level, no fall)."""
    dens = density(frame, invert)
    s = profile.s
    step = 0.25 / profile.px_per_unit
    ss = np.arange(max(float(s[0]), level_window[0] - 2.0 / profile.px_per_unit), min(float(s[-1]), search_to), step)
    if len(ss) < 8 or width <= 0:
        return None
    px = np.interp(ss, s, profile.points[:, 0])
    py = np.interp(ss, s, profile.points[:, 1])
    tx = np.interp(ss, s, profile.tangents[:, 0])
    ty = np.interp(ss, s, profile.tangents[:, 1])
    norm = np.maximum(np.hypot(tx, ty), 1e-9)
    tx, ty = tx / norm, ty / norm
    w_px = width * profile.px_per_unit

    def at(offs: np.ndarray) -> np.ndarray:
        return sample(dens, px[:, None] - ty[:, None] * offs[None], py[:, None] + tx[:, None] * offs[None])

    side = np.concatenate([-np.linspace(1.0, 1.6, 4), np.linspace(1.0, 1.6, 4)]) * w_px
    h = at(np.linspace(-0.25, 0.25, 5) * w_px).mean(axis=1) - np.median(at(side), axis=1)
    if smooth is None:
        smooth = 0.4 if profile.unit != "px" else 1.6
    from scipy import ndimage

    h = ndimage.uniform_filter1d(h, max(1, int(round(smooth / step))), mode="nearest")
    win = (ss >= level_window[0]) & (ss <= level_window[1])
    if win.sum() < 4:
        return None
    level = float(np.median(h[win]))
    if level <= 0:
        return None
    i0 = int(np.flatnonzero(win)[-1])
    below = np.flatnonzero(h[i0:] < 0.2 * level)
    if below.size == 0:
        return None
    j20 = i0 + int(below[0])
    above = np.flatnonzero(h[i0:j20] >= 0.8 * level)
    j80 = i0 + int(above[-1]) if above.size else i0

    def cross(j: int, lv: float) -> float:
        if j + 1 < len(h) and h[j] != h[j + 1]:
            return float(ss[j] + (h[j] - lv) / (h[j] - h[j + 1]) * (ss[j + 1] - ss[j]))
        return float(ss[j])

    return cross(j20 - 1, 0.2 * level) - cross(j80, 0.8 * level)


PLOT_LABELS = {
    "x": "arc length from the start ({unit})",
    "intensity": "band intensity (density)",
    "width": "width at half max ({unit})",
}


def plot_texts(profile: ContrastProfile, labels: dict[str, str] | None = None) -> dict[str, str]:
    """The axis titles ``plot_profile`` draws: ``labels`` (templates with ``{unit}``, e.g. in the
    interface language) over the English ``PLOT_LABELS``, with the profile's unit filled in."""
    chosen = {**PLOT_LABELS, **(labels or {})}
    return {k: v.format(unit=profile.unit) for k, v in chosen.items()}


def plot_profile(profile: ContrastProfile, marks: Sequence[tuple[float, str]] = (), size=(6.0, 3.0),
                 dpi: int = 100, labels: dict[str, str] | None = None) -> np.ndarray:
    """The profile as an RGB uint8 image (H x W x 3): intensity and width against arc length.

    ``marks`` are (arc length, label) pairs drawn as vertical lines (e.g. a
    suggested cutoff); ``labels``: the axis titles (``plot_texts``). Uses matplotlib's Agg
    backend without touching pyplot state.
    """
    texts = plot_texts(profile, labels)
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=size, dpi=dpi)
    canvas = FigureCanvasAgg(fig)
    ax = fig.add_subplot(111)
    ax.plot(profile.s, profile.intensity, color="tab:blue", label="intensity")
    ax.set_xlabel(texts["x"])
    ax.set_ylabel(texts["intensity"], color="tab:blue")
    ax2 = ax.twinx()
    ax2.plot(profile.s, profile.width, color="tab:orange", label="width")
    ax2.set_ylabel(texts["width"], color="tab:orange")
    for s, label in marks:
        ax.axvline(s, color="tab:red", linestyle="--")
        ax.annotate(label, (s, ax.get_ylim()[1]), color="tab:red", ha="center", va="bottom", fontsize=8,
                    annotation_clip=False)
    fig.tight_layout()
    canvas.draw()
    rgba = np.asarray(canvas.buffer_rgba())
    return rgba[..., :3].copy()


def plot_profile_png(profile: ContrastProfile, path, marks: Sequence[tuple[float, str]] = ()) -> None:
    """Write the profile plot as a PNG file at ``path``."""
    from PIL import Image

    Image.fromarray(plot_profile(profile, marks)).save(path, format="PNG")
