"""The 3-D scene of one injection: spine, needle, contrast along the root, veins.

Everything is in the patient frame of :mod:`sample_images.anatomy` (mm,
+X left, +Y feet, +Z posterior). The needle tip is placed from the anatomy so
that it projects onto the seed article's targets: just below the 6 o'clock
point of the pedicle on AP, in the posterior third of the foramen on lateral
(``foramen_fraction`` from posterior), or inside the first dorsal sacral
foramen for S1; ``tip_offset_mm`` then moves it (lateral, caudal, posterior).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from skimage import measure, morphology

from sample_images.anatomy import LEVEL_NAMES, Spine
from sample_images.raycast import Blob, Projection, line_integral


@dataclass
class Scene:
    spine: Spine
    side: int  # +1 patient left, -1 patient right
    level: str
    tip: np.ndarray
    hub: np.ndarray
    path: np.ndarray  # (n, 3) distal contrast course, starting at the tip (mm)
    path_radii: np.ndarray
    proximal: np.ndarray  # (m, 3) proximal spread toward the axilla, starting at the tip
    proximal_radii: np.ndarray
    cutoff_s: float | None  # path length (mm) where contrast stops abruptly
    bench_s: float | None  # path length (mm) of the bench (upward) deformity peak
    veins: list[np.ndarray]
    foramen_lateral: list[tuple[float, float]] | None  # polygon in the canonical lateral grid (see lateral_grid)
    lateral_grid: Projection | None

    def path_point(self, s_mm: float) -> np.ndarray:
        seg = np.linalg.norm(np.diff(self.path, axis=0), axis=1)
        cum = np.concatenate([[0.0], np.cumsum(seg)])
        return np.array([np.interp(s_mm, cum, self.path[:, k]) for k in range(3)])

    @property
    def path_length(self) -> float:
        return float(np.sum(np.linalg.norm(np.diff(self.path, axis=0), axis=1)))


def next_level(level: str) -> str:
    return LEVEL_NAMES[LEVEL_NAMES.index(level) + 1]


def foramen_polygon(spine: Spine, level: str, spacing: float = 0.25) -> tuple[list[tuple[float, float]], Projection]:
    """Outline of the intervertebral foramen below ``level`` on a lateral projection.

    Solid copies of the bones around the foramen are projected; the bone-free
    region grown from a seed under the pedicle is the foramen. Returns the
    polygon (pixels of the returned crop projection) and that projection.
    """
    up, low = spine.vertebrae[level], spine.vertebrae[next_level(level)]
    ped = up.parts["pedicle_L"]
    center = (np.asarray(ped.center) + np.asarray(low.parts["pedicle_L"].center)) / 2
    size = int(round(60 / spacing))
    proj = Projection.at_angle(90.0, tuple(center), spacing, size, size)
    names_up = ("body", "pedicle_L", "pedicle_R", "iap_L", "iap_R", "lamina_L", "lamina_R")
    names_low = ("body", "pedicle_L", "pedicle_R", "sap_L", "sap_R", "disc_above")
    solids = [
        Blob(b.center, b.axes, 1.0, b.rot, b.power)
        for v, names in ((up, names_up), (low, names_low))
        for n, b in v.parts.items()
        if n in names
    ]
    bone = line_integral(solids, proj) > 1.0
    bone = morphology.closing(bone, morphology.disk(3))
    ped_bottom_y = float(ped.center[1]) + float(np.linalg.norm((ped.rot @ np.diag(ped.axes))[1, :]))
    body_back = float((up.center + up.rot @ np.array([0, 0, up.parts["body"].axes[2]]))[2])
    seed = proj.to_pixel((ped.center[0], ped_bottom_y + 3.0, body_back + 4.0))
    # keep to the box between the two pedicles and within 15 mm behind the body, so gaps between
    # posterior elements cannot leak the region into the soft tissue
    low_ped = low.parts["pedicle_L"]
    low_top = float(low_ped.center[1]) - float(np.linalg.norm((low_ped.rot @ np.diag(low_ped.axes))[1, :]))
    x_a = proj.to_pixel((0, 0, body_back - 3.0))[0]
    x_p = proj.to_pixel((0, 0, body_back + 15.0))[0]
    y_t = proj.to_pixel((0, ped_bottom_y - 3.0, 0))[1]
    y_b = proj.to_pixel((0, low_top + 1.0, 0))[1]
    box = np.zeros_like(bone)
    box[max(1, int(y_t)) : min(size - 1, int(y_b)), max(1, int(x_a)) : min(size - 1, int(x_p))] = True
    labels = measure.label(~bone & box, connectivity=1)
    lab = labels[int(seed[1]), int(seed[0])]
    if lab == 0:
        raise RuntimeError(f"foramen seed under {level} falls on bone")
    region = labels == lab
    contour = max(measure.find_contours(np.pad(region, 1).astype(float), 0.5), key=len)
    contour = measure.approximate_polygon(contour, tolerance=1.0)
    poly = [(float(c[1] - 1 + 0.5), float(c[0] - 1 + 0.5)) for c in contour[:-1]]
    return poly, proj


def _lateral_to_patient(proj: Projection, x: float, y: float, x_patient: float) -> np.ndarray:
    z = proj.center[2] + (x - proj.width / 2) * proj.spacing
    yy = proj.center[1] + (y - proj.height / 2) * proj.spacing
    return np.array([x_patient, yy, z])


def _point_in_poly(x: float, y: float, poly: list[tuple[float, float]]) -> bool:
    inside = False
    n = len(poly)
    for i in range(n):
        (x0, y0), (x1, y1) = poly[i], poly[(i + 1) % n]
        if (y0 > y) != (y1 > y) and x < x0 + (y - y0) * (x1 - x0) / (y1 - y0):
            inside = not inside
    return inside


def lumbar_target(spine: Spine, level: str, side: int, fraction: float, below_mm: float = 0.6):
    """3-D target under the pedicle of ``level``: (point, foramen polygon, lateral grid)."""
    key = "L" if side > 0 else "R"
    ped = spine.vertebrae[level].parts[f"pedicle_{key}"]
    # lowest point of the pedicle silhouette (the same in every view turning about the Y axis)
    m = ped.rot @ np.diag(ped.axes)
    y_bottom = float(ped.center[1] + np.linalg.norm(m[1, :]))
    # x of the lowest point on AP
    row = m[1, :]
    x_bottom = float(ped.center[0] + (m[0, :] @ row) / np.linalg.norm(row))
    poly, grid = foramen_polygon(spine, level)
    y0 = grid.to_pixel((0, y_bottom + below_mm, grid.center[2]))[1]
    xs = [p[0] for p in poly]
    post, ant = max(xs), min(xs)
    # the first row under the pedicle where the point at the wanted depth fraction is inside the outline
    x_px, y_px = post - fraction * (post - ant), y0
    for dy in np.arange(0.0, 40.0, 0.5):
        hits = [f for f in (fraction, fraction * 0.75, fraction * 1.25, fraction * 0.5)
                if _point_in_poly(post - f * (post - ant), y0 + dy, poly)]
        if hits:
            x_px, y_px = post - hits[0] * (post - ant), y0 + dy
            break
    return _lateral_to_patient(grid, x_px, y_px, x_bottom), poly, grid


def s1_target(spine: Spine, side: int) -> np.ndarray:
    key = "L" if side > 0 else "R"
    hole = spine.vertebrae["S1"].parts[f"foramen1_{key}"]
    return np.asarray(hole.center) + hole.rot @ np.array([0, 0, hole.axes[2] * 0.3])


def build_scene(spine: Spine, rng: np.random.Generator, *, level: str, side: int, tip_offset_mm, medial_deg: float,
                caudal_deg: float, needle_length_mm: float, foramen_fraction: float, contrast_length_mm: float,
                cutoff_mm: float | None, bench_mm: float, proximal_mm: float, vein_count: int) -> Scene:
    """Place the needle and the contrast course for a root of ``level`` on ``side``."""
    if level == "S1":
        target = s1_target(spine, side)
        poly, grid = None, None
        vert = spine.vertebrae["S1"]
        dir0 = np.array([side * 0.15, 0.97, -0.20])
        prox_dir = np.array([-side * 0.25, -0.9, 0.2])
    else:
        target, poly, grid = lumbar_target(spine, level, side, foramen_fraction)
        vert = spine.vertebrae[level]
        dir0 = np.array([side * 0.55, 0.72, -0.55])
        prox_dir = np.array([-side * 0.75, -0.55, 0.15])
    off = np.asarray(tip_offset_mm, dtype=float)
    tip = target + np.array([side * off[0], off[1], off[2]])
    to_hub = np.array([side * math.tan(math.radians(medial_deg)), -math.tan(math.radians(caudal_deg)), 1.0])
    hub = tip + needle_length_mm * to_hub / np.linalg.norm(to_hub)

    # distal course: a gentle curve turning caudally, with an optional upward (bench) bump
    n = max(8, int(contrast_length_mm / 1.5))
    ss = np.linspace(0, contrast_length_mm, n)
    pts = [tip.copy()]
    d = vert.rot @ (dir0 / np.linalg.norm(dir0))
    wobble = rng.normal(0, 0.04, size=(n, 3))
    for i in range(1, n):
        frac = ss[i] / contrast_length_mm
        di = d + np.array([0, 0.5 * frac, 0]) + wobble[i]
        pts.append(pts[-1] + (ss[i] - ss[i - 1]) * di / np.linalg.norm(di))
    path = np.array(pts)
    bench_s = None
    if bench_mm > 0:
        bench_s = 0.45 * contrast_length_mm
        bump = np.exp(-(((ss - bench_s) / (0.22 * contrast_length_mm)) ** 2))
        bump *= np.clip(ss / (0.2 * contrast_length_mm), 0.0, 1.0)  # the course still starts at the tip
        path[:, 1] -= bench_mm * bump
    radii = 2.3 * (1 - 0.5 * ss / contrast_length_mm) * (1 + 0.10 * np.sin(ss / 3.0 + rng.uniform(0, 6.28)))
    pn = max(3, int(proximal_mm / 1.5)) if proximal_mm > 0 else 0
    if pn:
        pd = vert.rot @ (prox_dir / np.linalg.norm(prox_dir))
        proximal = tip + np.linspace(0, proximal_mm, pn)[:, None] * pd[None, :]
        prox_r = np.linspace(2.0, 1.2, pn)
    else:
        proximal, prox_r = np.zeros((0, 3)), np.zeros(0)
    veins = []
    for _ in range(vein_count):
        p = tip + rng.normal(0, 2.0, 3)
        course = [p.copy()]
        heading = np.array([-side * rng.uniform(0.3, 1.0), rng.choice([-1, 1]) * rng.uniform(0.3, 1.0), rng.normal(0, .3)])
        for _ in range(18):
            heading = heading / np.linalg.norm(heading) + rng.normal(0, 0.35, 3)
            p = p + 1.6 * heading / np.linalg.norm(heading)
            course.append(p.copy())
        veins.append(np.array(course))
    return Scene(spine, side, level, tip, hub, path, radii, proximal, prox_r, cutoff_mm, bench_s, veins, poly, grid)
