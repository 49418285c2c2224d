"""The tools of the viewports: registry (``TOOLS``) and one module per tool family.

``TOOLS`` is the ordered list the main window builds its toolbar and the F1
help overlay from. ``label`` and ``help`` are English source strings: show
them through ``tr`` (``spec.tr_label()``, ``spec.tr_help()``). Shortcut
letters avoid the view keys (i, h, v, r, m, Space, 1-5, comma, period).
``make_tool(name)`` builds a fresh tool (tools keep only the shape in progress).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from annotator.model import Role, ShapeKind
from annotator.ui.i18n import tr
from annotator.ui.tools.base import Asker, Selection, Sketch, Tool, ToolContext
from annotator.ui.tools.lines import LineTool, ask_arrow_text, ask_length, hub_first, medial_first
from annotator.ui.tools.points import FindingMarkerTool, LevelLabelTool, PointTool
from annotator.ui.tools.select import SelectTool, delete_selection
from annotator.ui.tools.shapes import EllipseTool, PolyTool, RedactionTool


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


def _noop_tr(text: str) -> str:
    """Marks a string for the translation catalogue without translating it now."""
    return text


N_ = _noop_tr

TOOLS: list[ToolSpec] = [
    ToolSpec("select", N_("Select / move"), "S", None, None,
             N_("Click a shape to select it; drag a handle or the shape to move it; Delete removes it")),
    ToolSpec("tip", N_("Needle tip"), "T", Role.TIP, ShapeKind.POINT,
             N_("Click the needle tip; clicking again moves it (one tip per film)")),
    ToolSpec("shaft", N_("Needle shaft"), "N", Role.SHAFT, ShapeKind.LINE,
             N_("Drag from the hub side to the tip")),
    ToolSpec("contrast_path", N_("Contrast path"), "C", Role.CONTRAST_PATH, ShapeKind.POLYLINE,
             N_("Click points from the tip along the root sleeve; Enter or double-click ends")),
    ToolSpec("pedicle_margin", N_("Pedicle lower margin"), "P", Role.PEDICLE_MARGIN, ShapeKind.LINE,
             N_("Drag along the lower margin of the pedicle, medial end to lateral end")),
    ToolSpec("sap_margin", N_("SAP superior margin"), "A", Role.SAP_MARGIN, ShapeKind.LINE,
             N_("Click a point or drag a line on the superior margin of the superior articular process below")),
    ToolSpec("foramen", N_("Foramen outline"), "F", Role.FORAMEN, ShapeKind.POLYGON,
             N_("Click around the foramen on the lateral film; Enter or double-click closes")),
    ToolSpec("s1_foramen", N_("S1 foramen"), "E", Role.S1_FORAMEN, ShapeKind.ELLIPSE,
             N_("Drag a box around the first dorsal sacral foramen")),
    ToolSpec("midline", N_("Midline"), "D", Role.MIDLINE, ShapeKind.LINE,
             N_("Drag along the spinous processes")),
    ToolSpec("iliac_crest", N_("Iliac-crest line"), "K", Role.ILIAC_CREST, ShapeKind.LINE,
             N_("Drag between the tops of the iliac crests")),
    ToolSpec("level_label", N_("Level label"), "L", Role.LEVEL_LABEL, ShapeKind.POINT,
             N_("Click a vertebra and choose its level")),
    ToolSpec("finding", N_("Finding marker"), "X", Role.FINDING, ShapeKind.POINT,
             N_("Click where a finding is and choose it from the vocabulary")),
    ToolSpec("arrow", N_("Arrow with text"), "W", Role.ARROW, ShapeKind.LINE,
             N_("Drag from the tail to the head, then type the text")),
    ToolSpec("ruler", N_("Ruler"), "U", Role.RULER, ShapeKind.LINE,
             N_("Drag to measure a length (the unit says where the scale comes from)")),
    ToolSpec("angle", N_("Angle"), "G", Role.ANGLE, ShapeKind.POLYLINE,
             N_("Click an arm end, the vertex, then the other arm end")),
    ToolSpec("calibration", N_("Calibrate by known length"), "B", Role.CALIBRATION, ShapeKind.LINE,
             N_("Drag along an object of known length, then type its length in mm")),
    ToolSpec("redaction", N_("Redaction"), "O", None, None,
             N_("Drag a box over burned-in text: it is blacked out in every export")),
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
}


def tool_spec(name: str) -> ToolSpec:
    for spec in TOOLS:
        if spec.name == name:
            return spec
    raise KeyError(f"no tool named {name!r}")


def make_tool(name: str) -> Tool:
    """A fresh tool; raises KeyError for an unknown name."""
    try:
        return _FACTORIES[name]()
    except KeyError:
        raise KeyError(f"no tool named {name!r}") from None


__all__ = ["TOOLS", "Asker", "SelectTool", "Selection", "Sketch", "Tool", "ToolContext", "ToolSpec", "delete_selection",
           "make_tool", "tool_spec"]
