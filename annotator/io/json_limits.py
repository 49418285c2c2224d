"""JSON text read from users' files (case files, rule files), within limits.

``json.loads`` on hostile text fails in ways no caller expects: deep nesting
raises RecursionError, an integer of more than 4300 digits ValueError, a
400-digit integer parses but overflows the first ``float()``, ``1e400`` and
``NaN`` parse as non-finite floats. :func:`loads_limited` is the one place
those files are parsed: it refuses text that is too large or nested too
deeply before parsing, and after parsing any number that is not finite or
beyond :data:`MAX_ABS_NUMBER` (naming its field), before any code does
arithmetic with it: one line saying what is wrong (a :class:`JsonLimitError`,
a ``ValueError``). Callers add the file name.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

MAX_TEXT_CHARS = 64 * 1024 * 1024  # a case with thousands of marks is a few MB
MAX_DEPTH = 64  # a case file nests 8 levels; rule files 4
MAX_NUMBER_CHARS = 40  # digits of one number as written (a float64 needs ~25)
MAX_ABS_NUMBER = 1e12  # no field of a case or rule file is anywhere near


class JsonLimitError(ValueError):
    """The text is not JSON the application accepts (one line, no file name); ``field`` names
    the value at fault (``roots[0].films[1].annotations[0].points[0][0]``) when there is one."""

    def __init__(self, problem: str, field: str | None = None) -> None:
        self.problem = problem
        self.field = field
        super().__init__(f"{field}: {problem}" if field else problem)


def _int(text: str) -> int | float:
    # int() of more than 4300 digits raises, of a few hundred overflows the first float():
    # a number that long is marked infinite here and refused, with its field, by _check_values
    return int(text) if len(text) <= MAX_NUMBER_CHARS else math.inf


def _float(text: str) -> float:
    return float(text) if len(text) <= MAX_NUMBER_CHARS else math.inf


def _constant(name: str) -> float:
    return float(name)  # NaN, Infinity, -Infinity: refused with their field by _check_values


_STRING = re.compile(r'"(?:[^"\\]|\\.)*"')
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")


def _depth_before_parsing(text: str) -> int:
    """Deepest bracket nesting, counted outside strings (regexes do the scanning)."""
    brackets = _NOT_BRACKET.sub("", _STRING.sub("", text))
    depth = deepest = 0
    for ch in brackets:
        if ch in "[{":
            depth += 1
            if depth > deepest:
                deepest = depth
                if deepest > MAX_DEPTH:
                    break
        else:
            depth -= 1
    return deepest


def _field(parts: list[str | int]) -> str:
    out = ""
    for p in parts:
        out += f"[{p}]" if isinstance(p, int) else (f".{p}" if out else str(p))
    return out


def _check_values(data: Any) -> None:
    """Every number finite and within ±MAX_ABS_NUMBER (iterative: depth is already bounded)."""
    stack: list[tuple[Any, list[str | int]]] = [(data, [])]
    while stack:
        node, parts = stack.pop()
        if isinstance(node, dict):
            stack.extend((v, [*parts, str(k)]) for k, v in node.items())
        elif isinstance(node, list):
            stack.extend((v, [*parts, i]) for i, v in enumerate(node))
        elif isinstance(node, (int, float)) and not isinstance(node, bool):
            if not (math.isfinite(node) and abs(node) <= MAX_ABS_NUMBER):
                shown = "a number too long to read" if node == math.inf else f"{node:.6g}"
                raise JsonLimitError(
                    f"must be a finite number between -{MAX_ABS_NUMBER:g} and {MAX_ABS_NUMBER:g}, got {shown}",
                    _field(parts) or None)


def loads_limited(text: str) -> Any:
    """``json.loads(text)`` within the limits above.

    Raises ``json.JSONDecodeError`` for text that is not JSON (it has line and
    column) and :class:`JsonLimitError` for JSON beyond the limits.
    """
    if len(text) > MAX_TEXT_CHARS:
        raise JsonLimitError(f"the file is {len(text) // 1_000_000} MB; files over "
                             f"{MAX_TEXT_CHARS // 1_000_000} MB are not accepted")
    if _depth_before_parsing(text) > MAX_DEPTH:
        raise JsonLimitError(f"nested more than {MAX_DEPTH} levels deep; this is not a file the application wrote")
    try:
        data = json.loads(text, parse_int=_int, parse_float=_float, parse_constant=_constant)
    except RecursionError:  # not reached after the depth check; kept as the last guard
        raise JsonLimitError(f"nested more than {MAX_DEPTH} levels deep") from None
    _check_values(data)
    return data
