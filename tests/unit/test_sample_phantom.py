"""The phantom library: deterministic, plausible pixels and consistent ground truth."""

from __future__ import annotations

import math

import numpy as np
import pytest

from sample_images.burnin import text_mask
from sample_images.phantom import PhantomParams, render_cine, render_film
from sample_images.verdicts import expected_verdict

SMALL = dict(size=256, noise=1.0)


def _inside_image(pt, size) -> bool:
    return 0 <= pt[0] <= size and 0 <= pt[1] <= size


@pytest.fixture(scope="module")
def ap_small():
    return render_film(PhantomParams(seed=5, view="AP", **SMALL))


def test_same_params_give_identical_pixels_and_truth(ap_small):
    again = render_film(PhantomParams(seed=5, view="AP", **SMALL))
    assert np.array_equal(ap_small.pixels, again.pixels)
    assert ap_small.truth == again.truth


def test_another_seed_gives_another_film(ap_small):
    other = render_film(PhantomParams(seed=6, view="AP", **SMALL))
    assert not np.array_equal(ap_small.pixels, other.pixels)


def test_pixels_are_12_bit_with_a_black_collimator(ap_small):
    px = ap_small.pixels
    assert px.dtype == np.uint16 and px.shape == (256, 256)
    assert px.max() <= 4095
    # corners outside the round field are black except for the burned-in text (top left)
    assert px[-3:, -3:].max() == 0 and px[-3:, :3].max() == 0 and px[:3, -3:].max() == 0
    # bone is darker than soft tissue: the vertebral column (centre) vs the flank
    c = 128
    assert px[c - 20 : c + 20, c - 8 : c + 8].mean() < px[c - 20 : c + 20, 40:56].mean()


def test_burned_in_text_is_in_its_box(ap_small):
    x0, y0, x1, y1 = ap_small.truth["burned_in_text"]["bbox"]
    box = ap_small.pixels[int(y0) : int(math.ceil(y1)), int(x0) : int(math.ceil(x1))]
    assert (box > 3000).sum() >= text_mask(["PHANTOM^TEST"], 1).sum()
    assert ap_small.pixels[int(y1) + 2 : int(y1) + 10, : int(x0) + 20].max() == 0


def test_ap_truth_lies_in_the_image_and_the_tip_ends_the_shaft(ap_small):
    t = ap_small.truth
    size = t["size"][0]
    assert t["shaft"][-1] == t["tip"]
    assert t["contrast_path"][0] == t["tip"]
    pts = [t["tip"], *t["shaft"], *t["contrast_path"], *t["pedicle_margin"]["points"], *t["sap_margin"]["points"],
           t["s1_foramen"]["center"], *t["midline"], *[lab["point"] for lab in t["level_labels"]]]
    assert all(_inside_image(p, size) for p in pts)
    # pedicle margin ordered medial -> lateral: a right-side root lies on the image left (+x = patient left)
    (mx, _), (lx, _) = t["pedicle_margin"]["points"]
    assert lx < mx < t["midline"][0][0]
    # the SAP margin of the level below lies caudal to the pedicle margin
    assert min(p[1] for p in t["sap_margin"]["points"]) > max(p[1] for p in t["pedicle_margin"]["points"])


def test_the_needle_darkens_the_film_along_its_shaft():
    p = PhantomParams(seed=5, view="AP", size=256, noise=0.0, contrast=0.0)
    with_needle = render_film(p).pixels.astype(float)
    without = render_film(PhantomParams(**{**p.__dict__, "needle": False})).pixels.astype(float)
    (hx, hy), (tx, ty) = render_film(p).truth["shaft"]
    mx, my = int((hx + tx) / 2), int((hy + ty) / 2)
    assert with_needle[my - 1 : my + 2, mx - 1 : mx + 2].min() < without[my - 1 : my + 2, mx - 1 : mx + 2].min() - 100


def test_on_target_films_get_on_target_verdicts():
    for view, rule in (("AP", "R-AP"), ("lateral", "R-LAT")):
        t = render_film(PhantomParams(seed=9, view=view, level="L4", side="left", **SMALL)).truth
        v = expected_verdict(t)
        assert (v["rule"], v["status"]) == (rule, "on_target"), v


def test_tip_offset_moves_the_verdict_off_target():
    t = render_film(PhantomParams(seed=9, view="AP", level="L4", tip_offset_mm=(9.0, 0.0, 0.0), **SMALL)).truth
    v = expected_verdict(t)
    assert v["status"] == "off" and v["distance_mm"] > 6


def test_lateral_foramen_polygon_contains_the_tip_in_its_posterior_third():
    t = render_film(PhantomParams(seed=3, view="lateral", level="L5", **SMALL)).truth
    poly = t["foramen"]["polygon"]
    assert len(poly) >= 4
    v = expected_verdict(t)
    assert v["rule"] == "R-LAT" and v["fraction"] <= 1 / 3


def test_s1_tip_lies_in_the_first_dorsal_foramen():
    t = render_film(PhantomParams(seed=4, view="AP", level="S1", medial_deg=8, caudal_deg=12, **SMALL)).truth
    assert expected_verdict(t)["status"] == "on_target"
    assert "pedicle_margin" not in t


def test_cutoff_and_bench_are_on_the_contrast_course():
    t = render_film(PhantomParams(seed=2, view="AP", cutoff_mm=10.0, bench_mm=6.0, **SMALL)).truth
    end = t["contrast_path"][-1]
    assert math.dist(end, t["cutoff"]) < 2.0  # the path stops where the contrast is cut off
    assert t["bench"] is not None


def test_cine_has_a_transient_blush_and_growing_contrast():
    film = render_cine(PhantomParams(seed=8, view="AP", venous_blush=1.0, size=128), frames=8, blush_frames=[3, 4])
    assert film.pixels.shape == (8, 128, 128)
    t = film.truth
    assert t["venous_blush"]["first_frame"] == 3 and t["venous_blush"]["frames"] == [3, 4]
    blush = [f["blush"] for f in t["frames"]]
    assert blush[3] > 0 and blush[4] > 0 and blush[2] == 0 and blush[5] == 0
    progress = [f["progress"] for f in t["frames"]]
    assert progress == sorted(progress) and progress[0] == 0 and progress[-1] > 0.5


def test_random_params_render_with_truth_inside_the_image():
    rng = np.random.default_rng(11)
    for _ in range(3):
        p = PhantomParams.random(rng, size=128)
        t = render_film(p).truth
        assert t["view"] == p.view
        assert _inside_image(t["tip"], 128)
        assert t["shaft"][-1] == t["tip"]


@pytest.mark.parametrize(
    ("field", "value", "match"),
    [("level", "T12", "level"), ("view", "PA", "view"), ("side", "both", "side"), ("size", 16, "size")],
)
def test_bad_parameters_are_refused(field, value, match):
    with pytest.raises(ValueError, match=match):
        render_film(PhantomParams(**{"size": 128, field: value}))
