from pathlib import Path

import pytest

from annotator.cli import main

CASES = Path(__file__).resolve().parents[2] / "sample_images/cases"


def test_chinese_check_output_reads_as_words(capsys):
    case = CASES / "cine_venous_blush"
    if not (case / "case.json").exists():
        pytest.fail("sample cases missing: run `make samples`")
    main(["check", str(case), "--lang", "zh"])
    out = capsys.readouterr().out
    assert "R-AP 到位" in out and "[W3 危险]" in out
    assert "on_target" not in out and "danger" not in out
    main(["check", str(case)])
    assert "R-AP on_target" in capsys.readouterr().out  # English keeps the token
