"""Text on burned-in films and slides: wrapping Latin and CJK text to a width.

``wrap_text`` breaks Latin text between words and CJK text between characters
(a run of Chinese has no spaces), in the same line: "needle tip 到位 — block"
breaks at spaces and around Chinese characters, never inside "block".

(The verdict, warnings and legend of a burned-in film are laid out in the column
beside it, ``legend_panel``; annotation labels by ``label_placer``.)
"""

from __future__ import annotations

import re
from collections.abc import Callable

# one token per CJK character (ideographs, kana, hangul, CJK and full-width punctuation)
_CJK = "\u2e80-\u2fff\u3000-\u303f\u3040-\u30ff\u3100-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef"
_TOKEN = re.compile(f"[{_CJK}]|[^\\s{_CJK}]+|\\s+")
_NO_LINE_START = set("，。；：、！？）》」』】〕,.;:!?)")


def wrap_text(text: str, measure: Callable[[str], float], width: float) -> list[str]:
    """Greedy wrap to ``width`` (in ``measure``'s units): Latin text by words, CJK text by
    characters (closing punctuation stays with the character before it); a single word
    wider than the line is broken by characters."""
    out: list[str] = []
    for para in text.splitlines() or [""]:
        line = ""
        for tok in _TOKEN.findall(para):
            if tok.isspace():
                if line:
                    line += " "
                continue
            cand = line + tok
            if tok in _NO_LINE_START or measure(cand.rstrip()) <= width:
                line = cand
                continue
            if line.strip():
                out.append(line.rstrip())
            line = tok
            while measure(line) > width and len(line) > 1:  # one word longer than the line
                cut = len(line) - 1
                while cut > 1 and measure(line[:cut]) > width:
                    cut -= 1
                out.append(line[:cut])
                line = line[cut:]
        out.append(line.rstrip())
    return out
