"""The tools toolbar: one compact icon button per tool, drawn with QPainter (no image files).

Each action's text is the translated tool label (menus, accessibility, tests read it);
the tooltip adds the shortcut and the one-line help. Icons are drawn at 64 x 64 logical
pixels in a light stroke so they read on the dark and the light toolbar alike; Qt scales
them to the toolbar's icon size (20 px by default).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PyQt6.QtCore import QPointF, QRectF, QSize, Qt
from PyQt6.QtGui import (
    QAction,
    QActionGroup,
    QColor,
    QFont,
    QIcon,
    QImage,
    QKeySequence,
    QPainter,
    QPen,
    QPixmap,
    QPolygonF,
)
from PyQt6.QtWidgets import QToolBar, QWidget

from annotator.ui.i18n import tr

ICON_SIZE = 64
INK = QColor("#2b6cb0")
ACCENT = QColor("#d97706")


def _pen(color: QColor, width: float = 5.0, dash: bool = False) -> QPen:
    pen = QPen(color, width)
    pen.setCapStyle(Qt.PenCapStyle.RoundCap)
    pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
    if dash:
        pen.setStyle(Qt.PenStyle.DashLine)
    return pen


def _poly(*pts: tuple[float, float]) -> QPolygonF:
    return QPolygonF([QPointF(x, y) for x, y in pts])


def _arrow_head(p: QPainter, tip: tuple[float, float], back: tuple[float, float]) -> None:
    import math

    ang = math.atan2(tip[1] - back[1], tip[0] - back[0])
    a1, a2 = ang + math.radians(150), ang - math.radians(150)
    p.drawPolyline(_poly((tip[0] + 16 * math.cos(a1), tip[1] + 16 * math.sin(a1)), tip,
                         (tip[0] + 16 * math.cos(a2), tip[1] + 16 * math.sin(a2))))


def _text(p: QPainter, rect: QRectF, text: str, size: int = 26) -> None:
    font = QFont()
    font.setBold(True)
    font.setPixelSize(size)
    p.setFont(font)
    p.drawText(rect, Qt.AlignmentFlag.AlignCenter, text)


def _draw(name: str, p: QPainter) -> None:
    ink, acc = _pen(INK), _pen(ACCENT)
    p.setPen(ink)
    if name == "select":
        p.setBrush(INK)
        p.drawPolygon(_poly((16, 8), (16, 52), (27, 41), (35, 58), (42, 55), (34, 38), (50, 38)))
    elif name == "tip":
        p.drawLine(QPointF(32, 6), QPointF(32, 24))
        p.drawLine(QPointF(32, 40), QPointF(32, 58))
        p.drawLine(QPointF(6, 32), QPointF(24, 32))
        p.drawLine(QPointF(40, 32), QPointF(58, 32))
        p.setPen(acc)
        p.setBrush(ACCENT)
        p.drawEllipse(QPointF(32, 32), 6, 6)
    elif name == "shaft":
        p.setPen(_pen(INK, 7))
        p.drawLine(QPointF(8, 56), QPointF(46, 18))
        p.setPen(acc)
        p.drawLine(QPointF(46, 18), QPointF(56, 8))
    elif name == "contrast_path":
        p.setPen(_pen(ACCENT, 5))
        p.drawPolyline(_poly((8, 10), (22, 26), (26, 42), (42, 50), (58, 56)))
        p.setBrush(INK)
        p.setPen(ink)
        for x, y in ((8, 10), (22, 26), (26, 42), (42, 50)):
            p.drawEllipse(QPointF(x, y), 3.5, 3.5)
    elif name in ("pedicle_margin", "sap_margin"):
        p.drawEllipse(QRectF(14, 8, 36, 30) if name == "pedicle_margin" else QRectF(14, 26, 36, 30))
        p.setPen(_pen(ACCENT, 6))
        y = 40 if name == "pedicle_margin" else 24
        p.drawLine(QPointF(8, y), QPointF(56, y))
    elif name == "foramen":
        p.drawPolygon(_poly((20, 6), (44, 10), (52, 34), (40, 58), (22, 54), (12, 30)))
        p.setPen(_pen(ACCENT, 3, dash=True))
        p.drawLine(QPointF(32, 8), QPointF(32, 56))
    elif name == "s1_foramen":
        p.drawEllipse(QRectF(10, 16, 44, 32))
        _text(p, QRectF(0, 0, 64, 64), "S1", 20)
    elif name == "midline":
        p.setPen(_pen(ACCENT, 5, dash=True))
        p.drawLine(QPointF(32, 4), QPointF(32, 60))
        p.setPen(ink)
        for y in (14, 32, 50):
            p.drawLine(QPointF(22, y), QPointF(42, y))
    elif name == "iliac_crest":
        p.drawArc(QRectF(2, 24, 26, 40), 0, 180 * 16)
        p.drawArc(QRectF(36, 24, 26, 40), 0, 180 * 16)
        p.setPen(_pen(ACCENT, 5))
        p.drawLine(QPointF(6, 24), QPointF(58, 24))
    elif name == "level_label":
        _text(p, QRectF(0, 0, 64, 64), "L4", 30)
    elif name == "finding":
        p.setBrush(Qt.BrushStyle.NoBrush)
        p.drawPolygon(_poly((32, 6), (58, 32), (32, 58), (6, 32)))
        _text(p, QRectF(0, 0, 64, 64), "!", 30)
    elif name == "arrow":
        p.drawLine(QPointF(10, 54), QPointF(50, 14))
        _arrow_head(p, (50, 14), (10, 54))
        p.setPen(acc)
        _text(p, QRectF(0, 30, 34, 34), "T", 22)
    elif name == "ruler":
        p.drawRect(QRectF(4, 22, 56, 20))
        for i, x in enumerate(range(12, 60, 8)):
            p.drawLine(QPointF(x, 22), QPointF(x, 30 if i % 2 else 34))
    elif name == "angle":
        p.drawPolyline(_poly((56, 12), (10, 52), (58, 52)))
        p.setPen(acc)
        p.drawArc(QRectF(-8, 34, 36, 36), 0, 41 * 16)
    elif name == "calibration":
        p.drawLine(QPointF(8, 40), QPointF(56, 40))
        p.drawLine(QPointF(8, 32), QPointF(8, 48))
        p.drawLine(QPointF(56, 32), QPointF(56, 48))
        p.setPen(acc)
        _text(p, QRectF(0, 0, 64, 32), "mm", 20)
    elif name == "redaction":
        p.setBrush(QColor("#222222"))
        p.drawRect(QRectF(6, 18, 52, 28))
        p.setPen(_pen(QColor("#ffffff"), 3))
        p.drawLine(QPointF(14, 32), QPointF(50, 32))
    else:  # a tool added later: its first two letters
        _text(p, QRectF(0, 0, 64, 64), name[:2].upper(), 26)


def tool_icon(name: str) -> QIcon:
    """The toolbar icon of tool ``name`` (an unknown name gets its initials)."""
    img = QImage(ICON_SIZE, ICON_SIZE, QImage.Format.Format_ARGB32_Premultiplied)
    img.fill(Qt.GlobalColor.transparent)
    p = QPainter(img)
    try:
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        _draw(name, p)
    finally:
        p.end()
    return QIcon(QPixmap.fromImage(img))


def build_tools_toolbar(parent: QWidget, specs: list[Any],
                        on_tool: Callable[[str], None]) -> tuple[QToolBar, QActionGroup, dict[str, tuple[QAction, Any]]]:
    """A toolbar of exclusive, checkable tool actions (the first one checked).

    Returns the toolbar, the action group and ``{tool name: (action, spec)}``.
    """
    toolbar = QToolBar(parent)
    toolbar.setObjectName("toolsToolbar")
    toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonIconOnly)
    toolbar.setIconSize(QSize(22, 22))
    group = QActionGroup(parent)
    group.setExclusive(True)
    actions: dict[str, tuple[QAction, Any]] = {}
    for spec in specs:
        act = QAction(parent)
        act.setObjectName(f"tool_{spec.name}")
        act.setCheckable(True)
        act.setIcon(tool_icon(spec.name))
        if getattr(spec, "shortcut", ""):
            act.setShortcut(QKeySequence(spec.shortcut))
        act.triggered.connect(lambda _=False, n=spec.name: on_tool(n))
        group.addAction(act)
        toolbar.addAction(act)
        actions[spec.name] = (act, spec)
    if actions:
        next(iter(actions.values()))[0].setChecked(True)
    return toolbar, group, actions


def retranslate_tools(toolbar: QToolBar, actions: dict[str, tuple[QAction, Any]]) -> None:
    """Labels and tooltips ("Needle tip (T)" + the help line) in the current language."""
    toolbar.setWindowTitle(tr("Tools"))
    for act, spec in actions.values():
        label = tr(spec.label)
        act.setText(label)
        tip = label + (f" ({spec.shortcut})" if getattr(spec, "shortcut", "") else "")
        act.setToolTip(tip + (f"\n{tr(spec.help)}" if getattr(spec, "help", "") else ""))
