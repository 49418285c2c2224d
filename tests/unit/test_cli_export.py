"""``fluoro-annotator-cli export``: files written, identity warning, clean failures."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotator.cli import main
from annotator.io.casefile import save_case
from tests.unit.test_export_fixtures import make_case

pytestmark = pytest.mark.filterwarnings("ignore::UserWarning:highdicom")


@pytest.fixture
def case_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "case"
    save_case(make_case(folder, n_films=2), folder / "case.json")
    return folder


def test_export_everything(case_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    rc = main(["export", str(case_dir), "--pptx", str(out / "d.pptx"), "--pdf", str(out / "d.pdf"),
               "--png", str(out / "png"), "--dicom", str(out / "dcm"), "--lang", "zh"])
    assert rc == 0
    cap = capsys.readouterr()
    listed = cap.out.split()
    assert str(out / "d.pptx") in listed and str(out / "png" / "case1-fig1B.png") in listed
    assert len(listed) == 2 + 2 + 7
    assert all(Path(p).is_file() for p in listed)
    assert "[0/" in cap.err and "done" in cap.err
    assert "warning" not in cap.err


def test_two_cases_one_deck_and_jpeg(case_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rc = main(["export", str(case_dir / "case.json"), str(case_dir), "--png", str(tmp_path / "png"), "--jpeg",
               "--quiet"])
    assert rc == 0
    names = sorted(p.name for p in (tmp_path / "png").iterdir())
    assert names == ["case1-fig1A.jpg", "case1-fig1B.jpg", "case2-fig2A.jpg", "case2-fig2B.jpg"]
    assert capsys.readouterr().err == ""


def test_identified_prints_a_warning(case_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["export", str(case_dir), "--pdf", str(tmp_path / "d.pdf"), "--identified", "--quiet"]) == 0
    err = capsys.readouterr().err
    assert "warning: identified export" in err
    assert "Quintavious" not in err  # the warning itself names nobody


@pytest.mark.parametrize("args", [[], ["--pdf", "x.pdf", "--lang", "fr"]])
def test_usage_errors_exit_2(case_dir: Path, args: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        code = main(["export", str(case_dir), *args])
        raise SystemExit(code)
    assert exc.value.code == 2
    assert "Traceback" not in capsys.readouterr().err


def test_missing_case_and_missing_film_fail_cleanly(case_dir: Path, tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["export", str(tmp_path / "nope"), "--pdf", str(tmp_path / "d.pdf")]) == 2
    assert capsys.readouterr().err.startswith("error:")
    for f in case_dir.glob("*.dcm"):
        f.unlink()
    out = tmp_path / "out"
    assert main(["export", str(case_dir), "--pdf", str(out / "d.pdf"), "--quiet"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error:") and "Traceback" not in err
    assert not out.exists() or list(out.iterdir()) == []  # nothing half-written


def test_burned_in_text_without_redaction_exits_2_with_one_line(tmp_path: Path,
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "case"
    case = make_case(folder, n_films=1)  # its film says BurnedInAnnotation YES
    case.roots[0].films[0].redactions.clear()
    save_case(case, folder / "case.json")
    out = tmp_path / "out"
    assert main(["export", str(folder), "--pdf", str(out / "d.pdf"), "--png", str(out / "png"), "--quiet"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("error: film 1A") and "--identified" in err[0]
    assert not out.exists()
    assert main(["export", str(folder), "--png", str(out / "png"), "--identified", "--quiet"]) == 0
