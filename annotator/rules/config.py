"""Rule configuration: tolerances, drug table, findings vocabulary, warning texts.

The defaults ship as JSON in ``annotator/rules/data`` (``tolerances.json``,
``drugs.json``, ``findings.json``, ``warnings.json``). A department may adjust
them with one JSON file of its own::

    {"tolerances": {"r_on_mm": 2.5},
     "drugs": {"levobupivacaine": {...}},
     "warnings": {"W1": {"severity": "danger"}}}

which is deep-merged over the defaults (objects merge key by key; any other
value replaces). The merged result is validated; a bad value raises
:class:`RuleConfigError` naming the key (``tolerances.r_on_mm: must be a
positive number``). Keys starting with ``_`` are comments and are ignored.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from types import MappingProxyType
from typing import Any

from annotator.errors import AnnotatorError
from annotator.io.json_limits import JsonLimitError, loads_limited

SECTIONS = ("tolerances", "drugs", "findings", "warnings")
DRUG_CLASSES = ("local_anaesthetic", "steroid_intermediate", "steroid_long")
DRUG_UNITS = ("%", "mg")
SOURCES = ("seed", "ext", "department")
LOCATIONS = ("none", "point", "segment", "point_or_segment", "angle")
SEVERITIES = ("info", "warning", "strong", "danger")


class RuleConfigError(AnnotatorError):
    """A rule configuration file is unreadable or has a bad value (names the key)."""

    def __init__(self, where: str, problem: str) -> None:
        self.where = where
        self.problem = problem
        super().__init__(f"{where}: {problem}" if where else problem)


def _load_default(section: str) -> dict[str, Any]:
    text = resources.files("annotator.rules").joinpath("data", f"{section}.json").read_text("utf-8")
    return json.loads(text)


def deep_merge(base: Mapping[str, Any], override: Mapping[str, Any]) -> dict[str, Any]:
    """``override`` over ``base``: mappings merge recursively, other values replace."""
    out = dict(base)
    for key, value in override.items():
        if isinstance(value, Mapping) and isinstance(out.get(key), Mapping):
            out[key] = deep_merge(out[key], value)
        else:
            out[key] = value
    return out


def _strip_comments(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {k: _strip_comments(v) for k, v in value.items() if not str(k).startswith("_")}
    return value


def _positive(where: str, value: Any, allow_zero: bool = False) -> float:
    ok = isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)
    if not ok or value < 0 or (value == 0 and not allow_zero):
        raise RuleConfigError(where, f"must be a {'non-negative' if allow_zero else 'positive'} number, got {value!r}")
    return float(value)


def _text(where: str, value: Any, allow_empty: bool = False) -> str:
    if not isinstance(value, str) or (not allow_empty and not value.strip()):
        raise RuleConfigError(where, f"must be a {'' if allow_empty else 'non-empty '}text, got {value!r}")
    return value


def _choice(where: str, value: Any, allowed: tuple[str, ...]) -> str:
    if value not in allowed:
        raise RuleConfigError(where, f"must be one of {', '.join(allowed)}, got {value!r}")
    return value


def _check_known_keys(where: str, data: Mapping[str, Any], template: Mapping[str, Any]) -> None:
    for key, value in data.items():
        path = f"{where}.{key}" if where else key
        if key not in template:
            raise RuleConfigError(path, f"unknown key (known: {', '.join(sorted(template))})")
        if isinstance(template[key], Mapping):
            if not isinstance(value, Mapping):
                raise RuleConfigError(path, "must be an object")
            _check_known_keys(path, value, template[key])


@dataclass(frozen=True)
class Tolerances:
    """Numbers of domain.md §5 (lengths in mm; factors are plain ratios; angles in degrees)."""

    r_on_mm: float
    r_near_mm: float
    pedicle_on_factor: float  # × pedicle-margin length, films without a mm scale
    pedicle_near_factor: float
    foramen_near_factor: float  # × foramen cranio-caudal height (R-LAT, no mm scale)
    s1_near_factor: float  # × S1 foramen equivalent diameter (R-S1, no mm scale)
    posterior_fraction: float  # R-LAT on-target band, from the posterior edge
    anterior_fraction: float  # beyond it: anterior third (W2)
    cranial_half_fraction: float
    w1_medial_factor: float  # × pedicle-margin length
    caudal_guide_deg: float
    caudal_tolerance_deg: float
    l5_tilt_alert_deg: float


@dataclass(frozen=True)
class DrugInfo:
    id: str
    en: str
    zh: str
    drug_class: str
    onset: str
    duration: str
    usual: tuple[float, float]
    unit: str  # "%" (concentration) or "mg" (dose per injection)
    maximum: float | None
    particulate: bool
    mg_per_ml: float | None
    note_en: str
    note_zh: str
    source: str
    # total milligrams of one injection above which a strong warning is given (local anaesthetics:
    # concentration % x 10 x volume ml); None: not checked
    max_total_mg: float | None = None

    def name(self, lang: str = "en") -> str:
        return self.zh if lang == "zh" else self.en


@dataclass(frozen=True)
class FindingDef:
    id: str
    en: str
    zh: str
    source: str  # seed / ext
    location: str
    sites: tuple[str, ...]
    values: tuple[str, ...]
    levels: tuple[str, ...]  # empty: any level
    labels: Mapping[str, Mapping[str, str]]  # site/value id -> {"en":..., "zh":...}

    def name(self, lang: str = "en") -> str:
        return self.zh if lang == "zh" else self.en

    def label_of(self, item: str, lang: str = "en") -> str:
        entry = self.labels.get(item)
        return entry.get(lang, entry.get("en", item)) if entry else item


@dataclass(frozen=True)
class WarningDef:
    code: str
    severity: str
    source: str
    reference: str
    en: str
    zh: str


@dataclass(frozen=True)
class RuleConfig:
    tolerances: Tolerances
    drugs: Mapping[str, DrugInfo]
    findings: Mapping[str, FindingDef]
    warnings: Mapping[str, WarningDef]
    origin: str = "defaults"  # "defaults" or the override file's name


def _tolerances(raw: Mapping[str, Any], template: Mapping[str, Any]) -> Tolerances:
    _check_known_keys("tolerances", raw, template)
    unc, lat, ang = raw["uncalibrated"], raw["lateral"], raw["caudal_angle"]
    t = Tolerances(
        r_on_mm=_positive("tolerances.r_on_mm", raw["r_on_mm"]),
        r_near_mm=_positive("tolerances.r_near_mm", raw["r_near_mm"]),
        pedicle_on_factor=_positive("tolerances.uncalibrated.pedicle_on_factor", unc["pedicle_on_factor"]),
        pedicle_near_factor=_positive("tolerances.uncalibrated.pedicle_near_factor", unc["pedicle_near_factor"]),
        foramen_near_factor=_positive("tolerances.uncalibrated.foramen_near_factor", unc["foramen_near_factor"]),
        s1_near_factor=_positive("tolerances.uncalibrated.s1_near_factor", unc["s1_near_factor"]),
        posterior_fraction=_positive("tolerances.lateral.posterior_fraction", lat["posterior_fraction"]),
        anterior_fraction=_positive("tolerances.lateral.anterior_fraction", lat["anterior_fraction"]),
        cranial_half_fraction=_positive("tolerances.lateral.cranial_half_fraction", lat["cranial_half_fraction"]),
        w1_medial_factor=_positive("tolerances.w1_medial_factor", raw["w1_medial_factor"]),
        caudal_guide_deg=_positive("tolerances.caudal_angle.guide_deg", ang["guide_deg"], allow_zero=True),
        caudal_tolerance_deg=_positive("tolerances.caudal_angle.tolerance_deg", ang["tolerance_deg"], allow_zero=True),
        l5_tilt_alert_deg=_positive("tolerances.l5_tilt_alert_deg", raw["l5_tilt_alert_deg"]),
    )
    if t.r_on_mm > t.r_near_mm:
        raise RuleConfigError("tolerances.r_on_mm", "must not exceed r_near_mm")
    if t.pedicle_on_factor > t.pedicle_near_factor:
        raise RuleConfigError("tolerances.uncalibrated.pedicle_on_factor", "must not exceed pedicle_near_factor")
    if not t.posterior_fraction < t.anterior_fraction <= 1.0:
        raise RuleConfigError("tolerances.lateral", "need 0 < posterior_fraction < anterior_fraction <= 1")
    if not 0 < t.cranial_half_fraction < 1:
        raise RuleConfigError("tolerances.lateral.cranial_half_fraction", "must lie between 0 and 1")
    return t


def _drug(key: str, raw: Any) -> DrugInfo:
    w = f"drugs.{key}"
    if not isinstance(raw, Mapping):
        raise RuleConfigError(w, "must be an object")
    usual = raw.get("usual")
    if not (isinstance(usual, (list, tuple)) and len(usual) == 2):
        raise RuleConfigError(f"{w}.usual", "must be a [low, high] pair")
    lo, hi = (_positive(f"{w}.usual", v) for v in usual)
    if lo > hi:
        raise RuleConfigError(f"{w}.usual", "low must not exceed high")
    maximum = raw.get("maximum")
    if maximum is not None:
        maximum = _positive(f"{w}.maximum", maximum)
        if maximum < hi:
            raise RuleConfigError(f"{w}.maximum", "must not be below the usual range")
    mg_per_ml = raw.get("mg_per_ml")
    if mg_per_ml is not None:
        mg_per_ml = _positive(f"{w}.mg_per_ml", mg_per_ml)
    max_total = raw.get("max_total_mg")
    if max_total is not None:
        max_total = _positive(f"{w}.max_total_mg", max_total)
    particulate = raw.get("particulate")
    if not isinstance(particulate, bool):
        raise RuleConfigError(f"{w}.particulate", "must be true or false")
    return DrugInfo(
        id=key,
        en=_text(f"{w}.en", raw.get("en")),
        zh=_text(f"{w}.zh", raw.get("zh")),
        drug_class=_choice(f"{w}.class", raw.get("class"), DRUG_CLASSES),
        onset=_text(f"{w}.onset", raw.get("onset", ""), allow_empty=True),
        duration=_text(f"{w}.duration", raw.get("duration", ""), allow_empty=True),
        usual=(lo, hi),
        unit=_choice(f"{w}.unit", raw.get("unit"), DRUG_UNITS),
        maximum=maximum,
        particulate=particulate,
        mg_per_ml=mg_per_ml,
        note_en=_text(f"{w}.note_en", raw.get("note_en", ""), allow_empty=True),
        note_zh=_text(f"{w}.note_zh", raw.get("note_zh", ""), allow_empty=True),
        source=_choice(f"{w}.source", raw.get("source", "department"), SOURCES),
        max_total_mg=max_total,
    )


def _str_tuple(where: str, value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) and v for v in value):
        raise RuleConfigError(where, "must be a list of texts")
    return tuple(value)


def _finding(key: str, raw: Any) -> FindingDef:
    w = f"findings.{key}"
    if not isinstance(raw, Mapping):
        raise RuleConfigError(w, "must be an object")
    labels: dict[str, Mapping[str, str]] = {}
    for lk in ("site_labels", "value_labels"):
        entries = raw.get(lk, {})
        if not isinstance(entries, Mapping):
            raise RuleConfigError(f"{w}.{lk}", "must be an object")
        for item, lab in entries.items():
            if not isinstance(lab, Mapping) or not isinstance(lab.get("en"), str):
                raise RuleConfigError(f"{w}.{lk}.{item}", "needs an 'en' text")
            labels[item] = MappingProxyType(dict(lab))
    return FindingDef(
        id=key,
        en=_text(f"{w}.en", raw.get("en")),
        zh=_text(f"{w}.zh", raw.get("zh")),
        source=_choice(f"{w}.source", raw.get("source", "department"), SOURCES),
        location=_choice(f"{w}.location", raw.get("location", "none"), LOCATIONS),
        sites=_str_tuple(f"{w}.sites", raw.get("sites")),
        values=_str_tuple(f"{w}.values", raw.get("values")),
        levels=_str_tuple(f"{w}.levels", raw.get("levels")),
        labels=MappingProxyType(labels),
    )


def _warning(key: str, raw: Any, known: Mapping[str, Any]) -> WarningDef:
    w = f"warnings.{key}"
    if key not in known:
        raise RuleConfigError(w, f"unknown warning code (known: {', '.join(sorted(known))})")
    if not isinstance(raw, Mapping):
        raise RuleConfigError(w, "must be an object")
    return WarningDef(
        code=key,
        severity=_choice(f"{w}.severity", raw.get("severity"), SEVERITIES),
        source=_choice(f"{w}.source", raw.get("source"), SOURCES),
        reference=_text(f"{w}.reference", raw.get("reference", ""), allow_empty=True),
        en=_text(f"{w}.en", raw.get("en")),
        zh=_text(f"{w}.zh", raw.get("zh")),
    )


def build_config(raw: Mapping[str, Any], origin: str = "defaults") -> RuleConfig:
    """Validate merged raw data (the four sections) into a :class:`RuleConfig`."""
    defaults = {s: _strip_comments(_load_default(s)) for s in SECTIONS}
    raw = _strip_comments(raw)
    for section in SECTIONS:
        if not isinstance(raw.get(section), Mapping):
            raise RuleConfigError(section, "must be an object")
    return RuleConfig(
        tolerances=_tolerances(raw["tolerances"], defaults["tolerances"]),
        drugs=MappingProxyType({k: _drug(k, v) for k, v in raw["drugs"].items()}),
        findings=MappingProxyType({k: _finding(k, v) for k, v in raw["findings"].items()}),
        warnings=MappingProxyType({k: _warning(k, v, defaults["warnings"]) for k, v in raw["warnings"].items()}),
        origin=origin,
    )


_DEFAULT: RuleConfig | None = None


def default_config() -> RuleConfig:
    """The shipped defaults (loaded once)."""
    global _DEFAULT
    if _DEFAULT is None:
        _DEFAULT = build_config({s: _load_default(s) for s in SECTIONS})
    return _DEFAULT


def load_config(path: str | Path | None = None) -> RuleConfig:
    """The shipped rule data, deep-merged with a department's JSON file when given.

    Raises :class:`RuleConfigError` when the file cannot be read or a value is
    bad; the message names the file and the key.
    """
    if path is None:
        return default_config()
    path = Path(path)
    try:
        override = loads_limited(path.read_text("utf-8"))
    except OSError as exc:
        raise RuleConfigError(path.name, f"cannot read the rule file ({exc.strerror or exc})") from exc
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise RuleConfigError(path.name, f"not valid JSON ({exc})") from exc
    except JsonLimitError as exc:
        raise RuleConfigError(path.name, str(exc)) from None
    if not isinstance(override, Mapping):
        raise RuleConfigError(path.name, "must hold a JSON object with tolerances/drugs/findings/warnings")
    for key in override:
        if key not in SECTIONS and not str(key).startswith("_"):
            raise RuleConfigError(f"{path.name}: {key}", f"unknown section (use {', '.join(SECTIONS)})")
    for section in SECTIONS:
        if not isinstance(override.get(section, {}), Mapping):
            raise RuleConfigError(f"{path.name}: {section}", "must be an object")
    merged = {s: deep_merge(_load_default(s), override.get(s, {})) for s in SECTIONS}
    try:
        return build_config(merged, origin=path.name)
    except RuleConfigError as exc:
        raise RuleConfigError(f"{path.name}: {exc.where}", exc.problem) from None
