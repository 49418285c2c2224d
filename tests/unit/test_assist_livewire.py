"""Live-wire: the traced path follows a synthetic contrast band."""

from __future__ import annotations

import time

import numpy as np
import pytest

from annotator.assist.common import AssistError
from annotator.assist.livewire import LiveWire, trace_path


def band_image(size=300, amp=30.0, sigma=3.0, seed=1):
    """A dark band along y = 150 + amp * sin(x / 40) on a light noisy background; returns (image, curve)."""
    yy, xx = np.mgrid[0:size, 0:size] + 0.5
    centre = 150 + amp * np.sin(xx / 40.0)
    band = np.exp(-0.5 * ((yy - centre) / sigma) ** 2)
    rng = np.random.default_rng(seed)
    img = 3000 - 1200 * band + rng.normal(0, 40, (size, size))
    xs = np.arange(20, size - 20, 0.5)
    curve = np.stack([xs, 150 + amp * np.sin(xs / 40.0)], axis=1)
    return np.clip(img, 0, 4095).astype(np.uint16), curve


def _mean_distance(path, curve):
    p = np.asarray(path, float)
    dense = []
    for a, b in zip(p[:-1], p[1:]):
        n = max(1, int(np.linalg.norm(b - a)))
        dense += [a + (b - a) * k / n for k in range(n)]
    dense = np.array(dense)
    d = np.min(np.linalg.norm(dense[:, None, :] - curve[None, :, :], axis=2), axis=1)
    return float(d.mean())


def test_path_follows_the_band():
    img, curve = band_image()
    start, end = tuple(curve[0]), tuple(curve[-1])
    path = trace_path(img, [start, end])
    assert path[0] == pytest.approx(start) and path[-1] == pytest.approx(end)
    assert _mean_distance(path, curve) < 1.0  # px
    assert 3 <= len(path) < 80  # simplified, not one point per pixel


def test_via_points_and_cached_updates_are_fast():
    img, curve = band_image()
    lw = LiveWire(img)
    anchors = [tuple(curve[0]), tuple(curve[len(curve) // 2]), tuple(curve[-1])]
    path = lw.path(anchors)
    assert _mean_distance(path, curve) < 1.0
    t0 = time.perf_counter()
    for k in range(10):
        lw.path([tuple(curve[0]), tuple(curve[-1 - k])])
    assert (time.perf_counter() - t0) / 10 < 0.05  # s per update, generous for CI


def test_bad_anchors():
    img, _ = band_image(size=64, amp=5)
    lw = LiveWire(img)
    with pytest.raises(AssistError):
        lw.path([(10.0, 10.0)])
    with pytest.raises(AssistError):
        lw.path([(10.0, 10.0), (500.0, 10.0)])


def test_every_anchor_stays_a_vertex():
    img, curve = band_image()
    anchors = [tuple(curve[0]), tuple(curve[100]), tuple(curve[300]), tuple(curve[-1])]
    path = LiveWire(img).path(anchors)
    for a in anchors:
        assert any(abs(p[0] - a[0]) < 1e-6 and abs(p[1] - a[1]) < 1e-6 for p in path)


def test_anchors_in_one_working_pixel_are_both_kept():
    img, _ = band_image(size=1024, amp=5)  # working image at half size: two frame px per working px
    lw = LiveWire(img)
    assert lw.factor == 2
    seg = lw.segment((100.0, 100.0), (101.0, 100.0))
    assert seg.tolist() == [[100.0, 100.0], [101.0, 100.0]]
    assert lw.path([(100.0, 100.0), (101.0, 100.0)]) == [(100.0, 100.0), (101.0, 100.0)]


def test_no_false_ridge_along_the_image_border():
    flat = np.full((64, 64), 3000, np.uint16)
    path = np.asarray(trace_path(flat, [(1.0, 1.0), (50.0, 50.0)]))
    # the straight diagonal, not a detour along the right or bottom edge
    assert np.max(np.abs(path[:, 0] - path[:, 1])) < 6.0
    assert path[:, 0].max() <= 52.0 and path[:, 1].max() <= 52.0
