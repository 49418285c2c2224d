"""Presentation states of other tools: found next to the case, drawn read-only, never selectable."""

from __future__ import annotations

import numpy as np
import pytest
from PyQt6.QtCore import QPoint, Qt

from annotator.io import open_image
from annotator.model import Case, Film, Root, Side, View
from annotator.model.document import CaseDocument
from annotator.ui import presentation_states
from annotator.ui.viewport import Viewport
from annotator.ui.viewport.foreign import FOREIGN_COLOR

pydicom = pytest.importorskip("pydicom")
from pydicom.dataset import Dataset, FileMetaDataset  # noqa: E402
from pydicom.uid import ExplicitVRLittleEndian, generate_uid  # noqa: E402

GSPS = "1.2.840.10008.5.1.4.1.1.11.1"
SC = "1.2.840.10008.5.1.4.1.1.7"
L = Qt.MouseButton.LeftButton


def _meta(sop_class: str, sop_uid: str) -> FileMetaDataset:
    meta = FileMetaDataset()
    meta.MediaStorageSOPClassUID = sop_class
    meta.MediaStorageSOPInstanceUID = sop_uid
    meta.TransferSyntaxUID = ExplicitVRLittleEndian
    return meta


def write_film(path, size=200) -> str:
    """A synthetic grey MONOCHROME2 film (secondary capture); returns its SOP Instance UID."""
    uid = generate_uid()
    ds = Dataset()
    ds.file_meta = _meta(SC, uid)
    ds.SOPClassUID, ds.SOPInstanceUID = SC, uid
    ds.StudyInstanceUID, ds.SeriesInstanceUID = generate_uid(), generate_uid()
    ds.Modality = "OT"
    ds.PatientName = "PHANTOM^TEST"
    ds.Rows = ds.Columns = size
    ds.SamplesPerPixel, ds.PhotometricInterpretation = 1, "MONOCHROME2"
    ds.BitsAllocated, ds.BitsStored, ds.HighBit, ds.PixelRepresentation = 16, 12, 11, 0
    yy, xx = np.mgrid[0:size, 0:size]
    ds.PixelData = ((xx + yy) * 4 + 500).astype(np.uint16).tobytes()
    ds.save_as(path, enforce_file_format=True)
    return uid


def write_gsps(path, film_uid: str, line=((40.0, 150.0), (160.0, 150.0)), text="other tool") -> None:
    """A plain pydicom GSPS (not ours) with one POLYLINE and one text, PIXEL units, referencing ``film_uid``."""
    uid = generate_uid()
    ds = Dataset()
    ds.file_meta = _meta(GSPS, uid)
    ds.SOPClassUID, ds.SOPInstanceUID, ds.Modality = GSPS, uid, "PR"
    ds.Manufacturer = "Other Viewer Inc"
    ds.ContentLabel = "OTHER"
    ref = Dataset()
    ref.ReferencedSOPClassUID, ref.ReferencedSOPInstanceUID = SC, film_uid
    series = Dataset()
    series.SeriesInstanceUID = generate_uid()
    series.ReferencedImageSequence = [ref]
    ds.ReferencedSeriesSequence = [series]
    g = Dataset()
    g.GraphicAnnotationUnits, g.GraphicDimensions = "PIXEL", 2
    g.NumberOfGraphicPoints = len(line)
    g.GraphicData = [float(v) for p in line for v in p]
    g.GraphicType, g.GraphicFilled = "POLYLINE", "N"
    t = Dataset()
    t.UnformattedTextValue = text
    t.AnchorPointAnnotationUnits = "PIXEL"
    t.AnchorPoint = [40.0, 40.0]
    t.AnchorPointVisibility = "N"
    item = Dataset()
    item.GraphicLayer = "LAYER1"
    iref = Dataset()
    iref.ReferencedSOPClassUID, iref.ReferencedSOPInstanceUID = SC, film_uid
    item.ReferencedImageSequence = [iref]
    item.GraphicObjectSequence = [g]
    item.TextObjectSequence = [t]
    ds.GraphicAnnotationSequence = [item]
    ds.save_as(path, enforce_file_format=True)


@pytest.fixture
def film_case(tmp_path):
    presentation_states.clear_cache()
    folder = tmp_path / "case"
    (folder / "presentation_states").mkdir(parents=True)
    uid = write_film(folder / "film.dcm")
    film = Film(path="film.dcm", view=View.AP)
    root = Root(level="L5", side=Side.RIGHT, films=[film])
    doc = CaseDocument(Case(title="synthetic", roots=[root]), folder)
    return doc, root, film, folder, uid


def show(qtbot, doc, root, film, folder):
    vp = Viewport(doc)
    qtbot.addWidget(vp)
    vp.resize(400, 400)
    vp.show()
    qtbot.waitExposed(vp)
    vp.set_film(root.id, film.id, open_image(folder / film.path))
    return vp


def foreign_pixels(canvas) -> int:
    img = canvas.grab().toImage()
    n = 0
    for y in range(0, img.height()):
        for x in range(0, img.width()):
            c = img.pixelColor(x, y)
            if abs(c.red() - FOREIGN_COLOR[0]) < 25 and abs(c.green() - FOREIGN_COLOR[1]) < 25 \
                    and abs(c.blue() - FOREIGN_COLOR[2]) < 25:
                n += 1
    return n


def test_headers_find_the_gsps_that_references_the_film(film_case):
    doc, _root, film, folder, uid = film_case
    write_gsps(folder / "presentation_states" / "other.dcm", uid)
    write_gsps(folder / "unrelated_pr.dcm", generate_uid())  # references another image
    assert presentation_states.film_sop_instance_uid(folder / "film.dcm") == uid
    found = presentation_states.find_presentation_states(folder, uid)
    assert [h.path.name for h in found] == ["other.dcm"]
    graphics = presentation_states.foreign_graphics(folder, folder / "film.dcm", (200, 200))
    assert sorted(g.kind for g in graphics) == ["POLYLINE", "TEXT"]
    assert [g.text for g in graphics if g.kind == "TEXT"] == ["other tool"]


def test_foreign_layer_is_drawn_dashed_with_a_pr_label_and_toggles(qtbot, film_case):
    doc, root, film, folder, uid = film_case
    write_gsps(folder / "presentation_states" / "other.dcm", uid)
    vp = show(qtbot, doc, root, film, folder)
    items = [it for it in vp.canvas.overlay_items() if it.layer == "foreign"]
    line = next(it for it in items if it.shape == "path")
    assert line.dash and line.label == "PR" and line.ann_id is None
    assert line.points == ((40.0, 150.0), (160.0, 150.0))
    assert any(it.label == "PR: other tool" for it in items)
    drawn = foreign_pixels(vp.canvas)
    assert drawn > 30
    vp.set_show_foreign(False)
    assert not [it for it in vp.canvas.overlay_items() if it.layer == "foreign"]
    assert foreign_pixels(vp.canvas) < drawn / 10
    vp.set_show_foreign(True)
    assert [it for it in vp.canvas.overlay_items() if it.layer == "foreign"]


def test_foreign_graphics_cannot_be_selected_moved_or_deleted(qtbot, film_case):
    doc, root, film, folder, uid = film_case
    write_gsps(folder / "other_pr.dcm", uid)  # in the case folder itself
    vp = show(qtbot, doc, root, film, folder)
    c = vp.canvas
    assert c.foreign_graphics
    vp.set_tool("select")
    sx, sy = c.transform.to_widget(100.0, 150.0)
    at = QPoint(round(sx), round(sy))
    qtbot.mouseClick(c, L, pos=at)
    assert c.selection.annotation_id is None and c.selection.redaction_id is None
    qtbot.mousePress(c, L, pos=at)
    qtbot.mouseMove(c, QPoint(at.x() + 30, at.y() + 20))
    qtbot.mouseRelease(c, L, pos=QPoint(at.x() + 30, at.y() + 20))
    qtbot.keyClick(c, Qt.Key.Key_Delete)
    assert not doc.can_undo and doc.film(film.id).annotations == []
    line = next(it for it in c.overlay_items() if it.layer == "foreign" and it.shape == "path")
    assert line.points == ((40.0, 150.0), (160.0, 150.0))


def test_a_png_film_has_no_foreign_layer(qtbot, tmp_path):
    from PIL import Image

    presentation_states.clear_cache()
    folder = tmp_path / "png"
    folder.mkdir()
    Image.fromarray(np.full((64, 64), 128, np.uint8)).save(folder / "a.png")
    film = Film(path="a.png", view=View.AP)
    root = Root(level="L5", side=Side.RIGHT, films=[film])
    doc = CaseDocument(Case(title="png", roots=[root]), folder)
    vp = show(qtbot, doc, root, film, folder)
    assert vp.canvas.foreign_graphics == []


def test_foreign_items_follow_frames_and_dicom_shapes():
    from annotator.export.dicom_read import ForeignGraphic
    from annotator.ui.viewport.foreign import foreign_items

    circle = ForeignGraphic("CIRCLE", ((50.0, 50.0), (60.0, 50.0)), "L")
    ellipse = ForeignGraphic("ELLIPSE", ((0.0, 0.0), (20.0, 0.0), (10.0, -5.0), (10.0, 5.0)), "L")
    closed = ForeignGraphic("POLYLINE", ((0.0, 0.0), (10.0, 0.0), (10.0, 10.0), (0.0, 0.0)), "L")
    only_frame_2 = ForeignGraphic("POINT", ((5.0, 5.0),), "L", frames=(2,))
    items = foreign_items([circle, ellipse, closed, only_frame_2], frame=0)
    assert [it.shape for it in items] == ["ellipse", "ellipse", "polygon"]
    assert items[0].radii == (10.0, 10.0) and items[0].points == ((50.0, 50.0),)
    assert items[1].points == ((10.0, 0.0),) and items[1].radii == (10.0, 5.0) and items[1].rotation == 0.0
    assert len(items[2].points) == 3
    assert [it.shape for it in foreign_items([only_frame_2], frame=1)] == ["marker"]  # DICOM frame 2 = index 1
    assert all(it.ann_id is None and it.layer == "foreign" for it in items)
