"""Films the needle finder was NOT tuned on, for ``bench_assist_hard`` (issue 14).

An independent generator: it shares no code and no model with
``sample_images.phantom`` (the phantom the detector was tuned on). Everything is
drawn directly in image space with numpy/scipy:

- anatomy: rounded-rectangle vertebral bodies on a tilted spine axis, pedicle
  rings, transverse-process bars, an iliac wing now and then, gas blobs and a
  soft-tissue gradient (the phantom ray-casts a 3-D scene instead);
- needle: a steel cylinder of 0.25-0.45 mm radius whose attenuation fades
  over a 1-3 mm *lancet* taper (the phantom cuts a geometric bevel of 1.8 mm),
  a hub of 1.2-2.4 mm radius and 8-18 mm length drawn inside the field, or the
  shaft running out of the collimated field (circle or rectangular shutters);
- orientation: as in the procedure (hub lateral and cranial, tip medial and
  caudal, domain.md section 2; posterior on a lateral film) or any angle at all;
- one needle or two (bilateral, on both sides of the spine);
- contrast: a gaussian-profile band that starts at the tip and curves away,
  with or without a pool at the tip, or none at all: a normal root, fading to
  30-100 % of its strength; ``render(..., cutoff=True)`` draws the same film
  with every band stopping at full width part of its way (a flat or slightly
  rounded front, then nothing or a faint thread; extra draws from
  ``default_rng([seed, i, 15])``, so the plain films do not change);
- 512, 1024 or 2048 px square films, 170-270 mm across; MONOCHROME1 or 2;
  strong noise (40-150 photons per pixel, correlated) or weak (600-3000);
  a random log display curve that clips the densest steel in some films.

Film ``i`` of a seed is drawn from ``numpy.random.default_rng([seed, i, 14])``.
Truth per needle: ``tip``, ``end`` (the visible end of the shaft at the hub: the
hub's junction, or where the shaft leaves the field), ``side`` (patient
"left"/"right"), ``hub_inside``, ``contrast`` ("tip"/"absent"), ``orientation``.
"""

from __future__ import annotations

import math

import numpy as np

SIZES = (512, 1024, 2048)
SIZE_P = (0.35, 0.4, 0.25)


def _seg_distance(xx: np.ndarray, yy: np.ndarray, a: np.ndarray, b: np.ndarray):
    """(distance to segment a-b, position along it 0..1) for pixel-centre grids (mm)."""
    d = b - a
    ll = float(d @ d) or 1e-9
    t = np.clip(((xx - a[0]) * d[0] + (yy - a[1]) * d[1]) / ll, 0, 1)
    return np.hypot(xx - a[0] - t * d[0], yy - a[1] - t * d[1]), t


def _chord(dist: np.ndarray, r) -> np.ndarray:
    return 2 * np.sqrt(np.clip(np.asarray(r) ** 2 - dist**2, 0, None))


def _box(a: np.ndarray, b: np.ndarray, pad: float, s: float, n: int):
    lo = np.floor((np.minimum(a, b) - pad) / s).astype(int)
    hi = np.ceil((np.maximum(a, b) + pad) / s).astype(int)
    x0, y0 = max(0, lo[0]), max(0, lo[1])
    x1, y1 = min(n, hi[0]), min(n, hi[1])
    if x1 <= x0 or y1 <= y0:
        return None
    yy, xx = np.mgrid[y0:y1, x0:x1].astype(np.float32)
    return (slice(y0, y1), slice(x0, x1)), (xx + 0.5) * s, (yy + 0.5) * s


def _rounded_rect(xx, yy, c, half, ang, power=4.0):
    ca, sa = math.cos(ang), math.sin(ang)
    u = ((xx - c[0]) * ca + (yy - c[1]) * sa) / half[0]
    v = (-(xx - c[0]) * sa + (yy - c[1]) * ca) / half[1]
    return np.abs(u) ** power + np.abs(v) ** power


def _anatomy(rng, n: int, s: float, view: str):
    """Attenuation line integrals of bone and soft tissue (float32), the spine's x (mm) and axis angle."""
    from scipy import ndimage

    fov = n * s
    c = np.arange(n, dtype=np.float32)
    xx, yy = np.meshgrid((c + 0.5) * s, (c + 0.5) * s)
    mu = np.zeros((n, n), np.float32)
    # soft tissue: thicker toward one side and the middle
    g = rng.uniform(-1, 1, 2)
    mu += 0.9 + 0.25 * (g[0] * (xx / fov - 0.5) + g[1] * (yy / fov - 0.5))
    mu += 0.35 * np.exp(-(((xx - fov / 2) / (0.35 * fov)) ** 2)).astype(np.float32)
    spine_x = fov / 2 + rng.normal(0, 0.05 * fov)
    tilt = math.radians(rng.normal(0, 6))
    body = (rng.uniform(20, 26), rng.uniform(12, 16))  # half width, half height (mm)
    gap = rng.uniform(7, 11)
    pitch = 2 * body[1] + gap
    y_start = rng.uniform(0, pitch)
    bone = np.zeros((n, n), np.float32)
    for k in range(-1, int(fov / pitch) + 2):
        cy = y_start + k * pitch
        cx = spine_x + (cy - fov / 2) * math.tan(tilt)
        if view == "lateral":
            cx_b = cx - rng.uniform(5, 15)
            r = _rounded_rect(xx, yy, (cx_b, cy), (body[0] * 1.2, body[1]), tilt + rng.normal(0, 0.03))
            bone += (r < 1) * rng.uniform(0.7, 1.0) + (np.abs(r - 1) < 0.12) * 0.35
            # posterior elements: pedicle and lamina blocks
            bone += (_rounded_rect(xx, yy, (cx_b + body[0] * 1.6, cy), (9, 6), tilt, 2.5) < 1) * 0.5
        else:
            r = _rounded_rect(xx, yy, (cx, cy), body, tilt + rng.normal(0, 0.03))
            bone += (r < 1) * rng.uniform(0.6, 0.9) + (np.abs(r - 1) < 0.1) * 0.3
            for side in (-1, 1):
                px = cx + side * body[0] * rng.uniform(0.65, 0.85)
                ring = np.hypot((xx - px) / 4.5, (yy - cy + 0.4 * body[1]) / 7.0)
                bone += (ring < 1) * 0.25 + (np.abs(ring - 1) < 0.25) * 0.45
                tp = _rounded_rect(xx, yy, (cx + side * (body[0] + 14), cy - 0.3 * body[1]),
                                   (rng.uniform(10, 16), 3.5), tilt + side * rng.normal(0.1, 0.05), 2.0)
                bone += (tp < 1) * 0.45
            sp = np.hypot((xx - cx) / 5.0, (yy - cy - 0.2 * body[1]) / 9.0)
            bone += (sp < 1) * 0.4
    if view != "lateral" and rng.random() < 0.4:  # an iliac wing low in the field
        side = rng.choice([-1, 1])
        wing = np.hypot((xx - spine_x - side * 0.45 * fov) / (0.25 * fov), (yy - 1.05 * fov) / (0.3 * fov))
        bone += ((wing < 1) * 0.5 + (np.abs(wing - 1) < 0.04) * 0.6).astype(np.float32)
    bone = ndimage.gaussian_filter(bone, 0.8 / s)
    mu += bone
    for _ in range(rng.integers(0, 6)):  # bowel gas
        gx, gy, gr = rng.uniform(0, fov), rng.uniform(0, fov), rng.uniform(5, 20)
        mu -= (0.25 * np.exp(-((xx - gx) ** 2 + (yy - gy) ** 2) / (2 * gr**2))).astype(np.float32)
    return mu, spine_x, tilt


def _field(rng, n: int):
    """Collimated field (1 inside, 0 outside; soft edge) and a point-inside test."""
    c = np.arange(n, dtype=np.float32) + 0.5
    xx, yy = np.meshgrid(c, c)
    if rng.random() < 0.6:
        cx, cy = n / 2 + rng.normal(0, 0.02 * n, 2)
        rad = rng.uniform(0.44, 0.49) * n
        f = np.clip(rad - np.hypot(xx - cx, yy - cy) + 0.5, 0, 1)

        def inside(p, margin=0.0):
            return math.hypot(p[0] - cx, p[1] - cy) <= rad - margin
    else:
        lo = rng.uniform(0.02, 0.12, 2) * n
        hi = n - rng.uniform(0.02, 0.12, 2) * n
        f = (np.clip(xx - lo[0] + 0.5, 0, 1) * np.clip(hi[0] - xx + 0.5, 0, 1)
             * np.clip(yy - lo[1] + 0.5, 0, 1) * np.clip(hi[1] - yy + 0.5, 0, 1))

        def inside(p, margin=0.0):
            return lo[0] + margin <= p[0] <= hi[0] - margin and lo[1] + margin <= p[1] <= hi[1] - margin
    return f.astype(np.float32), inside


def _field_exit(tip: np.ndarray, far: np.ndarray, inside, step: float = 0.25) -> np.ndarray:
    """Last point inside the field walking from ``tip`` toward ``far`` (pixels)."""
    d = far - tip
    L = float(np.linalg.norm(d))
    u = d / L
    t = 0.0
    while t < L and inside(tip + (t + step) * u):
        t += step
    return tip + t * u


def _draw_needle(mu, rng, tip_mm, u, length_mm, s, hub_inside: bool):
    """Add a needle from ``tip_mm`` back along -u (u points hub -> tip); returns the hub junction (mm)."""
    n = mu.shape[0]
    r = rng.uniform(0.25, 0.45)
    taper = rng.uniform(1.0, 3.0)
    mu_steel = rng.uniform(2.0, 4.0)
    junction = tip_mm - length_mm * u
    box = _box(junction, tip_mm, r + 1, s, n)
    if box is not None:
        sl, xx, yy = box
        d, t = _seg_distance(xx, yy, junction, tip_mm)
        from_tip = (1 - t) * length_mm
        fade = np.clip(from_tip / taper, 0, 1) ** rng.uniform(0.5, 1.2)
        mu[sl] += (_chord(d, r) * mu_steel * fade).astype(np.float32)
    if hub_inside:
        hub_len, hub_r = rng.uniform(8, 18), rng.uniform(1.2, 2.4)
        hub_end = junction - hub_len * u
        box = _box(hub_end, junction, hub_r + 1, s, n)
        if box is not None:
            sl, xx, yy = box
            d, _ = _seg_distance(xx, yy, hub_end, junction)
            mu[sl] += (_chord(d, hub_r) * rng.uniform(0.5, 1.2) + _chord(d, r) * mu_steel).astype(np.float32)
    return junction


def _draw_contrast(mu, rng, tip_mm, u, s, away: np.ndarray, cut_rng=None):
    """A band leaving the tip, curving toward ``away``; returns (its path in mm, cutoff point in mm or None).

    With ``cut_rng`` (the cutoff variant; every draw of ``rng`` stays the same) the band stops at full
    calibre part of its way: a flat or slightly rounded front across the band, then nothing or a faint
    thread along the rest of its course."""
    from scipy import ndimage

    n = mu.shape[0]
    ang0 = math.atan2(u[1], u[0])
    target = math.atan2(away[1], away[0])
    d_ang = (target - ang0 + math.pi) % (2 * math.pi) - math.pi
    ang = ang0 + float(np.clip(d_ang, -1.4, 1.4)) * rng.uniform(0.3, 1.0)
    length = rng.uniform(12, 50)
    curv = rng.normal(0, 0.02)
    pts, p = [tip_mm.copy()], tip_mm.copy()
    for _ in range(int(length / 0.5)):
        ang += curv * 0.5
        p = p + 0.5 * np.array([math.cos(ang), math.sin(ang)])
        pts.append(p.copy())
    pts_a = np.array(pts)
    radius = rng.uniform(0.9, 2.0)
    strength = rng.uniform(0.15, 0.8)
    img = np.zeros((n, n), np.float32)
    w = np.linspace(1.0, rng.uniform(0.3, 1.0), len(pts_a))
    cut = None
    line = pts_a
    if cut_rng is not None:
        k_cut = int(min(len(pts_a) - 2, round(cut_rng.uniform(8.0, max(9.0, 0.75 * length)) / 0.5)))
        ext = int(math.ceil(3 * radius / 0.5))  # the line runs on past the cut so the band is full there
        line, w = pts_a[: k_cut + ext + 1], w[: k_cut + ext + 1]
        cut = (k_cut, radius * cut_rng.uniform(0.0, 1.0))  # cap: how far the front bulges on the axis (mm)
    ix = np.clip((line[:, 0] / s).astype(int), 0, n - 1)
    iy = np.clip((line[:, 1] / s).astype(int), 0, n - 1)
    np.add.at(img, (iy, ix), w * 0.5 / s)  # line density per pixel: 0.5 mm steps
    if rng.random() < 0.5:  # a pool at the tip
        img[int(np.clip(tip_mm[1] / s, 0, n - 1)), int(np.clip(tip_mm[0] / s, 0, n - 1))] += rng.uniform(1.0, 2.5) * radius / s
    sig = radius / s
    # a line of unit density blurred to a gaussian band of peak strength x its diameter
    img = ndimage.gaussian_filter(img, sig) * (math.sqrt(2 * math.pi) * sig * strength * 2 * radius)
    cut_pt = None
    if cut is not None and cut_rng is not None:
        k_cut, cap = cut
        cut_pt = pts_a[k_cut]
        t = pts_a[k_cut + 1] - pts_a[k_cut - 1]
        t = t / np.linalg.norm(t)
        c = np.arange(n, dtype=np.float32) + 0.5
        xx, yy = np.meshgrid(c * s, c * s)
        along = (xx - cut_pt[0]) * t[0] + (yy - cut_pt[1]) * t[1]
        perp = -(xx - cut_pt[0]) * t[1] + (yy - cut_pt[1]) * t[0]
        front = cap * np.clip(1 - (perp / (1.5 * radius)) ** 2, 0, 1)  # a rounded front, flat when cap = 0
        near = (np.abs(perp) <= 4 * radius) & (along >= -radius) & (along <= 8 * radius)
        keep = np.clip((front - along) / 0.2 + 0.5, 0, 1)  # a 0.2 mm soft edge
        img = np.where(near, img * keep, img).astype(np.float32)
        if cut_rng.random() < 0.5:  # a faint thread goes on along the course
            k_end = int(min(len(pts_a), k_cut + cut_rng.uniform(3.0, 15.0) / 0.5))
            thread = pts_a[k_cut:k_end]
            r_t, frac = cut_rng.uniform(0.25, 0.5), cut_rng.uniform(0.08, 0.2)
            t_img = np.zeros((n, n), np.float32)
            np.add.at(t_img, (np.clip((thread[:, 1] / s).astype(int), 0, n - 1),
                              np.clip((thread[:, 0] / s).astype(int), 0, n - 1)), 0.5 / s)
            sig_t = r_t / s
            img += ndimage.gaussian_filter(t_img, sig_t) * (math.sqrt(2 * math.pi) * sig_t * frac * strength * 2 * radius)
        pts_a = pts_a[: k_cut + 1]
    mu += img
    return pts_a.tolist(), cut_pt


def render(seed: int, i: int, cutoff: bool = False) -> tuple[np.ndarray, dict]:
    """Film ``i`` of ``seed``: (stored pixels uint16, truth). ``cutoff``: the same film, except that
    every contrast band stops at full width part of its way (``_draw_contrast``; the extra draws come
    from ``default_rng([seed, i, 15])``), with each needle's ``cutoff`` point in the truth."""
    from scipy import ndimage

    rng = np.random.default_rng([seed, i, 14])
    cut_rng = np.random.default_rng([seed, i, 15]) if cutoff else None
    n = int(rng.choice(SIZES, p=SIZE_P))
    s = float(rng.uniform(170, 270) / n)
    view = "lateral" if rng.random() < 0.2 else "AP"
    # patient directions of +x/+y: mostly the defaults, sometimes mirrored or upside down
    if view == "AP":
        dx = "L" if rng.random() < 0.75 else "R"
    else:
        dx = "P" if rng.random() < 0.75 else "A"
    dy = "F" if rng.random() < 0.85 else "H"
    vx = {"L": 1, "R": -1, "P": 1, "A": -1}[dx]  # +x toward the patient's left / posterior: +1
    vy = 1 if dy == "F" else -1  # +y toward the feet
    mu, spine_x, _tilt = _anatomy(rng, n, s, view)
    field, inside_px = _field(rng, n)
    orientation = "procedure" if rng.random() < 0.55 else "any"
    count = 2 if (view == "AP" and rng.random() < 0.25) else 1
    fov = n * s
    needles = []
    sides = ["right", "left"] if count == 2 else [str(rng.choice(["right", "left"]))]
    for side in sides:
        hub_inside = bool(rng.random() < 0.5)
        contrast = "tip" if rng.random() < 0.6 else "absent"
        sgn_img = (1 if side == "left" else -1) * vx  # image x direction toward the patient's side
        if view == "AP":
            tip = np.array([spine_x + sgn_img * rng.uniform(8, 24), fov / 2 + rng.normal(0, 0.15 * fov)])
        else:
            tip = np.array([spine_x + rng.normal(0, 10), fov / 2 + rng.normal(0, 0.15 * fov)])
        if orientation == "procedure":
            a = math.radians(rng.uniform(15, 70))
            # hub: lateral (AP) or posterior (lateral film), and cranial
            out_x = sgn_img if view == "AP" else vx
            back = np.array([out_x * math.cos(a), -vy * math.sin(a)])
        else:
            a = rng.uniform(0, 2 * math.pi)
            back = np.array([math.cos(a), math.sin(a)])
        u = -back  # hub -> tip
        if hub_inside:
            room = 0.0
            for L in np.arange(10, 90, 2.0):
                p = tip + (L + 20) * back
                if not inside_px(p / s, margin=4):
                    break
                room = L
            if room < 10:
                hub_inside = False
            length = float(rng.uniform(10, max(10.5, min(room, 70))))
        if not hub_inside:
            length = 400.0
        if not inside_px(tip / s, margin=8):
            tip = np.array([fov / 2, fov / 2]) + rng.normal(0, 0.1 * fov, 2)
        junction = _draw_needle(mu, rng, tip, u, length, s, hub_inside)
        end_px = junction / s if hub_inside else _field_exit(tip / s, junction / s, inside_px)
        path: list = []
        cut_pt = None
        if contrast == "tip":
            away = np.array([sgn_img, vy]) if view == "AP" else np.array([-vx, vy])
            path, cut_pt = _draw_contrast(mu, rng, tip, u, s, away, cut_rng)
        needles.append({"tip": (tip / s).tolist(), "end": [float(end_px[0]), float(end_px[1])], "side": side,
                        "hub_inside": hub_inside, "contrast": contrast, "orientation": orientation,
                        "contrast_path": (np.array(path) / s).tolist() if path else []})
        if cutoff:
            needles[-1]["cutoff"] = None if cut_pt is None else (np.asarray(cut_pt) / s).tolist()
    # detector: blur, quantum noise, display curve
    mu = ndimage.gaussian_filter(mu, rng.uniform(0.12, 0.25) / s)
    trans = np.exp(-mu)
    strong = bool(rng.random() < 0.5)
    inside = field > 0.5
    x = trans / float(np.median(trans[inside]))
    n0 = rng.uniform(40, 150) if strong else rng.uniform(600, 3000)
    x = rng.poisson(np.clip(x, 0, None) * n0).astype(np.float32) / n0
    corr = ndimage.gaussian_filter(rng.normal(0, 1, x.shape).astype(np.float32), 1.5)
    x = x + corr * (0.04 if strong else 0.006)
    gain = rng.uniform(0.3, 0.42)
    v = rng.uniform(0.6, 0.75) + gain * np.log(np.clip(x, 1e-3, None))
    stored = np.clip(np.round(v * 4095) * field, 0, 4095).astype(np.uint16)
    mono1 = bool(rng.random() < 0.25)
    if mono1:
        stored = (4095 - stored).astype(np.uint16)
    truth = {"size": n, "spacing_mm": s, "view": view, "directions": {"x": dx, "y": dy},
             "noise": "strong" if strong else "weak", "monochrome1": mono1, "needles": needles}
    return stored, truth
