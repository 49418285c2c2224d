"""A 3-D lumbosacral spine made of superellipsoid blobs, for the synthetic phantom.

Patient frame (mm): +X = patient left, +Y = feet, +Z = posterior; the origin
is the centre of the L1 body before the whole spine is shifted. Every
vertebra has a local frame (x lateral, y caudal, z posterior) tilted about X
to make the lordosis; parts are placed in that frame. Sizes are typical adult
values scaled by ``scale``. Nothing here is a real patient.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from sample_images.raycast import Blob, rot_x, rot_y, rot_z

LEVEL_NAMES = ("L1", "L2", "L3", "L4", "L5", "S1")

# Attenuation (1/mm), deliberately compressed so a film shows bone and soft tissue together.
MU_SOFT = 0.0060
MU_CORTEX = 0.060
MU_CANCELLOUS = 0.014
MU_AIR = -0.0058  # bowel gas: soft tissue replaced by air

_BODY_HALF_W = (21.0, 22.0, 23.0, 24.0, 25.5)
_BODY_H = (25.0, 26.0, 27.0, 27.5, 27.0)
_BODY_HALF_D = (16.0, 17.0, 17.5, 18.0, 18.0)
_DISC_H = (9.0, 10.0, 10.5, 11.0, 10.0)  # below L1..L5
_TILT = (-8.0, -4.0, 1.0, 8.0, 18.0, 32.0)  # sagittal tilt of L1..S1 (deg, + = lower end posterior)
_PED_HALF_W = (3.6, 4.0, 4.8, 5.6, 6.6)
_IPD = (22.0, 23.0, 24.0, 25.0, 27.0)  # interpedicular distance (mm)
_PED_CONV = (10.0, 12.0, 15.0, 20.0, 25.0)  # medial convergence (deg)
_TP_LEN = (16.0, 20.0, 25.0, 21.0, 15.0)


@dataclass
class Vertebra:
    """Where a vertebra is and the blobs of its parts (keys: body, pedicle_L/R, sap_L/R, ...)."""

    level: str
    center: np.ndarray
    rot: np.ndarray
    parts: dict[str, Blob] = field(default_factory=dict)

    def world(self, local: tuple[float, float, float]) -> np.ndarray:
        return self.center + self.rot @ np.asarray(local, dtype=float)


@dataclass
class Spine:
    """The whole model: vertebrae by level, pelvis and soft-tissue blobs, and tubular bone (iliac crests)."""

    vertebrae: dict[str, Vertebra]
    pelvis: dict[str, Blob]
    soft: list[Blob]
    tubes: list[tuple[np.ndarray, float, float]] = field(default_factory=list)  # (points mm, radius mm, mu)

    def blobs(self) -> list[Blob]:
        out = list(self.soft)
        for v in self.vertebrae.values():
            out.extend(v.parts.values())
        out.extend(self.pelvis.values())
        return out


def _side_key(s: int) -> str:
    return "L" if s > 0 else "R"


def _add(v: Vertebra, name: str, local, axes, mu, rot=None, base: np.ndarray | None = None, **kw) -> None:
    """Add a part at ``local`` (mm) in the vertebra frame, or in the frame ``base`` about the same centre."""
    frame = v.rot if base is None else base
    r = frame @ (rot if rot is not None else np.eye(3))
    c = v.center + frame @ np.asarray(local, dtype=float)
    v.parts[name] = Blob(tuple(c), tuple(axes), mu, r, name=f"{v.level}.{name}", **kw)


def _lumbar(v: Vertebra, k: int, s_scale: float) -> None:
    w, h, d = _BODY_HALF_W[k] * s_scale, _BODY_H[k] * s_scale, _BODY_HALF_D[k] * s_scale
    pw, ipd = _PED_HALF_W[k] * s_scale, _IPD[k] * s_scale
    _add(v, "body", (0, 0, 0), (w, h / 2, d), MU_CORTEX, power=3.2, shell=1.4, mu_core=MU_CANCELLOUS)
    for s in (-1, 1):
        key = _side_key(s)
        px = s * (ipd / 2 + pw)
        _add(v, f"pedicle_{key}", (px, -0.18 * h, d + 6), (pw, 7.2 * s_scale, 11), MU_CORTEX,
             rot=rot_y(s * _PED_CONV[k]), shell=1.6, mu_core=MU_CANCELLOUS * 0.6)
        _add(v, f"lamina_{key}", (s * 9.5, 0.05 * h + 3, d + 19), (11, 11 * s_scale, 3.0), MU_CORTEX * 0.55,
             rot=rot_y(s * 35))
        tl = _TP_LEN[k] * s_scale
        thick = 6.5 if k == 4 else 4.2
        _add(v, f"tp_{key}", (s * (ipd / 2 + 2 * pw + tl / 2 - 1), -0.16 * h, d + 8), (tl / 2 + 2, thick, 4.5),
             MU_CORTEX * 0.6, rot=rot_z(-s * 8), shell=1.0, mu_core=MU_CANCELLOUS)
        _add(v, f"sap_{key}", (s * (ipd / 2 + pw * 1.1), -0.5 * h - 6.5, d + 16), (4.6, 8.5, 5.5), MU_CORTEX * 0.7,
             rot=rot_y(s * 20), shell=1.0, mu_core=MU_CANCELLOUS)
        _add(v, f"iap_{key}", (s * (ipd / 2 + pw * 0.35), 0.5 * h + 3, d + 21), (4.4, 9.5, 5.0), MU_CORTEX * 0.7,
             rot=rot_y(s * 20), shell=1.0, mu_core=MU_CANCELLOUS)
    _add(v, "spinous", (0, 0.22 * h, d + 34), (3.6, 9.5, 15.0), MU_CORTEX * 0.8, rot=rot_x(-22),
         shell=1.2, mu_core=MU_CANCELLOUS)


def _sacrum(v: Vertebra, s_scale: float, tilt: float) -> None:
    ipd = 30.0 * s_scale
    post = rot_x(tilt - 24.0)  # the posterior elements stand more upright than the S1 endplate
    _add(v, "body", (0, 0, 0), (22.0, 12.5, 17.0), MU_CORTEX, power=3.0, shell=1.4, mu_core=MU_CANCELLOUS)
    plate_mu, plate_shell = MU_CANCELLOUS * 0.9, 1.5
    # the sacrum tapers: a wide upper plate (S1-S2) and a narrow lower one (S3-S5)
    plates = (((0.0, 24.0), (36.0, 24.0, 12.0)), ((0.0, 60.0), (22.0, 20.0, 9.0)))
    for i, ((px, py), axes) in enumerate(plates):
        _add(v, f"plate{i + 1}", (px, py, 12), axes, MU_CORTEX * 0.6, shell=plate_shell, mu_core=plate_mu)
    for s in (-1, 1):
        key = _side_key(s)
        _add(v, f"ala_{key}", (s * 34, 4, 6), (21, 15, 16), MU_CORTEX * 0.4, power=2.6, shell=1.2,
             mu_core=MU_CANCELLOUS * 0.35)
        _add(v, f"pedicle_{key}", (s * (ipd / 2 + 5), -3, 24), (5.5, 7, 9), MU_CORTEX, shell=1.4,
             mu_core=MU_CANCELLOUS * 0.6, base=post)
        _add(v, f"sap_{key}", (s * (ipd / 2 + 5.5), -20, 27), (5.0, 8.5, 5.5), MU_CORTEX * 0.7, rot=rot_y(s * 35),
             shell=1.0, mu_core=MU_CANCELLOUS, base=post)
        for i in range(4):
            cx, cy, r = s * (24.0 - 2.8 * i), 21.0 + 14.0 * i, 5.2 - 0.6 * i
            # canal through the plates (bone removed over their local thickness) with a thin rim
            halves = [ax[2] * float(np.sqrt(max(0.0, 1 - ((cx - px) / ax[0]) ** 2 - ((cy - py) / ax[1]) ** 2)))
                      for (px, py), ax in plates]
            half_t = max(max(halves), 2.0)
            removed = sum(plate_mu * max(h - plate_shell, 0) + MU_CORTEX * 0.6 * min(h, plate_shell) for h in halves)
            mean_mu = removed / half_t
            _add(v, f"foramen{i + 1}_{key}", (cx, cy, 12), (r, r * 1.1, half_t), -mean_mu)
            _add(v, f"rim{i + 1}_{key}", (cx, cy, 12), (r + 1.0, r * 1.1 + 1.0, half_t * 0.6), MU_CORTEX * 0.55,
                 shell=1.0)
    _add(v, "crest", (0, 22, 34), (3.5, 22, 6), MU_CORTEX * 0.5, base=post)


def _crest(center: np.ndarray, rot: np.ndarray) -> np.ndarray:
    """The iliac crest: points (mm) along the upper arc of the wing, just inside its rim."""
    a, b = 56.0, 71.0
    thetas = np.radians(np.arange(196.0, 346.0, 3.0))
    return np.array([center + rot @ np.array([a * np.cos(t), b * np.sin(t), 0.0]) for t in thetas])


def build_spine(rng: np.random.Generator, scale: float = 1.0, lordosis: float = 1.0, gas: int = 3) -> Spine:
    """Build the model; ``rng`` jitters tilts and sizes a little, ``gas`` adds bowel-gas pockets."""
    verts: dict[str, Vertebra] = {}
    tilts = [t * lordosis + float(rng.normal(0, 1.0)) for t in _TILT]
    center = np.zeros(3)
    prev_half = 0.0
    for k, level in enumerate(LEVEL_NAMES):
        r = rot_x(tilts[k])
        half = (_BODY_H[k] if k < 5 else 25.0) * scale / 2
        if k > 0:
            disc = _DISC_H[k - 1] * scale
            center = center + verts[LEVEL_NAMES[k - 1]].rot @ np.array([0, prev_half + disc / 2, 0]) + r @ np.array(
                [0, disc / 2 + half, 0]
            )
        v = Vertebra(level, center.copy(), r)
        if k < 5:
            _lumbar(v, k, scale)
        else:
            _sacrum(v, scale, tilts[k])
        if k > 0:
            # the disc above this vertebra: soft tissue, barely denser than its surroundings
            up = verts[LEVEL_NAMES[k - 1]]
            dc = up.center + up.rot @ np.array([0, prev_half + _DISC_H[k - 1] * scale / 2, 0])
            w = _BODY_HALF_W[min(k, 4)] * scale
            v.parts["disc_above"] = Blob(tuple(dc), (w, _DISC_H[k - 1] * scale / 2 + 0.8, _BODY_HALF_D[min(k, 4)]),
                                         0.0015, rot_x((tilts[k - 1] + tilts[k]) / 2), power=3.2,
                                         name=f"{level}.disc_above")
        verts[level] = v
        prev_half = half
    s1 = verts["S1"]
    l45 = (verts["L4"].center + verts["L5"].center) / 2
    pelvis: dict[str, Blob] = {}
    tubes: list[tuple[np.ndarray, float, float]] = []
    for s in (-1, 1):
        key = _side_key(s)
        top = l45[1] - 4.0 + float(rng.normal(0, 2.0))
        c = np.array([s * 92.0, top + 75.0, s1.center[2] + 12.0])
        pelvis[f"ilium_{key}"] = Blob(tuple(c), (60.0, 75.0, 6.0), MU_CORTEX * 0.9, rot_y(s * 35) @ rot_z(s * 12),
                                      shell=2.5, mu_core=MU_CANCELLOUS * 0.6, name=f"ilium_{key}")
        tubes.append((_crest(c, rot_y(s * 35) @ rot_z(s * 12)), 3.2, MU_CORTEX * 0.45))
    soft = [
        Blob((0.0, l45[1], l45[2] - 28.0), (165.0, 1e4, 125.0), MU_SOFT, name="abdomen"),
    ]
    for s in (-1, 1):
        soft.append(Blob((s * 32.0, l45[1] - 20, l45[2] - 5), (17.0, 110.0, 20.0), MU_SOFT * 0.5,
                         rot_z(-s * 14), name="psoas"))
    for _ in range(gas):
        c = (float(rng.uniform(-90, 90)), float(l45[1] + rng.uniform(-80, 90)), float(l45[2] - rng.uniform(70, 120)))
        ax = (float(rng.uniform(8, 22)), float(rng.uniform(6, 16)), float(rng.uniform(8, 20)))
        soft.append(Blob(c, ax, MU_AIR * 1.3, rot_z(float(rng.uniform(0, 180))), name="gas"))
    return Spine(verts, pelvis, soft, tubes)
