"""Synthetic lumbar-spine fluoroscopy films with exact ground truth (numpy + scikit-image only).

API
---
``render_film(params) -> PhantomFilm``: one film. ``PhantomFilm.pixels`` is a
``uint16`` array (H x W) of 12-bit stored values 0..4095, MONOCHROME2 with the
typical C-arm look: dense structures (bone, needle, contrast) are DARK, soft
tissue light grey, outside the circular image-intensifier field black (0).
``PhantomFilm.truth`` is a JSON-ready dict of ground truth in pixel
coordinates (floats, origin at the top-left *corner* of the top-left pixel, +x
right, +y down; domain.md §3):

- ``tip`` [x, y]; ``shaft`` [[x, y] hub side (where the needle enters the field), [x, y] = tip];
- ``contrast_path`` open polyline starting at the tip (None without contrast),
  ``proximal_path`` the spread toward the axilla; ``cutoff`` / ``bench`` points or None;
- AP/oblique (lumbar root): ``pedicle_margin`` {level, points [[medial], [lateral]]},
  ``target`` its midpoint; AP: ``sap_margin`` {level, points [[medial], [lateral]]};
- lateral (lumbar root): ``foramen`` {levels, polygon [[x, y], ...]};
- AP: ``s1_foramen`` {center, radii [rx, ry], rotation_deg} of the injection side,
  ``midline`` [[x, y], [x, y]], ``iliac_crest`` [[x, y], [x, y]] (None if a crest is out of field);
- ``level_labels`` [{level, point}], ``burned_in_text`` {bbox [x0, y0, x1, y1], lines},
  ``field`` {center, radius}, ``spacing_mm`` (patient plane), ``directions`` {x, y} (patient
  direction of +x / +y), ``view``, ``angle_deg``, ``level``, ``side``.

``render_cine(params, frames=24, blush_frames=range(9, 14)) -> PhantomFilm``:
a multi-frame run (F x H x W) of the contrast filling the root sleeve, with a
transient venous blush; ``truth["frames"]`` lists per-frame contrast progress
and blush strength, ``truth["venous_blush"]`` {frames, first_frame}.

``PhantomParams.random(rng, **fixed)`` draws a varied film (view, noise,
contrast strength, needle angles, tip offset) for benchmarks; the same params
always give identical pixels and truth. Example::

    rng = np.random.default_rng(7)
    films = [render_film(PhantomParams.random(rng, size=512)) for _ in range(50)]
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field, replace

import numpy as np
from skimage.filters import gaussian
from skimage.transform import resize

from sample_images.anatomy import LEVEL_NAMES, build_spine
from sample_images.burnin import burn_text
from sample_images.raycast import Projection, ellipse_at_angle, line_integral, projected_ellipse
from sample_images.scene import Scene, build_scene, next_level
from sample_images.tubes import resample_polyline, simplify_2d, tube_thickness

MU_NEEDLE = 3.0  # 1/mm, steel
MU_CONTRAST = 0.30  # 1/mm, iodinated contrast at full strength
MU_VEIN = 0.18
VIEWS = ("AP", "lateral", "oblique")


@dataclass(frozen=True)
class PhantomParams:
    """Everything that decides a film. Lengths in mm (patient plane), angles in degrees."""

    seed: int = 0  # anatomy jitter, bowel gas, contrast wobble, noise
    view: str = "AP"  # "AP", "lateral", "oblique"
    oblique_deg: float = 30.0  # oblique films turn toward the injection side by this much
    level: str = "L5"  # root: L1..L5 or S1
    side: str = "right"  # "right" or "left"
    size: int = 1024  # width = height (px)
    spacing_mm: float = 0.25  # patient-plane mm per pixel
    field_shift_mm: tuple[float, float] = (0.0, 0.0)  # moves the field centre (x, y)
    needle: bool = True
    tip_offset_mm: tuple[float, float, float] = (0.0, 0.0, 0.0)  # from target: lateral, caudal, posterior
    foramen_fraction: float = 0.2  # tip depth in the foramen, from posterior (lateral film)
    medial_deg: float = 20.0
    caudal_deg: float = 20.0
    needle_length_mm: float = 90.0
    contrast: float = 1.0  # 0 = no contrast
    contrast_length_mm: float = 45.0
    progress: float = 1.0  # fraction of the course filled (cine)
    cutoff_mm: float | None = None  # contrast stops abruptly here (path length from the tip)
    bench_mm: float = 0.0  # upward displacement of the root (bench sign)
    proximal_mm: float = 9.0  # spread toward the axilla
    pooling: float = 0.0  # 0..1 contrast pooled around the tip (resistance)
    venous_blush: float = 0.0  # 0..1 strength of a venous blush
    vein_count: int = 6
    noise: float = 1.0  # 0 = noiseless, 1 = typical pulsed fluoroscopy
    blur_px: float = 1.0
    gas: int = 3
    lordosis: float = 1.0
    burn_in: tuple[str, ...] = ("PHANTOM^TEST", "FAKE-0001", "2026-01-15 10:32")
    noise_seed: int = 0  # another noise pattern for a second film of the same scene and view

    @property
    def side_sign(self) -> int:
        return -1 if self.side == "right" else 1

    @property
    def angle_deg(self) -> float:
        """Rotation of the beam about the craniocaudal axis (0 AP, 90 lateral, oblique toward the side)."""
        if self.view == "AP":
            return 0.0
        if self.view == "lateral":
            return 90.0
        return -self.side_sign * self.oblique_deg

    @classmethod
    def random(cls, rng: np.random.Generator, **fixed) -> PhantomParams:
        """A varied film for benchmarks; keyword arguments fix any field."""
        level = str(rng.choice(LEVEL_NAMES[2:]))
        draw = dict(
            seed=int(rng.integers(0, 2**31 - 1)),
            view=str(rng.choice(VIEWS)),
            oblique_deg=float(rng.uniform(20, 40)),
            level=level,
            side=str(rng.choice(["left", "right"])),
            tip_offset_mm=tuple(float(v) for v in rng.normal(0, 3.0, 3)),
            medial_deg=float(rng.uniform(5, 30)),
            caudal_deg=float(rng.uniform(5, 30)),
            contrast=float(rng.uniform(0.3, 1.2)),
            noise=float(rng.uniform(0.3, 2.0)),
            blur_px=float(rng.uniform(0.5, 2.0)),
            cutoff_mm=float(rng.uniform(8, 25)) if rng.random() < 0.2 else None,
            bench_mm=float(rng.uniform(3, 8)) if rng.random() < 0.2 else 0.0,
            venous_blush=float(rng.uniform(0.5, 1.0)) if rng.random() < 0.15 else 0.0,
            field_shift_mm=(float(rng.normal(0, 8)), float(rng.normal(0, 8))),
        )
        draw.update(fixed)
        return cls(**draw)


@dataclass
class PhantomFilm:
    pixels: np.ndarray  # uint16, (H, W) or (F, H, W)
    truth: dict = field(default_factory=dict)


def _directions(view: str, angle: float) -> dict[str, str]:
    if view == "AP":
        return {"x": "L", "y": "F"}
    if view == "lateral":
        return {"x": "P", "y": "F"}
    return {"x": "L" + ("P" if angle > 0 else "A"), "y": "F"}


def _pt(p) -> list[float]:
    return [round(float(p[0]), 3), round(float(p[1]), 3)]


def _projection(p: PhantomParams, scene: Scene, size: int, spacing: float) -> Projection:
    v = scene.spine.vertebrae
    if p.level == "S1":
        c = (v["L5"].center + 2 * v["S1"].center) / 3
    else:
        c = (v[p.level].center + v[next_level(p.level)].center) / 2
    c = c + np.array([p.field_shift_mm[0], p.field_shift_mm[1], 0.0])
    return Projection.at_angle(p.angle_deg, tuple(c), spacing, size, size)


def make_scene(p: PhantomParams) -> Scene:
    """The 3-D scene of ``p`` (anatomy, needle, contrast course); raises ValueError on bad parameters."""
    if p.level not in LEVEL_NAMES:
        raise ValueError(f"level must be one of {', '.join(LEVEL_NAMES)}")
    if p.view not in VIEWS:
        raise ValueError(f"view must be one of {', '.join(VIEWS)}")
    if p.side not in ("left", "right"):
        raise ValueError("side must be 'left' or 'right'")
    if p.size < 64 or p.spacing_mm <= 0:
        raise ValueError("size must be at least 64 px and spacing_mm positive")
    rng = np.random.default_rng(p.seed)
    spine = build_spine(rng, lordosis=p.lordosis, gas=p.gas)
    return build_scene(
        spine, rng, level=p.level, side=p.side_sign, tip_offset_mm=p.tip_offset_mm, medial_deg=p.medial_deg,
        caudal_deg=p.caudal_deg, needle_length_mm=p.needle_length_mm, foramen_fraction=p.foramen_fraction,
        contrast_length_mm=p.contrast_length_mm, cutoff_mm=p.cutoff_mm, bench_mm=p.bench_mm,
        proximal_mm=p.proximal_mm, vein_count=p.vein_count,
    )


def _anatomy_integral(scene: Scene, proj: Projection) -> np.ndarray:
    """Bone and soft tissue, computed on a half-resolution grid and interpolated."""
    half = max(256, proj.width // 2)
    coarse = replace(proj, width=half, height=half, spacing=proj.spacing * proj.width / half)
    L = line_integral(scene.spine.blobs(), coarse)
    if half != proj.width:
        L = resize(L, (proj.height, proj.width), order=1, mode="edge", anti_aliasing=False)
    for points, radius, mu in scene.spine.tubes:
        L += mu * tube_thickness(points, np.full(len(points), radius), proj)
    return L


def _filled(points: np.ndarray, radii: np.ndarray, length: float) -> tuple[np.ndarray, np.ndarray]:
    """The first ``length`` mm of a tube (points and radii), resampled every 0.75 mm."""
    seg = np.linalg.norm(np.diff(points, axis=0), axis=1)
    cum = np.concatenate([[0.0], np.cumsum(seg)])
    length = min(length, cum[-1])
    if length <= 0.5:
        return points[:0], radii[:0]
    ts = np.linspace(0, length, max(2, int(length / 0.75) + 1))
    pts = np.stack([np.interp(ts, cum, points[:, k]) for k in range(3)], axis=1)
    return pts, np.interp(ts, cum, radii)


def _contrast_integral(p: PhantomParams, scene: Scene, proj: Projection, progress: float, blush: float) -> np.ndarray:
    out = np.zeros((proj.height, proj.width))
    if p.contrast <= 0 or progress <= 0:
        return out
    limit = scene.path_length * progress
    if scene.cutoff_s is not None:
        limit = min(limit, scene.cutoff_s)
    pts, r = _filled(scene.path, scene.path_radii, limit)
    thick = np.zeros_like(out)
    if len(pts) >= 2:
        tube_thickness(pts, r, proj, out=thick)
    if len(scene.proximal) >= 2:
        plen = float(np.sum(np.linalg.norm(np.diff(scene.proximal, axis=0), axis=1)))
        pp, pr = _filled(scene.proximal, scene.proximal_radii, plen * min(1.0, progress * 2))
        if len(pp) >= 2:
            tube_thickness(pp, pr, proj, out=thick)
    if p.pooling > 0:
        blob = np.stack([scene.tip, scene.tip + np.array([0, 2.5, -1.0])])
        tube_thickness(blob, np.array([3.2, 2.6]) * min(1.0, 0.5 + p.pooling), proj, out=thick)
    out += MU_CONTRAST * p.contrast * thick
    if blush > 0:
        vt = np.zeros_like(out)
        for vein in scene.veins:
            tube_thickness(vein, np.full(len(vein), 0.6), proj, out=vt)
        cloud = gaussian(vt, sigma=3.0 / proj.spacing) * 6.0
        out += MU_VEIN * blush * p.contrast * (vt + cloud)
    return out


def _needle_integral(scene: Scene, proj: Projection) -> np.ndarray:
    out = np.zeros((proj.height, proj.width))
    tip, hub = scene.tip, scene.hub
    axis = (tip - hub) / np.linalg.norm(tip - hub)
    bevel_start = tip - 1.8 * axis
    pts = np.stack([hub, bevel_start, tip])
    r0 = 0.42
    # bevel: the radius falls to a point and the centre line shifts so one edge stays straight
    a2 = np.subtract(proj.to_pixel(tip), proj.to_pixel(hub))
    n = np.array([-a2[1], a2[0]]) / (np.hypot(*a2) or 1.0)
    offsets = np.stack([n * 0, n * 0, -n * (r0 - 0.02) / proj.spacing])
    return tube_thickness(pts, np.array([r0, r0, 0.02]), proj, offsets_px=offsets, out=out) * MU_NEEDLE


def _field_mask(proj: Projection) -> tuple[np.ndarray, tuple[float, float], float]:
    c = (proj.width / 2, proj.height / 2)
    radius = 0.47 * proj.width
    yy, xx = np.mgrid[0 : proj.height, 0 : proj.width]
    r = np.hypot(xx + 0.5 - c[0], yy + 0.5 - c[1])
    return np.clip(radius - r + 0.5, 0, 1), c, radius


def _to_stored(trans: np.ndarray, mask: np.ndarray, rng: np.random.Generator, p: PhantomParams) -> np.ndarray:
    """Transmitted intensity -> 12-bit stored values (dense = dark), with quantum and electronic noise.

    Like a C-arm's processing: automatic brightness (normalised to the field's
    median), then a logarithmic display curve, so soft tissue is light grey,
    bone mid grey, contrast and steel dark.
    """
    inside = mask > 0.5
    ref = float(np.percentile(trans[inside], 50))
    x = trans / ref
    if p.noise > 0:
        n0 = 160.0 / (p.noise**2)
        x = rng.poisson(np.clip(x, 0, None) * n0) / n0 + rng.normal(0, 0.006 * p.noise, x.shape)
    v = 0.64 + 0.36 * np.log(np.clip(x, 2e-3, None))
    return np.clip(np.round(v * 4095 * mask), 0, 4095).astype(np.uint16)


def _clip_to_field(hub: tuple[float, float], tip: tuple[float, float], c, radius: float) -> tuple[float, float]:
    """Where the segment hub->tip enters the field circle (or the hub if inside)."""
    h, t, cc = np.asarray(hub), np.asarray(tip), np.asarray(c)
    if np.linalg.norm(h - cc) <= radius:
        return (float(h[0]), float(h[1]))
    d = t - h
    a, b, k = d @ d, 2 * d @ (h - cc), (h - cc) @ (h - cc) - radius**2
    disc = b * b - 4 * a * k
    if disc < 0:
        return (float(t[0]), float(t[1]))
    s = (-b - math.sqrt(disc)) / (2 * a)
    s = min(max(s, 0.0), 1.0)
    e = h + s * d
    return (float(e[0]), float(e[1]))


def _inside(pt, c, radius, margin=4.0) -> bool:
    return math.hypot(pt[0] - c[0], pt[1] - c[1]) <= radius - margin


def _margin(blob, proj: Projection, bottom: bool, mid_x: float) -> list[list[float]]:
    """Pedicle lower margin (bottom) or SAP superior margin (top) as the chord ±30° around 6 / 12 o'clock.

    Ordered medial end -> lateral end; medial is the end nearer ``mid_x`` (the vertebra's midline).
    """
    c, S = projected_ellipse(blob, proj)
    base = 90.0 if bottom else 270.0
    a, b = ellipse_at_angle(c, S, base - 30), ellipse_at_angle(c, S, base + 30)
    pts = sorted([a, b], key=lambda q: abs(q[0] - mid_x))
    return [_pt(pts[0]), _pt(pts[1])]


def _truth(p: PhantomParams, scene: Scene, proj: Projection, c, radius: float) -> dict:
    key = "L" if scene.side > 0 else "R"
    v = scene.spine.vertebrae
    tip = proj.to_pixel(scene.tip)
    hub = _clip_to_field(proj.to_pixel(scene.hub), tip, c, radius - 2)
    t: dict = {
        "schema": "phantom-truth/1",
        "view": p.view,
        "angle_deg": p.angle_deg,
        "level": p.level,
        "side": p.side,
        "size": [proj.width, proj.height],
        "spacing_mm": proj.spacing,
        "directions": _directions(p.view, p.angle_deg),
        "field": {"center": _pt(c), "radius": radius},
        "tip": _pt(tip) if p.needle else None,
        "shaft": [_pt(hub), _pt(tip)] if p.needle else None,
    }
    path2 = [proj.to_pixel(q) for q in resample_polyline(scene.path, 1.0)]
    limit = scene.path_length * p.progress
    if scene.cutoff_s is not None:
        limit = min(limit, scene.cutoff_s)
    n_keep = max(2, int(limit) + 1)
    path2 = path2[:n_keep]
    t["contrast_path"] = [_pt(q) for q in simplify_2d(path2, 0.75)] if p.contrast > 0 else None
    t["proximal_path"] = (
        [_pt(proj.to_pixel(q)) for q in scene.proximal[[0, -1]]] if p.contrast > 0 and len(scene.proximal) else None
    )
    t["cutoff"] = _pt(proj.to_pixel(scene.path_point(scene.cutoff_s))) if scene.cutoff_s is not None else None
    t["bench"] = _pt(proj.to_pixel(scene.path_point(scene.bench_s))) if scene.bench_s is not None else None
    if p.level != "S1" and p.view in ("AP", "oblique"):
        m = _margin(v[p.level].parts[f"pedicle_{key}"], proj, True, proj.to_pixel(v[p.level].center)[0])
        t["pedicle_margin"] = {"level": p.level, "points": m}
        t["target"] = _pt(((m[0][0] + m[1][0]) / 2, (m[0][1] + m[1][1]) / 2))
        if p.view == "AP":
            below = next_level(p.level)
            sap = _margin(v[below].parts[f"sap_{key}"], proj, False, proj.to_pixel(v[below].center)[0])
            t["sap_margin"] = {"level": below, "points": sap}
    if p.level != "S1" and p.view == "lateral" and scene.foramen_lateral is not None:
        g = scene.lateral_grid
        poly = []
        for x, y in scene.foramen_lateral:
            z = g.center[2] + (x - g.width / 2) * g.spacing
            yy = g.center[1] + (y - g.height / 2) * g.spacing
            poly.append(_pt(proj.to_pixel((0.0, yy, z))))
        t["foramen"] = {"levels": f"{p.level}/{next_level(p.level)}", "polygon": poly}
    if p.view == "AP":
        hole = v["S1"].parts[f"foramen1_{key}"]
        cc, S = projected_ellipse(hole, proj)
        w, vec = np.linalg.eigh(S)
        rot = math.degrees(math.atan2(vec[1, 1], vec[0, 1]))
        t["s1_foramen"] = {"center": _pt(cc), "radii": [round(math.sqrt(w[1]), 3), round(math.sqrt(w[0]), 3)],
                           "rotation_deg": round(rot, 3)}
        ys = [proj.to_pixel(b.parts["spinous"].center)[1] for b in v.values() if "spinous" in b.parts]
        ys = [y for y in ys if _inside((c[0], y), c, radius, 30)]
        x_mid = proj.to_pixel((0.0, 0.0, 0.0))[0]
        t["midline"] = [_pt((x_mid, min(ys))), _pt((x_mid, max(ys)))] if len(ys) >= 2 else None
        tops = []
        for s in ("R", "L"):
            il = scene.spine.pelvis[f"ilium_{s}"]
            ic, iS = projected_ellipse(il, proj)
            tops.append((ic[0], ic[1] - math.sqrt(iS[1, 1])))
        t["iliac_crest"] = [_pt(q) for q in tops] if all(_inside(q, c, radius) for q in tops) else None
    labels = []
    for name, vert in v.items():
        q = proj.to_pixel(vert.center)
        if _inside(q, c, radius, 20):
            labels.append({"level": name, "point": _pt(q)})
    t["level_labels"] = labels
    return t


def _compose(p: PhantomParams, scene: Scene, proj: Projection, anat: np.ndarray, needle: np.ndarray,
             mask: np.ndarray, progress: float, blush: float, rng: np.random.Generator) -> np.ndarray:
    L = anat + needle + _contrast_integral(p, scene, proj, progress, blush)
    yy, xx = np.mgrid[0 : proj.height, 0 : proj.width]
    r2 = ((xx + 0.5 - proj.width / 2) ** 2 + (yy + 0.5 - proj.height / 2) ** 2) / (0.47 * proj.width) ** 2
    trans = np.exp(-L) * (1.0 - 0.18 * r2)
    if p.blur_px > 0:
        trans = gaussian(trans, sigma=p.blur_px * proj.width / 1024 + 0.3)
    return _to_stored(trans, mask, rng, p)


def render_film(p: PhantomParams) -> PhantomFilm:
    """Render one film and its ground truth (see the module docstring)."""
    scene = make_scene(p)
    proj = _projection(p, scene, p.size, p.spacing_mm * 1024 / p.size)
    mask, c, radius = _field_mask(proj)
    anat = _anatomy_integral(scene, proj)
    needle = _needle_integral(scene, proj) if p.needle else 0.0
    key = [p.seed, 1 + VIEWS.index(p.view)] + ([p.noise_seed] if p.noise_seed else [])
    rng = np.random.default_rng(key)
    pixels = _compose(p, scene, proj, anat, needle, mask, p.progress, p.venous_blush, rng)
    truth = _truth(p, scene, proj, c, radius)
    truth["params"] = asdict(p)
    _burn(pixels, p, truth)
    return PhantomFilm(pixels, truth)


def _burn(pixels: np.ndarray, p: PhantomParams, truth: dict) -> None:
    if not p.burn_in:
        truth["burned_in_text"] = None
        return
    scale = max(1, pixels.shape[-1] // 512)
    frames = pixels if pixels.ndim == 3 else pixels[None]
    box = None
    for f in frames:
        box = burn_text(f, p.burn_in, 8 * scale, 8 * scale, 3800, scale)
    truth["burned_in_text"] = {"bbox": list(box), "lines": list(p.burn_in)}


def render_cine(p: PhantomParams, frames: int = 24, blush_frames=range(9, 14)) -> PhantomFilm:
    """A multi-frame injection run: contrast fills over the first ~60 % of frames; blush in ``blush_frames``."""
    scene = make_scene(p)
    proj = _projection(p, scene, p.size, p.spacing_mm * 1024 / p.size)
    mask, c, radius = _field_mask(proj)
    anat = _anatomy_integral(scene, proj)
    needle = _needle_integral(scene, proj) if p.needle else 0.0
    blush_frames = sorted(blush_frames)
    out = np.zeros((frames, proj.height, proj.width), dtype=np.uint16)
    per_frame = []
    for i in range(frames):
        progress = float(np.clip((i - 1) / (0.6 * frames), 0.0, 1.0)) * p.progress
        if i in blush_frames:
            k = blush_frames.index(i)
            blush = p.venous_blush * math.sin(math.pi * (k + 1) / (len(blush_frames) + 1))
        else:
            blush = 0.0
        rng = np.random.default_rng([p.seed, 100 + i])
        out[i] = _compose(p, scene, proj, anat, needle, mask, progress, blush, rng)
        per_frame.append({"frame": i, "progress": round(progress, 4), "blush": round(blush, 4)})
    truth = _truth(replace(p, progress=p.progress), scene, proj, c, radius)
    truth["params"] = asdict(p)
    truth["frames"] = per_frame
    if p.venous_blush > 0 and blush_frames:
        pts = np.array([proj.to_pixel(q) for vein in scene.veins for q in vein])
        truth["venous_blush"] = {
            "frames": blush_frames, "first_frame": blush_frames[0], "center": _pt(pts.mean(axis=0)),
            "bbox": [round(float(v), 3) for v in (*pts.min(axis=0), *pts.max(axis=0))],
        }
    else:
        truth["venous_blush"] = None
    truth["key_frame"] = frames - 1
    _burn(out, p, truth)
    return PhantomFilm(out, truth)
