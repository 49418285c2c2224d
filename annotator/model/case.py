"""The case document: a case, the roots tested, their films and findings.

Containers are plain dataclasses; annotations and findings are frozen values.
All edits from the GUI go through the command stack in ``annotator.model.document``
(never by mutating these objects directly), so undo/redo sees every change.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType
from typing import Any

from annotator.geometry import Calibration, Directions
from annotator.model import validation as v
from annotator.model.annotations import Annotation, Role, new_id
from annotator.model.validation import FieldError, UnknownItemError

LEVELS = ("L1", "L2", "L3", "L4", "L5", "S1")
SEXES = ("M", "F")
MAX_AGE = 120

_WINDOWS_DRIVE = re.compile(r"^[A-Za-z]:")


def check_level(value: Any, field: str = "level") -> str:
    """A vertebra/root level of ``LEVELS``; lower case is accepted ("l5" -> "L5")."""
    level = v.text(value, field).strip().upper()
    if level not in LEVELS:
        raise FieldError(field, f"{value!r} is not one of {', '.join(LEVELS)}")
    return level


def _frozen_set(obj: object, name: str, value: Any) -> None:
    object.__setattr__(obj, name, value)


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
    concentration_pct: float | None = None  # percent (w/v), 0..100
    dose_mg: float | None = None  # milligrams, >= 0
    volume_ml: float | None = None  # millilitres, >= 0
    extra: Mapping[str, Any] = field(default_factory=dict)  # unknown keys, preserved

    __reduce__ = v.reduce_frozen  # copy/deepcopy/pickle despite the read-only extra

    def __post_init__(self) -> None:
        _frozen_set(self, "drug", v.non_empty(self.drug, "drug"))
        _frozen_set(self, "concentration_pct", v.opt_number(self.concentration_pct, "concentration_pct", 0, 100))
        _frozen_set(self, "dose_mg", v.opt_number(self.dose_mg, "dose_mg", 0))
        _frozen_set(self, "volume_ml", v.opt_number(self.volume_ml, "volume_ml", 0))
        _frozen_set(self, "extra", MappingProxyType(v.mapping(self.extra, "extra")))


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
    angle_deg: float | None = None  # degrees
    note: str = ""
    suggested: bool = False
    extra: Mapping[str, Any] = field(default_factory=dict)  # unknown keys, preserved

    __reduce__ = v.reduce_frozen  # copy/deepcopy/pickle despite the read-only extra

    def __post_init__(self) -> None:
        _frozen_set(self, "code", v.non_empty(self.code, "code"))
        v.non_empty(self.id, "id")
        for name in ("film_id", "annotation_id", "site", "value"):
            v.opt_text(getattr(self, name), name)
        _frozen_set(self, "angle_deg", v.opt_number(self.angle_deg, "angle_deg", -360, 360))
        v.text(self.note, "note")
        v.flag(self.suggested, "suggested")
        _frozen_set(self, "extra", MappingProxyType(v.mapping(self.extra, "extra")))


@dataclass(frozen=True)
class Redaction:
    """A rectangle blacked out in every export: pixel corners (x0, y0)-(x1, y1).

    Pixel coordinates as annotations (origin at the top-left corner of the
    top-left pixel); corners are put in order (x0 < x1, y0 < y1) when built.
    It applies to every frame of the film.
    """

    x0: float
    y0: float
    x1: float
    y1: float
    id: str = field(default_factory=new_id)
    extra: Mapping[str, Any] = field(default_factory=dict)  # unknown keys, preserved

    __reduce__ = v.reduce_frozen  # copy/deepcopy/pickle despite the read-only extra

    def __post_init__(self) -> None:
        x0, y0, x1, y1 = (v.number(getattr(self, n), n) for n in ("x0", "y0", "x1", "y1"))
        x0, x1 = min(x0, x1), max(x0, x1)
        y0, y1 = min(y0, y1), max(y0, y1)
        if x0 == x1 or y0 == y1:
            raise FieldError("x1" if x0 == x1 else "y1", "a redaction rectangle needs a non-zero width and height")
        for n, val in zip(("x0", "y0", "x1", "y1"), (x0, y0, x1, y1)):
            _frozen_set(self, n, val)
        v.non_empty(self.id, "id")
        _frozen_set(self, "extra", MappingProxyType(v.mapping(self.extra, "extra")))


@dataclass
class Film:
    """One image file of a root, referenced relative to the case folder.

    ``calibration`` and ``directions`` are what the file said at import;
    ``calibration_override`` / ``directions_override`` are the user's
    corrections and win over them (a calibration *line* annotation wins over both).
    """

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
    calibration_override: Calibration | None = None  # the user's typed-in spacing
    columns: int | None = None  # image width in pixels, when known (filled at import)
    rows: int | None = None  # image height in pixels, when known

    def __post_init__(self) -> None:
        path = v.path_text(self.path, "path").replace("\\", "/")
        if path.startswith("/") or _WINDOWS_DRIVE.match(path):
            raise FieldError("path", f"must be relative to the case folder, got {path!r}")
        self.path = path
        self.view = v.enum_value(View, self.view, "view")
        self.phase = v.enum_value(Phase, self.phase, "phase")
        v.non_empty(self.id, "id")
        for name in ("caption", "figure_label", "view_evidence"):
            v.text(getattr(self, name), name)
        v.integer(self.key_frame, "key_frame", 0)
        for name in ("columns", "rows"):
            if getattr(self, name) is not None:
                v.integer(getattr(self, name), name, 1)
        if not isinstance(self.calibration, Calibration):
            raise FieldError("calibration", "must be a Calibration")
        if self.calibration_override is not None and not isinstance(self.calibration_override, Calibration):
            raise FieldError("calibration_override", "must be a Calibration or None")
        for name in ("directions", "directions_override"):
            if getattr(self, name) is not None and not isinstance(getattr(self, name), Directions):
                raise FieldError(name, "must be Directions or None")
        self.redactions = v.items(self.redactions, Redaction, "redactions")
        self.annotations = v.items(self.annotations, Annotation, "annotations")
        v.unique_ids(self.redactions, "redactions")
        v.unique_ids(self.annotations, "annotations")
        self.extra = v.mapping(self.extra, "extra")

    def __repr__(self) -> str:  # no path or caption: file names may carry identity
        return (f"<Film {self.id} {self.view.value} {self.phase.value} "
                f"{len(self.annotations)} annotations>")

    def annotation(self, ann_id: str) -> Annotation:
        for a in self.annotations:
            if a.id == ann_id:
                return a
        raise UnknownItemError("annotation", ann_id)

    def redaction(self, redaction_id: str) -> Redaction:
        for r in self.redactions:
            if r.id == redaction_id:
                return r
        raise UnknownItemError("redaction", redaction_id)

    def effective_directions(self) -> Directions:
        if self.directions_override is not None:
            return self.directions_override
        if self.directions is not None:
            return self.directions
        return Directions.default_for_view(self.view.value)

    def effective_calibration(self) -> Calibration:
        """A user calibration line wins over what the file said (see docs/adr/0003:
        domain.md §3 lists file tags first, but a user who calibrates means to override).

        A calibration line whose ends coincide calibrates nothing and is skipped.
        """
        for a in self.annotations:
            if (a.role is Role.CALIBRATION and not a.suggested and "length_mm" in a.attrs
                    and a.points[0] != a.points[1]):
                return Calibration.from_known_length(a.points[0], a.points[1], float(a.attrs["length_mm"]))
        if self.calibration_override is not None:
            return self.calibration_override
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
    shared_film_ids: list[str] = field(default_factory=list)  # films of other roots this root also uses

    def __post_init__(self) -> None:
        self.level = check_level(self.level)
        self.side = v.enum_value(Side, self.side, "side")
        v.non_empty(self.id, "id")
        self.technique = v.enum_value(Technique, self.technique, "technique")
        self.approach = v.enum_value(Approach, self.approach, "approach")
        for name in ("needle_type", "needle_gauge", "contrast_agent", "adjustments", "notes"):
            v.text(getattr(self, name), name)
        self.contrast_volume_ml = v.opt_number(self.contrast_volume_ml, "contrast_volume_ml", 0)
        self.resistance = v.enum_value(Resistance, self.resistance, "resistance")
        self.flash = v.enum_value(CheckResult, self.flash, "flash")
        self.aspiration = v.enum_value(CheckResult, self.aspiration, "aspiration")
        v.flag(self.subtraction_used, "subtraction_used")
        self.drugs = v.items(self.drugs, DrugDose, "drugs")
        self.concordance = v.enum_value(Concordance, self.concordance, "concordance")
        self.block_result = v.enum_value(BlockResult, self.block_result, "block_result")
        self.block_assessed_min = v.opt_number(self.block_assessed_min, "block_assessed_min", 0)
        self.films = v.items(self.films, Film, "films")
        self.findings = v.items(self.findings, Finding, "findings")
        v.unique_ids(self.films, "films")
        v.unique_ids(self.findings, "findings")
        self.extra = v.mapping(self.extra, "extra")
        self.shared_film_ids = v.items(self.shared_film_ids, str, "shared_film_ids")
        if len(set(self.shared_film_ids)) != len(self.shared_film_ids):
            raise FieldError("shared_film_ids", "names a film twice")

    def __repr__(self) -> str:  # no free text: notes may carry identity
        return f"<Root {self.id} {self.label} {len(self.films)} films>"

    @property
    def label(self) -> str:
        return f"{self.side.value} {self.level}"

    def film(self, film_id: str) -> Film:
        for f in self.films:
            if f.id == film_id:
                return f
        raise UnknownItemError("film", film_id)

    def finding(self, finding_id: str) -> Finding:
        for f in self.findings:
            if f.id == finding_id:
                return f
        raise UnknownItemError("finding", finding_id)


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

    def __post_init__(self) -> None:
        v.text(self.title, "title")
        v.non_empty(self.id, "id")
        if self.age is not None:
            v.integer(self.age, "age", 0, MAX_AGE)
        if self.sex is not None and self.sex not in SEXES:
            raise FieldError("sex", f"{self.sex!r} is not one of M, F (or empty)")
        v.text(self.symptoms, "symptoms")
        v.opt_flag(self.iodine_allergy_test_done, "iodine_allergy_test_done")
        self.planned_roots = v.items(self.planned_roots, str, "planned_roots")
        v.text(self.notes, "notes")
        self.roots = v.items(self.roots, Root, "roots")
        v.unique_ids(self.roots, "roots")
        film_ids: set[str] = set()
        for i, r in enumerate(self.roots):
            for j, f in enumerate(r.films):
                if f.id in film_ids:
                    raise FieldError(f"roots[{i}].films[{j}].id", f"duplicate film id {f.id!r}")
                film_ids.add(f.id)
        self._check_marks_and_sharing()
        self.extra = v.mapping(self.extra, "extra")

    def _check_marks_and_sharing(self) -> None:
        """Every mark's root_id names a root; every shared film id names another root's film."""
        root_ids = {r.id for r in self.roots}
        owner = {f.id: r.id for r in self.roots for f in r.films}
        for i, r in enumerate(self.roots):
            for j, f in enumerate(r.films):
                for k, a in enumerate(f.annotations):
                    if a.root_id is not None and a.root_id not in root_ids:
                        raise FieldError(f"roots[{i}].films[{j}].annotations[{k}].root_id",
                                         f"names no root of this case ({a.root_id!r}); use a root's id or remove it")
            for j, fid in enumerate(r.shared_film_ids):
                if fid not in owner:
                    raise FieldError(f"roots[{i}].shared_film_ids[{j}]", f"names no film of this case ({fid!r})")
                if owner[fid] == r.id:
                    raise FieldError(f"roots[{i}].shared_film_ids[{j}]",
                                     "names a film of this root itself; list only other roots' films")

    def __repr__(self) -> str:  # no title or text: they may carry identity
        return f"<Case {self.id} {len(self.roots)} roots>"

    def film(self, film_id: str) -> tuple[Root, Film]:
        """The root holding film ``film_id`` and the film; UnknownItemError (a KeyError) if none."""
        for r in self.roots:
            for f in r.films:
                if f.id == film_id:
                    return r, f
        raise UnknownItemError("film", film_id)

    def root(self, root_id: str) -> Root:
        for r in self.roots:
            if r.id == root_id:
                return r
        raise UnknownItemError("root", root_id)

    def films(self) -> list[Film]:
        """Every film of every root, in order (a shared film once, under the root that owns it)."""
        return [f for r in self.roots for f in r.films]

    def films_of(self, root: Root) -> list[Film]:
        """The films ``root`` uses: its own, then the other roots' films it shares, in order.

        A shared film id that names no film (possible mid-edit) is skipped.
        """
        owned = {f.id: f for r in self.roots for f in r.films}
        own_ids = {f.id for f in root.films}
        shared = [owned[i] for i in root.shared_film_ids if i in owned and i not in own_ids]
        return list(root.films) + shared

    def roots_of(self, film_id: str) -> list[Root]:
        """Every root that uses film ``film_id``: its owner first, then the roots sharing it."""
        owner = [r for r in self.roots if any(f.id == film_id for f in r.films)]
        return owner + [r for r in self.roots if film_id in r.shared_film_ids and r not in owner]
