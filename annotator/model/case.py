"""The case document: a case, the roots tested, their films and findings.

Containers are plain dataclasses; annotations and findings are frozen values.
All edits from the GUI go through the command stack in ``annotator.model.document``
(never by mutating these objects directly), so undo/redo sees every change.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from annotator.geometry import Calibration, Directions
from annotator.model.annotations import Annotation, Role, new_id

LEVELS = ("L1", "L2", "L3", "L4", "L5", "S1")


class View(StrEnum):
    AP = "AP"
    LATERAL = "lateral"
    OBLIQUE = "oblique"
    UNKNOWN = "unknown"


class Phase(StrEnum):
    BEFORE_CONTRAST = "before_contrast"
    AFTER_CONTRAST = "after_contrast"
    AFTER_DRUG = "after_drug"
    FOLLOW_UP = "follow_up"
    UNKNOWN = "unknown"


class Side(StrEnum):
    LEFT = "left"
    RIGHT = "right"


class Technique(StrEnum):
    CONTRAST_STUDY = "contrast_study"
    BLOCK = "block"
    BOTH = "both"


class Approach(StrEnum):
    SUPRANEURAL = "supraneural"  # subpedicular, "safe triangle"
    INFRANEURAL = "infraneural"  # Kambin's triangle
    RETRODISCAL = "retrodiscal"
    S1_MEDIAL = "s1_medial"
    S1_LATERAL = "s1_lateral"
    UNKNOWN = "unknown"


class Resistance(StrEnum):
    NONE = "none"
    MILD = "mild"
    MARKED = "marked"
    NOT_RECORDED = "not_recorded"


class CheckResult(StrEnum):
    """Flash/aspiration result."""

    NOT_DONE = "not_done"
    NEGATIVE = "negative"
    POSITIVE = "positive"


class Concordance(StrEnum):
    YES = "yes"
    NO = "no"
    NOT_ASSESSED = "not_assessed"


class BlockResult(StrEnum):
    NONE = "none"  # 未阻滞
    PARTIAL = "partial"  # 部分阻滞
    COMPLETE = "complete"  # 完全阻滞
    NOT_ASSESSED = "not_assessed"


@dataclass(frozen=True)
class DrugDose:
    """A drug given: ``drug`` is an id of the drug table (rules/data/drugs.json)."""

    drug: str
    concentration_pct: float | None = None
    dose_mg: float | None = None
    volume_ml: float | None = None


@dataclass(frozen=True)
class Finding:
    """A finding of the vocabulary (rules/data/findings.json), with location and attributes.

    ``annotation_id`` points at a FINDING-role annotation on ``film_id`` that
    marks where it is (optional). ``value`` holds the finding's attribute
    (resistance level, grade, L5 course, spread direction); ``site`` the
    anatomical site of a cutoff; ``angle_deg`` the L5 tilt angle.
    """

    code: str
    id: str = field(default_factory=new_id)
    film_id: str | None = None
    annotation_id: str | None = None
    site: str | None = None
    value: str | None = None
    angle_deg: float | None = None
    note: str = ""
    suggested: bool = False


@dataclass(frozen=True)
class Redaction:
    """A rectangle blacked out in every export: pixel corners (x0, y0)-(x1, y1)."""

    x0: float
    y0: float
    x1: float
    y1: float
    id: str = field(default_factory=new_id)


@dataclass
class Film:
    """One image file of a root, referenced relative to the case folder."""

    path: str  # POSIX path relative to the case folder
    view: View = View.UNKNOWN
    phase: Phase = Phase.UNKNOWN
    id: str = field(default_factory=new_id)
    caption: str = ""
    figure_label: str = ""  # e.g. "7A" for teaching captions
    key_frame: int = 0
    view_evidence: str = ""  # what decided the view at import
    calibration: Calibration = field(default_factory=Calibration)  # detected at import
    directions: Directions | None = None  # detected at import (None: view default)
    directions_override: Directions | None = None  # the user's correction
    redactions: list[Redaction] = field(default_factory=list)
    annotations: list[Annotation] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)  # unknown keys, preserved

    def effective_directions(self) -> Directions:
        if self.directions_override is not None:
            return self.directions_override
        if self.directions is not None:
            return self.directions
        return Directions.default_for_view(self.view.value)

    def effective_calibration(self) -> Calibration:
        """A user calibration line wins over what the file said (domain.md §3 order
        puts file tags first, but a user who calibrates means to override)."""
        for a in self.annotations:
            if a.role is Role.CALIBRATION and not a.suggested and "length_mm" in a.attrs:
                return Calibration.from_known_length(a.points[0], a.points[1], float(a.attrs["length_mm"]))
        return self.calibration

    def first(self, role: Role, frame: int | None = None) -> Annotation | None:
        """The first confirmed annotation of ``role`` (on ``frame`` when given)."""
        for a in self.annotations:
            if a.role is role and not a.suggested and (frame is None or a.frame == frame):
                return a
        return None


@dataclass
class Root:
    """One nerve root tested, with its procedure record, films and findings."""

    level: str  # one of LEVELS
    side: Side
    id: str = field(default_factory=new_id)
    technique: Technique = Technique.BOTH
    approach: Approach = Approach.UNKNOWN
    needle_type: str = ""
    needle_gauge: str = ""
    contrast_agent: str = ""
    contrast_volume_ml: float | None = None
    resistance: Resistance = Resistance.NOT_RECORDED
    flash: CheckResult = CheckResult.NOT_DONE
    aspiration: CheckResult = CheckResult.NOT_DONE
    subtraction_used: bool = False
    drugs: list[DrugDose] = field(default_factory=list)
    concordance: Concordance = Concordance.NOT_ASSESSED
    block_result: BlockResult = BlockResult.NOT_ASSESSED
    block_assessed_min: float | None = None  # minutes after injection
    adjustments: str = ""
    notes: str = ""
    films: list[Film] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def label(self) -> str:
        return f"{self.side.value} {self.level}"


@dataclass
class Case:
    """A de-identified case: age and sex may stay, identity never."""

    title: str = ""
    id: str = field(default_factory=new_id)
    age: int | None = None
    sex: str | None = None  # "M", "F" or None
    symptoms: str = ""
    iodine_allergy_test_done: bool | None = None
    planned_roots: list[str] = field(default_factory=list)  # e.g. ["right L5"]
    notes: str = ""
    roots: list[Root] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)

    def film(self, film_id: str) -> tuple[Root, Film]:
        for r in self.roots:
            for f in r.films:
                if f.id == film_id:
                    return r, f
        raise KeyError(film_id)

    def root(self, root_id: str) -> Root:
        for r in self.roots:
            if r.id == root_id:
                return r
        raise KeyError(root_id)
