"""File ▸ Recent cases: each case once, named by its folder's path; screenshot runs, read-only
locations and the bundled sample cases never enter it."""

from __future__ import annotations

import os
import shutil
import stat
from pathlib import Path

from annotator.ui import app, settings


def recent_texts(w) -> list[str]:
    w._fill_recent()
    return [a.text() for a in w.recent_menu.actions()]


def test_the_menu_names_each_case_once_by_its_folder_path(make_window, synthetic_case, tmp_path):
    other = tmp_path / "elsewhere" / synthetic_case.parent.name  # same folder name, other place
    shutil.copytree(synthetic_case.parent, other)
    w = make_window()
    assert w.open_case(synthetic_case) and w.open_case(other / "case.json")
    assert w.open_case(Path(str(synthetic_case.parent / ".." / "case" / "case.json")))  # same case, other spelling
    texts = recent_texts(w)
    assert len(texts) == 2 and len(set(texts)) == 2
    assert any(t.endswith(str(synthetic_case.parent.resolve()).replace(str(Path.home()), "~", 1)) for t in texts)
    assert any(str(other.parent.resolve()).replace(str(Path.home()), "~", 1) in t for t in texts)
    assert {a.toolTip() for a in w.recent_menu.actions()} == {
        str(synthetic_case.resolve()), str((other / "case.json").resolve())}


def test_a_screenshot_run_is_not_a_recent_case(qapp, synthetic_case, tmp_path):
    assert app.main([str(synthetic_case), "--screenshot", str(tmp_path / "s.png"), "--size", "800x600"]) == 0
    assert settings.recent_cases() == []
    settings.add_recent_case(synthetic_case)  # a real run afterwards still records
    assert settings.recent_cases() == [synthetic_case.resolve()]


def test_the_bundled_sample_case_is_not_a_recent_case(make_window):
    bundled = app.sample_case_path()
    assert bundled is not None
    w = make_window()
    assert w.open_case(bundled)
    assert settings.recent_cases() == []
    assert recent_texts(w) == ["(none)"]


def test_a_case_in_a_read_only_folder_is_not_a_recent_case(make_window, synthetic_case):
    folder = synthetic_case.parent
    w = make_window()
    mode = folder.stat().st_mode
    os.chmod(folder, stat.S_IRUSR | stat.S_IXUSR | stat.S_IRGRP | stat.S_IXGRP)
    try:
        assert w.open_case(synthetic_case)
        assert settings.recent_cases() == []
    finally:
        os.chmod(folder, mode)
    assert settings.recent_cases() == []  # nor kept from the read-only time
    assert w.open_case(synthetic_case)  # writable again: recorded
    assert settings.recent_cases() == [synthetic_case.resolve()]
