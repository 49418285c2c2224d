"""Names and identifiers found anywhere in the DICOM headers of a case, for the free-text check.

:class:`~annotator.export.deid.IdentityScrubber` knows the *identity attributes*
(patient name, IDs, dates...). A name also hides in free-text attributes
(SeriesDescription "L-spine Quintavious", ImageComments, a CodeMeaning deep in a
sequence); :func:`header_terms` learns every text value of every header,
sequences included, as search terms of three kinds:

- ``name``: every person name (PN) with its variants — the parts in either
  order, with or without a comma, initials ("Q. Zzyzx", "Q.Z.", "QZ"), each
  part of at least two letters alone, and Chinese (ideographic) names with
  and without spaces between family and given name;
- ``identifier``: values of ID-like attributes (…ID, …Number) and every token of
  a text value holding four or more digits ("ACC90817263", "PID-77341955");
- ``word``: the other words of free-text values (LO, SH, ST, LT, UT, UC) that are
  not ordinary words of DICOM, of this tool or of English (stop lists below):
  what is left in "film of Quintavious" is "Quintavious".

Dates (DA, the date of DT) are left to the date pattern of ``text_identity``.
Coded values (CS), UIDs and numbers are never terms.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from pydicom.multival import MultiValue

_TEXT_VRS = frozenset({"LO", "SH", "ST", "LT", "UT", "UC"})
# text attributes that describe equipment, codes or the image, never a person
_NOT_IDENTITY = frozenset({
    "Manufacturer", "ManufacturerModelName", "SoftwareVersions", "CodeValue", "CodingSchemeDesignator",
    "CodingSchemeVersion", "CodeMeaning", "ContextIdentifier", "MappingResource", "ContextGroupVersion",
    "LongCodeValue", "URNCodeValue", "SpecificCharacterSet", "TransferSyntaxUID", "ImplementationVersionName",
    "SourceApplicationEntityTitle", "PrivateCreator", "BodyPartExamined", "ContentLabel", "ConversionType",
    "WindowCenterWidthExplanation", "LUTExplanation", "DeidentificationMethod", "FilterMaterial",
    "FilterType", "Grid", "ViewPosition", "PatientSex", "PatientAge", "Modality", "ContrastBolusRoute",
})
_ID_KEYWORD = re.compile(r"(?:ID|IDs|Number|Numbers)$")
_DIGITS4 = re.compile(r"\d{4}")
_TOKEN = re.compile(r"[^\W\d_][\w'’-]*|\d[\w-]*", re.UNICODE)
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]+")
_LATIN_WORD = re.compile(r"[A-Za-z\u00C0-\u024F]+(?:['’][A-Za-z]+)?")

# ordinary words of image descriptions and clinical notes (the DICOM dictionary and this
# tool's vocabulary are added in _stop_words)
_ENGLISH = """
a an the and or of in on at by for from to with without into onto over under after before during
is are was were be been has have had do does did not no yes this that these those it its as
than then there here who whom which what when where why how all any some each every both one two
three four five six seven eight nine ten first second third last new old other same more most less
film films image images series study studies scan run view views shot frame frames cine loop
acquired acquisition performed done taken made given injected injection contrast dye medium agent
left right bilateral both side level levels root roots nerve nerves spine spinal lumbar sacral
sacrum thoracic cervical vertebra vertebral disc disk foramen foraminal pedicle facet block blocks
selective transforaminal epidural periradicular radicular radiculogram steroid lidocaine dexamethasone
ropivacaine bupivacaine iohexol iopamidol omnipaque isovue needle tip target fluoro fluoroscopy
fluoroscopic xray ray rays angio angiography radiography radiology dsa subtraction mask native
ap pa lat ll rl lao rao oblique lateral frontal anteroposterior posteroanterior prone supine
upper lower proximal distal medial anterior posterior superior inferior cranial caudal
patient procedure procedures protocol department hospital clinic center centre room unit lab
pain sciatica radiculopathy stenosis herniation hernia symptoms symptom history diagnosis
test testing sample samples synthetic phantom demo teaching case cases example anonymous anonymized
deidentified unknown none not normal abnormal note notes comment comments description
mm cm ml mg kv kvp ma ms sec min hr dose pulse pulses fps
obl ant post perineural intravascular snrb tfesi esi drg ct mr mri xa rf dx cr dr pacs dicom spine lspine tspine cspine
"""
_CHINESE = """
腰椎 骶椎 胸椎 颈椎 椎体 椎弓根 椎间孔 神经根 神经 阻滞 造影 选择性 透视 正位 侧位 斜位 左侧 右侧 双侧
患者 医院 科室 检查 图像 序列 影像 穿刺 针尖 针 药物 注射 对比剂 疼痛 症状 病例 教学 示例 合成 匿名
"""


@cache
def _stop_words() -> frozenset[str]:
    words = set(_ENGLISH.split()) | set(_CHINESE.split())
    try:
        from pydicom.datadict import DicomDictionary

        for entry in DicomDictionary.values():
            words.update(w.lower() for w in _LATIN_WORD.findall(str(entry[2])))
    except Exception:  # a dictionary we cannot read: the built-in lists still apply
        pass
    from annotator.export import text as tx

    for table in (getattr(tx, "_WORDS", {}),):
        for lang_words in table.values():
            for value in lang_words.values():
                words.update(w.lower() for w in _TOKEN.findall(str(value)))
                words.update(_CJK.findall(str(value)))
    return frozenset(words)


def is_ordinary(word: str) -> bool:
    """True for a word of the stop lists (case-insensitive)."""
    return word.lower() in _stop_words()


@dataclass(frozen=True)
class Term:
    """One search term: ``text`` as it is searched for, ``kind`` (name, identifier, word) and
    the attribute keyword it came from (never the value: safe to show and log)."""

    text: str
    kind: str
    source: str
    initials: bool = False  # match case-sensitively (upper-case initials such as "QZ")


def name_variants(value: str) -> list[tuple[str, bool]]:
    """(variant, is_initials) of one DICOM person name ("Family^Given^Middle^Prefix^Suffix",
    component groups separated by "=")."""
    out: list[tuple[str, bool]] = []
    for group in str(value).split("="):
        parts = [p.strip() for p in group.split("^")[:3] if p.strip()]
        if not parts:
            continue
        ideographic = any(_CJK.search(p) for p in parts)
        if ideographic:
            joined = "".join(parts)
            out += [(joined, False), (" ".join(parts), False)]
            # the given name alone (two characters or more); a single family character
            # ("张") is part of too many ordinary words ("紧张") to stand alone
            out += [(p, False) for p in parts if len(p) >= 2]
            continue
        words = [w for p in parts for w in p.split()]
        family, given = parts[0], parts[1:]
        if given:
            g = " ".join(given)
            out += [(f"{family} {g}", False), (f"{g} {family}", False), (f"{family}, {g}", False)]
            fi, gi = family[0].upper(), given[0][0].upper()
            out += [(f"{gi}. {family}", False), (f"{gi} {family}", False), (f"{family} {gi}.", False),
                    (f"{gi}.{fi}.", True), (f"{fi}.{gi}.", True), (f"{gi}{fi}", True), (f"{fi}{gi}", True)]
        out += [(w, False) for w in words if len(w) >= 2]
        out.append((" ".join(words), False))
    seen: set[str] = set()
    unique = []
    for text, initials in out:
        key = text if initials else text.lower()
        if key not in seen and not (initials and is_ordinary(text)):
            seen.add(key)
            unique.append((text, initials))
    return unique


def _text_values(elem: Any) -> list[str]:
    try:
        value = elem.value
    except Exception:  # malformed element: nothing to learn from it
        return []
    if value is None or value == "":
        return []
    if isinstance(value, (list, tuple, MultiValue)):
        values = list(value)
    else:  # one value: str, bytes, PersonName
        values = [value]
    out = []
    for v in values:
        s = v.decode("latin-1") if isinstance(v, bytes) else str(v)
        if s.strip():
            out.append(s.strip())
    return out


def terms_of_dataset(ds: Any) -> list[Term]:
    """Every name, identifier and unusual word of ``ds`` (nested items included)."""
    out: list[Term] = []
    try:
        elements = list(ds.iterall())
    except Exception:  # malformed dataset: the top level only
        elements = [e for e in ds if e.VR != "SQ"]
    for elem in elements:
        kw = elem.keyword or "private attribute"
        if kw in _NOT_IDENTITY:
            continue
        if elem.VR == "PN":
            for v in _text_values(elem):
                out += [Term(t, "name", kw, initials=i) for t, i in name_variants(str(v))]
            continue
        if elem.VR not in _TEXT_VRS:
            continue
        for v in _text_values(elem):
            if _ID_KEYWORD.search(kw) and len(v) >= 3:
                out.append(Term(v, "identifier", kw))
            for token in _TOKEN.findall(v):
                token = token.strip("-'’")
                if _DIGITS4.search(token):
                    out.append(Term(token, "identifier", kw))
                elif token and not token[0].isdigit() and not any(c.isdigit() for c in token):
                    out += [Term(w, "word", kw) for w in _words(token)]
    return out


def _words(token: str) -> list[str]:
    """Candidate name words of one token: Latin words of three letters or more and CJK runs of
    two to four characters that are not ordinary words."""
    out = []
    for run in _CJK.findall(token):
        if 2 <= len(run) <= 4 and not is_ordinary(run):
            out.append(run)
    for w in _LATIN_WORD.findall(token):
        w = w.strip("-'’")
        if len(w) >= 3 and not is_ordinary(w) and not is_ordinary(w.rstrip("s")):
            out.append(w)
    return out


def header_terms(paths: Iterable[Path]) -> list[Term]:
    """The terms of the headers of every readable DICOM file of ``paths`` (others are skipped),
    longest first, each text once per kind."""
    import pydicom

    terms: dict[tuple[str, str, bool], Term] = {}
    for path in paths:
        try:
            ds = pydicom.dcmread(path, stop_before_pixels=True)
        except Exception:  # a plain image, or unreadable: no header to learn from
            continue
        for t in terms_of_dataset(ds):
            key = (t.text if t.initials else t.text.lower(), t.kind, t.initials)
            terms.setdefault(key, t)
    return sorted(terms.values(), key=lambda t: len(t.text), reverse=True)
