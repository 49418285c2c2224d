"""Error messages of the core, shown in the interface language.

The core's errors are one English line ("age: must be at most 120, got 999",
"empty.png: the file is empty"). The interface puts a translated lead in front
("无法打开病例：…"), translates the field names it knows (the record panel's
labels) and the few value-check phrases of ``annotator.model.validation``;
the rest of the detail stays as the core wrote it.
"""

from __future__ import annotations

import re

from annotator.errors import one_line as core_one_line
from annotator.ui.i18n import current_language, tr, trf


def tr_noop(text: str) -> str:
    return text


# model field -> the record panel's label (English source; translated when shown)
FIELD_LABELS: dict[str, str] = {
    "title": tr_noop("Title"), "age": tr_noop("Age"), "sex": tr_noop("Sex"), "symptoms": tr_noop("Symptoms"),
    "planned_roots": tr_noop("Planned roots"), "notes": tr_noop("Notes"), "level": tr_noop("Level"),
    "side": tr_noop("Side"), "technique": tr_noop("Technique"), "approach": tr_noop("Approach"),
    "needle_type": tr_noop("Needle type"), "needle_gauge": tr_noop("Needle gauge"),
    "contrast_agent": tr_noop("Contrast agent"), "contrast_volume_ml": tr_noop("Contrast volume (ml)"),
    "resistance": tr_noop("Resistance"), "block_result": tr_noop("Block result"),
    "block_assessed_min": tr_noop("Assessed after (min)"), "caption": tr_noop("Caption"),
    "figure_label": tr_noop("Figure label"), "phase": tr_noop("Phase"), "drugs": tr_noop("Drugs"),
    "concentration_pct": tr_noop("Concentration (%)"), "dose_mg": tr_noop("Dose (mg)"),
    "volume_ml": tr_noop("Volume (ml)"), "site": tr_noop("Site"), "value": tr_noop("Value"),
    "angle_deg": tr_noop("Angle (°)"), "note": tr_noop("Note"), "key_frame": tr_noop("Key frame"),
}

# phrases of annotator.model.validation, as (pattern, English template of the translation)
_PHRASES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"^must be at most (?P<n>\S+), got (?P<v>.+)$"), tr_noop("must be at most {n} (got {v})")),
    (re.compile(r"^must be at least (?P<n>\S+), got (?P<v>.+)$"), tr_noop("must be at least {n} (got {v})")),
    (re.compile(r"^must be a whole number, got (?P<v>.+)$"), tr_noop("must be a whole number (got {v})")),
    (re.compile(r"^must be a finite number, got (?P<v>.+)$"), tr_noop("must be a finite number (got {v})")),
    (re.compile(r"^must not be empty$"), tr_noop("must not be empty")),
    (re.compile(r"^no such case file$"), tr_noop("no such case file")),
    (re.compile(r"^the file is empty$"), tr_noop("the file is empty")),
)


def field_label(name: str) -> str:
    """The label of model field ``name`` in the interface language (``drugs[0].dose_mg`` -> "Dose (mg)")."""
    base = re.sub(r"\[\d+\]", "", name).split(".")[-1]
    label = FIELD_LABELS.get(base)
    return tr(label) if label is not None else name


def translate_detail(detail: str) -> str:
    """``detail`` (one English line of the core) with known field names and phrases translated."""
    if current_language() == "en":
        return detail
    parts = detail.split(": ")
    out = []
    for part in parts:
        for pattern, template in _PHRASES:
            m = pattern.match(part)
            if m:
                part = trf(template, **m.groupdict())
                break
        else:
            if re.fullmatch(r"[a-z_]+(\[\d+\])?(\.[a-z_]+)*", part) and field_label(part) != part:
                part = field_label(part)
        out.append(part)
    return tr(": ").join(out)


def one_line(exc: BaseException) -> str:
    """The error's text as one line (``annotator.errors.one_line``), or its type when it has none."""
    return core_one_line(exc) or type(exc).__name__


def user_error(lead: str, exc: BaseException | str) -> str:
    """``lead`` (already translated, e.g. tr("Could not open the case")) + the error's detail."""
    detail = exc if isinstance(exc, str) else one_line(exc)
    return trf("{lead}: {detail}", lead=lead, detail=translate_detail(detail))
