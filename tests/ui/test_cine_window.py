"""The cine bar in the main window: the key-frame label follows undo and redo."""

from __future__ import annotations

from PyQt6.QtCore import Qt

from annotator.ui.dialogs import ScriptedPrompter
from annotator.ui.main_window import MainWindow


def test_key_frame_label_follows_undo(qtbot, sample_copy):
    w = MainWindow(prompter=ScriptedPrompter(), restore_layout=False)
    qtbot.addWidget(w)
    w.resize(1600, 1000)
    w.show()
    qtbot.waitExposed(w)
    assert w.open_case(sample_copy / "cine_venous_blush")
    vp = w.workspace.viewport("AP")
    cine, canvas = vp.cine, vp.canvas
    assert cine.isVisible() and canvas.display.frames > 3
    old_key = canvas.film.key_frame
    cine.slider.setValue(2 if old_key != 2 else 3)  # the user drags the slider
    shown = canvas.frame
    assert "(key)" not in cine.frame_label.text()
    qtbot.mouseClick(cine.key_button, Qt.MouseButton.LeftButton)
    assert canvas.film.key_frame == shown and cine.frame_label.text().endswith("(key)")
    qtbot.keyClick(canvas, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert canvas.film.key_frame == old_key
    assert "(key)" not in cine.frame_label.text()
    w.actions_by_key["redo"].trigger()
    assert cine.frame_label.text().endswith("(key)")
    w.autosaver.timer.stop()
    w.hide()


def test_the_mask_frame_box_beside_subtract_says_what_it_is(make_window, sample_copy):
    from annotator.ui import i18n

    w = make_window(sample_copy / "cine_venous_blush", size=(1600, 1000))
    cine = w.workspace.viewport("AP").cine
    assert cine.mask.isVisible()
    assert cine.mask.text() == "mask 1"  # not a bare "1"
    assert "subtracted" in cine.mask.toolTip()
    i18n.set_language("zh", remember=False)
    assert cine.mask.text() == "蒙片 1"
