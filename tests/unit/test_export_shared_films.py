"""Exports of a film several roots use (issue #9 follow-up), on the bilateral_L5 sample case:
the shared AP film appears in each root's part with that root's verdict and tip (deck, burned-in
films, SR, GSPS), under its own figure label, and no file name or SOP instance is written twice."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pydicom
import pytest
from PIL import Image

from annotator.export import text as tx
from annotator.export.case_export import export_case
from annotator.export.dicom_read import read_measurement_report, read_presentation_state
from annotator.io.casefile import load_case
from annotator.render import style
from annotator.rules import evaluate_film
from annotator.rules.mark_choice import choose_tip

pytestmark = pytest.mark.filterwarnings("ignore::UserWarning:highdicom")

SAMPLE = Path(__file__).resolve().parents[2] / "sample_images" / "cases" / "bilateral_L5"


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory):
    if not SAMPLE.is_dir():
        pytest.skip("sample cases not generated")
    tmp = tmp_path_factory.mktemp("shared")
    folder = tmp / "bilateral_L5"
    shutil.copytree(SAMPLE, folder)
    case = load_case(folder / "case.json")
    result = export_case(case, folder, pptx=tmp / "deck.pptx", pdf=tmp / "deck.pdf", png_dir=tmp / "png",
                         dicom_dir=tmp / "dicom", seed="fixed")
    return case, tmp, result.files


def shared_film(case):
    [film] = [f for f in case.films() if len(case.roots_of(f.id)) > 1]
    return film


def root_verdicts(case):
    """(root, verdict on the shared film) per root, as the rules judge it for that root."""
    film = shared_film(case)
    return [(r, evaluate_film(film, r, None, case.films_of(r)).verdict) for r in case.roots_of(film.id)]


def test_the_sample_shares_its_ap_film_between_roots_with_different_verdicts(exported):
    case, _tmp, _files = exported
    statuses = [v.status for _r, v in root_verdicts(case)]
    assert len(statuses) == 2 and statuses[0] != statuses[1]  # else the tests below could not tell them apart


def test_no_file_is_written_twice_and_the_shared_film_once_per_root(exported):
    case, tmp, files = exported
    assert len(files) == len(set(files))
    label = shared_film(case).figure_label
    pngs = sorted(p.name for p in (tmp / "png").iterdir())
    assert pngs == sorted([f"case1-fig{label}.png", f"case1-fig{label}-left-L5.png", "case1-fig6B.png",
                           "case1-fig6C.png"])
    names = sorted(p.name for p in (tmp / "dicom" / "case1").iterdir())
    assert names.count(f"fig{label}-image.dcm") == 1 and not any("left-L5-image" in n for n in names)
    assert {f"fig{label}-gsps.dcm", f"fig{label}-left-L5-gsps.dcm", f"fig{label}-sc.dcm",
            f"fig{label}-left-L5-sc.dcm"} <= set(names)
    uids = [pydicom.dcmread(p, stop_before_pixels=True).SOPInstanceUID for p in (tmp / "dicom" / "case1").iterdir()]
    assert len(uids) == len(set(uids))


def _deck_text_per_root(text: str, case) -> dict[str, str]:
    """The summary's text of each root (from its "Root <label>" line to the next)."""
    out, current = {}, None
    labels = {f"Root {tx.root_label(r, 'en')}": r.id for r in case.roots}
    for line in text.splitlines():
        head = line.strip()
        if head in labels:
            current = labels[head]
            out[current] = ""
        elif current is not None:
            out[current] += line + "\n"
    return out


def _expect_both_verdicts(text: str, case) -> None:
    label = shared_film(case).figure_label
    parts = _deck_text_per_root(text, case)
    for root, verdict in root_verdicts(case):
        assert f"{label} {tx.status_label(verdict.status, 'en')}" in parts[root.id], (root.id, parts[root.id])


def test_deck_pdf_shows_each_roots_verdict_on_the_shared_film(exported):
    case, tmp, _files = exported
    pdftotext = shutil.which("pdftotext")
    if pdftotext is None:
        if os.environ.get("CI"):
            pytest.fail("pdftotext (poppler-utils) is not installed on CI")
        pytest.skip("pdftotext (poppler-utils) is not installed")
    text = subprocess.run([pdftotext, str(tmp / "deck.pdf"), "-"], capture_output=True, text=True,
                          check=True).stdout
    _expect_both_verdicts(text, case)


def test_deck_pptx_has_a_slide_of_the_shared_film_in_each_roots_part(exported):
    from pptx import Presentation

    case, tmp, _files = exported
    slides = list(Presentation(str(tmp / "deck.pptx")).slides)
    texts = ["\n".join(s.text_frame.text for s in slide.shapes if s.has_text_frame) for slide in slides]
    _expect_both_verdicts("\n".join(texts), case)
    label = shared_film(case).figure_label
    for root, verdict in root_verdicts(case):  # the annotated slide's notes: this root's verdict sentence
        notes = [s.notes_slide.notes_text_frame.text for s, t in zip(slides, texts)
                 if f"Fig {label} " in t and tx.root_label(root, "en") in t and s.has_notes_slide]
        assert any(verdict.explain("en") in n for n in notes), root.id


def test_sr_of_each_root_references_the_shared_film_with_that_roots_tip_and_distance(exported):
    case, tmp, _files = exported
    out = tmp / "dicom" / "case1"
    label = shared_film(case).figure_label
    image_uid = pydicom.dcmread(out / f"fig{label}-image.dcm", stop_before_pixels=True).SOPInstanceUID
    for n, (root, verdict) in enumerate(root_verdicts(case), start=1):
        report = read_measurement_report(out / f"root{n}-{root.side.value}-{root.level}-sr.dcm")
        [tip] = [t for t in report.tips if t.image_uid == image_uid]
        assert tip.status == verdict.status.value
        assert tip.distance == round(verdict.distance, 1)
        assert tip.point == pytest.approx(choose_tip(shared_film(case), root).mark.points[0])
    assert report.conclusion == "not_responsible" and report.cautions  # the left root, judged with the AP film


def test_each_roots_presentation_state_carries_its_own_verdict(exported):
    case, tmp, _files = exported
    out = tmp / "dicom" / "case1"
    label = shared_film(case).figure_label
    for (root, verdict), name in zip(root_verdicts(case), (f"fig{label}", f"fig{label}-left-L5")):
        content = read_presentation_state(out / f"{name}-gsps.dcm")
        texts = " ".join(g.text for g in content.foreign if g.layer == "VERDICT")
        assert tx.status_label(verdict.status, "en") in texts, (root.id, texts)


def test_burned_in_shared_film_draws_this_roots_tip_in_the_verdict_colour_and_the_others_in_root_colour(exported):
    case, tmp, _files = exported
    film = shared_film(case)
    label = film.figure_label
    (right, right_verdict), (left, left_verdict) = root_verdicts(case)
    right_tip = choose_tip(film, right).mark.points[0]
    left_tip = choose_tip(film, left).mark.points[0]

    def colour_at(name: str, point) -> tuple[int, ...]:
        img = np.asarray(Image.open(tmp / "png" / name).convert("RGB"))
        return tuple(int(c) for c in img[int(point[1]), int(point[0])])

    index = {r.id: i for i, r in enumerate(case.roots)}
    assert colour_at(f"case1-fig{label}.png", right_tip) == style.status_color(right_verdict.status)
    assert colour_at(f"case1-fig{label}.png", left_tip) == style.root_color(index[left.id])
    assert colour_at(f"case1-fig{label}-left-L5.png", left_tip) == style.status_color(left_verdict.status)
    assert colour_at(f"case1-fig{label}-left-L5.png", right_tip) == style.root_color(index[right.id])
