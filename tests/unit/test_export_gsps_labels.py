"""Presentation-state labels: what the screen shows, and the annotation's own text back on reading."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pydicom
import pytest

from annotator.export.dicom_gsps import build_gsps
from annotator.export.dicom_read import read_presentation_state
from annotator.geometry import Calibration, CalibrationSource
from annotator.model import Annotation, Film, Role, ShapeKind, View
from tests.unit.test_export_fixtures import make_dicom

pytestmark = pytest.mark.filterwarnings("ignore::UserWarning:highdicom")

UNITS = {  # every unit label a calibration can have (README: mm, mm (ERMF), mm (detector), mm (calibrated), px)
    CalibrationSource.PIXEL_SPACING: "mm", CalibrationSource.ERMF: "mm (ERMF)",
    CalibrationSource.DETECTOR: "mm (detector)", CalibrationSource.USER: "mm (calibrated)",
    CalibrationSource.NONE: "px",
}


def _film(source: CalibrationSource, calibration_line: bool = False) -> Film:
    """A film with one annotation of every labelled role; ``calibration_line``: also a line of
    known length (which then sets the film's calibration: "mm (calibrated)")."""
    cal = Calibration(None, None, source) if source is CalibrationSource.NONE else Calibration(0.3, 0.3, source)
    f = Film(path="a.dcm", view=View.AP, calibration=cal)
    f.annotations += [
        Annotation(Role.RULER, ShapeKind.LINE, ((20.0, 200.0), (120.0, 200.0)), text="disc height"),
        Annotation(Role.RULER, ShapeKind.LINE, ((20.0, 210.0), (60.0, 230.0))),
        Annotation(Role.ANGLE, ShapeKind.POLYLINE, ((10.0, 50.0), (50.0, 50.0), (50.0, 10.0))),
        Annotation(Role.FINDING, ShapeKind.POINT, ((80.0, 80.0),), text="intravascular"),
        Annotation(Role.ILIAC_CREST, ShapeKind.LINE, ((0.0, 150.0), (240.0, 150.0))),
        Annotation(Role.LEVEL_LABEL, ShapeKind.POINT, ((60.0, 100.0),), text="L5"),
        Annotation(Role.ARROW, ShapeKind.LINE, ((200.0, 180.0), (160.0, 150.0)), text="cut-off"),
    ]
    if calibration_line:
        f.annotations.append(Annotation(Role.CALIBRATION, ShapeKind.LINE, ((10.0, 10.0), (110.0, 10.0)),
                                        text="ball", attrs={"length_mm": 25.0}))
    return f


def _texts(gsps) -> list[str]:
    return [str(t.UnformattedTextValue) for item in gsps.GraphicAnnotationSequence
            for t in getattr(item, "TextObjectSequence", [])]


@pytest.mark.parametrize(("source", "line"), [(s, False) for s in UNITS] + [(CalibrationSource.NONE, True)])
def test_every_unit_label_survives_export_and_re_export(tmp_path: Path, source: CalibrationSource,
                                                        line: bool) -> None:
    src = pydicom.dcmread(make_dicom(tmp_path / "a.dcm"))
    film = _film(source, calibration_line=line)
    want = {a.id: a.text for a in film.annotations}
    for _round in range(3):  # export, read back, export what was read ...
        gsps = build_gsps(src, film, series_uid="1.2.3", sop_uid="1.2.3.4", window=(2048, 4096))
        got = {a.id: a.text for a in read_presentation_state(gsps).annotations}
        assert got == want
        film = replace(film, annotations=[replace(a, text=got[a.id]) for a in film.annotations])
    texts = _texts(gsps)
    unit = film.effective_calibration().unit_label
    assert unit == ("mm (calibrated)" if line else UNITS[source])
    ruler = "100 px" if unit == "px" else f"{25.0 if line else 30.0:.1f} {unit}"
    assert f"disc height {ruler}" in texts
    assert sum(t.endswith(f" {unit}") for t in texts) == 2 + line  # one length each, never appended again


@pytest.mark.parametrize(("lang", "finding", "crest"), [("en", "intravascular uptake", "iliac crest (≈ L4 / L4-5)"),
                                                        ("zh", "血管内显影", "髂嵴连线（≈ L4 / L4-5）")])
def test_labels_are_the_screens_in_the_export_language(tmp_path: Path, lang: str, finding: str, crest: str) -> None:
    src = pydicom.dcmread(make_dicom(tmp_path / "a.dcm"))
    texts = _texts(build_gsps(src, _film(CalibrationSource.ERMF, True), series_uid="1.2.3", sop_uid="1.2.3.4", lang=lang,
                            window=(2048, 4096)))
    assert finding in texts and "intravascular" not in texts  # the vocabulary's name, not the raw code
    assert crest in texts and "90.0°" in texts and "cut-off" in texts and "L5" in texts
