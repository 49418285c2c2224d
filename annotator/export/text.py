"""Words of the exports in English and Chinese: labels, captions, age/sex phrases.

Labels of the findings vocabulary and the drug table come from the rule
configuration (``annotator.rules.load_config``) when it offers them; the small
tables here are the fallback so an export never shows a bare id.
"""

from __future__ import annotations

from typing import Any

from annotator.model import Case, Film, Root

LANGS = ("en", "zh")

_VIEW = {
    "en": {"AP": "AP", "lateral": "lateral", "oblique": "oblique", "unknown": ""},
    "zh": {"AP": "正位", "lateral": "侧位", "oblique": "斜位", "unknown": ""},
}
_PHASE = {
    "en": {
        "before_contrast": "before contrast",
        "after_contrast": "after contrast",
        "after_drug": "after drug injection",
        "follow_up": "follow-up",
        "unknown": "",
    },
    "zh": {
        "before_contrast": "造影前",
        "after_contrast": "注射造影剂后",
        "after_drug": "注射药物后",
        "follow_up": "随访",
        "unknown": "",
    },
}
_SIDE = {"en": {"left": "left", "right": "right"}, "zh": {"left": "左", "right": "右"}}
_BLOCK = {
    "en": {
        "none": "no block",
        "partial": "partial block",
        "complete": "complete block",
        "not_assessed": "block not assessed",
    },
    "zh": {"none": "未阻滞", "partial": "部分阻滞", "complete": "完全阻滞", "not_assessed": "未评估阻滞"},
}
_CONCLUSION = {
    "en": {
        "none": "not the responsible root",
        "partial": "possibly one of the responsible roots; check the others",
        "complete": "responsible root confirmed",
        "not_assessed": "no conclusion (block not assessed)",
    },
    "zh": {
        "none": "非责任神经根",
        "partial": "可能为责任神经根之一，需检查其他神经根",
        "complete": "确认为责任神经根",
        "not_assessed": "无结论（未评估阻滞）",
    },
}
_CONCORDANCE = {
    "en": {"yes": "concordant", "no": "not concordant — check the level", "not_assessed": "not assessed"},
    "zh": {"yes": "一致", "no": "不一致——请核对节段", "not_assessed": "未评估"},
}
_STATUS = {
    "en": {"on_target": "on target", "near": "near target", "off": "off target", "insufficient": "insufficient",
           "ambiguous": "ambiguous marks"},
    "zh": {"on_target": "到位", "near": "接近靶点", "off": "未到位", "insufficient": "标记不足", "ambiguous": "标记有歧义"},
}
_FINDINGS = {
    "en": {
        "contrast_cutoff": "contrast cutoff / filling defect",
        "bench_sign": "bench sign (root lifted)",
        "tip_in_sheath": "tip confirmed in the root sheath",
        "irregular_root": "irregular root course",
        "drg_visualized": "dorsal root ganglion visualised",
        "proximal_spread": "proximal spread",
        "distal_spread": "distal spread",
        "root_to_axilla": "root outlined to its axilla",
        "negative_image": "negative image",
        "l5_course": "L5 course",
        "injection_resistance": "injection resistance",
        "intravascular": "intravascular uptake",
        "intradiscal": "intradiscal contrast",
        "intrathecal": "intrathecal pattern",
        "epidural_spread": "epidural spread",
        "adjacent_root": "spread to the adjacent root",
        "extraforaminal_only": "extraforaminal soft tissue only",
        "radiculogram_grade": "radiculogram grade",
        "l5_tilt_angle": "L5 tilt angle",
    },
    "zh": {
        "contrast_cutoff": "神经根造影剂中断/充盈缺损",
        "bench_sign": "神经根上抬（板凳征）",
        "tip_in_sheath": "针尖确认位于根鞘内",
        "irregular_root": "神经根走行不规则",
        "drg_visualized": "脊神经节显影",
        "proximal_spread": "向近端流动",
        "distal_spread": "向远端流动",
        "root_to_axilla": "神经根显影至腋部",
        "negative_image": "阴性影像",
        "l5_course": "L5 走行",
        "injection_resistance": "注射阻力",
        "intravascular": "血管内显影",
        "intradiscal": "椎间盘内显影",
        "intrathecal": "鞘内显影",
        "epidural_spread": "硬膜外扩散",
        "adjacent_root": "扩散至相邻神经根",
        "extraforaminal_only": "仅孔外软组织显影",
        "radiculogram_grade": "神经根造影分级",
        "l5_tilt_angle": "L5 倾斜角",
    },
}
_DRUGS_ZH = {
    "lidocaine": "利多卡因",
    "bupivacaine": "布比卡因",
    "ropivacaine": "罗哌卡因",
    "prednisolone_acetate": "醋酸泼尼松龙",
    "methylprednisolone": "甲泼尼龙",
    "dexamethasone": "地塞米松",
    "compound_betamethasone": "复方倍他米松",
    "triamcinolone_acetonide": "曲安奈德",
}
_WORDS = {
    "en": {
        "case": "Case",
        "root": "Root",
        "roots": "Roots",
        "symptoms": "Symptoms",
        "findings": "Findings",
        "block": "Block result",
        "conclusion": "Conclusion",
        "drugs": "Drugs and doses",
        "summary": "Case summary",
        "concordance": "Provoked pain concordant with symptoms",
        "verdict": "Tip position",
        "warnings": "Warnings",
        "none": "none recorded",
        "film": "film",
        "intraop": "intraoperative",
        "fig": "Fig",
        "clean": "clean",
        "annotated": "annotated",
        "legend": "Legend",
        "patient": "Patient",
        "responsible": "Responsible level(s)",
        "contrast": "Contrast",
        "teaching_deck": "Teaching deck",
    },
    "zh": {
        "case": "病例",
        "root": "神经根",
        "roots": "神经根",
        "symptoms": "症状",
        "findings": "造影所见",
        "block": "阻滞结果",
        "conclusion": "结论",
        "drugs": "药物及剂量",
        "summary": "病例小结",
        "concordance": "诱发放射痛与术前症状一致",
        "verdict": "针尖位置",
        "warnings": "警示",
        "none": "无记录",
        "film": "片",
        "intraop": "术中",
        "fig": "图",
        "clean": "原片",
        "annotated": "标注",
        "legend": "图例",
        "patient": "患者",
        "responsible": "责任节段",
        "contrast": "造影剂",
        "teaching_deck": "教学幻灯片",
    },
}


def check_lang(lang: str) -> str:
    if lang not in LANGS:
        raise ValueError(f"language {lang!r} is not offered (use en or zh)")
    return lang


def word(key: str, lang: str) -> str:
    return _WORDS[lang][key]


def view_label(view: str, lang: str) -> str:
    return _VIEW[lang].get(str(view), str(view))


def phase_label(phase: str, lang: str) -> str:
    return _PHASE[lang].get(str(phase), str(phase))


def status_label(status: Any, lang: str) -> str:
    key = getattr(status, "value", status)
    return _STATUS[lang].get(str(key), str(key))


def block_label(block: str, lang: str) -> str:
    return _BLOCK[lang].get(str(block), str(block))


def conclusion_label(block: str, lang: str) -> str:
    return _CONCLUSION[lang].get(str(block), str(block))


def concordance_label(value: str, lang: str) -> str:
    return _CONCORDANCE[lang].get(str(value), str(value))


def root_label(root: Root, lang: str) -> str:
    """``right L5`` / ``右 L5``."""
    side = _SIDE[lang].get(root.side.value, root.side.value)
    return f"{side}{root.level}" if lang == "zh" else f"{side} {root.level}"


def age_sex(case: Case, lang: str) -> str:
    """"70-year-old man" / "70岁男性"; what is known of it, or ''."""
    sex = (case.sex or "").upper()
    if lang == "zh":
        noun = {"M": "男性", "F": "女性"}.get(sex, "患者")
        return f"{case.age}岁{noun}" if case.age is not None else (noun if sex else "")
    noun = {"M": "man", "F": "woman"}.get(sex, "patient")
    if case.age is not None:
        return f"{case.age}-year-old {noun}"
    return noun if sex else ""


def _config_label(config: Any, table: str, code: str, lang: str) -> str | None:
    """A label from the rule configuration when it has one (``config.<table>[code]``
    with a ``label(lang)`` method, ``label_<lang>`` / ``<lang>`` attribute or key)."""
    if config is None:
        return None
    try:
        entries = getattr(config, table, None)
        entry = entries.get(code) if entries is not None and hasattr(entries, "get") else None
        if entry is None:
            return None
        label = getattr(entry, "label", None)
        if callable(label):
            return str(label(lang)) or None
        for key in (f"label_{lang}", lang):
            v = entry.get(key) if isinstance(entry, dict) else getattr(entry, key, None)
            if isinstance(v, str) and v:
                return v
    except Exception:  # a config of another shape: the fallback table answers
        return None
    return None


def finding_label(code: str, lang: str, config: Any = None) -> str:
    return (
        _config_label(config, "findings", code, lang)
        or _FINDINGS[lang].get(code)
        or code.replace("_", " ")
    )


def drug_label(drug: str, lang: str, config: Any = None) -> str:
    got = _config_label(config, "drugs", drug, lang)
    if got:
        return got
    if lang == "zh":
        return _DRUGS_ZH.get(drug, drug.replace("_", " "))
    return drug.replace("_", " ")


def film_view_phrase(film: Film, lang: str) -> str:
    """"intraoperative lateral film, after contrast" / "术中侧位片，注射造影剂后"."""
    view = view_label(film.view.value, lang)
    phase = phase_label(film.phase.value, lang)
    if lang == "zh":
        s = f"术中{view}片"
        return f"{s}，{phase}" if phase else s
    s = f"intraoperative {view} film" if view else "intraoperative film"
    return f"{s}, {phase}" if phase else s


def figure_label(case_number: int, film_index: int, film: Film) -> str:
    """The user's figure label ("7A") or case number + letter per film ("1A", "1B", ...)."""
    if film.figure_label.strip():
        return film.figure_label.strip()
    letters = ""
    n = film_index
    while True:
        letters = chr(ord("A") + n % 26) + letters
        n = n // 26 - 1
        if n < 0:
            break
    return f"{case_number}{letters}"


def caption(label: str, film: Film, sentence: str, lang: str) -> str:
    """Article-style caption: "Fig 7A (intraoperative lateral film): <sentence>" (domain.md §9)."""
    phrase = film_view_phrase(film, lang)
    sentence = sentence.strip()
    if lang == "zh":
        head = f"图{label}（{phrase}）"
        return f"{head}：{sentence}" if sentence else head
    head = f"Fig {label} ({phrase})"
    return f"{head}: {sentence}" if sentence else head


def finding_text(finding: Any, lang: str, config: Any = None) -> str:
    """A finding with its site, value and angle: "contrast cut-off / filling defect (pars defect)"."""
    label = finding_label(finding.code, lang, config)
    fdef = getattr(config, "findings", {}).get(finding.code) if config is not None else None
    extras = []
    for item in (finding.site, finding.value):
        if item:
            extras.append(fdef.label_of(item, lang) if fdef is not None else str(item).replace("_", " "))
    if finding.angle_deg is not None:
        extras.append(f"{finding.angle_deg:.0f}°")
    if not extras:
        return label
    return f"{label}（{'，'.join(extras)}）" if lang == "zh" else f"{label} ({', '.join(extras)})"


def finding_with_note(finding: Any, lang: str, config: Any = None, scrub: Any = None) -> str:
    """:func:`finding_text` and the user's note after a dash (the note through ``scrub``)."""
    note = finding.note.strip()
    if note and scrub is not None:
        note = scrub(note)
    return finding_text(finding, lang, config) + (f" — {note}" if note else "")


def dose_text(dose: Any, lang: str, config: Any = None) -> str:
    """"dexamethasone 5 mg, 2 ml" / "地塞米松 5 mg，2 ml"."""
    parts = []
    if dose.concentration_pct is not None:
        parts.append(f"{dose.concentration_pct:g} %")
    if dose.dose_mg is not None:
        parts.append(f"{dose.dose_mg:g} mg")
    if dose.volume_ml is not None:
        parts.append(f"{dose.volume_ml:g} ml")
    name = drug_label(dose.drug, lang, config)
    sep = "，" if lang == "zh" else ", "
    return f"{name} {sep.join(parts)}".strip()
