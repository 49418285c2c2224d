"""``fluoro-annotator-cli library index|search|tag``: output, JSON, one-line errors with exit 2."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from annotator.cli import main


@pytest.fixture
def index_file(tmp_path: Path) -> str:
    return str(tmp_path / "idx.sqlite3")


def test_index_then_search_json(sample_copy: Path, index_file: str, capsys: pytest.CaptureFixture[str]) -> None:
    (sample_copy / "bad").mkdir()
    (sample_copy / "bad" / "case.json").write_text("not json", encoding="utf-8")
    assert main(["library", "--index", index_file, "index", str(sample_copy)]) == 0
    cap = capsys.readouterr()
    assert "6 cases indexed" in cap.out and "1 skipped" in cap.out
    skipped = [line for line in cap.err.splitlines() if line.startswith("skipped:")]
    assert len(skipped) == 1 and "bad" in skipped[0]
    assert main(["library", "--index", index_file, "search", "finding:bench_sign", "--json"]) == 0
    hits = json.loads(capsys.readouterr().out)
    assert [Path(h["path"]).parent.name for h in hits] == ["L4_bench_sign"]
    assert hits[0]["roots"] == ["right L4"] and "bench_sign" in hits[0]["finding"]


def test_tag_then_search(sample_copy: Path, index_file: str, capsys: pytest.CaptureFixture[str]) -> None:
    main(["library", "--index", index_file, "index", str(sample_copy)])
    assert main(["library", "tag", str(sample_copy / "right_S1"), "quiz"]) == 0
    capsys.readouterr()
    assert main(["library", "--index", index_file, "search", "tag:quiz"]) == 0
    out = capsys.readouterr().out.strip().splitlines()
    assert len(out) == 1 and "right_S1" in out[0]


@pytest.mark.parametrize("args, words", [
    (["search", "colour:red"], "unknown search key"),
    (["index", "{missing}"], "missing library folder"),
    (["index"], "no library folders yet"),
])
def test_errors_are_one_line_exit_2(tmp_path: Path, index_file: str, capsys: pytest.CaptureFixture[str],
                                    args: list[str], words: str) -> None:
    args = [a.replace("{missing}", str(tmp_path / "nope")) for a in args]
    assert main(["library", "--index", index_file, *args]) == 2
    err = capsys.readouterr().err
    assert words in err and "Traceback" not in err
    assert not (tmp_path / "nope").exists()


def test_deck_from_a_saved_search(sample_copy: Path, index_file: str, tmp_path: Path,
                                  capsys: pytest.CaptureFixture[str]) -> None:
    from pptx import Presentation

    main(["library", "--index", index_file, "index", str(sample_copy)])
    out = tmp_path / "quiz.pptx"
    assert main(["library", "--index", index_file, "deck", "level:l5", "--quiz", "--pptx", str(out),
                 "--title", "L5 roots"]) == 0
    assert "4 case(s)" in capsys.readouterr().err
    texts = [" ".join(s.text_frame.text for s in slide.shapes if s.has_text_frame)
             for slide in Presentation(str(out)).slides]
    assert "L5 roots" in texts[0] and "4 cases" in texts[0]
    assert sum("Which root is responsible?" in t for t in texts) == 4
    assert main(["library", "--index", index_file, "deck", "level:l1", "--pptx", str(out)]) == 2
    assert "no case matches" in capsys.readouterr().err
