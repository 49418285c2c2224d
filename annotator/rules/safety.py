"""Safety warnings and checks (domain.md §5, §8): W1–W4, drug doses, needle angle.

Film-level (``film_warnings``):

* **W1** (AP, R-AP): the tip lies medial to the pedicle's 6 o'clock position
  T by more than ``w1_medial_factor`` (0.5) × the pedicle-margin length, both
  in the film's unit.
* **W2** (lateral, R-LAT): the tip's fraction ``f > anterior_fraction`` (the
  anterior third) while it is inside the foramen or within r_near of it.
* **ANGLE** (lateral with a shaft line): caudal tilt outside
  ``guide_deg ± tolerance_deg``; see :func:`caudal_tilt_deg`.
* **W3** for an ``intravascular`` finding recorded on this film.

Root-level (``root_warnings``): **W3** for an ``intravascular`` finding not tied
to a film of the root; **W4** for every particulate steroid recorded (every
injection this tool records is a transforaminal selective root injection);
**DRUG_*** dose checks (range, maximum, total milligrams of a local anaesthetic, dose against volume); **FINDING_UNKNOWN** / **FINDING_ATTR** for codes, sites and values the vocabulary does not know; **L5_TILT** when an ``l5_tilt_angle`` finding exceeds
the alert angle. Suggested (unconfirmed) findings do not raise warnings.
"""

from __future__ import annotations

import math
from typing import Any

from annotator.geometry.polygons import dot, sub
from annotator.model import DrugDose, Film, Finding, Role, Root, View
from annotator.rules.config import RuleConfig
from annotator.rules.film_frame import FilmFrame
from annotator.rules.messages import fmt_amount
from annotator.rules.verdict import RuleWarning, Verdict


def make_warning(config: RuleConfig, key: str, film_id: str | None = None, **values: Any) -> RuleWarning:
    """The warning worded by entry ``key`` of the warnings data; drug checks share the code DRUG."""
    d = config.warnings[key]
    return RuleWarning(
        code="DRUG" if key.startswith("DRUG") else key, severity=d.severity, source=d.source,
        reference=d.reference, templates={"en": d.en, "zh": d.zh}, values=values, film_id=film_id, key=key,
    )


def caudal_tilt_deg(film: Film, root: Root | None = None) -> float | None:
    """Caudal tilt of the needle shaft on a lateral film, in degrees; None when unmeasurable.

    The lateral film shows the patient's sagittal plane. With ``u`` the shaft
    direction hub → tip in unit space, ``a`` the unit vector toward anterior
    and ``c`` toward the feet (from the film's Directions), the tilt is
    ``atan2(u·c, u·a)``: the angle between the shaft and the patient's axial
    plane, measured from the posterior→anterior axis, positive when the tip
    lies caudal to the hub. 0° is a purely anterior (horizontal) needle; the
    seed's guide is about 20° (``tolerances.caudal_angle``).

    With ``root`` only that root's shaft counts (its ``root_id``, or none set on
    a film the root owns): a film may show the needles of several roots.
    """
    if film.view is not View.LATERAL:
        return None
    if root is None:
        shaft = film.first(Role.SHAFT)
    else:
        from annotator.rules.mark_choice import root_marks

        shafts = root_marks(film, root, Role.SHAFT)
        shaft = shafts[0] if shafts else None
    if shaft is None:
        return None
    frame = FilmFrame.of(film)
    anterior, cranial = frame.vector("A"), frame.vector("H")
    if anterior is None or cranial is None:
        return None
    hub, tip = (frame.to_u(p) for p in shaft.points)
    u = sub(tip, hub)
    if u == (0.0, 0.0):
        return None
    caudal = (-cranial[0], -cranial[1])
    return math.degrees(math.atan2(dot(u, caudal), dot(u, anterior)))


def film_warnings(film: Film, root: Root, verdict: Verdict | None, config: RuleConfig) -> list[RuleWarning]:
    tol = config.tolerances
    out: list[RuleWarning] = []
    if verdict is not None and verdict.rule_id == "R-AP" and verdict.distance is not None:
        medial = verdict.details.get("medial_offset")
        limit = tol.w1_medial_factor * verdict.details["margin_length"]
        if medial is not None and medial > limit:
            out.append(make_warning(config, "W1", film.id, amount=fmt_amount(medial, verdict.unit)))
    if verdict is not None and verdict.rule_id == "R-LAT" and verdict.fraction is not None:
        near_foramen = verdict.details.get("distance_to_foramen", math.inf) <= verdict.tolerances.get("r_near", 0)
        if verdict.fraction > tol.anterior_fraction and near_foramen:
            out.append(make_warning(config, "W2", film.id))
    angle = caudal_tilt_deg(film, root)
    if angle is not None and abs(angle - tol.caudal_guide_deg) > tol.caudal_tolerance_deg:
        out.append(
            make_warning(
                config, "ANGLE", film.id, angle=f"{angle:.0f}°",
                guide=f"{tol.caudal_guide_deg:g}", tolerance=f"{tol.caudal_tolerance_deg:g}",
            )
        )
    for f in root.findings:
        if f.code == "intravascular" and not f.suggested and f.film_id == film.id:
            out.append(make_warning(config, "W3", film.id))
    return out


def root_warnings(root: Root, config: RuleConfig, film_ids: set[str] | None = None) -> list[RuleWarning]:
    """``film_ids``: the films the root uses (own and shared; default its own)."""
    out: list[RuleWarning] = []
    if film_ids is None:
        film_ids = {f.id for f in root.films}
    for f in root.findings:
        if f.suggested:
            continue
        out.extend(vocabulary_warnings(f, config))
        if f.code == "intravascular" and f.film_id not in film_ids:
            out.append(make_warning(config, "W3"))
        if f.code == "l5_tilt_angle" and f.angle_deg is not None and f.angle_deg > config.tolerances.l5_tilt_alert_deg:
            out.append(
                make_warning(config, "L5_TILT", angle=f"{f.angle_deg:.0f}°",
                             limit=f"{config.tolerances.l5_tilt_alert_deg:g}")
            )
    for dose in root.drugs:
        out.extend(drug_warnings(dose, config))
    return out


_WHAT = {"site": {"en": "site", "zh": "部位"}, "value": {"en": "value", "zh": "取值"}}


def vocabulary_warnings(finding: Finding, config: RuleConfig) -> list[RuleWarning]:
    """A finding code, site or value the vocabulary does not know (a typo silences every rule)."""
    d = config.findings.get(finding.code)
    if d is None:
        return [make_warning(config, "FINDING_UNKNOWN", code=finding.code)]
    out = []
    for what, item, allowed in (("site", finding.site, d.sites), ("value", finding.value, d.values)):
        if item is not None and item not in allowed:
            out.append(make_warning(
                config, "FINDING_ATTR", finding={"en": d.en, "zh": d.zh}, item=item, what=_WHAT[what],
                allowed=", ".join(allowed) or "-",
            ))
    return out


def drug_warnings(dose: DrugDose, config: RuleConfig) -> list[RuleWarning]:
    """Check one recorded drug against the table: range, maximum, particulate steroid (W4)."""
    info = config.drugs.get(dose.drug)
    if info is None:
        return [make_warning(config, "DRUG_UNKNOWN", drug=dose.drug)]
    name = {"en": info.en, "zh": info.zh}
    out: list[RuleWarning] = []
    if info.particulate:
        out.append(make_warning(config, "W4", drug=name))
    if info.unit == "%":
        value = dose.concentration_pct
        quantity = {"en": "concentration", "zh": "浓度"}
        if value is not None and dose.volume_ml is not None and info.max_total_mg is not None:
            total = value * 10.0 * dose.volume_ml  # 1 % w/v = 10 mg per ml
            if total > info.max_total_mg * (1 + 1e-9):
                out.append(make_warning(
                    config, "DRUG_TOTAL", drug=name, concentration=f"{value:g} %", volume=f"{dose.volume_ml:g}",
                    total=f"{total:g}", maximum=f"{info.max_total_mg:g}",
                ))
    else:
        value = dose.dose_mg
        if value is None and dose.volume_ml is not None and info.mg_per_ml is not None:
            value = dose.volume_ml * info.mg_per_ml
        elif value is not None and dose.volume_ml and info.mg_per_ml is not None:
            expected = dose.volume_ml * info.mg_per_ml
            if abs(value - expected) > 0.05 * expected:  # 5 %: rounding of a recorded dose
                out.append(make_warning(
                    config, "DRUG_DOSE_VOLUME", drug=name, dose=f"{value:g}", volume=f"{dose.volume_ml:g}",
                    expected=f"{expected:g}", per_ml=f"{info.mg_per_ml:g}",
                ))
        quantity = {"en": "dose", "zh": "剂量"}
    if value is None:
        out.append(make_warning(config, "DRUG_NO_DOSE", drug=name, quantity=quantity))
        return out
    lo, hi = info.usual
    shown = f"{value:g} {info.unit}"
    eps = 1e-9 * max(1.0, hi)
    if info.maximum is not None and value > info.maximum + eps:
        out.append(make_warning(config, "DRUG_MAX", drug=name, value=shown, maximum=f"{info.maximum:g}", unit=info.unit))
    elif value < lo - eps or value > hi + eps:
        out.append(
            make_warning(config, "DRUG_RANGE", drug=name, value=shown, low=f"{lo:g}", high=f"{hi:g}", unit=info.unit)
        )
    return out
