"""The text drawn next to an annotation, the same on screen and in exports (no Qt).

``annotation_label(ann, film, lang)`` is what the canvas (``annotator.ui.viewport.overlay``)
and the burned-in films, slides and presentation states
(``annotator.export``) write beside a shape:

- ruler: its length in the film's unit (``12.3 mm (ERMF)``, ``45 px``), after
  the user's note if there is one;
- angle: the angle at the vertex, ``37.5°``, after the user's note if there is one;
- calibration line: the known length the user typed (``10 mm``);
- iliac-crest line: the user's text, else "iliac crest (≈ L4 / L4-5)" / "髂嵴连线（≈ L4 / L4-5）";
- finding marker: the vocabulary's name of its code (short form, before the
  first " / "), free text as typed;
- level label and arrow: their text; pedicle margin: its vertebra ("L5");
- a bilateral landmark whose side is left or right: side, level and name
  ("R L5 pedicle", "L SAP", "右 S1 孔"); of unknown or unset side as before.

Lengths use the film's effective calibration (``Film.effective_calibration``).
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from typing import Any

from annotator.model import Annotation, Film, Role

Point = tuple[float, float]

ILIAC_CREST = {"en": "iliac crest (≈ L4 / L4-5)", "zh": "髂嵴连线（≈ L4 / L4-5）"}


def format_length(value: float, unit: str) -> str:
    """``12.3 mm (ERMF)``; whole pixels for ``px``."""
    return f"{value:.1f} {unit}" if unit != "px" else f"{value:.0f} px"


def angle_degrees(points: Sequence[Point]) -> float:
    """Angle at the vertex ``points[1]`` between the two arms, in degrees (0..180)."""
    (ax, ay), (vx, vy), (bx, by) = points[:3]
    a1 = math.atan2(ay - vy, ax - vx)
    a2 = math.atan2(by - vy, bx - vx)
    d = abs(math.degrees(a1 - a2)) % 360
    return 360 - d if d > 180 else d


def finding_name(code: str, lang: str = "en", config: Any = None, short: bool = True) -> str:
    """The vocabulary's name of finding ``code`` in ``lang`` (``short``: before the first
    " / "); a code the vocabulary does not know (free text) unchanged."""
    if config is None:
        from annotator.rules import load_config

        config = load_config()
    definition = config.findings.get(code)
    if definition is None:
        return code
    name = definition.name(lang) or code
    if short:
        name = name.split(" / ")[0].strip() or name
    return str(name)


def finding_code_of(label: str, config: Any = None) -> str:
    """The finding code whose name (either language, full or short) is ``label``; ``label``
    itself when none is (the inverse of :func:`finding_name`)."""
    if config is None:
        from annotator.rules import load_config

        config = load_config()
    for code in config.findings:
        for lang in ("en", "zh"):
            if label in (finding_name(code, lang, config, short=True), finding_name(code, lang, config, False)):
                return str(code)
    return label


def _with_note(note: str, text: str) -> str:
    return f"{note} {text}".strip() if note else text


_SIDE_SHORT = {"en": {"left": "L", "right": "R"}, "zh": {"left": "左", "right": "右"}}
_SIDED_NAME = {
    "en": {Role.PEDICLE_MARGIN: "pedicle", Role.SAP_MARGIN: "SAP", Role.S1_FORAMEN: "S1 foramen",
           Role.FORAMEN: "foramen"},
    "zh": {Role.PEDICLE_MARGIN: "椎弓根", Role.SAP_MARGIN: "上关节突", Role.S1_FORAMEN: "S1 孔",
           Role.FORAMEN: "椎间孔"},
}


def side_label(ann: Annotation, lang: str = "en") -> str:
    """'R L5 pedicle' for a bilateral landmark of known side; "" otherwise."""
    names = _SIDED_NAME.get(lang, _SIDED_NAME["en"])
    side = str(getattr(ann.side, "value", ann.side or ""))
    short = _SIDE_SHORT.get(lang, _SIDE_SHORT["en"]).get(side)
    if ann.role not in names or short is None:
        return ""
    level = ann.level if ann.level and ann.role is not Role.S1_FORAMEN else ""
    return " ".join(b for b in (short, level, names[ann.role]) if b)


def annotation_label(ann: Annotation, film: Film, lang: str = "en", config: Any = None) -> str:
    """The label of ``ann`` (module docstring), in ``lang`` ("en"/"zh"); "" when it has none."""
    role = ann.role
    sided = side_label(ann, lang)
    if sided:
        return sided
    if role is Role.RULER and len(ann.points) >= 2:
        cal = film.effective_calibration()
        return _with_note(ann.text, format_length(cal.length(ann.points[0], ann.points[1]), cal.unit_label))
    if role is Role.ANGLE and len(ann.points) >= 3:
        return _with_note(ann.text, f"{angle_degrees(ann.points):.1f}°")
    if role is Role.CALIBRATION:
        mm = ann.attrs.get("length_mm")
        return _with_note(ann.text, f"{float(mm):g} mm" if mm is not None else "")
    if role is Role.ILIAC_CREST:  # the user's own words when written, else the level aid
        return ann.text or ILIAC_CREST.get(lang, ILIAC_CREST["en"])
    if role is Role.FINDING:
        return finding_name(ann.text, lang, config) if ann.text else ""
    if role in (Role.LEVEL_LABEL, Role.ARROW):
        return ann.text
    if role is Role.PEDICLE_MARGIN and ann.level:
        return ann.level
    return ""


_UNITS = ("mm (calibrated)", "mm (detector)", "mm (ERMF)", "mm", "px")
LENGTH_SUFFIX = re.compile(r"\s*\d+(?:\.\d+)?(?: (?:" + "|".join(re.escape(u) for u in _UNITS) + r")|°)$")


def strip_length(label: str) -> str:
    """A ruler, calibration or angle label without the length or angle added after the note."""
    return LENGTH_SUFFIX.sub("", label)
