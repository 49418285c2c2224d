"""The needle's end call (issue 14): every cue, disagreement, bilateral films and the patient side."""

from __future__ import annotations

import math

import numpy as np

from annotator.assist.needle import propose_needle, propose_needles
from annotator.assist.needle_ends import direction_vote
from annotator.geometry import Calibration
from annotator.geometry.calibration import CalibrationSource
from annotator.geometry.directions import Directions


def _cal(s=0.25):
    return Calibration(s, s, CalibrationSource.PIXEL_SPACING)


def _density_line(img, hub, tip, width=2.0, depth=1800.0):
    yy, xx = np.mgrid[0:img.shape[0], 0:img.shape[1]] + 0.5
    h, t = np.array(hub), np.array(tip)
    u = (t - h) / np.linalg.norm(t - h)
    rel = np.stack([xx - h[0], yy - h[1]], axis=-1)
    along = rel @ u
    perp = np.abs(rel @ np.array([-u[1], u[0]]))
    length = np.linalg.norm(t - h)
    img -= depth * np.clip(width / 2 + 0.5 - perp, 0, 1) * np.clip(along + 0.5, 0, 1) * np.clip(length - along + 0.5, 0, 1)


def _blob(img, centre, radius, depth):
    yy, xx = np.mgrid[0:img.shape[0], 0:img.shape[1]] + 0.5
    img -= depth * np.exp(-((xx - centre[0]) ** 2 + (yy - centre[1]) ** 2) / (2 * radius**2))


def _film(size=256, seed=0):
    return 3000.0 + np.random.default_rng(seed).normal(0, 15, (size, size))


def _stored(img):
    return np.clip(img, 0, 4095).astype(np.uint16)


def test_direction_vote_follows_the_patient_directions():
    feet_down, feet_up = Directions("L", "F"), Directions("L", "H")
    a, b = (100.0, 50.0), (110.0, 150.0)  # b lies lower on the image
    assert direction_vote(a, b, feet_down, "unknown", None) > 0.9  # the tip is the caudal end
    assert direction_vote(a, b, feet_up, "unknown", None) < -0.9
    assert direction_vote(a, b, None, "AP", None) == 0.0
    # AP: medial = nearer the midline; a horizontal needle whose end b lies at the midline
    assert direction_vote((40.0, 100.0), (120.0, 100.0), feet_down, "AP", 128.0) >= 0.5  # (caudal: 0)


def test_direction_decides_a_needle_nothing_else_tells_apart():
    # a clean needle in the middle of a uniform film: the patient directions call the caudal end
    img = _film()
    _density_line(img, (60.0, 70.0), (190.0, 180.0))
    down = propose_needle(_stored(img), _cal(), directions=Directions("L", "F"), view="unknown")
    up = propose_needle(_stored(img), _cal(), directions=Directions("L", "H"), view="unknown")
    assert down is not None and up is not None
    assert math.dist(down.tip, (190.0, 180.0)) < 3 and math.dist(up.tip, (60.0, 70.0)) < 3
    assert down.cues["direction"] > 0 and up.cues["direction"] > 0
    assert down.confidence < 0.9 and up.confidence < 0.9  # a prior alone is no certainty


def test_contrast_leaving_an_end_marks_the_tip():
    img = _film()
    _density_line(img, (60.0, 70.0), (190.0, 180.0))
    for k in range(40):  # a band of contrast leaving the tip at an angle
        _blob(img, (190.0 + 1.5 * k, 180.0 - 0.4 * k), 4.0, 220.0)
    prop = propose_needle(_stored(img), _cal())
    assert prop is not None and math.dist(prop.tip, (190.0, 180.0)) < 3
    assert prop.cues["contrast"] > 0


def test_new_contrast_on_a_cine_marks_the_tip_and_disagreeing_cues_are_named():
    earlier = _film(seed=1)
    _density_line(earlier, (2.0, 30.0), (150.0, 140.0))  # the hub end at the film's edge
    later = earlier.copy()
    _blob(later, (150.0, 140.0), 6.0, 500.0)  # new contrast appears at the tip
    prop = propose_needle(_stored(later), _cal(), earlier=_stored(earlier))
    assert prop is not None and prop.cues["cine"] > 0 and not prop.disagree
    # new contrast at the hub end instead: the cine cue contradicts the field's edge
    odd = earlier.copy()
    _blob(odd, (12.0, 38.0), 6.0, 500.0)
    prop = propose_needle(_stored(odd), _cal(), earlier=_stored(earlier))
    assert prop is not None and prop.disagree
    assert prop.confidence < 0.9


def test_bilateral_film_returns_both_needles_with_their_sides():
    img = _film(size=400, seed=2)
    _density_line(img, (40.0, 60.0), (170.0, 220.0))  # on the image's left: the patient's right (AP, +x = L)
    _density_line(img, (360.0, 70.0), (235.0, 230.0))
    props = propose_needles(_stored(img), _cal(), directions=Directions("L", "F"), view="AP")
    assert len(props) == 2
    by_side = {p.side: p for p in props}
    assert set(by_side) == {"left", "right"}
    assert math.dist(by_side["right"].tip, (170.0, 220.0)) < 3
    assert math.dist(by_side["left"].tip, (235.0, 230.0)) < 3
    assert propose_needle(_stored(img), _cal(), directions=Directions("L", "F"), view="AP") is not None


def test_single_needle_film_gives_one_and_swapped_is_the_other_end():
    img = _film(seed=3)
    _density_line(img, (2.0, 30.0), (150.0, 140.0))
    props = propose_needles(_stored(img), _cal())
    assert len(props) == 1
    p = props[0]
    q = p.swapped()
    assert q.tip == p.other_end == p.shaft[0] and q.shaft == (p.shaft[1], p.shaft[0])
    assert p.to_json()["other_end"] == p.to_json()["shaft"][0]


def _spine(img, centre_x, depth=600.0, width=30.0):
    """A dense vertical band (the spine) centred at ``centre_x``: the midline for the medial cue."""
    xx = np.arange(img.shape[1]) + 0.5
    img -= depth * np.exp(-((xx - centre_x) ** 2) / (2 * width**2))[None, :]


def _aimed_film(contrast_at_tip: bool = True):
    """AP film, +x = patient left, +y = feet: a needle from lateral-cranial to medial-caudal on the
    patient's right, contrast leaving its tip (or its hub end), no hub and no field edge."""
    img = _film(size=400, seed=5)
    _spine(img, 260.0)
    _density_line(img, (110.0, 100.0), (200.0, 230.0))
    start, step = ((200.0, 230.0), (1.2, 0.8)) if contrast_at_tip else ((110.0, 100.0), (-1.2, -0.2))
    for k in range(30):
        _blob(img, (start[0] + step[0] * k, start[1] + step[1] * k), 4.0, 200.0)
    return img


def test_consistent_aim_and_image_give_a_confident_call():
    img = _aimed_film()
    prop = propose_needle(_stored(img), _cal(), directions=Directions("L", "F"), view="AP")
    assert prop is not None and math.dist(prop.tip, (200.0, 230.0)) < 3, prop
    assert prop.cues["direction"] > 0.7 and prop.cues["contrast"] > 0 and not prop.disagree, prop
    assert prop.confidence >= 0.9, prop
    # without the film's directions the same image call stays unsure
    bare = propose_needle(_stored(img), _cal())
    assert bare is not None and math.dist(bare.tip, (200.0, 230.0)) < 3 and bare.confidence < 0.9, bare


def test_aim_against_the_image_is_never_confident():
    # contrast leaving the lateral-cranial end: the image and the aim disagree
    img = _aimed_film(contrast_at_tip=False)
    prop = propose_needle(_stored(img), _cal(), directions=Directions("L", "F"), view="AP")
    assert prop is not None and prop.confidence < 0.9, prop


def test_crossing_needles_are_both_found():
    img = _film(size=400, seed=6)
    _density_line(img, (40.0, 60.0), (330.0, 300.0))
    _density_line(img, (360.0, 80.0), (150.0, 250.0))  # crossing the first
    props = propose_needles(_stored(img), _cal())
    assert len(props) == 2, props
    for p, line in zip(props, (((40.0, 60.0), (330.0, 300.0)), ((360.0, 80.0), (150.0, 250.0)))):
        assert sorted(min(math.dist(e, q) for q in line) for e in p.shaft)[-1] < 3


def test_a_bone_edge_is_no_second_needle():
    img = _film(size=400, seed=7)
    _density_line(img, (40.0, 60.0), (200.0, 250.0))
    img[:, 300:] -= 400.0  # a dense region with a straight edge (a vertebral rim)
    props = propose_needles(_stored(img), _cal())
    assert len(props) == 1


def _hub_film(hub_at_b: bool = False):
    """A needle from (60, 70) to (190, 180) with a hub (12 px wide, 40 px long) in line beyond
    its end a (or b); the patient directions aim the needle toward a (the feet at the top)."""
    img = _film(seed=3)
    a, b = np.array([60.0, 70.0]), np.array([190.0, 180.0])
    _density_line(img, a, b)
    u = (b - a) / np.linalg.norm(b - a)
    if hub_at_b:
        _density_line(img, b, b + 40 * u, width=12.0, depth=900.0)
    else:
        _density_line(img, a - 40 * u, a, width=12.0, depth=900.0)
    return _stored(img)


def test_a_hub_in_line_marks_the_hub_end_against_the_aim():
    # the aim alone (feet at the top) points at the hub end; the hub tells the ends apart
    for hub_at_b, tip in ((False, (190.0, 180.0)), (True, (60.0, 70.0))):
        prop = propose_needle(_hub_film(hub_at_b), _cal(), directions=Directions("L", "H"), view="unknown")
        assert prop is not None and math.dist(prop.tip, tip) < 3, (hub_at_b, prop)
        assert prop.cues["hub"] > 0


def test_a_hub_the_shaft_runs_through_marks_the_hub_end():
    # the cannula goes on through its hub: the shaft's run can take in the hub, and the wide
    # piece then lies just inside the proposal's end; the aim points the other way again
    img = _film(size=384, seed=5)
    a, b = np.array([130.0, 130.0]), np.array([240.0, 230.0])
    u = (b - a) / np.linalg.norm(b - a)
    _density_line(img, a - 40 * u, b)  # steel from the hub's far end to the tip
    _density_line(img, a - 40 * u, a, width=12.0, depth=700.0)  # the hub around it
    prop = propose_needle(_stored(img), _cal(), directions=Directions("L", "H"), view="unknown")
    assert prop is not None and math.dist(prop.tip, tuple(b)) < 3, prop
    assert math.dist(prop.shaft[0], tuple(a - 40 * u)) < 6  # the run went on through the hub
    assert prop.cues["hub"] > 0


def test_a_tapering_contrast_column_in_line_is_no_hub():
    # contrast running straight on from the tip, narrowing as it goes (a teardrop), is uneven
    # along its length: it does not count as a hub against the tip
    img = _film(seed=4)
    a, b = np.array([60.0, 70.0]), np.array([150.0, 146.0])
    _density_line(img, a, b)
    u = (b - a) / np.linalg.norm(b - a)
    for k in range(36):
        _blob(img, b + (4 + 1.2 * k) * u, 6.0 - 0.14 * k, 260.0 - 5.0 * k)
    prop = propose_needle(_stored(img), _cal())
    assert prop is not None and math.dist(prop.tip, b) < 3, prop
    assert abs(prop.cues.get("hub", 0.0)) < 0.5  # the column does not vote as a hub
