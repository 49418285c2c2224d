"""Display pipeline: stored values -> 8-bit grey levels, checked against PS3.3 written out by hand."""

from __future__ import annotations

import math
from datetime import datetime
from pathlib import Path

import numpy as np
import pytest

from annotator.errors import UnsupportedImageError
from annotator.geometry import Calibration, Directions
from annotator.io.image import FluoroImage, ImageInfo, ViewInfo, WindowPreset
from annotator.render.display import FrameRenderer, apply_lut, display_frame
from annotator.render.lut import voi_table, voi_window


class FakeImage(FluoroImage):
    """Frames given as arrays; modality LUT = slope * x + intercept (PS3.3 C.11.1.1.2)."""

    def __init__(self, frames, photometric="MONOCHROME2", slope=1.0, intercept=0.0, windows=(), bits=16):
        self.frames = [np.asarray(f) for f in frames]
        self.slope, self.intercept = slope, intercept
        self.calls = {"stored": 0, "modality": 0, "auto": 0}
        f0 = self.frames[0]
        self.info = ImageInfo(
            path=Path("fake.dcm"), format="DICOM", rows=f0.shape[0], columns=f0.shape[1],
            frames=len(self.frames), bits_stored=bits, bits_allocated=16, photometric=photometric,
            samples_per_pixel=3 if f0.ndim == 3 else 1, transfer_syntax=None, transfer_syntax_uid=None,
            sop_class=None, modality="XA", calibration=Calibration.none(),
            view=ViewInfo("unknown", "test"), directions=Directions("L", "F"),
            acquisition_time=datetime(2020, 1, 1), instance_number=1, frame_time_ms=None,
            windows=tuple(windows),
        )

    def stored_frame(self, index=0):
        self.calls["stored"] += 1
        return self.frames[index]

    def modality_lut(self, lo, hi):
        self.calls["modality"] += 1
        return np.arange(lo, hi + 1, dtype=np.float64) * self.slope + self.intercept

    def auto_window(self, index=0):
        self.calls["auto"] += 1
        m = self.modality_frame(index)
        lo, hi = float(np.percentile(m, 1)), float(np.percentile(m, 99))
        return WindowPreset((lo + hi) / 2, max(hi - lo, 1.0), source="auto")


# -- an independent reference: the standard's formulas, one value at a time ----------------
def ref_linear(x, c, w):  # PS3.3 C.11.2.1.2.1, ymin 0, ymax 255
    if x <= c - 0.5 - (w - 1) / 2:
        return 0.0
    if x > c - 0.5 + (w - 1) / 2:
        return 255.0
    return ((x - (c - 0.5)) / (w - 1) + 0.5) * 255


def ref_exact(x, c, w):  # C.11.2.1.3.2
    if x <= c - w / 2:
        return 0.0
    if x > c + w / 2:
        return 255.0
    return ((x - c) / w + 0.5) * 255


def ref_sigmoid(x, c, w):  # C.11.2.1.3.1
    return 255 / (1 + math.exp(-4 * (x - c) / w))


def ref_display(stored, slope, intercept, voi, invert=False, gamma=1.0):
    out = np.empty(stored.shape, np.uint8)
    cache = {}
    for pos, s in np.ndenumerate(stored):
        s = int(s)
        if s not in cache:
            y = voi(s * slope + intercept)
            if invert:
                y = 255 - y
            if gamma != 1.0:
                y = 255 * (y / 255) ** (1 / gamma)
            cache[s] = min(255, max(0, math.floor(y + 0.5)))
        out[pos] = cache[s]
    return out


RNG = np.random.default_rng(7)


@pytest.mark.parametrize("c,w", [(40, 400), (2047.5, 4096), (100, 1), (100, 2), (0.3, 7.7)])
def test_linear_window_matches_standard(c, w):
    x = np.arange(-300, 4400, dtype=np.float64) / 1.0
    got = voi_window(x, c, w, "LINEAR")
    want = np.array([ref_linear(v, c, max(w, 1)) for v in x])
    np.testing.assert_array_equal(got, want)


def test_linear_window_edges():
    # c=100, w=11: values <= 94.5 are black, > 104.5 white
    y = voi_window(np.array([94.0, 94.5, 95.0, 104.0, 104.5, 105.0]), 100, 11)
    assert y[0] == 0 and y[1] == 0 and y[-1] == 255 and y[-2] == 255
    assert 0 < y[2] < y[3] < 255


def test_exact_and_sigmoid_match_standard():
    x = np.linspace(-50, 150, 801)
    np.testing.assert_array_equal(voi_window(x, 50, 60, "LINEAR_EXACT"), [ref_exact(v, 50, 60) for v in x])
    np.testing.assert_allclose(voi_window(x, 50, 60, "SIGMOID"), [ref_sigmoid(v, 50, 60) for v in x], rtol=1e-12)
    with pytest.raises(ValueError):
        voi_window(x, 50, 60, "CUBIC")


def test_voi_lut_table_clamps_and_scales():
    table = np.array([0, 1000, 2000, 4095], dtype=np.uint16)
    y = voi_table(np.array([-5, 10, 11, 12.7, 13, 99]), table, first=10, bits=12)
    np.testing.assert_allclose(y, [0, 0, 1000 * 255 / 4095, 2000 * 255 / 4095, 255, 255])
    # descriptor claims 8 bits, entries need 12: entries' own range wins
    assert voi_table(np.array([13]), table, first=10, bits=8)[0] == 255


def test_voi_table_declared_16_bits_with_12_bit_entries_reaches_white():
    """The common vendor table: entries 0..4095 under a 16-bit descriptor. 4095 is white, not 16/255."""
    table = np.arange(4096, dtype=np.uint16)  # identity, 12-bit entries
    y = voi_table(np.array([0, 1365, 4095, 9999]), table, first=0, bits=16)
    np.testing.assert_allclose(y, [0.0, 85.0, 255.0, 255.0])  # 1365 / 4095 = 1/3 of white
    # 8-bit entries in a 16-bit descriptor (PS3.3 C.11.2.1.1 note): 255 is white
    assert voi_table(np.array([255]), np.arange(256), first=0, bits=16)[0] == 255.0
    # a real 16-bit table keeps its descriptor: 30000 of 65535 is a mid grey
    assert voi_table(np.array([1]), np.array([0, 30000]), first=0, bits=16)[0] == pytest.approx(116.74, abs=0.01)


@pytest.mark.parametrize("dtype,lo,hi", [(np.uint16, 0, 4095), (np.int16, -1024, 3071), (np.uint8, 0, 255),
                                         (np.int32, -60000, 60000)])
@pytest.mark.parametrize("photometric,user_invert", [("MONOCHROME2", False), ("MONOCHROME1", False),
                                                     ("MONOCHROME1", True), ("MONOCHROME2", True)])
def test_display_matches_reference(dtype, lo, hi, photometric, user_invert):
    stored = RNG.integers(lo, hi + 1, (37, 53)).astype(dtype)
    slope, intercept = 0.5, -100.0
    c, w = (lo + hi) / 4 * slope, (hi - lo) / 3 * slope
    img = FakeImage([stored], photometric=photometric, slope=slope, intercept=intercept)
    got = display_frame(img, window=(c, w), invert=user_invert, gamma=1.0)
    flip = (photometric == "MONOCHROME1") != user_invert
    want = ref_display(stored, slope, intercept, lambda x: ref_linear(x, c, w), invert=flip)
    assert got.dtype == np.uint8 and got.shape == stored.shape
    np.testing.assert_array_equal(got, want)


def test_monochrome1_inverted_exactly_once():
    stored = np.array([[0, 4095]], np.uint16)
    window = WindowPreset(2048, 4096)
    m2 = display_frame(FakeImage([stored]), window=window)
    m1 = display_frame(FakeImage([stored], photometric="MONOCHROME1"), window=window)
    assert m2.tolist() == [[0, 255]]
    assert m1.tolist() == [[255, 0]]
    m1_user = display_frame(FakeImage([stored], photometric="MONOCHROME1"), window=window, invert=True)
    assert m1_user.tolist() == [[0, 255]]


def test_gamma_brightens_midtones_and_matches_reference():
    stored = np.arange(0, 1000, dtype=np.uint16).reshape(10, 100)
    img = FakeImage([stored])
    plain = display_frame(img, window=(500, 1000))
    bright = display_frame(img, window=(500, 1000), gamma=2.2)
    assert plain[5, 0] < bright[5, 0] and plain[0, 0] == bright[0, 0] == 0 and bright[-1, -1] == plain[-1, -1]
    want = ref_display(stored, 1.0, 0.0, lambda x: ref_linear(x, 500, 1000), gamma=2.2)
    np.testing.assert_array_equal(bright, want)
    with pytest.raises(ValueError):
        display_frame(img, gamma=0)


def test_sigmoid_file_window_and_voi_lut_preset():
    stored = RNG.integers(0, 256, (20, 20)).astype(np.uint8)
    sig = WindowPreset(128, 64, function="SIGMOID")
    got = display_frame(FakeImage([stored], windows=[sig], bits=8))
    want = ref_display(stored, 1.0, 0.0, lambda x: ref_sigmoid(x, 128, 64))
    np.testing.assert_array_equal(got, want)
    table = np.arange(256, dtype=np.uint16)[::-1] * 16  # a descending 12-bit table
    lut = WindowPreset(0, 0, source="voi_lut", lut=table, lut_first=0, lut_bits=12)
    got = display_frame(FakeImage([stored], bits=8), window=lut)
    want = ref_display(stored, 1.0, 0.0, lambda x: int(table[int(x)]) * 255 / 4095)
    np.testing.assert_array_equal(got, want)


def test_renderer_window_change_rebuilds_lut_not_frame():
    stored = RNG.integers(0, 4096, (64, 64)).astype(np.uint16)
    img = FakeImage([stored], windows=[WindowPreset(2000, 3000, "file")])
    r = FrameRenderer(img)
    first = r.buffer()
    assert r.window == (2000, 3000)
    r.window = (1000, 500)
    second = r.buffer()
    r.window = (1000, 500)
    lut = r.lut()
    assert r.lut() is lut  # unchanged state: no rebuild
    r.invert = True
    assert r.lut() is not lut
    assert img.calls["stored"] == 1 and img.calls["modality"] == 1 and img.calls["auto"] == 0
    assert not np.array_equal(first, second)
    np.testing.assert_array_equal(second, ref_display(stored, 1, 0, lambda x: ref_linear(x, 1000, 500)))


def _two_frames() -> FakeImage:
    f0 = np.full((8, 8), 100, np.uint16)
    f1 = np.full((8, 8), 3000, np.uint16)
    f0[0, 0] = f1[0, 0] = 0
    return FakeImage([f0, f1])


def test_renderer_default_window_kept_across_frames_and_reset():
    img = _two_frames()
    r = FrameRenderer(img)
    w0 = r.window
    assert img.calls["auto"] == 1
    r.frame = 1
    assert r.window == w0  # a cine does not flicker
    r.window = (5, 6)
    r.reset_window()
    assert r.window == w0  # back to the film's one default window, frame 0's automatic one
    with pytest.raises(IndexError):
        r.frame = 2


def test_one_default_window_whatever_frame_is_shown_first():
    """render --frame 1 / export of key frame 1 / the viewer opened on frame 1 or stepped there all agree."""
    img = _two_frames()
    auto0 = img.auto_window(0)
    assert auto0 != img.auto_window(1)  # the frames alone would get different windows
    stepped = FrameRenderer(img)
    stepped.buffer()
    stepped.frame = 1
    opened_there = FrameRenderer(img, frame=1)
    assert stepped.window == opened_there.window == (auto0.center, auto0.width)
    np.testing.assert_array_equal(display_frame(img, 1), stepped.buffer())
    np.testing.assert_array_equal(opened_there.buffer(), stepped.buffer())
    want = ref_display(img.frames[1], 1.0, 0.0, lambda x: ref_linear(x, auto0.center, auto0.width))
    np.testing.assert_array_equal(display_frame(img, 1), want)


class PerFrameRescale(FakeImage):
    """Frame k rescaled by (slope_k, intercept_k), like an enhanced file's per-frame functional groups."""

    def __init__(self, frames, rescales, **kw):
        super().__init__(frames, **kw)
        self.rescales = rescales

    def frame_modality_lut(self, index, lo, hi):
        slope, intercept = self.rescales[index]
        return np.arange(lo, hi + 1, dtype=np.float64) * slope + intercept

    def modality_key(self, index):
        return self.rescales[index]


def test_renderer_uses_each_frames_own_modality_lut():
    stored = RNG.integers(0, 4096, (12, 10)).astype(np.uint16)
    img = PerFrameRescale([stored, stored, stored], [(1.0, -1024.0), (1.0, -1024.0), (2.0, 0.0)],
                          windows=[WindowPreset(40, 400)])
    r = FrameRenderer(img)
    lut = r.lut()
    r.frame = 1
    assert r.lut() is lut  # same rescale: the table is kept
    r.frame = 2
    np.testing.assert_array_equal(r.buffer(), ref_display(stored, 2.0, 0.0, lambda x: ref_linear(x, 40, 400)))
    np.testing.assert_array_equal(display_frame(img, 0),
                                  ref_display(stored, 1.0, -1024.0, lambda x: ref_linear(x, 40, 400)))


def test_user_pair_keeps_file_function():
    img = FakeImage([np.zeros((4, 4), np.uint16)], windows=[WindowPreset(10, 20, function="SIGMOID")])
    r = FrameRenderer(img)
    r.window = (5, 6)
    assert r.preset.function == "SIGMOID" and r.preset.source == "user"


def test_color_passthrough_and_window_per_channel():
    rgb = RNG.integers(0, 256, (6, 7, 3)).astype(np.uint8)
    img = FakeImage([rgb], photometric="RGB", bits=8)
    out = display_frame(img)
    np.testing.assert_array_equal(out, rgb)
    out[0, 0, 0] ^= 1
    assert img.frames[0][0, 0, 0] != out[0, 0, 0]  # caller owns the buffer
    inv = display_frame(img, invert=True)
    np.testing.assert_array_equal(inv, 255 - rgb)
    win = display_frame(img, window=(100, 50))
    np.testing.assert_array_equal(win, ref_display(rgb, 1, 0, lambda x: ref_linear(x, 100, 50)))
    assert img.calls["modality"] == 0


def test_parallel_bands_equal_serial():
    index = RNG.integers(0, 65536, (1500, 1100)).astype(np.uint16)
    lut = RNG.integers(0, 256, 65536).astype(np.uint8)
    np.testing.assert_array_equal(apply_lut(lut, index, parallel=True), lut[index])
    np.testing.assert_array_equal(apply_lut(lut, index, parallel=False), lut[index])


def test_float_frames_refused():
    img = FakeImage([np.zeros((4, 4), np.float32)])
    with pytest.raises(UnsupportedImageError, match="fake.dcm"):
        display_frame(img, window=(0, 1))


def test_bands_on_colour_and_odd_shapes():
    lut = RNG.integers(0, 256, 256).astype(np.uint8)
    for shape in [(700, 600, 3), (1, 5), (3,), (2000, 1)]:
        index = RNG.integers(0, 256, shape).astype(np.uint8)
        np.testing.assert_array_equal(apply_lut(lut, index, parallel=True), lut[index])


def test_too_wide_stored_range_refused():
    img = FakeImage([np.array([[-(2**20), 2**20]], np.int32)])
    with pytest.raises(UnsupportedImageError, match="levels"):
        display_frame(img, window=(0, 10))


@pytest.mark.parametrize("dtype,bits,lo,hi", [(np.uint16, 12, 0, 4095), (np.int16, 12, -2048, 2047),
                                              (np.uint16, 10, 0, 1023), (np.uint8, 6, 0, 63)])
def test_chain_evaluated_on_bits_stored_range_only(dtype, bits, lo, hi):
    stored = RNG.integers(lo, hi + 1, (30, 40)).astype(dtype)
    stored[0, :2] = (lo, hi)
    img = FakeImage([stored], slope=1.5, intercept=-7.0, bits=bits)
    c, w = (lo + hi) * 0.75 / 2, (hi - lo) * 0.9
    got = display_frame(img, window=(c, w))
    np.testing.assert_array_equal(got, ref_display(stored, 1.5, -7.0, lambda x: ref_linear(x, c, w)))
    assert FrameRenderer(img).lut().size == 2 ** (8 * np.dtype(dtype).itemsize)


def test_values_beyond_bits_stored_take_the_nearest_end():
    stored = np.array([[0, 4095, 4096, 65535]], np.uint16)  # garbage above 12 bits
    got = display_frame(FakeImage([stored], bits=12), window=(1000, 10))
    assert got.tolist() == [[0, 255, 255, 255]]
