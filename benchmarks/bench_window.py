"""Window/level update on a 2048 x 2048 16-bit frame, to an 8-bit display buffer.

One "update" = set a new window and produce the display buffer. Ours
(``FrameRenderer``) rebuilds the 65536-entry LUT (modality + VOI + inversion)
and indexes the frame once; the baselines clip-and-scale precomputed float
modality values, as a viewer built directly on pydicom's ``apply_modality_lut``
(float64) or on float32 modality values does. Windows alternate so that every
update really rebuilds the LUT. Targets: median <= 8 ms and >= 3x faster than
the naive float clip-and-scale.
"""

from __future__ import annotations

import itertools

import numpy as np

from annotator.render.display import FrameRenderer
from benchmarks.synthetic import ArrayImage, film_pixels
from benchmarks.timing import interleaved_ms, table

SIZE = 2048
REPEATS = 61
TARGET_MS = 8.0
TARGET_SPEEDUP = 3.0
SLOPE, INTERCEPT = 0.5, -1000.0  # a float rescale, so pydicom's modality output is float64


def _windows():
    return itertools.cycle([(15000.0, 20000.0), (14000.0, 26000.0), (16000.0, 8000.0)])


def run() -> str:
    stored = film_pixels(SIZE, SIZE, bits=16)
    image = ArrayImage(stored, SLOPE, INTERCEPT)
    modality64 = stored.astype(np.float64) * SLOPE + INTERCEPT  # what apply_modality_lut returns
    modality32 = modality64.astype(np.float32)

    renderers = {p: FrameRenderer(image, parallel=p) for p in (True, False)}
    for r in renderers.values():
        r.buffer()  # frame decoded and modality LUT cached, as after opening
    cycles = {k: _windows() for k in ("par", "ser", "n64", "n32")}

    def ours(parallel: bool, key: str):
        def update():
            r = renderers[parallel]
            r.window = next(cycles[key])
            return r.buffer()

        return update

    def naive(x: np.ndarray, key: str):
        def update():
            c, w = next(cycles[key])
            lo, hi = c - w / 2, c + w / 2
            return np.clip((x - lo) / (hi - lo) * 255, 0, 255).astype(np.uint8)

        return update

    lut_cycle = _windows()
    next(lut_cycle)  # one step ahead of the other cycles: every call really rebuilds

    def lut_only():
        r = renderers[False]
        r.window = next(lut_cycle)
        return r.lut()

    fns = [ours(False, "ser"), ours(True, "par"), lut_only, naive(modality64, "n64"), naive(modality32, "n32")]
    ser, par, lut_ms, n64, n32 = interleaved_ms(fns, repeats=REPEATS, warmup=2)

    def verdict(ms: float, base: float) -> str:
        return "meets" if ms <= TARGET_MS and base / ms >= TARGET_SPEEDUP else "misses"

    rows = [
        ("FrameRenderer, parallel=False: LUT build + take in row bands, one thread", ser, f"{n64 / ser:.1f}x",
         f"{n32 / ser:.1f}x", verdict(ser, n64), verdict(ser, n32)),
        ("FrameRenderer (default): LUT build + take, row bands shared by 2+ threads", par, f"{n64 / par:.1f}x",
         f"{n32 / par:.1f}x", verdict(par, n64), verdict(par, n32)),
        ("  of which the LUT build alone (65536 entries)", lut_ms, "-", "-", "-", "-"),
        ("baseline: naive clip-and-scale on float64 modality values (pydicom)", n64, "1.0x",
         f"{n32 / n64:.1f}x", "-", "-"),
        ("baseline: naive clip-and-scale on float32 modality values", n32, f"{n64 / n32:.1f}x", "1.0x", "-", "-"),
    ]
    header = ("method", "median ms", "speed-up vs float64", "speed-up vs float32",
              f"<= {TARGET_MS:g} ms and >= {TARGET_SPEEDUP:g}x vs float64",
              f"<= {TARGET_MS:g} ms and >= {TARGET_SPEEDUP:g}x vs float32")
    note = f"\n\n{SIZE} x {SIZE} uint16 frame, median of {REPEATS} updates each, timed in alternation."
    return table(header, rows) + note
