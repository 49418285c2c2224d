import math

import pytest

from annotator.geometry import Calibration, CalibrationSource, Directions


def test_unit_labels_follow_source():
    assert Calibration(0.2, 0.2, CalibrationSource.PIXEL_SPACING).unit_label == "mm"
    assert Calibration(0.2, 0.2, CalibrationSource.ERMF).unit_label == "mm (ERMF)"
    assert Calibration(0.2, 0.2, CalibrationSource.DETECTOR).unit_label == "mm (detector)"
    assert Calibration.from_known_length((0, 0), (10, 0), 5).unit_label == "mm (calibrated)"
    assert Calibration.none().unit_label == "px"


def test_length_uses_row_and_column_spacing():
    # 3 px along x at 0.5 mm/column, 4 px along y at 0.25 mm/row -> hypot(1.5, 1.0)
    cal = Calibration(row_mm=0.25, col_mm=0.5, source=CalibrationSource.PIXEL_SPACING)
    assert cal.length((0, 0), (3, 4)) == pytest.approx(math.hypot(1.5, 1.0))
    assert Calibration.none().length((0, 0), (3, 4)) == pytest.approx(5.0)


def test_known_length_calibration_is_isotropic():
    cal = Calibration.from_known_length((10, 10), (10, 60), 25.0)
    assert cal.row_mm == cal.col_mm == pytest.approx(0.5)


@pytest.mark.parametrize(
    "args",
    [(0.2, None, CalibrationSource.PIXEL_SPACING), (0.0, 0.2, CalibrationSource.PIXEL_SPACING),
     (0.2, 0.2, CalibrationSource.NONE), (None, None, CalibrationSource.DETECTOR),
     (float("nan"), 0.2, CalibrationSource.ERMF)],
)
def test_invalid_calibrations_are_refused(args):
    with pytest.raises(ValueError):
        Calibration(*args)


def test_direction_vectors_and_defaults():
    ap = Directions.default_for_view("AP")
    assert (ap.x, ap.y) == ("L", "F")
    assert ap.vector("H") == (0.0, -1.0)
    assert ap.vector("R") == (-1.0, 0.0)
    lat = Directions.default_for_view("lateral")
    assert lat.vector("A") == (-1.0, 0.0)  # anterior on image left
    assert lat.vector("L") == (0.0, 0.0)


def test_mirroring_and_edge_letters():
    d = Directions("LF", "F")
    m = d.mirrored_x()
    assert m.x == "RH"
    assert d.edge_letters() == {"right": "LF", "left": "RH", "bottom": "F", "top": "H"}
    with pytest.raises(ValueError):
        Directions("X", "F")
