"""The local coding scheme of our reports (``99FLA``) and its lossless mapping to our ids.

PS3.16 §8.2 allows private coding schemes whose designator begins with "99".
A Code Value is SH: at most 16 characters; a Code Meaning (LO) at most 64. Our
ids ("injection_resistance", "position_unconfirmed") do not all fit, so each
id gets a code value of its own, and the same table maps it back:

- the id in capitals with hyphens when that fits ("contrast_cutoff" ->
  "CONTRAST-CUTOFF");
- else the fixed abbreviation of :data:`ABBREVIATIONS` (the shipped vocabulary);
- else (a department's own long code, or one with characters other than
  A-Z, 0-9 and "-": Chinese, a backslash) at most 11 of its plain characters,
  "-" and 4 hexadecimal digits of the id's CRC-32: stable and, within one
  vocabulary, checked to be unique.

The meaning is the label in the export's language in full (cut at 64 characters,
64 bytes in UTF-8, only when a label is longer; the value is what is read back,
never the meaning).
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

SCHEME = "99FLA"
SCHEME_NAME = "fluoro-annotator local codes"

ABBREVIATIONS = {
    "injection_resistance": "INJECTION-RESIST",
    "extraforaminal_only": "EXTRAFORAMINAL-1",
    "radiculogram_grade": "RADICULOGRAM-GRD",
    "position_unconfirmed": "CAUTION-POSITION",
    "check_level": "CAUTION-LEVEL",
    "possibly_responsible": "POSSIBLY-RESP",
    "not_assessed": "NOT-ASSESSED",
    "DRUG_DOSE_VOLUME": "DRUG-DOSE-VOLUME",
}

# Concepts (names of content items) of our reports: (code value, meaning)
PROCEDURE = ("SNRB", "Selective nerve root contrast study and block")
TIP_DISTANCE = ("TIP-TARGET", "Needle tip to target distance")
TIP_POSITION = ("TIP-POSITION", "Needle tip position")
NEEDLE_TIP = ("NEEDLE-TIP", "Needle tip")
BLOCK_RESULT = ("BLOCK-RESULT", "Block result")
CAUTION = ("CAUTION", "Caution")
SAFETY_WARNING = ("SAFETY-WARNING", "Safety warning")
FINDING_VALUE = ("FINDING-VALUE", "Finding value")
FINDING_ANGLE = ("FINDING-ANGLE", "Finding angle")
NERVE_ROOT = ("NERVE-ROOT", "Spinal nerve root tested")
ROOT_LEVEL = ("ROOT-LEVEL", "Nerve root level")

# Meanings of our concepts in a Chinese report (the code values stay; readers use them).
ZH_MEANINGS = {
    PROCEDURE[0]: "选择性神经根造影与阻滞", TIP_DISTANCE[0]: "针尖至目标距离", TIP_POSITION[0]: "针尖位置",
    NEEDLE_TIP[0]: "针尖", BLOCK_RESULT[0]: "阻滞效果", CAUTION[0]: "注意", SAFETY_WARNING[0]: "安全警告",
    FINDING_VALUE[0]: "所见属性", FINDING_ANGLE[0]: "所见角度", NERVE_ROOT[0]: "受检神经根",
    ROOT_LEVEL[0]: "神经根节段",
}

# Standard codes of the root tested (PS3.16 Annex D, SNOMED CT "SCT"; the values are those of
# pydicom's PS3.16 code dictionary, ``pydicom.sr.codedict.codes.SCT``): the vertebra whose
# pedicle the root passes under (the L5 root leaves under the L5 pedicle) — PS3.16 has no
# code for a single lumbar nerve root; S1 is coded as the sacrum (no S1 vertebra code in PS3.16),
# the exact level is kept in our ROOT-LEVEL item — and the laterality (CID 244).
VERTEBRA_CODES = {
    "L1": ("66794005", "L1 vertebra"), "L2": ("14293000", "L2 vertebra"), "L3": ("36470004", "L3 vertebra"),
    "L4": ("11994002", "L4 vertebra"), "L5": ("49668003", "L5 vertebra"), "S1": ("54735007", "Sacrum"),
}
LATERALITY_CODES = {"right": ("24028007", "Right"), "left": ("7771000", "Left")}
LATERALITY_CONCEPT = "272741003"
SIDE_OF_CODE = {v[0]: k for k, v in LATERALITY_CODES.items()}


_SH_UNSAFE = re.compile(r"[^A-Z0-9-]")  # a backslash would split the value; keep to plain ASCII


def code_value(key: str) -> str:
    """The code value (at most 16 ASCII characters, no backslash) of one of our ids."""
    if key in ABBREVIATIONS:
        return ABBREVIATIONS[key]
    v = key.upper().replace("_", "-").replace(" ", "-")
    if len(v) <= 16 and not _SH_UNSAFE.search(v):
        return v
    # long, non-ASCII or odd ids (a department's own text): a readable ASCII head and a CRC
    head = _SH_UNSAFE.sub("", v)[:11] or "CODE"
    return f"{head}-{zlib.crc32(key.encode()) & 0xFFFF:04X}"


def meaning(text: str) -> str:
    """At most 64 characters *and* 64 bytes in UTF-8 (readers such as dciodvfy count bytes, so a
    Chinese meaning is cut sooner), ending with "…" when cut."""
    text = " ".join(str(text).split())
    if len(text.encode("utf-8")) <= 64:
        return text
    while len((text + "…").encode("utf-8")) > 64:
        text = text[:-1]
    return text + "…"


@dataclass(frozen=True)
class CodeTable:
    """Code values <-> ids for one kind of value (finding codes, sites, statuses, ...)."""

    to_id: dict[str, str]

    @classmethod
    def of(cls, ids: Iterable[str]) -> CodeTable:
        table: dict[str, str] = {}
        for key in ids:
            v = code_value(key)
            if table.get(v, key) != key:
                raise ValueError(f"the codes {table[v]!r} and {key!r} share the code value {v!r}")
            table[v] = key
        return cls(table)

    def id_of(self, value: str) -> str:
        """Our id of a code value; an unknown value comes back unchanged."""
        return self.to_id.get(value, value)


STATUSES = ("on_target", "near", "off", "insufficient", "ambiguous")
BLOCKS = ("none", "partial", "complete", "not_assessed")
CONCLUSIONS = ("not_responsible", "possibly_responsible", "responsible", "no_conclusion")
CAUTIONS = ("check_level", "position_unconfirmed")


def tables(config: Any = None) -> dict[str, CodeTable]:
    """The tables of every kind of value, with the findings vocabulary of ``config``
    (default: the shipped one) and the warnings of its table."""
    from annotator.rules import load_config

    config = config if config is not None else load_config()
    findings = list(config.findings)
    sites = sorted({s for f in config.findings.values() for s in f.sites})
    values = sorted({v for f in config.findings.values() for v in f.values})
    return {
        "finding": CodeTable.of(findings),
        "site": CodeTable.of(sites),
        "value": CodeTable.of(values),
        "status": CodeTable.of(STATUSES),
        "block": CodeTable.of(BLOCKS),
        "conclusion": CodeTable.of(CONCLUSIONS),
        "caution": CodeTable.of(CAUTIONS),
        "warning": CodeTable.of(config.warnings),
    }


def coded(key: str, label: str) -> Any:
    """A highdicom ``CodedConcept`` of our id ``key`` with ``label`` as its meaning."""
    from highdicom.sr import CodedConcept

    return CodedConcept(value=code_value(key), scheme_designator=SCHEME, meaning=meaning(label))


def concept(pair: tuple[str, str], lang: str = "en") -> Any:
    """One of our concepts, its meaning in ``lang`` (English when no translation)."""
    from highdicom.sr import CodedConcept

    text = ZH_MEANINGS.get(pair[0], pair[1]) if lang == "zh" else pair[1]
    return CodedConcept(value=pair[0], scheme_designator=SCHEME, meaning=text)


def snomed(pair: tuple[str, str]) -> Any:
    from highdicom.sr import CodedConcept

    return CodedConcept(value=pair[0], scheme_designator="SCT", meaning=pair[1])
