"""Asking the user for a value from a tool (length, text, choice) through Qt input dialogs."""

from __future__ import annotations

from collections.abc import Sequence

from PyQt6.QtWidgets import QInputDialog, QWidget


class DialogAsker:
    """Asks through Qt input dialogs (tests replace ``canvas.asker`` with a stub)."""

    def __init__(self, parent: QWidget) -> None:
        self.parent = parent

    def number(self, title: str, label: str, default: float) -> float | None:
        value, ok = QInputDialog.getDouble(self.parent, title, label, default, 0.01, 10000.0, 2)
        return value if ok else None

    def text(self, title: str, label: str, default: str) -> str | None:
        value, ok = QInputDialog.getText(self.parent, title, label, text=default)
        return value if ok else None

    def choice(self, title: str, label: str, options: Sequence[tuple[str, str]], default: str | None) -> str | None:
        shown = [s for _, s in options]
        current = next((i for i, (v, _) in enumerate(options) if v == default), 0)
        value, ok = QInputDialog.getItem(self.parent, title, label, shown, current, False)
        if not ok:
            return None
        return next((v for v, s in options if s == value), None)
