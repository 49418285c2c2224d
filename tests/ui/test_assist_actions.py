"""The Assist toolbar: propose needle (Enter accepts, Esc rejects), analyse path (profile panel, cutoff)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from PyQt6.QtCore import Qt
from PyQt6.QtWidgets import QMainWindow

from annotator.model import Annotation, Case, Film, Role, Root, ShapeKind, Side, View
from annotator.model.document import CaseDocument
from annotator.ui.assist_actions import install_assist_actions
from annotator.ui.workspace import Workspace
from tests.ui.test_viewport_support import MemoryImage

pytest.importorskip("skimage")


@pytest.fixture(scope="module")
def phantom():
    from sample_images.phantom import PhantomParams, render_film

    film = render_film(PhantomParams(seed=3, size=512))
    return film.pixels, film.truth


def band_image(size: int = 256, stop_x: int = 120, y: float = 128.0, width_px: float = 10.0) -> np.ndarray:
    """MONOCHROME2 film (dense = dark) with a horizontal contrast band from x=20 that stops abruptly at ``stop_x``."""
    from scipy import ndimage

    rng = np.random.default_rng(0)
    yy, xx = np.mgrid[0:size, 0:size].astype(float)
    band = np.exp(-0.5 * ((yy - y) / (width_px / 2.355)) ** 2)
    band[:, stop_x:] = 0
    band[:, :20] = 0
    img = ndimage.gaussian_filter(3000.0 - 1400.0 * band, 1.0) + rng.normal(0, 20, (size, size))
    return np.clip(img, 0, 4095).astype(np.uint16)


class Window(QMainWindow):
    def __init__(self, doc):
        super().__init__()
        self.document = doc
        self.workspace = Workspace(doc)
        self.setCentralWidget(self.workspace)


def open_window(qtbot, doc, root, film, image):
    win = Window(doc)
    qtbot.addWidget(win)
    toolbar = install_assist_actions(win, win.workspace, doc)
    win.resize(900, 650)
    win.show()
    qtbot.waitExposed(win)
    vp = win.workspace.show_film(root.id, film.id, image)
    return win, toolbar.assist, vp.canvas


def one_film_doc(tmp_path, annotations=(), spacing=None):
    film = Film(path="film.dcm", view=View.AP, annotations=list(annotations))
    root = Root(level="L4", side=Side.LEFT, films=[film])
    return CaseDocument(Case(title="synthetic", roots=[root]), tmp_path), root, film


def press(qtbot, canvas, key):
    qtbot.keyClick(canvas, key)


def test_toolbar_has_the_four_assist_actions(qtbot, tmp_path, phantom):
    doc, root, film = one_film_doc(tmp_path)
    win, assist, _c = open_window(qtbot, doc, root, film, MemoryImage(phantom[0], spacing_mm=0.5))
    assert [a.text() for a in assist.toolbar.actions()][:4] == ["Propose needle", "Snap tip", "Live-wire path",
                                                               "Analyse path"]
    assert assist.profile_panel.isHidden()


def test_propose_needle_suggests_tip_and_shaft_then_enter_accepts_and_esc_rejects(qtbot, tmp_path, phantom):
    pixels, truth = phantom
    old_tip = Annotation(Role.TIP, ShapeKind.POINT, ((30.0, 30.0),))
    doc, root, film = one_film_doc(tmp_path, [old_tip])
    win, assist, c = open_window(qtbot, doc, root, film, MemoryImage(pixels, spacing_mm=0.5))
    assert assist.propose_needle() is not None
    anns = doc.film(film.id).annotations
    tips = [a for a in anns if a.role is Role.TIP and a.suggested]
    shafts = [a for a in anns if a.role is Role.SHAFT and a.suggested]
    assert len(tips) == 1 and len(shafts) == 1
    assert math.dist(tips[0].points[0], truth["tip"]) < 2.0
    assert doc.film(film.id).annotation(old_tip.id).suggested is False  # nothing confirmed yet
    # drawn dashed with a "?"; the tip suggestion is selected
    item = next(it for it in c.overlay_items() if it.ann_id == tips[0].id)
    assert item.dash and item.label.endswith("?")
    assert c.selection.annotation_id == tips[0].id
    c.setFocus()
    press(qtbot, c, Qt.Key.Key_Return)  # Enter on the proposed tip accepts the tip AND its shaft
    anns = doc.film(film.id).annotations
    assert [(a.id, a.suggested) for a in anns if a.role is Role.TIP] == [(tips[0].id, False)]  # replaced the old one
    assert [(a.id, a.suggested) for a in anns if a.role is Role.SHAFT] == [(shafts[0].id, False)]
    assert c.selection.annotation_id is None
    doc.undo()  # one undo step: the old tip is back, the proposal unconfirmed
    tips_back = {a.id: a.suggested for a in doc.film(film.id).annotations if a.role is Role.TIP}
    assert tips_back == {old_tip.id: False, tips[0].id: True}
    assert [a.suggested for a in doc.film(film.id).annotations if a.role is Role.SHAFT] == [True]


def test_escape_on_a_proposed_tip_rejects_its_shaft_too_in_one_undo_step(qtbot, tmp_path, phantom):
    doc, root, film = one_film_doc(tmp_path)
    win, assist, c = open_window(qtbot, doc, root, film, MemoryImage(phantom[0], spacing_mm=0.5))
    assist.propose_needle()
    tip = next(a for a in doc.film(film.id).annotations if a.role is Role.TIP)
    assert c.selection.annotation_id == tip.id
    c.setFocus()
    press(qtbot, c, Qt.Key.Key_Escape)
    assert doc.film(film.id).annotations == []
    doc.undo()
    assert sorted(str(a.role) for a in doc.film(film.id).annotations if a.suggested) == ["shaft", "tip"]


def test_proposing_twice_replaces_the_earlier_proposal(qtbot, tmp_path, phantom):
    doc, root, film = one_film_doc(tmp_path)
    win, assist, c = open_window(qtbot, doc, root, film, MemoryImage(phantom[0], spacing_mm=0.5))
    assist.propose_needle()
    assist.propose_needle()
    assert len(doc.film(film.id).annotations) == 2


def test_escape_without_a_suggestion_selected_deletes_nothing(qtbot, tmp_path, phantom):
    tip = Annotation(Role.TIP, ShapeKind.POINT, ((30.0, 30.0),))
    doc, root, film = one_film_doc(tmp_path, [tip])
    win, assist, c = open_window(qtbot, doc, root, film, MemoryImage(phantom[0], spacing_mm=0.5))
    c.select_annotation(tip.id)
    c.setFocus()
    press(qtbot, c, Qt.Key.Key_Escape)
    press(qtbot, c, Qt.Key.Key_Return)
    assert doc.film(film.id).annotations == [tip] and not doc.can_undo


def path_doc(tmp_path):
    path = Annotation(Role.CONTRAST_PATH, ShapeKind.POLYLINE, ((22.0, 128.0), (130.0, 128.0), (240.0, 128.0)))
    return one_film_doc(tmp_path, [path])


def test_analyse_path_suggests_a_cutoff_and_shows_the_profile(qtbot, tmp_path):
    doc, root, film = path_doc(tmp_path)
    win, assist, c = open_window(qtbot, doc, root, film, MemoryImage(band_image(), spacing_mm=0.25))
    result = assist.analyse_path()
    codes = [f.code for f, _a in result.suggestions]
    assert "contrast_cutoff" in codes
    finding = next(f for f in doc.case.root(root.id).findings if f.code == "contrast_cutoff")
    ann = doc.film(film.id).annotation(finding.annotation_id)
    assert finding.suggested and ann.suggested and ann.role is Role.FINDING
    assert abs(ann.points[0][0] - 120.0) < 8.0  # the band stops at x = 120 px (2 mm)
    panel = assist.profile_panel
    assert panel.isVisible() and panel.plot_rgb is not None and panel.plot_rgb.ndim == 3
    assert "contrast cut-off / filling defect" in panel.text_label.text()  # the vocabulary name, not the code
    assert "contrast_cutoff" not in panel.text_label.text()
    assert next(it for it in c.overlay_items() if it.ann_id == ann.id).label == "contrast cut-off ?"
    assert "Enter/Esc: accept/reject the selected suggestion" in win.statusBar().currentMessage()
    # accept it with Enter
    c.select_annotation(ann.id)
    c.setFocus()
    press(qtbot, c, Qt.Key.Key_Return)
    finding = doc.case.root(root.id).finding(finding.id)
    assert not finding.suggested and not doc.film(film.id).annotation(ann.id).suggested


def test_rejecting_a_path_suggestion_removes_its_finding(qtbot, tmp_path):
    doc, root, film = path_doc(tmp_path)
    win, assist, c = open_window(qtbot, doc, root, film, MemoryImage(band_image(), spacing_mm=0.25))
    assist.analyse_path()
    ann = next(a for a in doc.film(film.id).annotations if a.role is Role.FINDING)
    c.select_annotation(ann.id)
    c.setFocus()
    press(qtbot, c, Qt.Key.Key_Escape)
    assert not [f for f in doc.case.root(root.id).findings if f.annotation_id == ann.id]
    assert all(a.id != ann.id for a in doc.film(film.id).annotations)


def test_analysing_a_band_that_runs_on_suggests_no_cutoff(qtbot, tmp_path):
    doc, root, film = path_doc(tmp_path)
    win, assist, c = open_window(qtbot, doc, root, film, MemoryImage(band_image(stop_x=256), spacing_mm=0.25))
    result = assist.analyse_path()
    assert "contrast_cutoff" not in [f.code for f, _a in result.suggestions]
    assert assist.profile_panel.plot_rgb is not None


def test_analyse_without_a_path_says_what_to_do(qtbot, tmp_path, phantom):
    doc, root, film = one_film_doc(tmp_path)
    win, assist, c = open_window(qtbot, doc, root, film, MemoryImage(phantom[0], spacing_mm=0.5))
    assert assist.analyse_path() is None
    assert "contrast path" in win.statusBar().currentMessage()
    assert not doc.can_undo


def test_analysed_path_reads_in_chinese_on_canvas_panel_and_plot_marks(qtbot, tmp_path, monkeypatch):
    from annotator.ui import i18n
    from annotator.ui import profile_panel as panel_module

    doc, root, film = path_doc(tmp_path)
    win, assist, c = open_window(qtbot, doc, root, film, MemoryImage(band_image(), spacing_mm=0.25))
    i18n.set_language("zh", remember=False)
    seen = {}
    real = panel_module.ProfilePanel.show_profile

    def spy(self, profile, marks=(), lines=None):
        seen["marks"] = list(marks)
        return real(self, profile, marks, lines)

    monkeypatch.setattr(panel_module.ProfilePanel, "show_profile", spy)
    result = assist.analyse_path()
    ann = next(a for f, a in result.suggestions if f.code == "contrast_cutoff")
    assert next(it for it in c.overlay_items() if it.ann_id == ann.id).label == "神经根造影剂中断 ?"
    assert "神经根造影剂中断" in assist.profile_panel.text_label.text()
    assert "contrast_cutoff" not in assist.profile_panel.text_label.text()
    assert "神经根造影剂中断" in [label for _s, label in seen["marks"]]
    assert not any("_" in label for _s, label in seen["marks"])


def test_a_low_confidence_needle_proposal_says_so(qtbot, tmp_path, phantom, monkeypatch):
    from dataclasses import replace

    import annotator.assist.needle as needle

    real = needle.propose_needles
    confidence = {"value": 0.78}

    def with_confidence(*args, **kwargs):  # the real proposals, their confidence fixed by the test
        return [replace(p, confidence=confidence["value"]) for p in real(*args, **kwargs)]

    monkeypatch.setattr(needle, "propose_needles", with_confidence)
    doc, root, film = one_film_doc(tmp_path)
    win, assist, c = open_window(qtbot, doc, root, film, MemoryImage(phantom[0], spacing_mm=0.5))
    assist.propose_needle()
    assert "low confidence — check the tip before accepting" in win.statusBar().currentMessage()
    confidence["value"] = 0.97
    assist.propose_needle()
    assert "low confidence" not in win.statusBar().currentMessage()


def test_rejecting_every_path_suggestion_leaves_a_saved_case_saved(qtbot, tmp_path):
    from annotator.io.casefile import save_case

    doc, root, film = path_doc(tmp_path)
    path = tmp_path / "saved" / "case.json"
    path.parent.mkdir()
    save_case(doc.case, path)
    doc.path = path
    doc.mark_saved()
    win, assist, c = open_window(qtbot, doc, root, film, MemoryImage(band_image(), spacing_mm=0.25))
    assist.analyse_path()
    suggested = [a for a in doc.film(film.id).annotations if a.suggested]
    assert suggested and doc.dirty
    for ann in suggested:
        c.select_annotation(ann.id)
        c.setFocus()
        press(qtbot, c, Qt.Key.Key_Escape)
    assert not [a for a in doc.film(film.id).annotations if a.suggested]
    assert not doc.dirty  # everything the analysis proposed was taken back: nothing to save
    doc.undo()  # the last suggestion back: unsaved again
    assert doc.dirty


def test_q_makes_the_other_end_of_a_proposed_needle_its_tip(qtbot, tmp_path, phantom):
    pixels, truth = phantom
    doc, root, film = one_film_doc(tmp_path)
    win, assist, c = open_window(qtbot, doc, root, film, MemoryImage(pixels, spacing_mm=0.5))
    prop = assist.propose_needle()
    assert prop is not None
    tip = next(a for a in doc.film(film.id).annotations if a.role is Role.TIP)
    messages: list[str] = []
    c.status_message.connect(messages.append)
    c.setFocus()
    press(qtbot, c, Qt.Key.Key_Q)  # both ends are candidates: one key picks the other
    tip_now = doc.film(film.id).annotation(tip.id)
    shaft = next(a for a in doc.film(film.id).annotations if a.role is Role.SHAFT)
    assert math.dist(tip_now.points[0], prop.other_end) < 1e-6 and tip_now.suggested
    assert shaft.points[1] == tip_now.points[0] and shaft.suggested  # still hub first
    assert "other end of the needle is now the suggested tip" in messages[-1]
    press(qtbot, c, Qt.Key.Key_Q)  # and back
    assert math.dist(doc.film(film.id).annotation(tip.id).points[0], prop.tip) < 1e-6
    doc.undo()
    assert math.dist(doc.film(film.id).annotation(tip.id).points[0], prop.other_end) < 1e-6
    press(qtbot, c, Qt.Key.Key_Return)  # accepting takes the chosen end
    assert not doc.film(film.id).annotation(tip.id).suggested
