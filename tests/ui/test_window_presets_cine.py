"""A window preset on a cine: derived once per film, so a frame step neither recomputes the
presets (an automatic window and a full modality frame per step) nor renames the window shown."""

from __future__ import annotations

from PyQt6.QtCore import Qt


def test_a_derived_preset_stays_named_and_is_not_recomputed_while_stepping_a_cine(qtbot, sample_copy, make_window):
    w = make_window(sample_copy / "cine_venous_blush", size=(1600, 1000))
    canvas = w.workspace.active_viewport().canvas
    display = canvas.display
    assert display.frames > 10
    canvas.setFocus()
    qtbot.waitUntil(canvas.hasFocus)
    qtbot.keyClick(canvas, Qt.Key.Key_2)
    applied = canvas.window()
    name = canvas.corner_text()["bottom_left"][0]
    assert name == "[2] Automatic"
    image = display.image
    calls: list[str] = []
    for method in ("auto_window", "modality_frame"):
        real = getattr(image, method)
        setattr(image, method, lambda *a, _m=method, _real=real, **k: (calls.append(_m), _real(*a, **k))[1])
    seen = {canvas.frame}
    for _ in range(8):
        qtbot.keyClick(canvas, Qt.Key.Key_Period)
        canvas.grab()  # a paint, corner text included
        seen.add(canvas.frame)
        assert canvas.corner_text()["bottom_left"][0] == name
        assert canvas.window() == applied
    assert len(seen) == 9  # eight steps through the run
    assert calls == []
    # the preset keys give the same windows on every frame
    qtbot.keyClick(canvas, Qt.Key.Key_3)
    full = canvas.window()
    qtbot.keyClick(canvas, Qt.Key.Key_Comma)
    qtbot.keyClick(canvas, Qt.Key.Key_3)
    assert canvas.window() == full and canvas.corner_text()["bottom_left"][0] == "[3] Full range"
