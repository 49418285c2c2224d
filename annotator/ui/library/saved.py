"""Saved searches of the Library window, remembered in ``QSettings`` (``library/saved_searches``).

A saved search is a name and a query of ``annotator.library.query`` (filters,
sort and words together); it is the user's, so it lives in the settings, not in
the index (a cache). The same query exports from the command line:
``fluoro-annotator-cli library deck QUERY``.
"""

from __future__ import annotations

import json

from PyQt6.QtCore import QSettings

KEY = "library/saved_searches"


def saved_searches() -> dict[str, str]:
    """Name -> query, in the order they were saved."""
    raw = QSettings().value(KEY, "{}", type=str) or "{}"
    try:
        data = json.loads(raw)
    except ValueError:
        return {}
    return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}


def save_search(name: str, query: str) -> dict[str, str]:
    """Remember ``query`` as ``name`` (replacing one of that name); returns them all."""
    searches = saved_searches()
    searches[name.strip()] = query.strip()
    QSettings().setValue(KEY, json.dumps(searches, ensure_ascii=False))
    return searches


def forget_search(name: str) -> dict[str, str]:
    searches = saved_searches()
    searches.pop(name, None)
    QSettings().setValue(KEY, json.dumps(searches, ensure_ascii=False))
    return searches
