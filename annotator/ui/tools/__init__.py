"""The tools of the viewports: registry (``TOOLS``) and one module per tool family.

``TOOLS`` is the ordered list the main window builds its toolbar and the F1
help overlay from. ``label`` and ``help`` are English source strings: show
them through ``tr`` (``spec.tr_label()``, ``spec.tr_help()``). Shortcut
letters avoid the view keys (i, h, v, r, m, Space, 1-5, comma, period).
``make_tool(name)`` builds a fresh tool (tools keep only the shape in progress).
``ASSIST_TOOLS`` are the assisted tools (snap tip, live-wire path) of the
"Assist" toolbar (``annotator.ui.assist_actions``), kept out of ``TOOLS`` so
the main tools toolbar does not show them twice; ``tool_spec`` knows both.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from annotator.model import Role, ShapeKind
from annotator.ui.i18n import tr
from annotator.ui.tools.assist import LiveWireTool, SnapTipTool
from annotator.ui.tools.base import Asker, Selection, Sketch, Tool, ToolContext
from annotator.ui.tools.lines import LineTool, ask_arrow_text, ask_length, hub_first, medial_first
from annotator.ui.tools.points import FindingMarkerTool, LevelLabelTool, PointTool
from annotator.ui.tools.select import SelectTool, delete_selection
from annotator.ui.tools.shapes import EllipseTool, PolyTool, RedactionTool
from annotator.ui.tools.suggestions import (
    accept_suggestion,
    keys_hint,
    paired_shaft,
    reject_suggestion,
    suggestion_key,
)


@dataclass(frozen=True)
class ToolSpec:
    """One tool as the window shows it. ``role``/``kind``: what it draws (None for select/redaction)."""

    name: str
    label: str
    shortcut: str
    role: Role | None
    kind: ShapeKind | None
    help: str

    def tr_label(self) -> str:
        return tr(self.label)

    def tr_help(self) -> str:
        return tr(self.help)


def tr_noop(text: str) -> str:
    """Marks a string for the translation catalogue (checked by tests/ui/test_i18n.py) without
    translating it now: labels are translated when shown, in the language of that moment."""
    return text



TOOLS: list[ToolSpec] = [
    ToolSpec("select", tr_noop("Select / move"), "S", None, None,
             tr_noop("Click a shape to select it; drag a handle or the shape to move it; Delete removes it")),
    ToolSpec("tip", tr_noop("Needle tip"), "T", Role.TIP, ShapeKind.POINT,
             tr_noop("Click the needle tip; clicking again moves it (one tip per film)")),
    ToolSpec("shaft", tr_noop("Needle shaft"), "N", Role.SHAFT, ShapeKind.LINE,
             tr_noop("Drag from the hub side to the tip")),
    ToolSpec("contrast_path", tr_noop("Contrast path"), "C", Role.CONTRAST_PATH, ShapeKind.POLYLINE,
             tr_noop("Click points from the tip along the root sleeve; Enter or double-click ends")),
    ToolSpec("pedicle_margin", tr_noop("Pedicle lower margin"), "P", Role.PEDICLE_MARGIN, ShapeKind.LINE,
             tr_noop("Drag along the lower margin of the pedicle, medial end to lateral end")),
    ToolSpec("sap_margin", tr_noop("SAP superior margin"), "A", Role.SAP_MARGIN, ShapeKind.LINE,
             tr_noop("Click a point or drag a line on the superior margin of the superior articular process below")),
    ToolSpec("foramen", tr_noop("Foramen outline"), "F", Role.FORAMEN, ShapeKind.POLYGON,
             tr_noop("Click around the foramen on the lateral film; Enter or double-click closes")),
    ToolSpec("s1_foramen", tr_noop("S1 foramen"), "E", Role.S1_FORAMEN, ShapeKind.ELLIPSE,
             tr_noop("Drag a box around the first dorsal sacral foramen")),
    ToolSpec("midline", tr_noop("Midline"), "D", Role.MIDLINE, ShapeKind.LINE,
             tr_noop("Drag along the spinous processes")),
    ToolSpec("iliac_crest", tr_noop("Iliac-crest line"), "K", Role.ILIAC_CREST, ShapeKind.LINE,
             tr_noop("Drag between the tops of the iliac crests")),
    ToolSpec("level_label", tr_noop("Level label"), "L", Role.LEVEL_LABEL, ShapeKind.POINT,
             tr_noop("Click a vertebra and choose its level")),
    ToolSpec("finding", tr_noop("Finding marker"), "X", Role.FINDING, ShapeKind.POINT,
             tr_noop("Click where a finding is and choose it from the vocabulary")),
    ToolSpec("arrow", tr_noop("Arrow with text"), "W", Role.ARROW, ShapeKind.LINE,
             tr_noop("Drag from the tail to the head, then type the text")),
    ToolSpec("ruler", tr_noop("Ruler"), "U", Role.RULER, ShapeKind.LINE,
             tr_noop("Drag to measure a length (the unit says where the scale comes from)")),
    ToolSpec("angle", tr_noop("Angle"), "G", Role.ANGLE, ShapeKind.POLYLINE,
             tr_noop("Click an arm end, the vertex, then the other arm end")),
    ToolSpec("calibration", tr_noop("Calibrate by known length"), "B", Role.CALIBRATION, ShapeKind.LINE,
             tr_noop("Drag along an object of known length, then type its length in mm")),
    ToolSpec("redaction", tr_noop("Redaction"), "O", None, None,
             tr_noop("Drag a box over burned-in text: it is blacked out in every export")),
]

ASSIST_TOOLS: list[ToolSpec] = [
    ToolSpec("snap_tip", tr_noop("Snap tip"), "", Role.TIP, ShapeKind.POINT,
             tr_noop("Click near the needle tip: the tip snaps to the needle found within a few millimetres")),
    ToolSpec("livewire", tr_noop("Live-wire path"), "", Role.CONTRAST_PATH, ShapeKind.POLYLINE,
             tr_noop("Click anchors along the contrast band: the path follows the band; Enter or double-click ends")),
]

_FACTORIES: dict[str, Callable[[], Tool]] = {
    "select": SelectTool,
    "tip": lambda: PointTool("tip", Role.TIP, single=True),
    "shaft": lambda: LineTool("shaft", Role.SHAFT, single=True, order=hub_first),
    "contrast_path": lambda: PolyTool("contrast_path", Role.CONTRAST_PATH, ShapeKind.POLYLINE, snap_tip=True),
    "pedicle_margin": lambda: LineTool("pedicle_margin", Role.PEDICLE_MARGIN, single=True, order=medial_first),
    "sap_margin": lambda: LineTool("sap_margin", Role.SAP_MARGIN, single=True, allow_point=True),
    "foramen": lambda: PolyTool("foramen", Role.FORAMEN, ShapeKind.POLYGON, single=True),
    "s1_foramen": EllipseTool,
    "midline": lambda: LineTool("midline", Role.MIDLINE, single=True),
    "iliac_crest": lambda: LineTool("iliac_crest", Role.ILIAC_CREST, single=True),
    "level_label": LevelLabelTool,
    "finding": FindingMarkerTool,
    "arrow": lambda: LineTool("arrow", Role.ARROW, finish=ask_arrow_text),
    "ruler": lambda: LineTool("ruler", Role.RULER),
    "angle": lambda: PolyTool("angle", Role.ANGLE, ShapeKind.POLYLINE, count=3),
    "calibration": lambda: LineTool("calibration", Role.CALIBRATION, single=True, finish=ask_length),
    "redaction": RedactionTool,
    "snap_tip": SnapTipTool,
    "livewire": LiveWireTool,
}


def tool_spec(name: str) -> ToolSpec:
    for spec in TOOLS + ASSIST_TOOLS:
        if spec.name == name:
            return spec
    raise KeyError(f"no tool named {name!r}")


def make_tool(name: str) -> Tool:
    """A fresh tool; raises KeyError for an unknown name."""
    try:
        return _FACTORIES[name]()
    except KeyError:
        raise KeyError(f"no tool named {name!r}") from None


__all__ = ["ASSIST_TOOLS", "TOOLS", "Asker", "accept_suggestion", "keys_hint", "paired_shaft", "reject_suggestion", "suggestion_key", "SelectTool", "Selection", "Sketch", "Tool", "ToolContext", "ToolSpec", "delete_selection",
           "make_tool", "tool_spec"]
