"""The library's search language, parsed into SQL over the index (``index.py``).

A query is words separated by spaces::

    finding:bench_sign level:L4,L5 side:right verdict:on_target sheath
    age:60-69 sex:f date:2026-01 tag:lecture sort:-date "lateral recess"

- ``key:value`` filters on a facet (``record.FACETS``); ``a,b`` is either; filters AND.
  ``-key:value`` excludes. Keys accept a few synonyms (``code`` = ``finding``, ...).
- ``age:65`` (exact), ``age:60-69`` (range), ``age:60s`` (decade band).
- ``date:2026`` / ``date:2026-01`` / ``date:2026-01-15`` (prefix), ``date:2025-06..2026-01`` (range).
- ``sort:date|age|level|path`` (``-`` in front: descending). Default: path.
- Anything else is free text over captions, notes, symptoms and tags (FTS5; all words
  must occur; ``"..."`` is a phrase; Chinese is matched character by character).

Errors are :class:`LibraryError` with one line saying what to write instead.
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass, field

from annotator.library.errors import LibraryError
from annotator.library.record import FACETS

SYNONYMS = {
    "code": "finding", "findings": "finding", "levels": "level", "views": "view", "status": "verdict",
    "result": "block", "drugs": "drug", "tags": "tag", "gender": "sex",
}
SORTS = {"date": "c.date", "age": "c.age", "level": "c.first_level", "path": "c.path"}
_CJK = re.compile(r"([\u3400-\u9fff\uf900-\ufaff])")
_DATE_PART = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")


def cjk_spaced(text: str) -> str:
    """Every CJK character as its own token, so the FTS tokenizer can match Chinese words."""
    return _CJK.sub(r" \1 ", text)


@dataclass
class Query:
    """A parsed query: SQL ``where`` conditions (AND) with their parameters, FTS text, order."""

    where: list[str] = field(default_factory=list)
    params: list[object] = field(default_factory=list)
    text: str = ""  # FTS5 MATCH expression ("" = no text condition)
    order: str = "c.path"

    def sql(self, columns: str = "c.*") -> tuple[str, list[object]]:
        where = list(self.where)
        params = list(self.params)
        if self.text:
            where.append("c.id IN (SELECT rowid FROM case_text WHERE case_text MATCH ?)")
            params.append(self.text)
        clause = f" WHERE {' AND '.join(where)}" if where else ""
        return f"SELECT {columns} FROM cases c{clause} ORDER BY {self.order}, c.path", params


def _facet(key: str, values: list[str], negate: bool) -> tuple[str, list[object]]:
    marks = ",".join("?" * len(values))
    sub = f"SELECT case_id FROM facets WHERE facet = ? AND value IN ({marks})"
    return f"c.id {'NOT IN' if negate else 'IN'} ({sub})", [key, *values]


def _age(value: str) -> tuple[str, list[object]]:
    m = re.fullmatch(r"(\d{1,3})s", value)
    if m:
        low = int(m.group(1)) // 10 * 10
        return "c.age BETWEEN ? AND ?", [low, low + 9]
    m = re.fullmatch(r"(\d{1,3})(?:-(\d{1,3}))?", value)
    if not m:
        raise LibraryError(f"age:{value}: write age:65, age:60-69 or age:60s")
    low = int(m.group(1))
    high = int(m.group(2)) if m.group(2) else low
    return "c.age BETWEEN ? AND ?", [min(low, high), max(low, high)]


def _date(value: str) -> tuple[str, list[object]]:
    if ".." in value:
        low, high = value.split("..", 1)
        if not (_DATE_PART.match(low) and _DATE_PART.match(high)):
            raise LibraryError(f"date:{value}: write date:2025-06..2026-01 (years, months or days)")
        return "c.date != '' AND c.date >= ? AND substr(c.date, 1, ?) <= ?", [low, len(high), high]
    if not _DATE_PART.match(value):
        raise LibraryError(f"date:{value}: write date:2026, date:2026-01 or date:2026-01-15")
    return "c.date LIKE ?", [value + "%"]


def _fts_term(word: str) -> str:
    spaced = cjk_spaced(word).split()
    if not spaced:
        return ""
    return '"' + " ".join(spaced).replace('"', '""') + '"'


def parse_query(text: str) -> Query:
    """:class:`Query` of the search language above; LibraryError on a bad term."""
    try:
        words = shlex.split(text)
    except ValueError:
        raise LibraryError("unbalanced quote in the search: close the \"...\" phrase") from None
    q = Query()
    terms: list[str] = []
    for word in words:
        key, sep, value = word.partition(":")
        if not sep or not key or key.startswith('"'):
            if word.strip():
                terms.append(_fts_term(word))
            continue
        negate = key.startswith("-")
        key = SYNONYMS.get(key.lstrip("-").lower(), key.lstrip("-").lower())
        value = value.strip()
        if not value:
            raise LibraryError(f"{word}: give a value after the colon, e.g. {key}:...")
        if key == "sort":
            desc = value.startswith("-")
            column = SORTS.get(value.lstrip("-").lower())
            if column is None:
                raise LibraryError(f"sort:{value}: sort by one of {', '.join(SORTS)} (with - for descending)")
            q.order = f"{column} {'DESC' if desc else 'ASC'}"
            continue
        if key == "age":
            cond, params = _age(value.lower())
        elif key == "date":
            cond, params = _date(value)
        elif key in FACETS:
            values = [_facet_value(key, v) for v in value.split(",") if v.strip()]
            cond, params = _facet(key, values, negate=False)
        else:
            raise LibraryError(f"{key}: unknown search key; use one of {', '.join((*FACETS, 'date', 'sort'))}")
        if negate:
            cond = f"NOT ({cond})"
        q.where.append(cond)
        q.params += params
    q.text = " AND ".join(t for t in terms if t)
    return q


def _facet_value(key: str, value: str) -> str:
    v = value.strip().lower()
    if key == "root":
        v = v.replace(" ", "-")
    if key == "view" and v in ("pa", "frontal"):
        v = "ap"
    return v
