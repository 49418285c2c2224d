"""The committed sample cases: valid DICOM, reproducible, small, coherent with the rules."""

from __future__ import annotations

import json
import multiprocessing
import os
import shutil
import subprocess
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pydicom
import pytest

from sample_images.dicom_writer import uid
from sample_images.generate import write_film_files
from sample_images.scenarios import CASE_BY_NAME, CASES

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "sample_images"
CASES_DIR = SAMPLES / "cases"
DICOMS = sorted(CASES_DIR.glob("*/*.dcm"))

pytestmark = pytest.mark.skipif(not CASES_DIR.is_dir(), reason="run `python -m sample_images.generate` first")


def test_every_case_and_film_is_present():
    for case in CASES:
        for film in case.films:
            for suffix in (".dcm", ".png", ".truth.json"):
                assert (CASES_DIR / case.name / f"{film.name}{suffix}").is_file(), f"{case.name}/{film.name}{suffix}"
        assert (CASES_DIR / case.name / "case.json").is_file()
    assert not list(CASES_DIR.glob("*/*.bak"))


def test_sample_folder_stays_under_30_mb():
    total = sum(p.stat().st_size for p in SAMPLES.rglob("*") if p.is_file() and "__pycache__" not in p.parts)
    assert total < 30 * 1024 * 1024, f"{total / 2**20:.1f} MB"


@pytest.mark.dciodvfy
@pytest.mark.skipif(shutil.which("dciodvfy") is None, reason="dciodvfy (dicom3tools) is not on PATH")
@pytest.mark.parametrize("path", DICOMS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_dciodvfy_reports_no_errors(path):
    out = subprocess.run(["dciodvfy", str(path)], capture_output=True, text=True, timeout=60)
    errors = [line for line in (out.stdout + out.stderr).splitlines() if line.startswith("Error")]
    assert not errors, "\n".join(errors)


@pytest.mark.parametrize("path", DICOMS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_dicom_header_is_synthetic_and_calibrated(path):
    ds = pydicom.dcmread(path, stop_before_pixels=True)
    assert str(ds.PatientName) == "PHANTOM^TEST" and ds.PatientID == "FAKE-0001"
    assert ds.BitsStored == 12 and ds.PhotometricInterpretation == "MONOCHROME2"
    truth = json.loads(path.with_suffix("").with_suffix(".truth.json").read_text(encoding="utf-8"))
    spacing = float(ds.ImagerPixelSpacing[0]) / float(ds.EstimatedRadiographicMagnificationFactor)
    assert spacing == pytest.approx(truth["spacing_mm"])
    assert list(ds.PatientOrientation) == [truth["directions"]["x"], truth["directions"]["y"]]
    assert float(ds.PositionerPrimaryAngle) == pytest.approx(truth["angle_deg"])


@pytest.mark.parametrize("path", sorted(CASES_DIR.glob("*/*.truth.json")), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_ground_truth_lies_inside_the_image(path):
    t = json.loads(path.read_text(encoding="utf-8"))
    w, h = t["size"]
    pts = [t["tip"], *t["shaft"], *(t["contrast_path"] or [])]
    for key in ("pedicle_margin", "sap_margin"):
        if t.get(key):
            pts += t[key]["points"]
    if t.get("foramen"):
        pts += t["foramen"]["polygon"]
    pts += [lab["point"] for lab in t["level_labels"]]
    assert all(0 <= x <= w and 0 <= y <= h for x, y in pts)
    assert t["shaft"][-1] == t["tip"] and t["contrast_path"][0] == t["tip"]
    assert "expected" in t


def _regenerate(job: tuple[str, int, str]) -> str:
    """Write film ``index`` (1-based) of case ``name`` into ``out`` (run in a worker process)."""
    name, index, out = job
    case = CASE_BY_NAME[name]
    film = case.films[index - 1]
    write_film_files(case, index, film, Path(out))
    return film.name


@pytest.mark.slow
def test_every_committed_film_matches_the_generator(tmp_path):
    """Regenerate every film of every scenario (the cine too) into tmp_path: the DICOM, PNG and truth
    bytes equal the committed ones. Worker processes share the ~35 s of rendering."""
    jobs = [(case.name, i, str(tmp_path / case.name)) for case in CASES for i in range(1, len(case.films) + 1)]
    workers = max(1, min(4, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 2))
    with ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn")) as pool:
        written = list(pool.map(_regenerate, jobs))
    assert len(written) == sum(len(c.films) for c in CASES) == 11 and "01_ap_run" in written
    for case in CASES:
        for index, film in enumerate(case.films, start=1):
            for suffix in (".dcm", ".png", ".truth.json"):
                fresh = (tmp_path / case.name / f"{film.name}{suffix}").read_bytes()
                committed = (CASES_DIR / case.name / f"{film.name}{suffix}").read_bytes()
                assert fresh == committed, f"{case.name}/{film.name}{suffix} differs: run `make samples`"
            ds = pydicom.dcmread(tmp_path / case.name / f"{film.name}.dcm", stop_before_pixels=True)
            assert ds.SOPInstanceUID == uid(case.name, "sop", index, index)


def test_cine_run_records_its_blush_frames():
    path = CASES_DIR / "cine_venous_blush" / "01_ap_run.dcm"
    ds = pydicom.dcmread(path, stop_before_pixels=True)
    truth = json.loads(path.with_name("01_ap_run.truth.json").read_text(encoding="utf-8"))
    assert int(ds.NumberOfFrames) >= 20 and float(ds.FrameTime) > 0
    blush = truth["venous_blush"]
    assert blush["first_frame"] == min(blush["frames"]) and 0 < blush["first_frame"] < int(ds.NumberOfFrames)


def test_case_files_give_the_intended_verdicts(sample_copy):
    """Each sample's case.json, read by the case codec and judged by the rules, says what its truth intends."""
    from annotator.io.casefile import load_case
    from annotator.rules import evaluate_film

    for case in CASES:
        loaded = load_case(sample_copy / case.name / "case.json")
        (root,) = loaded.roots
        assert (root.level, root.side.value) == (case.level, case.side)
        codes = {f.code for f in root.findings}
        assert codes == {f["code"] for f in case.findings}
        for film in root.films:
            truth = json.loads((sample_copy / case.name / film.path).with_suffix(".truth.json").read_text("utf-8"))
            result = evaluate_film(film, root)
            got = (result.verdict.rule_id, result.verdict.status.value) if result.verdict else (None, None)
            assert got == (truth["expected"]["rule"], truth["expected"]["status"]), f"{case.name}/{film.path}"
            codes = {w.code for w in result.warnings}
            assert set(truth["expected"]["warnings"]) <= codes, f"{case.name}/{film.path}: {codes}"
