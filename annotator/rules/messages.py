"""English and Chinese wording of verdicts, gaps and conclusions.

Only words live here: every number and threshold comes from the rule data
(``rules/data/*.json``). ``say(key, lang, **values)`` fills a template;
unknown languages fall back to English.
"""

from __future__ import annotations

LANGS = ("en", "zh")

TEXT: dict[str, dict[str, str]] = {
    # statuses
    "status.on_target": {"en": "on target", "zh": "到位"},
    "status.near": {"en": "near the target", "zh": "接近靶点"},
    "status.off": {"en": "off target", "zh": "偏离靶点"},
    "status.insufficient": {"en": "cannot be judged", "zh": "无法判断"},
    "status.ambiguous": {"en": "ambiguous", "zh": "标记有歧义"},
    # what makes a verdict ambiguous (domain.md §4 "Side and root of every mark")
    "ambiguity.unknown_side": {
        "en": "set the side of {landmark} (a mark of unknown side beside another)",
        "zh": "请设定{landmark}的侧别（侧别不明的标记旁还有同类标记）",
    },
    "ambiguity.same_side": {
        "en": "two {side} marks of {landmark}: delete one or correct its side",
        "zh": "{landmark}有两个{side}侧标记：请删除一个或更正其侧别",
    },
    "ambiguity.two_tips": {
        "en": "two needle tips of the {side} {level} root on this frame: delete one or assign it to another root",
        "zh": "本帧有两个{side}侧 {level} 神经根的针尖：请删除一个或将其归入另一神经根",
    },
    "verdict.ambiguous": {"en": "{rule}: ambiguous — {what}.", "zh": "{rule}：标记有歧义 —— {what}。"},
    "reason.wrong_side": {
        "en": "WRONG SIDE: the tip lies across the midline from the root",
        "zh": "侧别错误：针尖位于该神经根的中线对侧",
    },
    # anatomical directions
    "dir.cranial": {"en": "cranial", "zh": "头侧"},
    "dir.caudal": {"en": "caudal", "zh": "尾侧"},
    "dir.medial": {"en": "medial", "zh": "内侧"},
    "dir.lateral": {"en": "lateral", "zh": "外侧"},
    "dir.anterior": {"en": "anterior", "zh": "前方"},
    "dir.posterior": {"en": "posterior", "zh": "后方"},
    # rule labels
    "rule.R-AP": {"en": "R-AP (subpedicular target)", "zh": "R-AP（椎弓根下缘靶点）"},
    "rule.R-OBL": {"en": "R-OBL (subpedicular target on the oblique film)", "zh": "R-OBL（斜位片上的椎弓根下缘靶点）"},
    "rule.R-LAT": {"en": "R-LAT (posterior third of the foramen)", "zh": "R-LAT（椎间孔后 1/3）"},
    "rule.R-S1": {"en": "R-S1 (first dorsal sacral foramen)", "zh": "R-S1（第一骶后孔）"},
    # targets
    "target.pedicle": {"en": "the midpoint of the {level} pedicle lower margin", "zh": "{level} 椎弓根下缘中点"},
    "target.lat": {"en": "the posterior third of the foramen", "zh": "椎间孔后 1/3"},
    "target.s1": {"en": "the S1 foramen outline", "zh": "第一骶孔轮廓"},
    # landmarks (missing)
    "landmark.tip": {"en": "the needle tip", "zh": "针尖"},
    "landmark.pedicle_margin": {"en": "the pedicle lower margin of {level}", "zh": "{level} 椎弓根下缘"},
    "landmark.foramen": {"en": "the foramen outline", "zh": "椎间孔轮廓"},
    "landmark.s1_foramen": {"en": "the S1 foramen outline", "zh": "第一骶孔轮廓"},
    "landmark.sap_margin": {
        "en": "the superior margin of the superior articular process below {level}",
        "zh": "{level} 下位椎上关节突上缘",
    },
    "landmark.orientation_anterior": {
        "en": "the film's patient orientation (which side is anterior)",
        "zh": "图像的患者方位（哪一侧为前方）",
    },
    # reasons
    "reason.too_caudal": {
        "en": "too caudal (below the superior margin of the superior articular process below)",
        "zh": "过于偏尾侧（低于下位椎上关节突上缘）",
    },
    "reason.too_cranial": {
        "en": "too cranial (over the pedicle above its lower margin)",
        "zh": "过于偏头侧（投影于椎弓根下缘以上）",
    },
    "reason.middle_third": {"en": "in the middle third of the foramen", "zh": "位于椎间孔中 1/3"},
    "reason.anterior_third": {
        "en": "in the anterior third of the foramen — too anterior",
        "zh": "位于椎间孔前 1/3 —— 过于靠前",
    },
    "reason.outside_foramen": {"en": "outside the foramen", "zh": "位于椎间孔外"},
    "reason.inside_s1": {"en": "inside the S1 foramen outline", "zh": "位于第一骶孔轮廓内"},
    "reason.outside_s1": {"en": "outside the S1 foramen outline", "zh": "位于第一骶孔轮廓外"},
    "reason.posterior_third": {"en": "in the posterior third of the foramen", "zh": "位于椎间孔后 1/3"},
    "half.cranial": {
        "en": "in the cranial half of the foramen (dorsal-cranial safe triangle)",
        "zh": "位于椎间孔头侧半（背侧头侧安全三角）",
    },
    "half.caudal": {"en": "in the caudal half of the foramen", "zh": "位于椎间孔尾侧半"},
    # scale fallbacks
    "fallback.pedicle": {
        "en": "no mm scale: tolerances are {on}× / {near}× the pedicle-margin length ({r_on} / {r_near})",
        "zh": "无毫米标尺：容差取椎弓根下缘长度的 {on} / {near} 倍（{r_on} / {r_near}）",
    },
    "fallback.foramen": {
        "en": "no mm scale: 'near' means within {near}× the foramen height ({r_near})",
        "zh": "无毫米标尺：“接近”指在椎间孔高度的 {near} 倍以内（{r_near}）",
    },
    "fallback.s1": {
        "en": "no mm scale: 'near' means within {near}× the S1 foramen diameter ({r_near})",
        "zh": "无毫米标尺：“接近”指在第一骶孔直径的 {near} 倍以内（{r_near}）",
    },
    # sentence frames
    "verdict.insufficient": {"en": "{rule}: cannot be judged — mark {missing}.", "zh": "{rule}：无法判断 —— 请标记{missing}。"},
    "verdict.distance": {
        "en": "{rule}: tip {status}{reasons} — {distance} from {target}{offsets}{extra}.",
        "zh": "{rule}：针尖{status}{reasons}，距{target} {distance}{offsets}{extra}。",
    },
    "verdict.inside": {
        "en": "{rule}: tip {status}, {reasons}{offsets}{extra}.",
        "zh": "{rule}：针尖{status}，{reasons}{offsets}{extra}。",
    },
    "offsets.from_centre": {"en": " ({offsets} of its centre)", "zh": "（相对其中心：{offsets}）"},
    "offsets.plain": {"en": " ({offsets})", "zh": "（{offsets}）"},
    "join.and": {"en": " and ", "zh": "和"},
    "join.list": {"en": ", ", "zh": "，"},
    "join.clause": {"en": "; ", "zh": "；"},
    # films, roots, summaries
    "view.AP": {"en": "AP", "zh": "正位"},
    "view.lateral": {"en": "lateral", "zh": "侧位"},
    "view.oblique": {"en": "oblique", "zh": "斜位"},
    "view.unknown": {"en": "unknown view", "zh": "未知体位"},
    "film.name": {"en": "{view} film {n}", "zh": "{view}片 {n}"},
    "film.figure": {"en": "Fig {label} ({view})", "zh": "图 {label}（{view}）"},
    "film.no_rule": {"en": "{film}: no target rule for this view (informational)", "zh": "{film}：该体位无靶点规则（仅供参考）"},
    "side.left": {"en": "left", "zh": "左"},
    "side.right": {"en": "right", "zh": "右"},
    "root.label": {"en": "{side} {level}", "zh": "{side} {level}"},
    "gap.no_rule_film": {
        "en": "no AP or lateral film with a target rule",
        "zh": "没有可判定靶点的正位或侧位片",
    },
    "gap.missing": {"en": " (mark {missing})", "zh": "（请标记{missing}）"},
    "gap.ambiguous": {"en": " ({what})", "zh": "（{what}）"},
    "gap.film_status": {"en": "{film}: {status}", "zh": "{film}：{status}"},
    "gap.tip_in_sheath": {
        "en": "'tip confirmed in the sheath' not tagged",
        "zh": "未标记“针尖确认（造影剂在神经根鞘内）”",
    },
    "position.confirmed": {"en": "needle position confirmed", "zh": "针尖位置已确认"},
    "position.unconfirmed": {"en": "needle position not confirmed: {gaps}", "zh": "针尖位置未确认：{gaps}"},
    "block.none": {"en": "no block", "zh": "未阻滞"},
    "block.partial": {"en": "partial block", "zh": "部分阻滞"},
    "block.complete": {"en": "complete block", "zh": "完全阻滞"},
    "block.not_assessed": {"en": "block not assessed", "zh": "未评估阻滞效果"},
    "conclusion.not_responsible": {"en": "not the responsible root", "zh": "非责任神经根"},
    "conclusion.possibly_responsible": {
        "en": "possibly one of the responsible roots; check the others",
        "zh": "可能为责任神经根之一，需检查其他神经根",
    },
    "conclusion.responsible": {"en": "responsible root confirmed", "zh": "确认为责任神经根"},
    "conclusion.no_conclusion": {"en": "no conclusion", "zh": "无结论"},
    "caution.check_level": {
        "en": "caution: provoked pain not concordant with the pre-op symptoms — check the level",
        "zh": "注意：诱发痛与术前症状不一致 —— 请核对节段",
    },
    "caution.position_unconfirmed": {
        "en": "caution: needle position not confirmed — interpret the block with care",
        "zh": "注意：针尖位置未确认 —— 阻滞结果需谨慎解读",
    },
    "root.conclusion": {"en": "{root}: {block} → {conclusion}", "zh": "{root}：{block} → {conclusion}"},
    "case.responsible": {"en": "Responsible level(s): {levels}.", "zh": "责任节段：{levels}。"},
    "case.possible": {"en": "Possibly responsible: {levels}.", "zh": "可能的责任节段：{levels}。"},
    "case.none": {"en": "No responsible level confirmed.", "zh": "未确认责任节段。"},
    "case.no_roots": {"en": "No root tested.", "zh": "未检查任何神经根。"},
    # where a rule or warning comes from (domain.md: [seed] the article, [ext] the literature)
    "source.seed": {"en": "seed", "zh": "原文"},
    "source.ext": {"en": "ext", "zh": "扩展"},
    "source.department": {"en": "department", "zh": "科室"},
}


def say(key: str, lang: str = "en", **values: object) -> str:
    """The template ``key`` in ``lang`` (English when missing), filled with ``values``."""
    entry = TEXT[key]
    template = entry.get(lang) or entry["en"]
    return template.format(**values) if values else template


def source_label(source: str, lang: str = "en") -> str:
    """The tag of a rule's or warning's source in ``lang``: seed → 原文, ext → 扩展 (unknown: as is)."""
    key = f"source.{source}"
    return say(key, lang) if key in TEXT else source


def fmt_amount(value: float, unit: str) -> str:
    """A length with its unit label: ``'4.2 mm (detector)'``, ``'37 px'``."""
    if unit == "px":
        return f"{value:.0f} px"
    return f"{value:.1f} {unit}"
