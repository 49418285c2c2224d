"""Phantom films and cine runs for the assisted-marking benchmark, with a disk cache.

Films are ``sample_images.phantom`` renders drawn by ``PhantomParams.random``
(views, noise, contrast, needle angles, tip offsets) from ``rng([seed, i])``,
then changed from a second stream ``rng([seed, i, 1])`` so that contrast paths
of normal and cut-off roots overlap in length:

- a film without a drawn cutoff gets one anyway with probability
  ``EXTRA_CUTOFF`` (the phantom's 20 % gives too few to measure);
- a normal root fills ``NORMAL_LENGTH_MM`` (uniform) instead of the phantom's
  fixed 45 mm: it tapers to half its radius and ends there, naturally;
- a normal root is traced only part of its way with probability
  ``PARTIAL_TRACE``: ``truth["traced_path"]`` then stops at a random fraction
  ``PARTIAL_FRACTION`` of the course while the contrast goes on (no cutoff);
  otherwise ``traced_path`` is the whole ``contrast_path``.

Cine runs (``cine``): 512 x 512 x ``CINE_FRAMES`` renders of the contrast
filling the root, with a venous blush of random strength starting at a random
frame (``CINE_BLUSH``) or none at all.

Rendering takes ~3.5 s per 1024 x 1024 film, so renders are kept in
``$XDG_CACHE_HOME/fluoro-annotator/bench-assist`` (``~/.cache`` by default), keyed by
the generator parameters and a hash of the phantom's source files: a changed
phantom renders anew.
"""

from __future__ import annotations

import hashlib
import json
import os
from concurrent.futures import ProcessPoolExecutor
from dataclasses import replace
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
GENERATOR = "assist-films/2"  # bump when the drawing below changes
EXTRA_CUTOFF = 0.2
NORMAL_LENGTH_MM = (12.0, 50.0)
PARTIAL_TRACE = 0.35
PARTIAL_FRACTION = (0.3, 0.85)
CINE_SIZE = 512
CINE_FRAMES = 24
CINE_BLUSH = (3, 18)  # first blush frame drawn from this range (inclusive)
CINE_BLUSH_LENGTH = (3, 6)  # frames


def film_params(seed: int, i: int):
    """(PhantomParams, trace fraction or None) of film ``i`` of ``seed``."""
    from sample_images.phantom import PhantomParams

    p = PhantomParams.random(np.random.default_rng([seed, i]), size=1024)
    x = np.random.default_rng([seed, i, 1])
    extra_cut, cut_mm = x.random(), float(x.uniform(8, 25))
    length, partial, fraction = float(x.uniform(*NORMAL_LENGTH_MM)), x.random(), float(x.uniform(*PARTIAL_FRACTION))
    if p.cutoff_mm is None and extra_cut < EXTRA_CUTOFF:
        p = replace(p, cutoff_mm=cut_mm)
    trace = None
    if p.cutoff_mm is None:
        p = replace(p, contrast_length_mm=length)
        if partial < PARTIAL_TRACE:
            trace = fraction
    return p, trace


def cine_params(seed: int, i: int):
    """(PhantomParams, blush frames) of cine run ``i`` of ``seed``: odd runs have no blush."""
    from sample_images.phantom import PhantomParams

    x = np.random.default_rng([seed, 1000 + i])
    first = int(x.integers(CINE_BLUSH[0], CINE_BLUSH[1] + 1))
    n = int(x.integers(CINE_BLUSH_LENGTH[0], CINE_BLUSH_LENGTH[1] + 1))
    blush = float(x.uniform(0.4, 1.0)) if i % 2 == 0 else 0.0
    p = PhantomParams.random(np.random.default_rng([seed, 1000 + i, 1]), size=CINE_SIZE, venous_blush=blush,
                             cutoff_mm=None)
    return p, list(range(first, min(CINE_FRAMES, first + n)))


def _source_hash() -> str:
    h = hashlib.sha1(GENERATOR.encode())
    for f in sorted((ROOT / "sample_images").glob("*.py")):
        h.update(f.read_bytes())
    return h.hexdigest()[:12]


def cache_dir() -> Path:
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "fluoro-annotator" / "bench-assist"


def _cut_polyline(path, fraction: float) -> list[list[float]]:
    """The first ``fraction`` of a polyline's length."""
    p = np.asarray(path, float)
    seg = np.linalg.norm(np.diff(p, axis=0), axis=1)
    cum = np.concatenate([[0.0], np.cumsum(seg)])
    stop = fraction * cum[-1]
    k = int(np.searchsorted(cum, stop))
    end = p[k - 1] + (p[k] - p[k - 1]) * (stop - cum[k - 1]) / max(seg[k - 1], 1e-9)
    return [[float(a), float(b)] for a, b in p[:k]] + [[float(end[0]), float(end[1])]]


def _film_job(args):
    seed, i, key = args
    path = cache_dir() / f"film_{seed}_{i:03d}_{key}.npz"
    if path.exists():
        return str(path)
    from sample_images.phantom import render_film

    p, trace = film_params(seed, i)
    film = render_film(p)
    truth = dict(film.truth)
    cp = truth["contrast_path"]
    truth["traced_path"] = _cut_polyline(cp, trace) if (cp and trace is not None) else cp
    truth["trace_fraction"] = trace
    _save(path, pixels=film.pixels, truth=truth)
    return str(path)


def _cine_job(args):
    seed, i, key = args
    path = cache_dir() / f"cine_{seed}_{i:03d}_{key}.npz"
    if path.exists():
        return str(path)
    from sample_images.phantom import render_cine

    p, blush = cine_params(seed, i)
    film = render_cine(p, frames=CINE_FRAMES, blush_frames=blush)
    _save(path, pixels=film.pixels, truth=film.truth)
    return str(path)


def _save(path: Path, pixels: np.ndarray, truth: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + f".{os.getpid()}.tmp.npz")
    np.savez_compressed(tmp, pixels=pixels, truth=json.dumps(truth))
    os.replace(tmp, path)


def load(path: str) -> tuple[np.ndarray, dict]:
    with np.load(path) as d:
        return d["pixels"], json.loads(str(d["truth"]))


def _render_all(job, seed: int, n: int, workers: int) -> list[str]:
    key = _source_hash()
    jobs = [(seed, i, key) for i in range(n)]
    if workers <= 1:
        return [job(j) for j in jobs]
    with ProcessPoolExecutor(workers) as ex:
        return list(ex.map(job, jobs))


def films(seed: int, n: int, workers: int = 2) -> list[str]:
    """Cache paths of films 0..n-1 of ``seed`` (rendered on ``workers`` processes when missing)."""
    return _render_all(_film_job, seed, n, workers)


def cines(seed: int, n: int, workers: int = 2) -> list[str]:
    """Cache paths of cine runs 0..n-1 of ``seed`` (even runs with a blush, odd runs without)."""
    return _render_all(_cine_job, seed, n, workers)


if __name__ == "__main__":  # render ahead: python -m benchmarks.assist_films SEED N [CINES]
    import sys

    s, count = int(sys.argv[1]), int(sys.argv[2])
    print(len(films(s, count)), "films in", cache_dir())
    if len(sys.argv) > 3:
        print(len(cines(s, int(sys.argv[3]))), "cines")
