"""The canvas's keys (``Canvas.keyPressEvent``): undo/redo, the tool keys, the view keys.

Ctrl+Z takes back the last point of a shape in progress before it undoes a document step
(``Canvas.undo_sketch``); Ctrl+Shift+Z / Ctrl+Y redo. Enter, Esc, Delete and Backspace go to
the tool, then to the selection or the selected suggestion; ``q`` swaps the ends of a selected
needle proposal. Space, ``i``, ``h``, ``v``, ``r``,
``m``, ``,``/``.``, Left/Right and ``1``-``5`` change the view. In the main window the view keys
are window shortcuts as well (``annotator.ui.view_keys``), so they reach the active viewport
from anywhere.
"""

from __future__ import annotations

from typing import Any

from PyQt6.QtCore import Qt
from PyQt6.QtGui import QKeyEvent

from annotator.ui.tools import delete_selection, suggestion_key


def handle_key(c: Any, event: QKeyEvent) -> bool:
    """Act on ``event`` for canvas ``c``; True when the key was used."""
    key, mods = event.key(), event.modifiers()
    K, M = Qt.Key, Qt.KeyboardModifier
    ctrl = bool(mods & M.ControlModifier)
    if ctrl and c.document is not None:
        if key == K.Key_Z and mods & M.ShiftModifier or key == K.Key_Y:
            c.tool.cancel()
            c.document.redo()
            return True
        if key == K.Key_Z:
            if not c.undo_sketch():
                c.document.undo()
            return True
        return False
    ctx = c.context()
    tool_keys = {K.Key_Return: "enter", K.Key_Enter: "enter", K.Key_Escape: "escape",
                 K.Key_Delete: "delete", K.Key_Backspace: "backspace"}
    if key in tool_keys:
        if ctx is None:
            return False
        name = tool_keys[key]
        used = c.tool.key(ctx, name)
        if not used and name in ("delete", "backspace") and not c.tool.busy:
            used = delete_selection(ctx)
        if not used and name in ("enter", "escape") and not c.tool.busy:
            used = suggestion_key(ctx, name)  # Enter accepts, Esc rejects the selected suggestion
        if not used and name == "escape" and (c.selection.annotation_id or c.selection.redaction_id):
            c.selection.clear()
            used = True
        c._after_tool()
        return used
    if key == K.Key_Q and not mods and ctx is not None and not c.tool.busy and suggestion_key(ctx, "swap_ends"):
        c._after_tool()
        return True  # the selected needle proposal's other end is its tip now
    actions = {
        K.Key_Space: c.fit, K.Key_I: c.toggle_invert, K.Key_H: c.flip_h, K.Key_V: c.flip_v,
        K.Key_R: c.rotate, K.Key_M: c.toggle_magnifier,
        K.Key_Comma: lambda: c.step(-1), K.Key_Period: lambda: c.step(1),
        K.Key_Left: lambda: c.step(-1), K.Key_Right: lambda: c.step(1),
    }
    if key in actions and not (mods & (M.AltModifier | M.MetaModifier)):
        actions[key]()
        return True
    if K.Key_1 <= key <= K.Key_5:
        c.apply_preset(key - K.Key_1 + 1)
        return True
    return False

