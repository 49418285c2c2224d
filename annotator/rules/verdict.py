"""Results of the rules: :class:`Status`, :class:`TargetZone`, :class:`Verdict`, :class:`RuleWarning`.

Distances and offsets are in the film's effective calibration unit (``unit``
is its label: ``mm``, ``mm (detector)``, ``mm (ERMF)``, ``mm (calibrated)`` or
``px``). Zone geometry is in stored-image pixels (domain.md §3 convention) so
the GUI and the export can draw it directly.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType
from typing import Any

from annotator.rules.messages import fmt_amount, say, source_label

Point = tuple[float, float]


class Status(StrEnum):
    ON_TARGET = "on_target"
    NEAR = "near"
    OFF = "off"
    INSUFFICIENT = "insufficient"
    AMBIGUOUS = "ambiguous"  # the marks do not say which landmark or tip is the root's

    @property
    def rank(self) -> int:
        """0 on_target < 1 near < 2 off < 3 insufficient = 3 ambiguous (worse is larger)."""
        return {"on_target": 0, "near": 1, "off": 2, "insufficient": 3, "ambiguous": 3}[self.value]

    @property
    def judged(self) -> bool:
        """A position was measured (not insufficient, not ambiguous)."""
        return self not in (Status.INSUFFICIENT, Status.AMBIGUOUS)

    def text(self, lang: str = "en") -> str:
        return say(f"status.{self.value}", lang)


@dataclass(frozen=True)
class TargetZone:
    """Target geometry in pixels.

    ``kind == "disc"``: the target point ``center`` with the on-target and near
    radii as pixel ellipse radii ``(rx, ry)`` (they differ when the spacing is
    anisotropic). ``kind == "polygon"``: ``polygon`` is the on-target region
    (posterior third of the foramen; S1 foramen outline), ``outline`` the whole
    landmark it was cut from, ``r_near_px`` the near margin around it.
    ``center`` is then the region's centroid.
    """

    kind: str
    center: Point | None = None
    r_on_px: tuple[float, float] | None = None
    r_near_px: tuple[float, float] | None = None
    polygon: tuple[Point, ...] = ()
    outline: tuple[Point, ...] = ()
    cut_line: tuple[Point, Point] | None = None  # R-LAT: the posterior-third boundary inside the foramen


@dataclass(frozen=True)
class Verdict:
    """The judgement of one rule on one film.

    ``offsets``: ((direction, amount), ...) with direction in cranial/caudal,
    medial/lateral, anterior/posterior and amount >= 0 in ``unit``; the tip
    relative to the target point (R-AP/R-OBL), to the nearest point of the
    posterior third (R-LAT) or to the S1 foramen centroid (R-S1).
    ``missing``: landmark codes (``tip``, ``pedicle_margin``, ``foramen``,
    ``s1_foramen``, ``orientation_anterior``) when ``status`` is insufficient.
    ``ambiguity``: when ``status`` is ambiguous, ((problem, landmark code), ...)
    with problem ``two_tips``, ``unknown_side`` or ``same_side``; the ids of the
    marks to fix are in ``details["ambiguous_marks"]``. ``side``: the root's side.
    ``reasons``: codes qualifying the status (``too_caudal``, ``too_cranial``,
    ``middle_third``, ``anterior_third``, ``outside_foramen``, ...).
    ``fallback``: how tolerances were scaled without a mm scale
    (``pedicle``, ``foramen``, ``s1``) or ``None``; ``tolerances``: the radii
    used, in ``unit``.
    """

    rule_id: str
    source: str
    status: Status
    distance: float | None = None
    unit: str = "px"
    offsets: tuple[tuple[str, float], ...] = ()
    missing: tuple[str, ...] = ()
    zone: TargetZone | None = None
    reasons: tuple[str, ...] = ()
    level: str | None = None
    fallback: str | None = None
    tolerances: Mapping[str, float] = field(default_factory=dict)
    fraction: float | None = None  # R-LAT: f, 0 = posterior edge, 1 = anterior edge
    cranial_half: bool | None = None  # R-LAT: tip in the cranial half of the foramen
    details: Mapping[str, Any] = field(default_factory=dict)
    ambiguity: tuple[tuple[str, str], ...] = ()
    side: str | None = None  # the root's side, "left" or "right"

    def __post_init__(self) -> None:
        object.__setattr__(self, "status", Status(self.status))
        object.__setattr__(self, "tolerances", MappingProxyType(dict(self.tolerances)))
        object.__setattr__(self, "details", MappingProxyType(dict(self.details)))

    @property
    def label(self) -> str:
        return say(f"rule.{self.rule_id}", "en")

    def source_text(self, lang: str = "en") -> str:
        """The source tag in ``lang`` ("seed"/"ext"; zh "原文"/"扩展")."""
        return source_label(self.source, lang)

    def offset(self, direction: str) -> float:
        """Signed-free amount toward ``direction`` (0 when the offset points the other way)."""
        return sum(a for d, a in self.offsets if d == direction)

    def missing_text(self, lang: str = "en") -> str:
        names = [say(f"landmark.{m}", lang, level=self.level or "") for m in self.missing]
        if len(names) <= 1:
            return "".join(names)
        return say("join.list", lang).join(names[:-1]) + say("join.and", lang) + names[-1]

    def ambiguity_text(self, lang: str = "en") -> str:
        """What to fix, e.g. 'set the side of the pedicle lower margin of L5'."""
        side = say(f"side.{self.side}", lang) if self.side else ""
        parts = [
            say(f"ambiguity.{problem}", lang, side=side, level=self.level or "",
                landmark=say(f"landmark.{landmark}", lang, level=self.level or ""))
            for problem, landmark in self.ambiguity
        ]
        return say("join.clause", lang).join(parts)

    def offsets_text(self, lang: str = "en") -> str:
        sep = say("join.list", lang)
        return sep.join(
            f"{fmt_amount(a, self.unit)} {say(f'dir.{d}', lang)}" if lang != "zh"
            else f"{say(f'dir.{d}', lang)} {fmt_amount(a, self.unit)}"
            for d, a in self.offsets
            if a >= (0.5 if self.unit == "px" else 0.05)  # what would print as 0 says nothing
        )

    def explain(self, lang: str = "en") -> str:
        """One sentence in English (``"en"``) or Chinese (``"zh"``)."""
        rule = say(f"rule.{self.rule_id}", lang)
        if self.status is Status.INSUFFICIENT:
            return say("verdict.insufficient", lang, rule=rule, missing=self.missing_text(lang))
        if self.status is Status.AMBIGUOUS:
            return say("verdict.ambiguous", lang, rule=rule, what=self.ambiguity_text(lang))
        clause = say("join.clause", lang)
        extra_parts = []
        if self.cranial_half is not None:
            extra_parts.append(say("half.cranial" if self.cranial_half else "half.caudal", lang))
        if self.fallback:
            tol = self.tolerances
            extra_parts.append(
                say(
                    f"fallback.{self.fallback}", lang,
                    on=tol.get("on_factor", ""), near=tol.get("near_factor", ""),
                    r_on=fmt_amount(tol.get("r_on", 0.0), self.unit),
                    r_near=fmt_amount(tol.get("r_near", 0.0), self.unit),
                )
            )
        extra = "".join(clause + p for p in extra_parts)
        offsets = ""
        if self.offsets_text(lang):
            key = "offsets.from_centre" if self.rule_id == "R-S1" else "offsets.plain"
            offsets = say(key, lang, offsets=self.offsets_text(lang))
        reasons = [say(f"reason.{r}", lang) for r in self.reasons]
        inside = self.distance == 0.0 and self.rule_id in ("R-LAT", "R-S1")
        if inside:
            return say(
                "verdict.inside", lang, rule=rule, status=self.status.text(lang),
                reasons=say("join.list", lang).join(reasons), offsets=offsets, extra=extra,
            )
        target = {
            "R-LAT": say("target.lat", lang),
            "R-S1": say("target.s1", lang),
        }.get(self.rule_id) or say("target.pedicle", lang, level=self.level or "")
        reason_text = "".join(say("join.list", lang) + r for r in reasons)
        return say(
            "verdict.distance", lang, rule=rule, status=self.status.text(lang), reasons=reason_text,
            distance=fmt_amount(self.distance or 0.0, self.unit), target=target, offsets=offsets, extra=extra,
        )


@dataclass(frozen=True)
class RuleWarning:
    """A safety warning or check; not a verdict.

    ``code``: the family of docs/contracts.md: W1, W2, W3, W4, DRUG, ANGLE (and
    L5_TILT). ``key``: the entry of ``rules/data/warnings.json`` that worded it
    (equal to ``code`` except for drug checks: DRUG_RANGE, DRUG_MAX,
    DRUG_UNKNOWN, DRUG_NO_DOSE). ``severity``: info, warning, strong, danger
    (danger: red banner). ``values``: what fills the message template;
    ``film_id`` when it concerns one film.
    """

    code: str
    severity: str
    source: str
    reference: str
    templates: Mapping[str, str]
    values: Mapping[str, Any] = field(default_factory=dict)
    film_id: str | None = None
    key: str = ""

    def __post_init__(self) -> None:
        if not self.key:
            object.__setattr__(self, "key", self.code)
        object.__setattr__(self, "templates", MappingProxyType(dict(self.templates)))
        object.__setattr__(self, "values", MappingProxyType(dict(self.values)))

    @property
    def is_danger(self) -> bool:
        return self.severity == "danger"

    def source_text(self, lang: str = "en") -> str:
        """The source tag in ``lang`` ("seed"/"ext"/"department"; zh "原文"/"扩展"/"科室")."""
        return source_label(self.source, lang)

    def message(self, lang: str = "en") -> str:
        template = self.templates.get(lang) or self.templates["en"]
        values = {k: (v.get(lang, v.get("en")) if isinstance(v, Mapping) else v) for k, v in self.values.items()}
        return template.format(**values)
