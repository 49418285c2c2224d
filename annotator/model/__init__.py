"""The case model (no Qt): dataclasses, commands and the undo stack."""

from annotator.model.annotations import (
    ROLE_KINDS,
    ROOTED_ROLES,
    SIDED_ROLES,
    Annotation,
    MarkSide,
    Point,
    Role,
    ShapeKind,
    new_id,
)
from annotator.model.case import (
    LEVELS,
    MAX_AGE,
    SEXES,
    Approach,
    BlockResult,
    Case,
    CheckResult,
    Concordance,
    DrugDose,
    Film,
    Finding,
    Phase,
    Redaction,
    Resistance,
    Root,
    Side,
    Technique,
    View,
    check_level,
)
from annotator.model.document import CaseDocument
from annotator.model.events import Action, ChangeEvent, EventKind
from annotator.model.validation import FieldError, UnknownItemError

__all__ = [
    "Action", "CaseDocument", "ChangeEvent", "EventKind",
    "LEVELS", "MAX_AGE", "SEXES", "FieldError", "UnknownItemError", "check_level", "ROLE_KINDS", "ROOTED_ROLES", "SIDED_ROLES", "MarkSide", "Annotation", "Approach", "BlockResult", "Case", "CheckResult",
    "Concordance", "DrugDose", "Film", "Finding", "Phase", "Point", "Redaction", "Resistance",
    "Role", "Root", "ShapeKind", "Side", "Technique", "View", "new_id",
]
