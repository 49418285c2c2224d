"""The Library window: filters and search over an indexed folder, thumbnails, open, lecture/quiz export."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotator.library import LibraryIndex


@pytest.fixture
def library(sample_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("FLUORO_ANNOTATOR_CACHE", str(tmp_path / "cache"))
    (sample_copy / "broken").mkdir()
    (sample_copy / "broken" / "case.json").write_text("{", encoding="utf-8")
    index = tmp_path / "cache" / "library.sqlite3"
    with LibraryIndex.open(index) as lib:
        lib.index([sample_copy])
    return index


@pytest.fixture
def window(qtbot, library: Path):
    from annotator.ui.library.window import LibraryWindow

    opened: list[Path] = []
    w = LibraryWindow(index_path=library, open_case=opened.append)
    w.opened = opened
    qtbot.addWidget(w)
    qtbot.waitUntil(lambda: all(j.ended for j in w.jobs[:1]), timeout=10000)  # the refresh on opening
    yield w
    w.close()


def _names(w) -> list[str]:
    return sorted(Path(w.list.item(i).data(256)).parent.name for i in range(w.list.count()))


def test_filters_search_box_and_skipped_files(window, qtbot) -> None:
    assert window.list.count() == 6
    assert "1 skipped" in window.status.text() and "broken" in window.status.toolTip()
    combo = window.filters["finding"]
    combo.setCurrentIndex(combo.findData("bench_sign"))
    assert _names(window) == ["L4_bench_sign"]
    combo.setCurrentIndex(0)
    window.filters["level"].setCurrentIndex(window.filters["level"].findData("l5"))
    assert _names(window) == ["bilateral_L5", "cine_venous_blush", "left_L5_cutoff", "right_L5_on_target"]
    window.search_box.setText("herniation")
    assert _names(window) == []
    window.filters["level"].setCurrentIndex(0)
    assert _names(window) == ["L4_bench_sign"]
    window.search_box.setText("level:")  # a bad term: said in the status line, the list kept
    assert "value" in window.status.text()
    window.search_box.setText("")
    window.sort_combo.setCurrentIndex(window.sort_combo.findData("age"))
    ages = [h.age for h in window.hits]
    assert ages == sorted(ages)


def test_thumbnails_and_double_click_opens_the_case(window, qtbot) -> None:
    qtbot.waitUntil(lambda: len(window.icons) == 6, timeout=60000)
    item = window.list.item(0)
    assert not item.icon().pixmap(64, 64).isNull()
    window.list.itemDoubleClicked.emit(item)
    assert window.opened == [Path(item.data(256))]


def test_export_a_quiz_of_the_selected_cases(window, qtbot, tmp_path: Path) -> None:
    from pptx import Presentation

    window.list.item(0).setSelected(True)
    window.list.item(2).setSelected(True)
    assert window.quiz_button.isEnabled()
    window.title_box.setText("Two cases")
    out = tmp_path / "quiz.pptx"
    with qtbot.waitSignal(window.exported, timeout=60000) as sig:
        window.export_lecture(out, quiz=True)
    ok, text = sig.args
    assert ok, text
    texts = [" ".join(s.text_frame.text for s in slide.shapes if s.has_text_frame)
             for slide in Presentation(str(out)).slides]
    assert "Two cases" in texts[0] and sum("Which root is responsible?" in t for t in texts) == 2


def test_nothing_selected_says_so(window, qtbot, tmp_path: Path) -> None:
    with qtbot.waitSignal(window.exported) as sig:
        window.export_lecture(tmp_path / "x.pptx", quiz=False)
    assert sig.args[0] is False and "Select" in sig.args[1]
    assert not window.lecture_button.isEnabled()


def test_main_window_opens_the_library_and_chinese_labels(make_window, qtbot, library: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    from annotator.library import location
    from annotator.ui import i18n

    monkeypatch.setattr(location, "default_index_path", lambda: library)
    w = make_window()
    w.actions_by_key["library"].trigger()
    lib = w.library_window
    qtbot.waitUntil(lambda: lib.list.count() == 6, timeout=10000)
    i18n.set_language("zh", remember=False)
    assert lib.windowTitle() == "教学病例库" and lib.quiz_button.text() == "导出提问幻灯片…"
    i18n.set_language("en", remember=False)
    lib.close()


def test_a_saved_search_comes_back_in_a_new_window(window, qtbot, library: Path) -> None:
    from annotator.ui.library.window import LibraryWindow

    window.filters["level"].setCurrentIndex(window.filters["level"].findData("l5"))
    window.search_box.setText("phantom")
    window.save_current_search("L5 phantoms")
    again = LibraryWindow(index_path=library)
    qtbot.addWidget(again)
    i = again.saved_combo.findText("L5 phantoms")
    assert i > 0
    again.saved_combo.activated.emit(i)
    assert _names(again) == ["bilateral_L5", "cine_venous_blush", "left_L5_cutoff", "right_L5_on_target"]
    assert "level:l5" in again.search_box.text() and again.filters["level"].currentData() == ""
    qtbot.waitUntil(lambda: all(j.ended for j in again.jobs[:1]), timeout=10000)
    again.close()
