"""Case files: one JSON file per case, in the case folder.

Format (``schema_version`` 1, JSON Schema draft 2020-12 in ``case_schema.json``
beside this module): the case's fields at the top level, ``roots[]`` with their
``drugs[]``, ``films[]`` and ``findings[]``; each film has ``annotations[]`` and
``redactions[]``. Film ``path`` is POSIX and relative to the case file's folder.
Pixel coordinates follow domain.md §3 (float pixels, origin at the top-left
corner of the top-left pixel, +x right, +y down, stored grid).

- Loading parses, refuses files of a newer schema version, gives films without
  ``columns``/``rows`` their image file's size from its header (``film_size.py``;
  a missing or unreadable file leaves it unknown), migrates older ones
  (``migrations.py``), validates against the schema and builds the model; every
  failure is a :class:`CaseFileError` naming the field (``roots[0].drugs[1].dose_mg``)
  or, for broken JSON, the line and column. A bad file is never rewritten.
- Keys the application does not know are kept (in ``extra``) on the case, roots,
  drugs, films, redactions, annotations and findings, and written back on save.
- Saving is atomic: a temporary file in the same folder is written, flushed and
  fsynced, the previous file is copied to ``<name>.bak`` (only if it reads as
  a case; a damaged one goes to ``<name>.corrupt-<timestamp>`` so a good
  ``.bak`` survives), then ``os.replace`` puts the new one in place and the
  folder is fsynced. A failure at any step leaves the last good file as it
  was. The file keeps the previous file's permission bits (new: 0o666 minus umask).
- Recovery (autosave) files sit beside the case file as ``<stem>.autosave.json``.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import tempfile
from collections.abc import Callable, Mapping
from contextlib import suppress
from dataclasses import fields
from datetime import UTC, datetime
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from annotator import __version__
from annotator.errors import CaseFileError
from annotator.geometry import Calibration, CalibrationSource, Directions
from annotator.io.film_size import fill_film_sizes
from annotator.io.json_limits import JsonLimitError, loads_limited
from annotator.io.migrations import CURRENT_VERSION, file_version, migrate
from annotator.io.temp_names import remove_stale, temp_prefix
from annotator.model import Annotation, Case, DrugDose, Film, Finding, Redaction, Root
from annotator.model.validation import FieldError

log = logging.getLogger(__name__)

SCHEMA_VERSION = CURRENT_VERSION
CASE_FILE_NAME = "case.json"  # default name of the case file in a case folder
_META_KEYS = ("schema_version", "app")  # top-level keys that are not case fields


# ----------------------------------------------------------------------------- model -> JSON


def _known(obj: Any, skip: tuple[str, ...] = ()) -> dict[str, Any]:
    return {f.name: getattr(obj, f.name) for f in fields(obj) if f.name != "extra" and f.name not in skip}


def _with_extra(known: dict[str, Any], extra: Mapping[str, Any]) -> dict[str, Any]:
    out = dict(known)
    for k, v in extra.items():
        out.setdefault(k, v)
    return out


def _calibration(c: Calibration | None) -> dict[str, Any] | None:
    if c is None:
        return None
    return _with_extra({"row_mm": c.row_mm, "col_mm": c.col_mm, "source": c.source.value}, c.extra)


def _directions(d: Directions | None) -> dict[str, Any] | None:
    return None if d is None else _with_extra({"x": d.x, "y": d.y, "source": d.source}, d.extra)


def annotation_to_dict(a: Annotation) -> dict[str, Any]:
    d = _known(a)
    d["role"], d["kind"] = a.role.value, a.kind.value
    d["points"] = [[x, y] for x, y in a.points]
    d["radii"] = None if a.radii is None else list(a.radii)
    d["attrs"] = dict(a.attrs)
    return _with_extra(d, a.extra)


def film_to_dict(f: Film) -> dict[str, Any]:
    d = _known(f, skip=("redactions", "annotations"))
    d["view"], d["phase"] = f.view.value, f.phase.value
    d["calibration"] = _calibration(f.calibration)
    d["calibration_override"] = _calibration(f.calibration_override)
    d["directions"] = _directions(f.directions)
    d["directions_override"] = _directions(f.directions_override)
    d["redactions"] = [_with_extra(_known(r), r.extra) for r in f.redactions]
    d["annotations"] = [annotation_to_dict(a) for a in f.annotations]
    return _with_extra(d, f.extra)


def root_to_dict(r: Root) -> dict[str, Any]:
    d = _known(r, skip=("drugs", "films", "findings"))
    for name in ("side", "technique", "approach", "resistance", "flash", "aspiration",
                 "concordance", "block_result"):
        d[name] = getattr(r, name).value
    d["drugs"] = [_with_extra(_known(x), x.extra) for x in r.drugs]
    d["films"] = [film_to_dict(f) for f in r.films]
    d["findings"] = [_with_extra(_known(x), x.extra) for x in r.findings]
    return _with_extra(d, r.extra)


def case_to_dict(case: Case) -> dict[str, Any]:
    """The JSON-ready dict of a case (schema version ``SCHEMA_VERSION``)."""
    d: dict[str, Any] = {"schema_version": SCHEMA_VERSION, "app": f"fluoro-annotator {__version__}"}
    d.update(_known(case, skip=("roots",)))
    d["planned_roots"] = list(case.planned_roots)
    d["roots"] = [root_to_dict(r) for r in case.roots]
    return _with_extra(d, case.extra)


def dumps_case(case: Case) -> str:
    """The case as JSON text (UTF-8 safe, indented, ends with a newline)."""
    return json.dumps(case_to_dict(case), indent=2, ensure_ascii=False, allow_nan=False) + "\n"


# ----------------------------------------------------------------------------- JSON -> model


def _split(cls: type, data: Mapping[str, Any], skip: tuple[str, ...] = ()) -> tuple[dict, dict]:
    """(known fields, unknown keys) of a JSON object for dataclass ``cls``."""
    names = {f.name for f in fields(cls)} - {"extra"} - set(skip)
    known = {k: v for k, v in data.items() if k in names}
    extra = {k: v for k, v in data.items() if k not in names and k not in skip}
    return known, extra


def _build(cls: Callable[..., Any], where: str, **kwargs: Any) -> Any:
    """``cls(**kwargs)``; a FieldError becomes a FieldError whose field is the full path."""
    try:
        return cls(**kwargs)
    except FieldError as exc:
        raise FieldError(f"{where}.{exc.field}" if where else exc.field, exc.problem) from None
    except (ValueError, TypeError) as exc:
        raise FieldError(where or "case", str(exc)) from None


def _calibration_from(d: Mapping[str, Any] | None, where: str) -> Calibration | None:
    if d is None:
        return None
    known, extra = _split(Calibration, d)
    source = CalibrationSource(known.get("source", "none"))
    return _build(Calibration, where, row_mm=known.get("row_mm"), col_mm=known.get("col_mm"), source=source,
                  extra=extra)


def _directions_from(d: Mapping[str, Any] | None, where: str) -> Directions | None:
    if d is None:
        return None
    known, extra = _split(Directions, d)
    return _build(Directions, where, x=known["x"], y=known["y"], source=known.get("source", "default"),
                  extra=extra)


def _annotation_from(d: Mapping[str, Any], where: str) -> Annotation:
    known, extra = _split(Annotation, d)
    known["points"] = tuple(tuple(p) for p in known["points"])
    if known.get("radii") is not None:
        known["radii"] = tuple(known["radii"])
    return _build(Annotation, where, **known, extra=extra)


def _film_from(d: Mapping[str, Any], where: str) -> Film:
    known, extra = _split(Film, d)
    for name in ("calibration", "calibration_override"):
        if name in known:
            known[name] = _calibration_from(known[name], f"{where}.{name}")
    if known.get("calibration", 0) is None:
        known["calibration"] = Calibration()
    for name in ("directions", "directions_override"):
        if name in known:
            known[name] = _directions_from(known[name], f"{where}.{name}")
    known["redactions"] = [
        _build(Redaction, f"{where}.redactions[{i}]", **_split(Redaction, r)[0], extra=_split(Redaction, r)[1])
        for i, r in enumerate(known.get("redactions", []))
    ]
    known["annotations"] = [
        _annotation_from(a, f"{where}.annotations[{i}]") for i, a in enumerate(known.get("annotations", []))
    ]
    return _build(Film, where, **known, extra=extra)


def _root_from(d: Mapping[str, Any], where: str) -> Root:
    known, extra = _split(Root, d)
    known["drugs"] = [
        _build(DrugDose, f"{where}.drugs[{i}]", **_split(DrugDose, x)[0], extra=_split(DrugDose, x)[1])
        for i, x in enumerate(known.get("drugs", []))
    ]
    known["films"] = [_film_from(f, f"{where}.films[{i}]") for i, f in enumerate(known.get("films", []))]
    known["findings"] = [
        _build(Finding, f"{where}.findings[{i}]", **_split(Finding, x)[0], extra=_split(Finding, x)[1])
        for i, x in enumerate(known.get("findings", []))
    ]
    return _build(Root, where, **known, extra=extra)


def case_from_dict(data: Mapping[str, Any]) -> Case:
    """A Case from schema-valid JSON data of the current version (FieldError names the field)."""
    known, extra = _split(Case, data, skip=_META_KEYS)
    known["roots"] = [_root_from(r, f"roots[{i}]") for i, r in enumerate(known.get("roots", []))]
    return _build(Case, "", **known, extra=extra)


# ----------------------------------------------------------------------------- schema


def _inline_refs(node: Any, defs: Mapping[str, Any]) -> Any:
    """The schema with every local ``#/$defs/x`` reference replaced by its target.

    jsonschema resolves ``$ref`` on every visit, which made validation ~4x
    slower on a case with thousands of points; the schema has no recursion.
    """
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/$defs/"):
            rest = {k: v for k, v in node.items() if k != "$ref"}
            return {**_inline_refs(defs[ref.removeprefix("#/$defs/")], defs), **_inline_refs(rest, defs)}
        return {k: _inline_refs(v, defs) for k, v in node.items() if k != "$defs"}
    if isinstance(node, list):
        return [_inline_refs(v, defs) for v in node]
    return node


@cache
def schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of the current case-file version, as shipped."""
    text = resources.files("annotator.io").joinpath("case_schema.json").read_text(encoding="utf-8")
    return json.loads(text)


@cache
def _validator() -> Any:
    import jsonschema  # only needed when a file is loaded

    shipped = schema()
    cls = jsonschema.validators.validator_for(shipped)
    # the shipped schema itself is checked by a unit test, not at every start (≈ 0.1 s)
    return cls(_inline_refs(shipped, shipped.get("$defs", {})))


_TYPE_WORDS = {
    "number": "a number", "integer": "a whole number", "string": "text", "boolean": "true or false",
    "array": "a list", "object": "an object", "null": "null",
}


def field_path(parts: Any) -> str:
    """``['roots', 0, 'drugs', 1, 'dose_mg']`` -> ``roots[0].drugs[1].dose_mg``."""
    out = ""
    for p in parts:
        out += f"[{p}]" if isinstance(p, int) else (f".{p}" if out else str(p))
    return out


def _describe(error: Any) -> tuple[str, str]:
    """(field, problem) of a jsonschema ValidationError, in the user's words."""
    where = field_path(error.absolute_path)
    v, val = error.validator, error.validator_value
    if v == "type":
        types = [val] if isinstance(val, str) else list(val)
        if len(types) > 1 and "null" in types:  # "may be empty" is implied; say what it must be
            types.remove("null")
        return where, "must be " + " or ".join(_TYPE_WORDS.get(t, t) for t in types)
    if v == "required":
        missing = [k for k in val if isinstance(error.instance, dict) and k not in error.instance]
        name = missing[0] if missing else "?"
        return (f"{where}.{name}" if where else name), "is missing"
    if v == "enum":
        return where, "must be one of " + ", ".join("null" if x is None else str(x) for x in val)
    if v == "const":
        return where, f"must be {val!r}"
    if v == "minimum":
        return where, f"must be at least {val}"
    if v == "exclusiveMinimum":
        return where, f"must be greater than {val}"
    if v == "maximum":
        return where, f"must be at most {val}"
    if v == "minLength":
        return where, "must not be empty"
    if v == "minItems":
        return where, f"needs at least {val} items"
    if v == "maxItems":
        return where, f"takes at most {val} items"
    if v == "pattern":
        return where, "has letters other than L, R, A, P, H, F"
    return where, error.message


def validate_data(data: Any, path: str | Path | None = None) -> None:
    """Check current-version JSON data against the schema; CaseFileError names the field."""
    import jsonschema

    errors = list(_validator().iter_errors(data))
    if errors:
        error = jsonschema.exceptions.best_match(errors)
        where, problem = _describe(error)
        raise CaseFileError(path, problem, where or None)


# ----------------------------------------------------------------------------- load


def _parse(text: str, path: str | Path | None, folder: Path | None = None) -> Case:
    try:
        data = loads_limited(text)
    except json.JSONDecodeError as exc:
        raise CaseFileError(
            path, f"not valid JSON at line {exc.lineno}, column {exc.colno} ({exc.msg}); "
            "fix it in a text editor or restore the .bak file"
        ) from None
    except JsonLimitError as exc:
        raise CaseFileError(path, exc.problem, exc.field) from None
    if not isinstance(data, dict):
        raise CaseFileError(path, "not a case file (the top level must be a JSON object)")
    if "schema_version" not in data and "roots" not in data:  # version 0 files have roots
        raise CaseFileError(
            path, "not a fluoro-annotator case file (it has neither schema_version nor roots): "
            "open the case folder or its case.json"
        )
    version = file_version(data)
    if isinstance(version, bool) or not isinstance(version, int) or version < 0:
        raise CaseFileError(path, f"schema_version must be a whole number, got {version!r}", "schema_version")
    if version > SCHEMA_VERSION:
        raise CaseFileError(
            path, f"case file version {version} was made by a newer fluoro-annotator "
            f"(this one reads up to {SCHEMA_VERSION}): update the application"
        )
    if folder is not None:  # before the migration: sides are inferred from the image centre line
        fill_film_sizes(data, folder)
    try:
        data = migrate(data)
    except (LookupError, TypeError, ValueError, AttributeError) as exc:
        raise CaseFileError(path, f"cannot upgrade from version {version}: {exc}") from None
    validate_data(data, path)
    try:
        return case_from_dict(data)
    except FieldError as exc:
        raise CaseFileError(path, exc.problem, exc.field) from None


def loads_case(text: str) -> Case:
    """A Case from JSON text (as ``load_case`` without a file)."""
    return _parse(text, None)


def load_case(path: str | Path) -> Case:
    """Read, migrate and validate the case file at ``path``; CaseFileError on any problem."""
    path = Path(path)
    if path.is_dir():
        raise CaseFileError(path, f"is a folder: open the {CASE_FILE_NAME} inside it")
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise CaseFileError(path, "no such case file") from None
    except OSError as exc:
        raise CaseFileError(path, f"cannot read: {exc.strerror or exc}") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise CaseFileError(path, f"not UTF-8 text (byte {exc.start}); is this a case file?") from None
    return _parse(text, path, path.parent)


# ----------------------------------------------------------------------------- save


def _fsync_dir(folder: Path) -> None:
    """Make a rename durable (POSIX); a no-op where folders cannot be opened (Windows)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def new_file_mode() -> int:
    """Permission bits of a newly created file: ``0o666`` minus the process umask (as ``open()`` makes)."""
    try:  # Linux: read the umask without changing it (thread-safe)
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("Umask:"):
                return 0o666 & ~int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return 0o666 & ~mask


STALE_TEMP_S = 3600.0  # a temporary file this old was left by a save that was killed


def _remove_stale_temps(folder: Path, name: str) -> None:
    """Remove ``.<name>.*.tmp`` files left by a killed save (old enough not to be another save's)."""
    import time

    remove_stale(folder)  # temporary files of killed processes (their pid is in the name)
    now = time.time()
    for p in folder.glob(f".{name}.*.tmp"):
        with suppress(OSError):
            if now - p.stat().st_mtime > STALE_TEMP_S:
                p.unlink()


def _write_temp(folder: Path, name: str, write: Callable[[Any], None], mode: int) -> Path:
    """A fully written and fsynced temporary file in ``folder``; removed again on failure."""
    fd, tmp = tempfile.mkstemp(prefix=temp_prefix(name), suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "wb") as fh:
            write(fh)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, mode)
    except BaseException:
        with suppress(OSError):
            os.unlink(tmp)
        raise
    return Path(tmp)


def _copy_to(src: Path, dest: Path, folder: Path, mode: int) -> None:
    """Copy ``src`` to ``dest`` atomically (a temporary file, then ``os.replace``)."""

    def copy(fh: Any) -> None:
        with src.open("rb") as f:
            shutil.copyfileobj(f, fh)

    tmp = _write_temp(folder, dest.name, copy, mode)
    try:
        os.replace(tmp, dest)
    except BaseException:
        with suppress(OSError):
            os.unlink(tmp)
        raise


def corrupt_path(path: Path) -> Path:
    """A free ``<name>.corrupt-<UTC timestamp>[-n]`` beside ``path``."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    candidate = path.with_name(f"{path.name}.corrupt-{stamp}")
    n = 1
    while candidate.exists():
        candidate = path.with_name(f"{path.name}.corrupt-{stamp}-{n}")
        n += 1
    return candidate


def atomic_write_text(
    path: str | Path, text: str, backup: bool = True, previous_ok: Callable[[Path], bool] | None = None
) -> Path | None:
    """Replace ``path`` with ``text`` (UTF-8) so that readers see the old or the new file, never
    half of one; with ``backup`` the previous file is kept as ``<name>.bak``. OSError on failure,
    with the previous file unchanged.

    ``previous_ok(path)`` says whether the previous file deserves to become the ``.bak``; when it
    says no, the previous file is set aside as ``<name>.corrupt-<timestamp>`` instead (the existing
    ``.bak`` is left alone) and that path is returned. Returns None otherwise. The new file keeps
    the previous file's permission bits, or gets ``0o666`` minus the umask when it is new.
    """
    path = Path(path)
    folder = path.parent if str(path.parent) else Path(".")
    data = text.encode("utf-8")
    mode = new_file_mode()
    with suppress(OSError):
        mode = path.stat().st_mode & 0o777
    _remove_stale_temps(folder, path.name)
    tmp = _write_temp(folder, path.name, lambda fh: fh.write(data), mode)
    aside = None
    try:
        if backup and path.exists():
            if previous_ok is None or previous_ok(path):
                _copy_to(path, path.with_name(path.name + ".bak"), folder, mode)
            else:
                aside = corrupt_path(path)
                _copy_to(path, aside, folder, mode)
        os.replace(tmp, path)
    except BaseException:
        with suppress(OSError):
            os.unlink(tmp)
        raise
    _fsync_dir(folder)
    return aside


def _is_case_file(path: Path) -> bool:
    try:
        load_case(path)
    except CaseFileError:
        return False
    return True


def save_case(case: Case, path: str | Path) -> str | None:
    """Write ``case`` to ``path`` atomically, keeping the previous file as ``<name>.bak``.

    The previous file becomes the ``.bak`` only when it reads as a case: a
    damaged one is set aside as ``<name>.corrupt-<timestamp>`` so it never
    overwrites a good ``.bak``. Returns a one-line note for the user when
    that happened (also logged), else None.

    Raises CaseFileError (the previous file unchanged) when the case cannot be
    serialised or the folder cannot be written.
    """
    path = Path(path)
    try:
        text = dumps_case(case)
    except (TypeError, ValueError) as exc:
        raise CaseFileError(path, f"cannot save: {exc}; the previous file is unchanged") from None
    try:
        aside = atomic_write_text(path, text, backup=True, previous_ok=_is_case_file)
    except OSError as exc:
        raise CaseFileError(
            path, f"cannot save: {exc.strerror or exc}; the previous file is unchanged"
        ) from None
    if aside is None:
        return None
    note = (f"{path.name}: the previous file was damaged; kept as {aside.name} "
            f"(the {path.name}.bak backup was left as it was)")
    log.warning("%s", note)
    return note


# ----------------------------------------------------------------------------- recovery


def recovery_path(case_path: str | Path) -> Path:
    """The autosave file of a case file: ``case.json`` -> ``case.autosave.json`` (same folder)."""
    p = Path(case_path)
    return p.with_name(f"{p.stem}.autosave.json")


def save_recovery(case: Case, case_path: str | Path) -> Path:
    """Write the unsaved state of ``case`` beside its case file (atomically, no .bak)."""
    rec = recovery_path(case_path)
    try:
        atomic_write_text(rec, dumps_case(case), backup=False)
    except (OSError, TypeError, ValueError) as exc:
        raise CaseFileError(rec, f"cannot write the recovery file: {exc}") from None
    return rec


def load_recovery(case_path: str | Path) -> Case | None:
    """The recovered case if a recovery file exists and is newer than the case file, else None.

    An unreadable recovery file is logged and ignored (the case file stays the truth).
    """
    case_path = Path(case_path)
    rec = recovery_path(case_path)
    try:
        rec_mtime = rec.stat().st_mtime_ns
    except OSError:
        return None
    with suppress(OSError):
        if case_path.stat().st_mtime_ns >= rec_mtime:
            return None
    try:
        return load_case(rec)
    except CaseFileError as exc:
        log.warning("ignoring the recovery file: %s", exc)
        return None


def discard_recovery(case_path: str | Path) -> None:
    """Remove the recovery file of ``case_path`` if there is one."""
    with suppress(FileNotFoundError):
        recovery_path(case_path).unlink()
