"""The independent verdict oracle of the sample films (domain.md §5), on hand-made ground truths."""

from __future__ import annotations

import pytest

from sample_images.verdicts import expected_verdict

# a foramen 30 px wide (x 100..130, anterior = image left), 40 px high; 0.5 mm per pixel
FORAMEN = [(100.0, 100.0), (130.0, 100.0), (130.0, 140.0), (100.0, 140.0)]  # posterior third: x >= 120


def lateral(tip):
    return {"spacing_mm": 0.5, "view": "lateral", "level": "L5", "tip": list(tip), "foramen": {"polygon": FORAMEN}}


def test_lateral_inside_posterior_third_on_target_else_off():
    assert expected_verdict(lateral((125, 120)))["status"] == "on_target"
    assert expected_verdict(lateral((110, 120)))["status"] == "off"


@pytest.mark.parametrize(
    ("tip", "status", "distance_mm"),
    [
        ((135, 120), "near", 2.5),  # 5 px behind the posterior edge
        ((142, 120), "near", 6.0),  # exactly r_near
        ((150, 120), "off", 10.0),
        ((125, 90), "near", 5.0),  # above the posterior third
        ((105, 90), "off", 0.5 * 325**0.5),  # above the anterior third: (15, 10) px from the region
        ((90, 120), "off", 15.0),  # in front of the foramen: 30 px to the posterior third
    ],
)
def test_lateral_outside_distance_to_the_posterior_third_decides(tip, status, distance_mm):
    v = expected_verdict(lateral(tip))
    assert v["rule"] == "R-LAT" and v["status"] == status
    assert v["distance_mm"] == pytest.approx(distance_mm, abs=0.01)


def ap(tip, sap_points):
    return {"spacing_mm": 0.5, "view": "AP", "level": "L5", "tip": list(tip), "target": [50.0, 98.0],
            "sap_margin": {"points": [list(p) for p in sap_points]}}


def test_too_caudal_uses_the_sap_height_at_the_tip_column():
    slanted = [(0.0, 100.0), (100.0, 140.0)]  # 104 at x = 10, 136 at x = 90
    caudal = expected_verdict(ap((10, 106), slanted))
    assert caudal["status"] == "off" and "too caudal" in caudal["note"]
    assert expected_verdict(ap((90, 106), slanted)).get("note") is None
    # past the segment's ends its end height holds
    assert expected_verdict(ap((-20, 101), slanted))["status"] == "off"
    assert expected_verdict(ap((130, 101), slanted)).get("note") is None
    # a single marked point: its height
    assert expected_verdict(ap((50, 101), [(70.0, 100.0)]))["status"] == "off"
    assert expected_verdict(ap((50, 99), [(70.0, 100.0)]))["status"] == "on_target"


@pytest.mark.parametrize(
    ("view", "offset"),
    [
        ("lateral", (0.0, 0.0, 4.0)),  # just behind the foramen
        ("lateral", (0.0, 0.0, 9.0)),
        ("lateral", (0.0, -9.0, 2.0)),  # above it
        ("lateral", (0.0, 0.0, -9.0)),  # anterior, inside or in front
        ("AP", (0.0, 4.0, 0.0)),
        ("AP", (3.0, 7.0, 0.0)),
    ],
)
def test_oracle_agrees_with_the_rules_engine_on_phantom_landmarks(view, offset):
    from annotator.rules import evaluate_film
    from sample_images.phantom import PhantomParams, render_film
    from tests.unit.test_rules_phantom import film_from_truth

    t = render_film(PhantomParams(seed=11, view=view, level="L4", size=256, noise=0.0, tip_offset_mm=offset)).truth
    expected = expected_verdict(t)
    film, root = film_from_truth(t)
    v = evaluate_film(film, root).verdict
    assert v is not None and v.rule_id == expected["rule"]
    assert v.status.value == expected["status"], (expected, v.explain("en"))
    if expected["status"] != "on_target" and expected.get("distance_mm"):
        assert v.distance == pytest.approx(expected["distance_mm"], abs=0.05)
