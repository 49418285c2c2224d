"""Target zones, safety warnings, block conclusions and drug checks (pure, no Qt).

Public API (docs/contracts.md "rules")::

    evaluate_film(film, root, config=None) -> FilmResult(verdict | None, warnings)
    evaluate_root(root, config=None) -> RootSummary
    evaluate_case(case, config=None) -> CaseSummary
    load_config(path=None) -> RuleConfig

Rule numbers and texts are data (``annotator/rules/data/*.json``); a
department overrides them with its own JSON file through ``load_config``.
"""

from annotator.rules.config import (
    DrugInfo,
    FindingDef,
    RuleConfig,
    RuleConfigError,
    Tolerances,
    WarningDef,
    default_config,
    load_config,
)
from annotator.rules.safety import caudal_tilt_deg, drug_warnings
from annotator.rules.summary import (
    CaseSummary,
    FilmResult,
    Gap,
    RootSummary,
    evaluate_case,
    evaluate_film,
    evaluate_root,
)
from annotator.rules.verdict import RuleWarning, Status, TargetZone, Verdict
from annotator.rules.vocabulary import finding_problems

Warning = RuleWarning  # the contract's name; ``RuleWarning`` avoids shadowing the builtin

__all__ = [
    "CaseSummary", "DrugInfo", "FilmResult", "FindingDef", "Gap", "RootSummary", "RuleConfig",
    "RuleConfigError", "RuleWarning", "Status", "TargetZone", "Tolerances", "Verdict", "WarningDef",
    "caudal_tilt_deg", "default_config", "drug_warnings", "evaluate_case", "evaluate_film",
    "evaluate_root", "finding_problems", "load_config",
]
