"""The library index: an SQLite cache of the case files found in one or more library folders.

    lib = LibraryIndex.open()                 # per-user cache file (location.py)
    report = lib.index([Path("/teaching")])   # add folders and bring the index in step
    hits = lib.search("finding:bench_sign level:L4")

Kept in step by :meth:`LibraryIndex.refresh` (every known folder walked; a
``case.json`` whose size or modification time changed, or that is new, is
read again; a case whose file is gone is dropped) -- run on ``index`` and when
the library is opened. The index is a cache: a file of an older index version,
or one SQLite cannot read, is deleted and built again from the folders.

A case file that cannot be read (broken JSON, not a case, a newer schema
version, ...) is listed in :attr:`IndexReport.skipped` with the one-line reason
``load_case`` gives, and the rest are indexed. A library folder that does not
exist is reported in :attr:`IndexReport.missing` and never created.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sqlite3
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from annotator.library.errors import LibraryError
from annotator.library.query import cjk_spaced, parse_query
from annotator.library.record import CaseRecord, build_record

log = logging.getLogger(__name__)

INDEX_VERSION = 1
CASE_FILE_NAME = "case.json"

_SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE folders (path TEXT PRIMARY KEY);
CREATE TABLE cases (
    id INTEGER PRIMARY KEY,
    path TEXT NOT NULL UNIQUE,
    folder TEXT NOT NULL,
    mtime_ns INTEGER NOT NULL,
    size INTEGER NOT NULL,
    case_id TEXT NOT NULL,
    age INTEGER,
    sex TEXT NOT NULL,
    date TEXT NOT NULL,
    roots TEXT NOT NULL,
    first_level TEXT NOT NULL,
    n_films INTEGER NOT NULL,
    key_film TEXT NOT NULL,
    key_film_id TEXT NOT NULL,
    headline TEXT NOT NULL
);
CREATE INDEX cases_folder ON cases (folder);
CREATE TABLE facets (
    case_id INTEGER NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    facet TEXT NOT NULL,
    value TEXT NOT NULL
);
CREATE INDEX facets_lookup ON facets (facet, value, case_id);
CREATE INDEX facets_case ON facets (case_id);
CREATE TABLE skipped (path TEXT PRIMARY KEY, folder TEXT NOT NULL, mtime_ns INTEGER NOT NULL,
                      size INTEGER NOT NULL, reason TEXT NOT NULL);
CREATE VIRTUAL TABLE case_text USING fts5 (body, tokenize = 'unicode61 remove_diacritics 2');
"""

_LEVEL_ORDER = {lv: i for i, lv in enumerate(("L1", "L2", "L3", "L4", "L5", "S1"))}


@dataclass(frozen=True)
class Skipped:
    path: Path
    reason: str  # one line


@dataclass
class IndexReport:
    added: int = 0
    updated: int = 0
    removed: int = 0
    unchanged: int = 0
    skipped: list[Skipped] = field(default_factory=list)
    missing: list[Path] = field(default_factory=list)  # library folders that do not exist

    @property
    def indexed(self) -> int:
        return self.added + self.updated + self.unchanged


@dataclass(frozen=True)
class Hit:
    """One case found by a search (paths absolute)."""

    path: Path
    folder: Path
    case_id: str
    age: int | None
    sex: str
    date: str
    roots: tuple[str, ...]
    n_films: int
    key_film: Path | None
    key_film_id: str
    headline: str
    facets: dict[str, list[str]]

    def to_json(self) -> dict[str, Any]:
        return {
            "path": str(self.path), "folder": str(self.folder), "case_id": self.case_id, "age": self.age,
            "sex": self.sex, "date": self.date, "roots": list(self.roots), "films": self.n_films,
            "key_film": str(self.key_film) if self.key_film else None, "summary": self.headline,
            **{k: v for k, v in self.facets.items() if k not in ("sex", "age")},
        }


def _case_files(folder: Path) -> Iterator[Path]:
    """Every ``case.json`` under ``folder`` (hidden folders left out), sorted."""
    for dirpath, dirnames, filenames in os.walk(folder):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        if CASE_FILE_NAME in filenames:
            yield Path(dirpath) / CASE_FILE_NAME


def _reason(exc: Exception, path: Path) -> str:
    text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    prefix = f"{path.name}: "
    return text[len(prefix):] if text.startswith(prefix) else text


class LibraryIndex:
    """The SQLite index file of the library (one connection; not shared between threads)."""

    def __init__(self, conn: sqlite3.Connection, path: Path | None) -> None:
        self.conn = conn
        self.path = path
        self._config: Any = None

    # ------------------------------------------------------------------ opening
    @classmethod
    def open(cls, path: str | Path | None = None) -> LibraryIndex:
        """Open (or build) the index at ``path`` (default: the per-user cache file).

        ``":memory:"`` keeps it in memory. An unreadable or older index is rebuilt empty.
        """
        if path is None:
            from annotator.library.location import default_index_path

            path = default_index_path()
        if str(path) == ":memory:":
            return cls(cls._fresh(sqlite3.connect(":memory:")), None)
        file = Path(path)
        try:
            file.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise LibraryError(f"cannot create the library cache folder {file.parent}: {exc.strerror}") from None
        conn = cls._connect(file)
        if conn is None:  # damaged or another version: it is a cache, start again
            for suffix in ("", "-wal", "-shm", "-journal"):
                with contextlib.suppress(FileNotFoundError):
                    Path(str(file) + suffix).unlink()
            conn = cls._connect(file)
            if conn is None:
                raise LibraryError(f"cannot open the library index {file}: delete it and index again")
        return cls(conn, file)

    @classmethod
    def _connect(cls, file: Path) -> sqlite3.Connection | None:
        try:
            conn = sqlite3.connect(str(file))
            tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            if not tables:
                return cls._fresh(conn)
            row = conn.execute("SELECT value FROM meta WHERE key = 'version'").fetchone()
            if row is None or row[0] != str(INDEX_VERSION):
                conn.close()
                return None
            conn.execute("PRAGMA foreign_keys = ON")
            conn.execute("PRAGMA journal_mode = WAL")  # the window searches while a worker refreshes
            return conn
        except sqlite3.DatabaseError:
            return None

    @staticmethod
    def _fresh(conn: sqlite3.Connection) -> sqlite3.Connection:
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("PRAGMA journal_mode = WAL")
        with conn:
            conn.executescript(_SCHEMA)
            conn.execute("INSERT INTO meta VALUES ('version', ?)", (str(INDEX_VERSION),))
        return conn

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> LibraryIndex:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------------ folders
    def folders(self) -> list[Path]:
        return [Path(r[0]) for r in self.conn.execute("SELECT path FROM folders ORDER BY path")]

    def remove_folder(self, folder: str | Path) -> None:
        key = str(Path(folder).resolve())
        with self.conn:
            self._drop_where("folder = ?", (key,))
            self.conn.execute("DELETE FROM skipped WHERE folder = ?", (key,))
            self.conn.execute("DELETE FROM folders WHERE path = ?", (key,))

    def index(self, folders: Sequence[str | Path] = ()) -> IndexReport:
        """Add ``folders`` (those that exist) to the library, then :meth:`refresh` every folder."""
        missing: list[Path] = []
        with self.conn:
            for folder in folders:
                p = Path(folder).expanduser()
                if not p.is_dir():
                    missing.append(p)
                    continue
                self.conn.execute("INSERT OR IGNORE INTO folders VALUES (?)", (str(p.resolve()),))
        report = self.refresh()
        report.missing = missing + [m for m in report.missing if m not in missing]
        return report

    def refresh(self) -> IndexReport:
        """Bring the index in step with every library folder (see the module docstring)."""
        report = IndexReport()
        for folder in self.folders():
            if not folder.is_dir():
                report.missing.append(folder)
                with self.conn:  # its cases cannot be opened: out of the results until it is back
                    self._drop_where("folder = ?", (str(folder),))
                continue
            self._refresh_folder(folder, report)
        return report

    def _refresh_folder(self, folder: Path, report: IndexReport) -> None:
        known = {r[0]: (r[1], r[2]) for r in self.conn.execute(
            "SELECT path, mtime_ns, size FROM cases WHERE folder = ?", (str(folder),))}
        skipped = {r[0]: (r[1], r[2], r[3]) for r in self.conn.execute(
            "SELECT path, mtime_ns, size, reason FROM skipped WHERE folder = ?", (str(folder),))}
        seen: set[str] = set()
        with self.conn:
            for file in _case_files(folder):
                key = str(file)
                seen.add(key)
                try:
                    st = file.stat()
                except OSError:
                    continue
                stamp = (st.st_mtime_ns, st.st_size)
                if known.get(key) == stamp:
                    report.unchanged += 1
                    continue
                if key in skipped and skipped[key][:2] == stamp:
                    report.skipped.append(Skipped(file, skipped[key][2]))
                    continue
                record, reason = self._read(file)
                if record is None:
                    self._drop_where("path = ?", (key,))
                    self.conn.execute("INSERT OR REPLACE INTO skipped VALUES (?, ?, ?, ?, ?)",
                                      (key, str(folder), *stamp, reason))
                    report.skipped.append(Skipped(file, reason))
                    continue
                self.conn.execute("DELETE FROM skipped WHERE path = ?", (key,))
                if key in known:
                    self._drop_where("path = ?", (key,))
                    report.updated += 1
                else:
                    report.added += 1
                self._insert(record, folder, stamp)
            gone = [p for p in known if p not in seen]
            for p in gone:
                self._drop_where("path = ?", (p,))
            report.removed += len(gone)
            self.conn.executemany("DELETE FROM skipped WHERE path = ?", [(p,) for p in skipped if p not in seen])

    def _read(self, file: Path) -> tuple[CaseRecord | None, str]:
        from annotator.errors import AnnotatorError
        from annotator.io.casefile import load_case

        try:
            case = load_case(file)
        except AnnotatorError as exc:
            return None, _reason(exc, file)
        if self._config is None:
            from annotator.rules import load_config

            self._config = load_config()
        try:
            return build_record(case, file, self._config), ""
        except Exception as exc:  # a rule bug must not stop indexing the other cases
            log.warning("a case could not be summarised (%s)", type(exc).__name__)
            return None, f"the rules could not summarise it ({type(exc).__name__})"

    def _insert(self, r: CaseRecord, folder: Path, stamp: tuple[int, int]) -> None:
        levels = sorted((root.split()[-1] for root in r.roots), key=lambda lv: _LEVEL_ORDER.get(lv, 99))
        cur = self.conn.execute(
            "INSERT INTO cases (path, folder, mtime_ns, size, case_id, age, sex, date, roots, first_level, "
            "n_films, key_film, key_film_id, headline) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (r.path, str(folder), *stamp, r.case_id, r.age, r.sex, r.date, "\n".join(r.roots),
             f"{_LEVEL_ORDER.get(levels[0], 99):02d}" if levels else "99", r.n_films, r.key_film,
             r.key_film_id, r.headline))
        rowid = cur.lastrowid
        self.conn.executemany("INSERT INTO facets VALUES (?, ?, ?)", [(rowid, k, v) for k, v in r.facets])
        self.conn.execute("INSERT INTO case_text (rowid, body) VALUES (?, ?)", (rowid, cjk_spaced(r.text)))

    def _drop_where(self, condition: str, params: tuple[Any, ...]) -> None:
        ids = [r[0] for r in self.conn.execute(f"SELECT id FROM cases WHERE {condition}", params)]
        if not ids:
            return
        self.conn.executemany("DELETE FROM case_text WHERE rowid = ?", [(i,) for i in ids])
        self.conn.executemany("DELETE FROM facets WHERE case_id = ?", [(i,) for i in ids])
        self.conn.executemany("DELETE FROM cases WHERE id = ?", [(i,) for i in ids])

    # ------------------------------------------------------------------ search
    def skipped(self) -> list[Skipped]:
        return [Skipped(Path(p), r) for p, r in self.conn.execute("SELECT path, reason FROM skipped ORDER BY path")]

    def count(self) -> int:
        return int(self.conn.execute("SELECT count(*) FROM cases").fetchone()[0])

    def search(self, query: str = "", limit: int | None = None) -> list[Hit]:
        """Cases matching ``query`` (the language of ``query.py``), sorted as it asks."""
        sql, params = parse_query(query).sql("c.id, c.path, c.folder, c.case_id, c.age, c.sex, c.date, "
                                             "c.roots, c.n_films, c.key_film, c.key_film_id, c.headline")
        if limit is not None:
            sql += f" LIMIT {int(limit)}"
        try:
            rows = self.conn.execute(sql, params).fetchall()
        except sqlite3.OperationalError as exc:
            raise LibraryError(f"cannot search for {query!r}: {exc}; check the quotes and words") from None
        facets: dict[int, dict[str, list[str]]] = {r[0]: {} for r in rows}
        if rows:
            marks = ",".join("?" * len(rows))
            for cid, facet, value in self.conn.execute(
                    f"SELECT case_id, facet, value FROM facets WHERE case_id IN ({marks}) ORDER BY facet, value",
                    [r[0] for r in rows]):
                facets[cid].setdefault(facet, []).append(value)
        return [Hit(Path(r[1]), Path(r[2]), r[3], r[4], r[5], r[6], tuple(r[7].split("\n")) if r[7] else (),
                    r[8], Path(r[9]) if r[9] else None, r[10], r[11], facets[r[0]]) for r in rows]
