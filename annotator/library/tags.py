"""The user's tags of a case: kept in the case file itself (key ``tags``), so the index stays a cache.

The case file is saved the usual atomic way (``save_case``: the previous file
becomes ``case.json.bak``); the application preserves keys it does not model,
so older versions keep the tags too.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path

from annotator.library.errors import LibraryError
from annotator.library.record import case_tags

MAX_TAG = 60


def clean_tags(tags: Iterable[str]) -> list[str]:
    """Tags trimmed, without duplicates (case-insensitive), in the order given; LibraryError if one is bad."""
    out: list[str] = []
    for tag in tags:
        t = " ".join(str(tag).split())
        if not t:
            continue
        if len(t) > MAX_TAG or ":" in t or "," in t:
            raise LibraryError(f"tag {t[:20]!r}…: a tag is at most {MAX_TAG} characters, without ':' or ','")
        if t.lower() not in (o.lower() for o in out):
            out.append(t)
    return out


def set_tags(case_file: str | Path, add: Iterable[str] = (), remove: Iterable[str] = ()) -> list[str]:
    """Add and remove tags of the case in ``case_file``; returns its tags after the change."""
    from annotator.io.casefile import load_case, save_case

    path = Path(case_file)
    case = load_case(path)
    gone = {t.lower() for t in clean_tags(remove)}
    tags = [t for t in clean_tags([*case_tags(case), *clean_tags(add)]) if t.lower() not in gone]
    if tags != case_tags(case):
        extra = dict(case.extra)
        if tags:
            extra["tags"] = tags
        else:
            extra.pop("tags", None)
        save_case(replace(case, extra=extra), path)
    return tags
