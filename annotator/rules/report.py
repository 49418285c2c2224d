"""Rule results as plain JSON data and as text lines (used by the ``check`` CLI and exports).

Nothing here reads patient identity: films are named by figure label or by
view and index, never by file name. Pixel geometry (zones) is in stored-image
pixels; distances and offsets in the film's unit, with its label.
"""

from __future__ import annotations

from typing import Any

from annotator.rules.messages import fmt_amount, say
from annotator.rules.summary import CaseSummary, FilmResult, RootSummary
from annotator.rules.verdict import RuleWarning, TargetZone, Verdict


def warning_to_dict(w: RuleWarning, lang: str = "en") -> dict[str, Any]:
    return {
        "code": w.code, "key": w.key, "severity": w.severity, "source": w.source,
        "source_label": w.source_text(lang), "reference": w.reference,
        "film_id": w.film_id, "message": w.message(lang),
    }


def zone_to_dict(z: TargetZone | None) -> dict[str, Any] | None:
    if z is None:
        return None
    return {
        "kind": z.kind,
        "center": None if z.center is None else list(z.center),
        "r_on_px": None if z.r_on_px is None else list(z.r_on_px),
        "r_near_px": None if z.r_near_px is None else list(z.r_near_px),
        "polygon": [list(p) for p in z.polygon],
        "outline": [list(p) for p in z.outline],
        "cut_line": None if z.cut_line is None else [list(p) for p in z.cut_line],
    }


def verdict_to_dict(v: Verdict, lang: str = "en") -> dict[str, Any]:
    return {
        "rule": v.rule_id, "source": v.source, "source_label": v.source_text(lang), "status": v.status.value,
        "distance": v.distance, "unit": v.unit,
        "offsets": [{"direction": d, "amount": a} for d, a in v.offsets],
        "missing": list(v.missing), "reasons": list(v.reasons), "level": v.level,
        "fallback": v.fallback, "tolerances": dict(v.tolerances),
        "fraction": v.fraction, "cranial_half": v.cranial_half,
        "explanation": v.explain(lang), "zone": zone_to_dict(v.zone),
        "side": v.side,
        "ambiguity": [{"problem": p, "landmark": m} for p, m in v.ambiguity],
        "ambiguous_marks": list(v.details.get("ambiguous_marks", ())),
        "tip_annotation_id": v.details.get("tip_annotation_id"),
    }


def film_to_dict(f: FilmResult, lang: str = "en") -> dict[str, Any]:
    return {
        "film_id": f.film_id, "name": f.name(lang), "view": f.view, "figure_label": f.figure_label,
        "verdict": None if f.verdict is None else verdict_to_dict(f.verdict, lang),
        "caudal_angle_deg": f.caudal_angle_deg,
        "warnings": [warning_to_dict(w, lang) for w in f.warnings],
    }


def root_to_dict(r: RootSummary, lang: str = "en") -> dict[str, Any]:
    return {
        "root_id": r.root_id, "label": r.label(lang), "level": r.level, "side": r.side,
        "films": [film_to_dict(f, lang) for f in r.films],
        "all_on_target": r.all_on_target,
        "position_confirmed": r.position_confirmed,
        "position": r.position_text(lang),
        "gaps": [g.text(lang) for g in r.gaps],
        "block_result": r.block_result, "concordance": r.concordance,
        "conclusion": r.conclusion, "cautions": list(r.cautions),
        "conclusion_text": r.conclusion_text(lang),
        "conclusion_only": r.conclusion_only(lang),
        "warnings": [warning_to_dict(w, lang) for w in r.warnings],
    }


def case_summary_to_dict(s: CaseSummary, lang: str = "en") -> dict[str, Any]:
    """The whole check as JSON-ready data (``lang`` chooses the texts)."""
    labels = {r.root_id: r.label(lang) for r in s.roots}
    return {
        "lang": lang,
        "all_on_target": s.all_on_target,
        "danger": s.has_danger,
        "roots": [root_to_dict(r, lang) for r in s.roots],
        "responsible": [labels[i] for i in s.responsible],
        "possible": [labels[i] for i in s.possible],
        "summary": s.headline(lang),
    }


def _warning_line(w: RuleWarning, lang: str) -> str:
    mark = "!!!" if w.is_danger else "!"
    severity = {"danger": "危险", "warning": "警告"}.get(w.severity, w.severity) if lang == "zh" else w.severity
    return f"{mark} [{w.key} {severity}] {w.message(lang)}"


def film_lines(f: FilmResult, lang: str = "en") -> list[str]:
    if f.verdict is None:
        lines = [say("film.no_rule", lang, film=f.name(lang))]
    else:
        v = f.verdict
        dist = "" if v.distance is None else f", {fmt_amount(v.distance, v.unit)}"
        # English keeps the machine-readable token (scripts grep it); Chinese reads as words.
        status = say(f"status.{v.status.value}", lang) if lang == "zh" else v.status.value
        lines = [f"{f.name(lang)}: {v.rule_id} {status}{dist}", f"  {v.explain(lang)}"]
    if f.caudal_angle_deg is not None:
        label = "尾倾角" if lang == "zh" else "caudal tilt"
        lines.append(f"  {label}: {f.caudal_angle_deg:.0f}°")
    lines.extend(f"  {_warning_line(w, lang)}" for w in f.warnings)
    return lines


def case_summary_lines(s: CaseSummary, lang: str = "en") -> list[str]:
    """Per root and film: verdict, distance, offsets, warnings; then conclusions and the summary."""
    lines: list[str] = []
    for r in s.roots:
        lines.append(("神经根 " if lang == "zh" else "Root ") + r.label(lang))
        for f in r.films:
            lines.extend("  " + line for line in film_lines(f, lang))
        lines.append("  " + r.position_text(lang))
        lines.extend(f"  {_warning_line(w, lang)}" for w in r.warnings)
        lines.append("")
    lines.append("结论" if lang == "zh" else "Conclusions")
    lines.extend("  " + r.conclusion_text(lang) for r in s.roots)
    lines.append("")
    lines.append(s.headline(lang))
    return lines
