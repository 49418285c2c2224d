"""The library index: folders of sample cases indexed, searched, kept in step; bad files skipped."""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import replace
from pathlib import Path

import pytest

from annotator.io.casefile import load_case, save_case
from annotator.library import LibraryError, LibraryIndex, default_index_path, set_tags


def names(hits: list) -> list[str]:
    return sorted(h.path.parent.name for h in hits)


@pytest.fixture
def lib(tmp_path: Path):
    with LibraryIndex.open(tmp_path / "cache" / "library.sqlite3") as index:
        yield index


def test_search_by_every_facet(sample_copy: Path, lib: LibraryIndex) -> None:
    report = lib.index([sample_copy])
    assert report.added == 6 and not report.skipped and not report.missing
    assert names(lib.search("finding:bench_sign")) == ["L4_bench_sign"]
    assert names(lib.search("code:contrast_cutoff")) == ["left_L5_cutoff"]
    assert names(lib.search("level:L5 side:left")) == ["bilateral_L5", "cine_venous_blush", "left_L5_cutoff"]
    assert names(lib.search("level:s1,l4")) == ["L4_bench_sign", "right_S1"]
    assert names(lib.search("root:right-l5")) == ["bilateral_L5", "right_L5_on_target"]
    assert names(lib.search("view:oblique")) == ["right_L5_on_target"]
    assert names(lib.search("verdict:near")) == ["L4_bench_sign", "bilateral_L5"]  # its left root
    assert names(lib.search("block:partial")) == ["left_L5_cutoff"]
    assert names(lib.search("conclusion:possibly_responsible")) == ["left_L5_cutoff"]
    assert names(lib.search("-level:l5")) == ["L4_bench_sign", "right_S1"]
    assert names(lib.search("drug:lidocaine")) == ["L4_bench_sign", "bilateral_L5", "left_L5_cutoff",
                                                   "right_L5_on_target", "right_S1"]
    assert names(lib.search("sex:f")) == ["bilateral_L5", "cine_venous_blush", "left_L5_cutoff"]
    assert names(lib.search("age:70s")) == names(lib.search("age:70-79"))
    assert names(lib.search("age:52")) == ["L4_bench_sign"]
    assert len(lib.search("date:2026-01")) == 6 and lib.search("date:2020..2025-12") == []
    assert names(lib.search("herniation")) == ["L4_bench_sign"]
    assert lib.search("finding:bench_sign level:l5") == []


def test_sorting(sample_copy: Path, lib: LibraryIndex) -> None:
    lib.index([sample_copy])
    ages = [h.age for h in lib.search("sort:-age")]
    assert ages == sorted(ages, reverse=True) and len(ages) == 6
    levels = [h.roots[0].split()[-1] for h in lib.search("sort:level")]
    assert levels == ["L4", "L5", "L5", "L5", "L5", "S1"]


def test_changed_new_and_deleted_cases_are_kept_in_step(sample_copy: Path, lib: LibraryIndex) -> None:
    lib.index([sample_copy])
    case_file = sample_copy / "right_S1" / "case.json"
    case = load_case(case_file)
    save_case(replace(case, notes="fenestrated sacral hiatus, 骶管裂孔"), case_file)
    os.utime(case_file, ns=(1, 1))  # a different stamp even on a coarse clock
    shutil.copytree(sample_copy / "L4_bench_sign", sample_copy / "more" / "copy")
    shutil.rmtree(sample_copy / "cine_venous_blush")
    report = lib.refresh()
    assert (report.updated, report.added, report.removed, report.unchanged) == (1, 1, 1, 4)
    assert names(lib.search("fenestrated")) == ["right_S1"]
    assert names(lib.search("裂孔")) == ["right_S1"]
    assert names(lib.search("finding:bench_sign")) == ["L4_bench_sign", "copy"]
    assert lib.search("finding:intravascular") == []
    assert lib.refresh().unchanged == 6


def test_bad_case_files_are_skipped_with_a_reason_and_the_rest_indexed(sample_copy: Path, lib: LibraryIndex) -> None:
    (sample_copy / "broken").mkdir()
    (sample_copy / "broken" / "case.json").write_text('{"roots": [', encoding="utf-8")
    (sample_copy / "foreign").mkdir()
    (sample_copy / "foreign" / "case.json").write_text('{"name": "x", "version": 3}', encoding="utf-8")
    newer = json.loads((sample_copy / "right_S1" / "case.json").read_text(encoding="utf-8"))
    newer["schema_version"] = 99
    (sample_copy / "newer").mkdir()
    (sample_copy / "newer" / "case.json").write_text(json.dumps(newer), encoding="utf-8")
    report = lib.index([sample_copy])
    assert report.added == 6
    reasons = {s.path.parent.name: s.reason for s in report.skipped}
    assert set(reasons) == {"broken", "foreign", "newer"}
    assert all("\n" not in r and r for r in reasons.values())
    assert "99" in reasons["newer"] and "line" in reasons["broken"]
    assert {s.path.parent.name for s in lib.skipped()} == set(reasons)
    assert len(lib.refresh().skipped) == 3  # still listed while they are unchanged
    (sample_copy / "broken" / "case.json").unlink()
    assert {s.path.parent.name for s in lib.refresh().skipped} == {"foreign", "newer"}


def test_missing_folder_is_reported_not_created(tmp_path: Path, sample_copy: Path, lib: LibraryIndex) -> None:
    missing = tmp_path / "not-there"
    report = lib.index([missing, sample_copy])
    assert report.missing == [missing] and report.added == 6
    assert not missing.exists()
    shutil.move(str(sample_copy), str(tmp_path / "moved"))
    report = lib.refresh()
    assert report.missing == [sample_copy.resolve()] and lib.search("") == []
    assert not sample_copy.exists()


def test_tags_live_in_the_case_file_and_are_searchable(sample_copy: Path, lib: LibraryIndex) -> None:
    lib.index([sample_copy])
    case_file = sample_copy / "right_S1" / "case.json"
    assert set_tags(case_file, ["Lecture 3", "S1", "lecture 3"]) == ["Lecture 3", "S1"]
    os.utime(case_file, ns=(2, 2))
    lib.refresh()
    assert names(lib.search('tag:"lecture 3"')) == ["right_S1"]
    assert json.loads(case_file.read_text(encoding="utf-8"))["tags"] == ["Lecture 3", "S1"]
    assert set_tags(case_file, remove=["s1"]) == ["Lecture 3"]
    with pytest.raises(LibraryError, match="tag"):
        set_tags(case_file, ["a:b"])


def test_index_is_a_rebuildable_cache(tmp_path: Path, sample_copy: Path) -> None:
    file = tmp_path / "idx.sqlite3"
    with LibraryIndex.open(file) as lib:
        lib.index([sample_copy])
    file.write_bytes(b"this is not a database" * 100)
    with LibraryIndex.open(file) as lib:
        assert lib.count() == 0 and lib.folders() == []
        lib.index([sample_copy])
        assert lib.count() == 6
    with LibraryIndex.open(file) as lib:  # reopened: the same rows, nothing re-read
        assert lib.count() == 6 and lib.refresh().unchanged == 6


@pytest.mark.parametrize("query, words", [
    ("foo:bar", "unknown search key"), ("age:old", "age:65"), ("date:jan", "date:2026"),
    ("sort:size", "sort by"), ('"open phrase', "quote"), ("level:", "value"),
])
def test_bad_queries_say_what_to_write(lib: LibraryIndex, query: str, words: str) -> None:
    with pytest.raises(LibraryError, match=words):
        lib.search(query)


def test_default_index_lives_in_the_user_cache(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("FLUORO_ANNOTATOR_CACHE", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    monkeypatch.setattr("sys.platform", "linux")
    assert default_index_path() == tmp_path / "xdg" / "fluoro-annotator" / "library.sqlite3"
    monkeypatch.setenv("FLUORO_ANNOTATOR_CACHE", str(tmp_path / "c"))
    assert default_index_path() == tmp_path / "c" / "library.sqlite3"
