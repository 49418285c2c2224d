"""Hypothesis strategies for the fuzz suite: case files (valid and broken), rule files, CLI arguments."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import strategies as st

from annotator.io.casefile import dumps_case
from tests.unit.test_model_strategies import cases

HOLE = "\u0000HOSTILE\u0000"  # stands for a raw JSON fragment until the text is made

# raw JSON fragments no well-behaved writer produces
HOSTILE_FRAGMENTS = st.sampled_from([
    "1" * 400, "9" * 5000, "-" + "9" * 41, "1e308", "-1e308", "1e400", "NaN", "Infinity", "-Infinity",
    "1e-400", "0.0000000000000000000000000000000000000000001", "1E+9999",
    "[" * 5000 + "]" * 5000, "{\"a\":" * 3000 + "1" + "}" * 3000, "[" * 63 + "]" * 63,
    '"\\u0000"', '"a\\nb"', '"\\u001b[31m"', '"\\ud800"', '"' + "x" * 100_000 + '"',
    "true", "false", "null", "[]", "{}", '""', "-1", "0", "1e12", "1000000000001", "3.5", '"L5"', '"right"',
    '"../../../../etc/passwd"', '"/abs/path.dcm"', '"C:\\\\x.dcm"', '"films/../../x.dcm"',
])


def _paths(node: Any, prefix: tuple = ()) -> list[tuple]:
    out = [prefix]
    if isinstance(node, dict):
        for k, v in node.items():
            out += _paths(v, (*prefix, k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            out += _paths(v, (*prefix, i))
    return out


def _set(node: Any, path: tuple, value: Any) -> Any:
    if not path:
        return value
    parent = node
    for key in path[:-1]:
        parent = parent[key]
    parent[path[-1]] = value
    return node


def _delete(node: Any, path: tuple) -> Any:
    if not path:
        return node
    parent = node
    for key in path[:-1]:
        parent = parent[key]
    del parent[path[-1]]
    return node


@st.composite
def valid_case_data(draw: st.DrawFn, film_path: str | None = None) -> dict:
    """The JSON data of a generated, valid case; with ``film_path`` every film is that file."""
    case = draw(cases())
    data = json.loads(dumps_case(case))
    if film_path is not None:
        for root in data["roots"]:
            for film in root["films"]:
                film["path"] = film_path
    return data


@st.composite
def broken_case_text(draw: st.DrawFn, film_path: str | None = None) -> str:
    """A case file damaged in one to three ways: hostile values, wrong types, missing keys, cut text."""
    data = draw(valid_case_data(film_path))
    fragments = []
    for _ in range(draw(st.integers(1, 3))):
        paths = _paths(data)
        where = draw(st.sampled_from(paths))
        how = draw(st.sampled_from(["hostile", "hostile", "delete", "json"]))
        if how == "hostile":
            fragments.append(draw(HOSTILE_FRAGMENTS))
            data = _set(data, where, HOLE)
        elif how == "delete" and where:
            data = _delete(data, where)
        else:
            data = _set(data, where, draw(st.recursive(
                st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
                lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
                max_leaves=8)))
    text = json.dumps(data, indent=1, ensure_ascii=draw(st.booleans()), allow_nan=True)
    for fragment in fragments:
        text = text.replace(json.dumps(HOLE), fragment, 1)
    if draw(st.integers(0, 9)) == 0:  # a save cut short
        text = text[: draw(st.integers(0, len(text)))]
    return text


def case_file_bytes(text: str, encoding: str) -> bytes:
    return text.encode(encoding, errors="replace" if encoding != "utf-8" else "surrogatepass")


RULE_SECTIONS = {
    "tolerances": ["r_on_mm", "r_near_mm", "pedicle_on_factor", "posterior_fraction", "caudal_guide_deg"],
    "drugs": ["lidocaine", "dexamethasone", "new_drug"],
    "findings": ["contrast_cutoff", "new_finding"],
    "warnings": ["W1", "W2", "W9"],
}


@st.composite
def rule_file_text(draw: st.DrawFn) -> str:
    """A department's rule file: plausible sections and keys with values good and hostile."""
    data: dict[str, Any] = {}
    holes = []
    for section in draw(st.lists(st.sampled_from([*RULE_SECTIONS, "_comment", "bogus"]), max_size=4)):
        keys = RULE_SECTIONS.get(section, ["x"])
        body: dict[str, Any] = {}
        for key in draw(st.lists(st.sampled_from(keys), max_size=3)):
            kind = draw(st.integers(0, 3))
            if kind == 0:
                holes.append(draw(HOSTILE_FRAGMENTS))
                body[key] = HOLE
            elif kind == 1:
                body[key] = draw(st.floats(allow_nan=False, allow_infinity=False) | st.integers(-10, 10))
            else:
                body[key] = draw(st.dictionaries(
                    st.sampled_from(["class", "unit", "severity", "text", "max_mg", "name", "source", "location",
                                     "particulate", "en", "zh"]),
                    st.none() | st.booleans() | st.floats() | st.text(max_size=10) | st.integers(), max_size=4))
        data[section] = body if draw(st.integers(0, 9)) else draw(st.sampled_from([[], 1, "x", None]))
    text = json.dumps(data, allow_nan=True)
    for fragment in holes:
        text = text.replace(json.dumps(HOLE), fragment, 1)
    if draw(st.integers(0, 9)) == 0:
        text = text[: draw(st.integers(0, len(text)))]
    return text
