"""Issue 15's reproductions: each hostile input gives one line and exit 2 (or the right output).

Tracebacks from case and rule files (deep nesting, huge integers and
coordinates, NUL in a film path, a symlink loop), messages broken over lines
(a newline in a file name, third-party log lines, a note before an error,
progress before a late refusal), ``--window -40/400``, an export onto a folder.
"""

from __future__ import annotations

import json
import os
import struct
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from annotator.cli import main
from annotator.io.casefile import save_case
from tests.unit.test_cli_info_render import write_dicom
from tests.unit.test_export_fixtures import make_case

pytestmark = pytest.mark.filterwarnings("ignore::UserWarning:highdicom")


def run(capsys: pytest.CaptureFixture[str], *argv: object) -> tuple[int, str, str]:
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def assert_refused(code: int, out: str, err: str, *needles: str) -> None:
    assert code == 2, (code, out, err)
    assert out == ""
    lines = err.strip().split("\n")
    assert len(lines) == 1 and lines[0].startswith("error: "), err
    assert "Traceback" not in err
    for needle in needles:
        assert needle in err, err


@pytest.fixture
def case_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "case"
    save_case(make_case(folder, n_films=2, identity=False), folder / "case.json")
    return folder


def edit_case(case_dir: Path, edit) -> Path:  # type: ignore[no-untyped-def]
    path = case_dir / "case.json"
    text = path.read_text(encoding="utf-8")
    data = json.loads(text)
    new = edit(data)
    path.write_text(new if isinstance(new, str) else json.dumps(data), encoding="utf-8")
    return path


def first_tip(data: dict) -> list:
    film = data["roots"][0]["films"][0]
    return next(a for a in film["annotations"] if a["role"] == "tip")["points"][0]


# ---------------------------------------------------------------- case and rule files


@pytest.mark.parametrize("command", [["check"], ["assist", "--dry-run"], ["export", "--pdf", "{out}/d.pdf"]])
def test_deeply_nested_case_file_is_one_line(case_dir: Path, tmp_path: Path, capsys, command) -> None:
    edit_case(case_dir, lambda d: "[" * 100_000 + "]" * 100_000)
    before = (case_dir / "case.json").read_bytes()
    argv = [command[0], str(case_dir), *(a.format(out=tmp_path) for a in command[1:])]
    assert_refused(*run(capsys, *argv), "case.json", "nested more than")
    assert (case_dir / "case.json").read_bytes() == before  # a bad file is never rewritten


def test_deeply_nested_rule_file_is_one_line(case_dir: Path, tmp_path: Path, capsys) -> None:
    rules = tmp_path / "rules.json"
    rules.write_text('{"tolerances": ' + "[" * 50_000 + "]" * 50_000 + "}")
    assert_refused(*run(capsys, "check", case_dir, "--rules", rules), "rules.json", "nested")


def test_brackets_inside_strings_do_not_count_as_nesting(case_dir: Path, capsys) -> None:
    edit_case(case_dir, lambda d: d.update(notes="[" * 500 + "{" * 500))
    code, out, err = run(capsys, "check", case_dir)
    assert code in (0, 1) and "Conclusions" in out, err


def test_an_integer_of_5000_digits_is_refused_by_its_field(case_dir: Path, capsys) -> None:
    edit_case(case_dir, lambda d: json.dumps(d).replace('"age": 70', '"age": ' + "9" * 5000))
    assert_refused(*run(capsys, "check", case_dir), "case.json: age: must be a finite number")


@pytest.mark.parametrize("value", ["1" * 400, "1e308", "-1e13", "1e400"])
@pytest.mark.parametrize("command", [["check"], ["export", "--dicom", "{out}/dcm"]])
def test_a_huge_coordinate_is_refused_before_any_arithmetic(case_dir: Path, tmp_path: Path, capsys,
                                                            value: str, command: list[str]) -> None:
    def edit(d: dict) -> str:
        first_tip(d)[0] = 123.0
        return json.dumps(d).replace("123.0", value, 1)

    edit_case(case_dir, edit)
    argv = [command[0], str(case_dir), *(a.format(out=tmp_path) for a in command[1:])]
    assert_refused(*run(capsys, *argv), "roots[0].films[0].annotations[")
    assert not (tmp_path / "dcm").exists()


def test_nan_in_a_rule_file_is_refused(case_dir: Path, tmp_path: Path, capsys) -> None:
    rules = tmp_path / "rules.json"
    rules.write_text('{"tolerances": {"r_on_mm": NaN}}')
    assert_refused(*run(capsys, "check", case_dir, "--rules", rules), "rules.json", "finite")


@pytest.mark.parametrize("bad", ["film\u0000.dcm", "film\n.dcm", "film\u001b[31m.dcm"])
def test_a_film_path_with_control_characters_is_refused(case_dir: Path, tmp_path: Path, capsys, bad) -> None:
    edit_case(case_dir, lambda d: d["roots"][0]["films"][0].update(path=bad))
    for argv in (["check", case_dir], ["export", case_dir, "--pptx", tmp_path / "d.pptx"]):
        assert_refused(*run(capsys, *argv), "roots[0].films[0].path: must not contain control characters")
    assert not (tmp_path / "d.pptx").exists()


def test_a_film_that_is_a_symlink_loop_is_one_line(case_dir: Path, tmp_path: Path, capsys) -> None:
    os.symlink("loop.dcm", case_dir / "loop.dcm")
    edit_case(case_dir, lambda d: d["roots"][0]["films"][0].update(path="loop.dcm"))
    code, out, err = run(capsys, "export", case_dir, "--pptx", tmp_path / "d.pptx", "--quiet")
    assert_refused(code, out, err, "loop.dcm: is a symbolic link that leads nowhere")
    assert_refused(*run(capsys, "render", case_dir / "loop.dcm", "--out", tmp_path / "x.png"), "loop.dcm")


# ---------------------------------------------------------------- one line, whatever the name


def test_a_newline_in_a_file_name_is_escaped(tmp_path: Path, capsys) -> None:
    bad = tmp_path / "two\nlines.dcm"
    bad.write_bytes(b"not an image at all" * 10)
    for argv in (["render", bad, "--out", tmp_path / "x.png"], ["info", bad], ["new", tmp_path / "c", bad]):
        assert_refused(*run(capsys, *argv), "two\\nlines.dcm")


def test_core_one_line_escapes_every_control_character() -> None:
    from annotator.errors import ImageLoadError, one_line

    assert one_line(" a\nb\rc\td\x00e\x1b[0m\u2028f ") == "a\\nb\\rc\\td\\x00e\\x1b[0m\\u2028f"
    assert str(ImageLoadError("/x/y\nz.dcm", "broken")) == "y\\nz.dcm: broken"


def _tiff_that_tifffile_warns_about(path: Path) -> Path:
    import tifffile

    tifffile.imwrite(path, (np.arange(64 * 64) % 4000).astype(np.uint16).reshape(64, 64), resolution=(10, 10))
    data = bytearray(path.read_bytes())
    entry = data.find(struct.pack("<HH", 283, 5))  # YResolution, RATIONAL
    assert entry > 0
    data[entry + 2:entry + 4] = struct.pack("<H", 211)  # a data type that does not exist
    path.write_bytes(bytes(data))
    return path


def test_third_party_log_lines_stay_off_stderr(tmp_path: Path) -> None:
    # a subprocess: in-process, pytest's own log handler would swallow the line either way
    tif = _tiff_that_tifffile_warns_about(tmp_path / "odd.tif")
    cmd = [sys.executable, "-m", "annotator.cli", "info", str(tif)]
    quiet = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    assert "tifffile" not in quiet.stderr and "WARNING" not in quiet.stderr, quiet.stderr
    debug = subprocess.run([cmd[0], "-m", "annotator.cli", "--debug", *cmd[3:]], capture_output=True, text=True,
                           timeout=120)
    assert "TiffTag" in debug.stderr  # the line is real, and --debug shows it


def test_no_note_before_an_error(tmp_path: Path, capsys) -> None:
    rgb = np.random.default_rng(1).integers(0, 256, (2, 40, 50, 3)).astype(np.uint8)
    film = write_dicom(tmp_path / "colour.dcm", rgb, photometric="RGB")
    assert_refused(*run(capsys, "assist", "needle", film), "grey films only")


def test_the_output_location_is_checked_before_any_rendering(case_dir: Path, tmp_path: Path, capsys) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("a file where a folder is needed")
    for argv in (["--pdf", blocker / "d.pdf"], ["--png", blocker], ["--dicom", blocker / "sub"],
                 ["--pdf", "/proc/no/d.pdf"]):
        assert_refused(*run(capsys, "export", case_dir, *argv))  # no "[0/n] rendering ..." line first
    assert blocker.read_text() == "a file where a folder is needed"


def test_render_window_with_a_negative_centre(tmp_path: Path, capsys) -> None:
    film = write_dicom(tmp_path / "f.dcm", (np.arange(600).reshape(20, 30) % 400).astype(np.uint16))
    a, b = tmp_path / "a.png", tmp_path / "b.png"
    assert run(capsys, "render", film, "--window", "-40/400", "--out", a)[0] == 0
    assert run(capsys, "render", film, "--window=-40/400", "--out", b)[0] == 0
    assert a.read_bytes() == b.read_bytes()
    assert run(capsys, "render", film, "--window", "-1.5e2/400", "--out", b)[0] == 0


# ---------------------------------------------------------------- exports never take a user's folder


@pytest.mark.parametrize("option", ["--pptx", "--pdf"])
def test_export_onto_an_existing_folder_leaves_it_alone(case_dir: Path, tmp_path: Path, capsys, option) -> None:
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "keep.txt").write_text("user data")
    assert_refused(*run(capsys, "export", case_dir, option, folder), "mine: is a folder")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["case", "mine"]  # nothing hidden beside it
    assert [p.name for p in folder.iterdir()] == ["keep.txt"] and (folder / "keep.txt").read_text() == "user data"


def test_export_onto_a_symlink_leaves_it_alone(case_dir: Path, tmp_path: Path, capsys) -> None:
    target = tmp_path / "target.pdf"
    target.write_text("not ours")
    (tmp_path / "link.pdf").symlink_to(target)
    assert_refused(*run(capsys, "export", case_dir, "--pdf", tmp_path / "link.pdf"), "symbolic link")
    assert (tmp_path / "link.pdf").is_symlink() and target.read_text() == "not ours"


def test_export_replacing_its_own_file_leaves_no_second_name(case_dir: Path, tmp_path: Path, capsys) -> None:
    deck = tmp_path / "d.pdf"
    for _ in range(2):
        assert run(capsys, "export", case_dir, "--pdf", deck, "--quiet")[0] == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["case", "d.pdf"]


def test_burned_in_text_is_refused_before_any_progress_line(case_dir: Path, tmp_path: Path, capsys) -> None:
    def no_redactions(d: dict) -> None:
        for film in d["roots"][0]["films"]:
            film["redactions"] = []

    edit_case(case_dir, no_redactions)
    assert_refused(*run(capsys, "export", case_dir, "--pdf", tmp_path / "d.pdf"), "film 1A", "BurnedInAnnotation")


def test_a_missing_film_is_refused_before_any_progress_line(case_dir: Path, tmp_path: Path, capsys) -> None:
    (case_dir / "film1.dcm").unlink()
    assert_refused(*run(capsys, "export", case_dir, "--dicom", tmp_path / "dcm"), "film1.dcm")
    assert not (tmp_path / "dcm").exists()


def test_export_dicom_of_a_film_without_patient_attributes(tmp_path: Path, capsys) -> None:
    # found by tests/fuzz: highdicom read PatientID from the film and raised AttributeError
    import pydicom

    folder = tmp_path / "case"
    case = make_case(folder, n_films=2, identity=False)
    for film in case.films():
        ds = pydicom.dcmread(folder / film.path)
        for keyword in ("PatientID", "PatientName", "PatientBirthDate", "PatientSex", "StudyID", "AccessionNumber",
                        "ReferringPhysicianName", "StudyDate", "StudyTime"):
            if keyword in ds:
                delattr(ds, keyword)
        ds.save_as(folder / film.path)
    # the fixture's typed identity (title, captions, labels) would stop a de-identified export at the
    # free-text check (issue #13); this test is about films without patient attributes
    from dataclasses import replace as _replace

    case.title = case.symptoms = case.notes = ""
    for film in case.films():
        film.caption = ""
        film.annotations = [_replace(a, text="") for a in film.annotations]
    save_case(case, folder / "case.json")
    code, out, err = run(capsys, "export", folder, "--dicom", tmp_path / "dcm", "--quiet")
    assert code == 0, err
    assert any(p.name.endswith("-gsps.dcm") for p in (tmp_path / "dcm").rglob("*"))


def test_a_rescale_intercept_of_nan_is_refused_not_rendered_with_a_warning(tmp_path: Path, capsys) -> None:
    # found by tests/fuzz: the NaN went through the LUT and numpy warned on the cast to 8 bits
    import pydicom

    film = write_dicom(tmp_path / "f.dcm", (np.arange(600).reshape(20, 30) % 400).astype(np.uint16))
    ds = pydicom.dcmread(film)
    ds["RescaleIntercept"].value = "nan"
    ds.save_as(film)
    assert_refused(*run(capsys, "render", film, "--out", tmp_path / "x.png"), "rescale values are damaged")
    assert not (tmp_path / "x.png").exists()
