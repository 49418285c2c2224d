"""The F1 help overlay: every tool with its key, the assist, the view, cine and edit keys.

A translucent panel drawn on top of its parent; any key (a shortcut too, which then does
nothing else) or click closes it.
The tool list comes from ``annotator.ui.tools.TOOLS`` (``ToolSpec.name``,
``label``, ``shortcut``, ``help``), so it is always the toolbar's list. The
"Assist" rows are the window's Assist toolbar actions (``window.assist_toolbar``,
``annotator.ui.assist_actions``: text and tooltip, already translated), or the
``ASSIST_TOOLS`` specs when the window has no such toolbar. The keys listed are
the ones ``annotator.ui.viewport.canvas.Canvas`` handles; the cine bar's
Play/Pause and Key frame are buttons without a key.
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


# Enter / Esc in a viewport (Canvas._handle_key): the tool in progress first, then the selected suggestion.
SUGGESTION_KEYS: tuple[tuple[str, str], ...] = (
    ("Enter", tr_noop("accept the selected suggestion / finish a path or outline")),
    ("Esc", tr_noop("reject the selected suggestion / cancel the shape in progress")),
)

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
    (tr_noop("Double-click"), tr_noop("maximise a viewport / back to three views")),
)

CINE_KEYS: tuple[tuple[str, str], ...] = (
    ("← / →  , / .", tr_noop("previous / next frame of a cine")),
    (tr_noop("Play / Pause button"), tr_noop("play or pause the cine (no key)")),
    (tr_noop("Key frame button"), tr_noop("use the frame shown as the film's key frame (no key)")),
)

EDIT_KEYS: tuple[tuple[str, str], ...] = (
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


def assist_tool_specs() -> list[Any]:
    try:
        from annotator.ui.tools import ASSIST_TOOLS
    except Exception:
        return []
    return list(ASSIST_TOOLS)


def assist_rows(window: Any = None) -> list[tuple[str, str]]:
    """(label, help) of each Assist toolbar action of ``window``, translated now; without an
    Assist toolbar, the ``ASSIST_TOOLS`` specs."""
    actions = getattr(getattr(getattr(window, "assist_toolbar", None), "assist", None), "actions", None)
    if actions:
        return [(act.text(), act.toolTip()) for act in actions.values()]
    return [(tr(s.label), tr(s.help)) for s in assist_tool_specs()]


def _row(key: str, text: str) -> str:
    return f"<tr><td><b>{html.escape(key)}</b></td><td>{html.escape(text)}</td></tr>"


def _heading(text: str, first: bool = False) -> str:
    return f"<tr><td colspan='2'>{'' if first else '<br>'}<b>{html.escape(text)}</b></td></tr>"


def help_html(window: Any = None) -> str:
    """The overlay's content (also used by tests): the tools on the left; the assist, view, cine
    and edit keys on the right (one column would not fit a 1000 px high window). ``window``
    supplies the Assist actions."""
    table = "<table cellspacing='0' cellpadding='3'>"
    left = [table]
    for spec in tool_specs():
        help_text = tr(getattr(spec, "help", "") or "")
        label = tr(getattr(spec, "label", getattr(spec, "name", "")))
        left.append(_row(getattr(spec, "shortcut", "") or "", label + (f" — {help_text}" if help_text else "")))
    if len(left) > 1:
        left.insert(1, _heading(tr("Tools"), first=True))
    right = [table, _heading(tr("Assist"), first=True)]
    for label, help_text in assist_rows(window):
        right.append(_row("", label + (f" — {help_text}" if help_text else "")))
    right.extend(_row(key, tr(what)) for key, what in SUGGESTION_KEYS)
    for title, keys in ((tr("View"), VIEW_KEYS), (tr("Cine"), CINE_KEYS), (tr("Edit"), EDIT_KEYS)):
        right.append(_heading(title))
        right.extend(_row(tr(key), tr(what)) for key, what in keys)
    columns = "".join(f"<td valign='top' width='50%'>{''.join(col)}</table></td>" for col in (left, right)
                      if len(col) > 1)
    return (f"<h2>{html.escape(tr('Keys and tools'))}</h2>"
            f"<table cellspacing='16' cellpadding='0' width='100%'><tr>{columns}</tr></table>"
            f"<p><i>{html.escape(tr('Press any key or click to close.'))}</i></p>")

MODIFIER_KEYS = frozenset({Qt.Key.Key_Shift, Qt.Key.Key_Control, Qt.Key.Key_Alt, Qt.Key.Key_AltGr, Qt.Key.Key_Meta,
                           Qt.Key.Key_Super_L, Qt.Key.Key_Super_R, Qt.Key.Key_CapsLock, Qt.Key.Key_NumLock})


class HelpOverlay(QWidget):
    """Covers its parent; ``toggle()`` shows or hides it."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("helpOverlay")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, False)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.label = QLabel(self)
        self.label.setTextFormat(Qt.TextFormat.RichText)
        self.label.setWordWrap(True)  # long help lines wrap inside their column instead of running off
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
            self.label.setText(help_html(self.parentWidget()))
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
        """Any key closes the overlay, a shortcut too (``view_keys`` keeps it from acting): a
        modifier's own press does not, so Ctrl+Z closes it on the Z, not on the Ctrl."""
        event.accept()
        if event.key() not in MODIFIER_KEYS:
            self.hide()

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        self.hide()
        event.accept()


def parent_rect(parent: QWidget | None) -> Any:
    return parent.rect() if parent is not None else None
