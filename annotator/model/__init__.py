"""The case model (no Qt): dataclasses, commands and the undo stack."""

from annotator.model.annotations import ROLE_KINDS, Annotation, Point, Role, ShapeKind, new_id
from annotator.model.case import (
    LEVELS,
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
)

__all__ = [
    "LEVELS", "ROLE_KINDS", "Annotation", "Approach", "BlockResult", "Case", "CheckResult",
    "Concordance", "DrugDose", "Film", "Finding", "Phase", "Point", "Redaction", "Resistance",
    "Role", "Root", "ShapeKind", "Side", "Technique", "View", "new_id",
]
