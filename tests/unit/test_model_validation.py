"""The model checks its values when objects are built (clear ValueError naming the field)."""

from __future__ import annotations

import copy
import math
import pickle

import pytest

from annotator.geometry import Calibration, CalibrationSource, Directions
from annotator.model import (
    Annotation,
    Case,
    DrugDose,
    FieldError,
    Film,
    Finding,
    Redaction,
    Role,
    Root,
    Side,
    UnknownItemError,
    View,
)


@pytest.mark.parametrize(
    ("build", "field", "words"),
    [
        (lambda: Root("L6", "right"), "level", "L1, L2"),
        (lambda: Root("L5", "up"), "side", "left, right"),
        (lambda: Root("L5", "left", technique="magic"), "technique", "contrast_study"),
        (lambda: Root("L5", "left", contrast_volume_ml=-0.5), "contrast_volume_ml", "at least 0"),
        (lambda: Root("L5", "left", contrast_volume_ml=math.nan), "contrast_volume_ml", "finite"),
        (lambda: Root("L5", "left", contrast_volume_ml="2"), "contrast_volume_ml", "number"),
        (lambda: Root("L5", "left", block_assessed_min=-1), "block_assessed_min", "at least 0"),
        (lambda: Root("L5", "left", subtraction_used="yes"), "subtraction_used", "true or false"),
        (lambda: Root("L5", "left", drugs=["lidocaine"]), "drugs[0]", "DrugDose"),
        (lambda: Root("L5", "left", films=[Film("a", id="x"), Film("b", id="x")]), "films[1].id", "duplicate"),
        (lambda: DrugDose(""), "drug", "empty"),
        (lambda: DrugDose("lidocaine", dose_mg=-1), "dose_mg", "at least 0"),
        (lambda: DrugDose("lidocaine", volume_ml=math.inf), "volume_ml", "finite"),
        (lambda: DrugDose("lidocaine", concentration_pct=150), "concentration_pct", "at most 100"),
        (lambda: DrugDose("lidocaine", dose_mg=True), "dose_mg", "number"),
        (lambda: Case(age=121), "age", "at most 120"),
        (lambda: Case(age=-1), "age", "at least 0"),
        (lambda: Case(age=40.5), "age", "whole number"),
        (lambda: Case(sex="male"), "sex", "M, F"),
        (lambda: Case(iodine_allergy_test_done="no"), "iodine_allergy_test_done", "true or false"),
        (lambda: Case(id=""), "id", "empty"),
        (lambda: Case(roots=[Root("L5", "left", id="r"), Root("L4", "left", id="r")]), "roots[1].id", "duplicate"),
        (lambda: Case(roots=[Root("L5", "left", films=[Film("a", id="f")]), Root("L4", "left", films=[Film("b", id="f")])]),
         "roots[1].films[0].id", "duplicate"),
        (lambda: Film(""), "path", "empty"),
        (lambda: Film("/abs/a.dcm"), "path", "relative"),
        (lambda: Film("C:\\films\\a.dcm"), "path", "relative"),
        (lambda: Film("a.dcm", view="PA"), "view", "AP"),
        (lambda: Film("a.dcm", key_frame=-1), "key_frame", "at least 0"),
        (lambda: Film("a.dcm", calibration=None), "calibration", "Calibration"),
        (lambda: Film("a.dcm", directions="LF"), "directions", "Directions"),
        (lambda: Film("a.dcm", annotations=[Annotation("tip", "point", [(0, 0)], id="a")] * 2), "annotations[1].id",
         "duplicate"),
        (lambda: Redaction(0, 0, 0, 5), "x1", "non-zero"),
        (lambda: Redaction(0, math.nan, 1, 5), "y0", "finite"),
        (lambda: Finding(""), "code", "empty"),
        (lambda: Finding("l5_tilt_angle", angle_deg=math.inf), "angle_deg", "finite"),
        (lambda: Annotation("needle", "point", [(0, 0)]), "role", "tip"),
        (lambda: Annotation("tip", "line", [(0, 0), (1, 1)]), "kind", "not allowed"),
        (lambda: Annotation("tip", "point", [(0, math.nan)]), "points", "finite"),
        (lambda: Annotation("tip", "point", [(0, 0), (1, 1)]), "points", "2 points"),
        (lambda: Annotation("tip", "point", [(0, 0)], frame=-1), "frame", "non-negative"),
        (lambda: Annotation("tip", "point", [(0, 0)], level="T12"), "level", "L1"),
        (lambda: Annotation("tip", "point", [(0, 0)], radii=(1, 1)), "radii", "only an ellipse"),
        (lambda: Annotation("s1_foramen", "ellipse", [(0, 0)], radii=(0, 1)), "radii", "positive"),
        (lambda: Annotation("angle", "polyline", [(0, 0), (1, 1)]), "points", "three"),
    ],
)
def test_bad_values_are_refused_naming_the_field(build, field: str, words: str) -> None:
    with pytest.raises(FieldError) as info:
        build()
    assert isinstance(info.value, ValueError)
    assert info.value.field == field
    assert words in str(info.value)
    assert str(info.value).startswith(f"{field}: ")


def test_values_are_normalised() -> None:
    r = Root("l5", "right", technique="block", contrast_volume_ml=2)
    assert r.level == "L5" and r.side is Side.RIGHT and isinstance(r.contrast_volume_ml, float)
    f = Film("sub\\a.dcm", view="lateral")
    assert f.path == "sub/a.dcm" and f.view is View.LATERAL
    red = Redaction(10, 20, 0, 5)
    assert (red.x0, red.y0, red.x1, red.y1) == (0.0, 5.0, 10.0, 20.0)
    a = Annotation("tip", "point", [(1, 2)], level="s1")
    assert a.level == "S1" and a.role is Role.TIP


def test_edges_are_accepted() -> None:
    Case(age=0)
    Case(age=120, sex="F", iodine_allergy_test_done=False)
    Root("S1", "left", contrast_volume_ml=0, block_assessed_min=0.0)
    DrugDose("lidocaine", concentration_pct=0, dose_mg=0, volume_ml=0)
    Film("../shared/a.dcm")  # a folder beside the case folder is allowed


def test_effective_calibration_order() -> None:
    det = Calibration(0.2, 0.2, CalibrationSource.DETECTOR)
    over = Calibration(0.25, 0.25, CalibrationSource.USER)
    f = Film("a.dcm", calibration=det)
    assert f.effective_calibration() == det
    f.calibration_override = over
    assert f.effective_calibration() == over
    line = Annotation("calibration", "line", [(0, 0), (100, 0)], attrs={"length_mm": 50.0})
    f.annotations.append(line)
    assert f.effective_calibration().row_mm == pytest.approx(0.5)


def test_effective_directions_order() -> None:
    f = Film("a.dcm", view=View.LATERAL)
    assert f.effective_directions().x == "P"
    f.directions = Directions("A", "F", "file")
    assert f.effective_directions().x == "A"
    f.directions_override = Directions("P", "F", "user")
    assert f.effective_directions().x == "P"


def test_lookups_raise_clear_key_errors() -> None:
    c = Case(roots=[Root("L5", "left", id="r", films=[Film("a.dcm", id="f")])])
    assert c.film("f")[0].id == "r"
    for call, text in ((lambda: c.root("x"), "no root with id 'x'"), (lambda: c.film("x"), "no film with id 'x'"),
                       (lambda: c.roots[0].finding("x"), "no finding"),
                       (lambda: c.roots[0].films[0].annotation("x"), "no annotation"),
                       (lambda: c.roots[0].films[0].redaction("x"), "no redaction")):
        with pytest.raises(UnknownItemError, match=text) as info:
            call()
        assert isinstance(info.value, KeyError)


def test_reprs_carry_no_free_text() -> None:
    # fixed ids: random hex ids may themselves contain "123" or "1950"
    c = Case(id="case-a", title="Zhang San", symptoms="Zhang's pain", notes="MRN 123",
             roots=[Root("L5", "left", id="root-a", notes="Zhang",
                         films=[Film("ZhangSan_1950.dcm", id="film-a", caption="Zhang")])])
    for obj in (c, c.roots[0], c.roots[0].films[0]):
        assert "Zhang" not in repr(obj) and "123" not in repr(obj) and "1950" not in repr(obj)


def test_frozen_items_copy_and_pickle() -> None:
    a = Annotation("ruler", "line", [(0, 0), (1, 1)], attrs={"k": [1]}, extra={"x": {"y": 2}})
    for obj in (a, DrugDose("x", extra={"a": 1}), Finding("c", extra={"b": 2}), Redaction(0, 0, 1, 1, extra={"c": 3})):
        assert copy.deepcopy(obj) == obj
        assert pickle.loads(pickle.dumps(obj)) == obj
    b = copy.deepcopy(a)
    b.attrs["k"].append(2)  # the copy is deep
    assert a.attrs["k"] == [1]


def test_a_calibration_line_of_zero_length_calibrates_nothing() -> None:
    from annotator.geometry import Calibration, CalibrationSource

    file_cal = Calibration(0.25, 0.25, CalibrationSource.ERMF)
    dot = Annotation("calibration", "line", [(5, 5), (5, 5)], attrs={"length_mm": 10})
    assert Film("a.dcm", calibration=file_cal, annotations=[dot]).effective_calibration() == file_cal
    line = Annotation("calibration", "line", [(0, 0), (40, 0)], attrs={"length_mm": 20})
    cal = Film("a.dcm", calibration=file_cal, annotations=[line]).effective_calibration()
    assert cal.source is CalibrationSource.USER and cal.col_mm == pytest.approx(0.5)
