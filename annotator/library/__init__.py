"""The teaching library: an SQLite index of many case folders, searched by facets and free text.

Qt-free. May use ``io``, ``model``, ``rules`` and ``export``; the core never imports it.
The index is a per-user cache (``location.py``); the case files stay the only source of truth
(the user's tags live in the case file, see ``tags.py``).
"""

from annotator.library.errors import LibraryError
from annotator.library.index import Hit, IndexReport, LibraryIndex, Skipped
from annotator.library.location import default_index_path
from annotator.library.query import parse_query
from annotator.library.tags import set_tags

__all__ = ["Hit", "IndexReport", "LibraryError", "LibraryIndex", "Skipped", "default_index_path", "parse_query",
           "set_tags"]
