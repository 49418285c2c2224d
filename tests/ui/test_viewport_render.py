"""A viewport with a film and annotations rendered offscreen to a PNG (and checked)."""

from __future__ import annotations

import os

from PyQt6.QtGui import QImage

from annotator.geometry import Calibration, CalibrationSource
from annotator.model import Annotation, Role, ShapeKind
from annotator.ui.viewport import Viewport
from annotator.ui.viewport.palette import role_rgba, status_rgba
from tests.ui.test_viewport_support import MemoryImage, make_case, ramp


def test_render_annotated_viewport_to_png(qtbot, tmp_path):
    doc, root, ap, _lat = make_case(tmp_path, tip=(126.0, 112.0))
    for ann in (
        Annotation(Role.CONTRAST_PATH, ShapeKind.POLYLINE, ((126, 112), (150, 140), (165, 190), (170, 240))),
        Annotation(Role.RULER, ShapeKind.LINE, ((20, 220), (120, 220))),
        Annotation(Role.LEVEL_LABEL, ShapeKind.POINT, ((40, 90),), text="L5", level="L5"),
        Annotation(Role.SHAFT, ShapeKind.LINE, ((230, 20), (126, 112))),
    ):
        doc.add_annotation(ap.id, ann)
    vp = Viewport(doc)
    qtbot.addWidget(vp)
    vp.resize(520, 520)
    vp.show()
    qtbot.waitExposed(vp)
    doc.update_film(ap.id, calibration=Calibration(0.3, 0.3, CalibrationSource.DETECTOR))
    vp.set_film(root.id, ap.id, MemoryImage(ramp(frames=3), frame_time_ms=66.7, spacing_mm=0.3))
    c = vp.canvas
    c.magnifier = True
    c._cursor = c.transform.to_widget(126, 112)
    out = tmp_path / "viewport.png"
    assert vp.grab().save(str(out))
    if os.environ.get("VIEWPORT_PNG"):  # a copy to look at by hand
        vp.grab().save(os.environ["VIEWPORT_PNG"])
    img = QImage(str(out))
    assert img.width() >= 520 and img.height() >= 520
    verdict = c.result.verdict
    expected = status_rgba(verdict.status)
    sx, sy = (round(v) for v in c.transform.to_widget(126, 112))
    col = img.pixelColor(sx, sy)
    assert abs(col.red() - expected[0]) < 40 and abs(col.green() - expected[1]) < 40
    assert expected != role_rgba("tip")  # the verdict colour, not the role colour
    from annotator.ui.viewport.furniture import magnifier_geometry

    ix, iy, mag = magnifier_geometry(c, c._cursor)  # the inset shows the tip, magnified
    assert mag.to_widget(126, 112) == (ix, iy) or abs(mag.to_widget(126, 112)[0] - ix) < 1e-6
    assert mag.zoom == c.transform.zoom * 3
    col = img.pixelColor(round(ix), round(iy))
    assert abs(col.red() - expected[0]) < 40 and abs(col.green() - expected[1]) < 40
    corner = " ".join(sum(c.corner_text().values(), []))
    assert "Frame 1/3" in corner and "C/W" in corner and "Zoom" in corner
