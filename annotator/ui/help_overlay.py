"""The F1 help overlay: every tool with its key, and the view keys, over the main window.

A translucent panel drawn on top of its parent; any key or click closes it.
The tool list comes from ``annotator.ui.tools.TOOLS`` (``ToolSpec.name``,
``label``, ``shortcut``, ``help``), so it is always the toolbar's list.
"""

from __future__ import annotations

import html
from typing import Any

from PyQt6.QtCore import QEvent, QObject, Qt
from PyQt6.QtGui import QColor, QKeyEvent, QMouseEvent, QPainter
from PyQt6.QtWidgets import QLabel, QVBoxLayout, QWidget

from annotator.ui.i18n import tr


def tr_noop(text: str) -> str:
    return text


VIEW_KEYS: tuple[tuple[str, str], ...] = (
    (tr_noop("Wheel"), tr_noop("zoom about the cursor")),
    (tr_noop("Middle-drag"), tr_noop("pan")),
    (tr_noop("Right-drag"), tr_noop("window (horizontal) / level (vertical)")),
    ("Space", tr_noop("fit the film to the viewport")),
    ("i", tr_noop("invert")),
    ("h / v", tr_noop("flip horizontally / vertically")),
    ("r", tr_noop("rotate 90°")),
    ("1–5", tr_noop("window presets")),
    ("m", tr_noop("magnifier")),
    ("← / →  , / .", tr_noop("previous / next frame of a cine")),
    (tr_noop("Double-click"), tr_noop("maximise a viewport / back to three views")),
    ("Esc", tr_noop("cancel the shape in progress")),
    (tr_noop("Delete / Backspace"), tr_noop("delete the selected shape")),
    ("Ctrl+Z", tr_noop("undo")),
    ("Ctrl+Shift+Z, Ctrl+Y", tr_noop("redo")),
    ("Ctrl+S", tr_noop("save")),
    ("F1", tr_noop("show / hide this help")),
)


def tool_specs() -> list[Any]:
    try:
        from annotator.ui.tools import TOOLS
    except Exception:  # the tools package not available yet: list the view keys only
        return []
    return list(TOOLS)


def help_html() -> str:
    """The overlay's content (also used by tests)."""
    rows = [f"<h2>{html.escape(tr('Keys and tools'))}</h2><table cellspacing='0' cellpadding='3'>"]
    specs = tool_specs()
    if specs:
        rows.append(f"<tr><td colspan='2'><b>{html.escape(tr('Tools'))}</b></td></tr>")
        for spec in specs:
            key = getattr(spec, "shortcut", "") or ""
            label = tr(getattr(spec, "label", getattr(spec, "name", "")))
            help_text = tr(getattr(spec, "help", "") or "")
            rows.append(
                f"<tr><td><b>{html.escape(key)}</b></td><td>{html.escape(label)}"
                + (f" — {html.escape(help_text)}" if help_text else "")
                + "</td></tr>"
            )
    rows.append(f"<tr><td colspan='2'><br><b>{html.escape(tr('View'))}</b></td></tr>")
    for key, what in VIEW_KEYS:
        rows.append(f"<tr><td><b>{html.escape(tr(key))}</b></td><td>{html.escape(tr(what))}</td></tr>")
    rows.append("</table>")
    rows.append(f"<p><i>{html.escape(tr('Press any key or click to close.'))}</i></p>")
    return "".join(rows)


class HelpOverlay(QWidget):
    """Covers its parent; ``toggle()`` shows or hides it."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("helpOverlay")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, False)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.label = QLabel(self)
        self.label.setTextFormat(Qt.TextFormat.RichText)
        self.label.setStyleSheet("color: white; font-size: 13px;")
        self.label.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignHCenter)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(40, 30, 40, 30)
        layout.addWidget(self.label)
        parent.installEventFilter(self)
        self.hide()

    def toggle(self) -> None:
        if self.isVisible():
            self.hide()
        else:
            self.label.setText(help_html())
            self.setGeometry(parent_rect(self.parentWidget()))
            self.raise_()
            self.show()
            self.setFocus()

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt API)
        if obj is self.parentWidget() and event.type() == QEvent.Type.Resize and self.isVisible():
            self.setGeometry(parent_rect(self.parentWidget()))
        return False

    def paintEvent(self, _event: Any) -> None:  # noqa: N802
        p = QPainter(self)
        p.fillRect(self.rect(), QColor(10, 14, 20, 238))
        p.end()

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        self.hide()
        event.accept()

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        self.hide()
        event.accept()


def parent_rect(parent: QWidget | None) -> Any:
    return parent.rect() if parent is not None else None
