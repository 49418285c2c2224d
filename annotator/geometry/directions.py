"""Patient directions of the image axes (DICOM PatientOrientation, PS3.3 C.7.6.1.1.1).

Letters: L/R (left/right), A/P (anterior/posterior), H/F (head/feet). A value
names the patient direction of +x (first) and +y (second) and may combine
letters (``"LF"``) for oblique axes; only the first letter is used as the
dominant direction here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

OPPOSITE = {"L": "R", "R": "L", "A": "P", "P": "A", "H": "F", "F": "H"}
_AXIS = {"L": "left-right", "R": "left-right", "A": "anterior-posterior", "P": "anterior-posterior",
         "H": "head-feet", "F": "head-feet"}


def _check(code: str) -> str:
    code = code.strip().upper()
    if not code or any(c not in OPPOSITE for c in code):
        raise ValueError(f"not a patient direction: {code!r} (use L, R, A, P, H, F)")
    return code


@dataclass(frozen=True)
class Directions:
    """``x``/``y``: patient direction of +x/+y; ``source`` says who decided it."""

    x: str
    y: str
    source: str = "default"
    # unknown case-file keys of this object, kept for the next save (not part of equality)
    extra: Mapping[str, Any] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "x", _check(self.x))
        object.__setattr__(self, "y", _check(self.y))
        if _AXIS[self.x[0]] == _AXIS[self.y[0]]:
            raise ValueError(
                f"+x ({self.x}) and +y ({self.y}) both lie on the patient's {_AXIS[self.x[0]]} axis: "
                "the two image axes need different patient axes"
            )

    @classmethod
    def default_for_view(cls, view: str) -> Directions:
        """Defaults of domain.md §3: AP +x = patient left, +y = feet; lateral anterior = image left."""
        if view == "lateral":
            return cls("P", "F", "default (lateral: anterior on image left)")
        return cls("L", "F", "default (radiological: patient right on viewer's left)")

    def vector(self, letter: str) -> tuple[float, float]:
        """Unit vector in pixel space pointing toward the patient direction ``letter``.

        Returns (0, 0) when neither image axis carries that anatomical axis.
        """
        letter = _check(letter)[0]
        vx = 1.0 if self.x[0] == letter else -1.0 if self.x[0] == OPPOSITE[letter] else 0.0
        vy = 1.0 if self.y[0] == letter else -1.0 if self.y[0] == OPPOSITE[letter] else 0.0
        return vx, vy

    def mirrored_x(self) -> Directions:
        """Directions after flipping the image left-right."""
        return Directions("".join(OPPOSITE[c] for c in self.x), self.y, self.source)

    def mirrored_y(self) -> Directions:
        return Directions(self.x, "".join(OPPOSITE[c] for c in self.y), self.source)

    def edge_letters(self) -> dict[str, str]:
        """Orientation letters for the viewport edges: right, left, bottom, top."""
        return {
            "right": self.x,
            "left": "".join(OPPOSITE[c] for c in self.x),
            "bottom": self.y,
            "top": "".join(OPPOSITE[c] for c in self.y),
        }
