"""Needle proposal on phantom films that went wrong before a detector fix, one film per fix.

The films are development films (seeds 6061, 4242, 1357 and 9191; never the
benchmark's seed), rendered as the assist benchmark renders them
(``PhantomParams.random(rng([seed, i]), size=1024)``, with the benchmark
generator's changes written out). Each was > 1.5 mm off before its fix:

- ``rim``: a lateral film whose vertebral endplate rim outscored the needle (91 mm off):
  an edge is denser on one side all along, steel is not (``ASYM``);
- ``edge dip``: the needle crosses a vertebral edge at its coarse segment's middle, where
  its contrast against the denser side dips (20 mm off: the coarse run was dropped);
- ``column in line``: clipped steel ends and a contrast column goes on in line (2.4 mm over,
  then read hub-for-tip): ``_clipped_steel_end``;
- ``band at the tip``: a 14 mm oblique needle whose hub lies in denser bone than its tip
  (read hub-for-tip, 149 mm): the contrast band leaving the tip decides (``HUB_BAND_RATIO``);
- ``long shaft``: the coarse run was a short piece of a long AP shaft and the tip lay more than
  the old 25 mm search reach beyond it (14 mm short): the axis is searched across the image;
- ``bone crossing``: a clipped shaft blind for 1.3 mm where it crosses dense bone, then clipped
  on light sides again up to the tip (12 mm short): ``_bridge_gaps``.

Snapping a click 1.5 mm off the tip (``SNAP``): on these films the windowed detector alone
found no end, or one farther from the tip than the click (the window's border cut the shaft,
and the crop's own densest value stood in for the film's clip level).
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from annotator.assist.needle import propose_needle, snap_tip
from annotator.geometry import Calibration
from annotator.geometry.calibration import CalibrationSource

FILMS = {
    "rim": (6061, 23, {}),
    "edge dip": (4242, 31, {}),
    "column in line": (4242, 47, {}),
    "band at the tip": (1357, 64, {"cutoff_mm": 24.9272656494626}),
    "long shaft": (4242, 60, {"cutoff_mm": 16.80808576269002}),
    "bone crossing": (9191, 23, {"contrast_length_mm": 25.644347867488808}),
}


SNAP = {"lateral": (1357, 4, {}), "oblique": (1357, 9, {"contrast_length_mm": 49.18724592806656})}


def _film(seed, i, changes):
    from sample_images.phantom import PhantomParams, render_film

    film = render_film(PhantomParams.random(np.random.default_rng([seed, i]), size=1024, **changes))
    s = film.truth["spacing_mm"]
    return film, s, Calibration(s, s, CalibrationSource.PIXEL_SPACING)


@pytest.mark.parametrize("name", list(FILMS))
def test_tip_within_1_5_mm(name):
    film, s, cal = _film(*FILMS[name])
    prop = propose_needle(film.pixels, cal)
    assert prop is not None
    assert math.dist(prop.tip, film.truth["tip"]) * s <= 1.5
    # on the true shaft line, hub end first
    hub, tip = (np.asarray(p, float) for p in film.truth["shaft"])
    u = (tip - hub) / np.linalg.norm(tip - hub)
    normal = np.array([-u[1], u[0]])
    assert abs(float((np.asarray(prop.shaft[0]) - hub) @ normal)) * s <= 1.5
    assert float((np.asarray(prop.shaft[1]) - np.asarray(prop.shaft[0])) @ u) > 0


@pytest.mark.parametrize("name", list(SNAP))
def test_a_click_1_5_mm_off_snaps_closer(name):
    film, s, cal = _film(*SNAP[name])
    tx, ty = film.truth["tip"]
    for k in range(4):
        angle = 0.3 + k * math.pi / 2
        click = (tx + 1.5 / s * math.cos(angle), ty + 1.5 / s * math.sin(angle))
        snapped = snap_tip(film.pixels, click, 5.0 / s, cal)
        assert snapped is not None
        assert math.dist(snapped, (tx, ty)) * s <= 1.0
