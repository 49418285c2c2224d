"""The user's working copy of the bundled sample case, kept up to date with the bundle.

``fluoro-annotator`` without a case opens a copy of the bundled sample case in the user's data
folder (``<data>/sample/<case>/``), so marking and saving never change the repository. The copy
folder holds a manifest (``MANIFEST``: the SHA-256 of every bundled file as it was copied). At
each start:

- the bundle unchanged since the copy was made: files missing from the copy are copied again
  (the user's edits stay);
- the bundle changed and the copy is as it was copied (every file of the manifest unchanged or
  missing, no file added — a recovery file or a ``.bak`` counts as added): the copy is
  refreshed from the bundle;
- the bundle changed and the user changed the copy: the copy is left alone and the new bundle
  goes into a fresh sibling folder named by its version (``<case>-<8 hex digits of the
  bundle's digest>``), which opens instead; ``note`` says so for the status bar.

A copy made before manifests existed counts as unchanged only when its files equal the
bundle's. The bundle's files are hashed only when their sizes or dates differ from the
manifest's.
"""

from __future__ import annotations

import hashlib
import json
import logging
import shutil
from dataclasses import dataclass
from pathlib import Path

from annotator.ui.i18n import trf

log = logging.getLogger(__name__)

MANIFEST = ".sample-manifest.json"
SCHEMA = "fluoro-annotator-sample-copy/1"
SKIPPED_SUFFIXES = (".autosave.json", ".bak", ".tmp")


@dataclass(frozen=True)
class SampleCopy:
    case: Path  # the copy's case file
    note: str | None = None  # for the status bar: the bundle went into a new folder


def bundle_files(source: Path) -> list[Path]:
    return [f for f in sorted(source.iterdir())
            if f.is_file() and not f.name.endswith(SKIPPED_SUFFIXES) and f.name != MANIFEST]


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _stat(path: Path) -> list[int]:
    st = path.stat()
    return [st.st_size, st.st_mtime_ns]


def _read_manifest(folder: Path) -> dict | None:
    try:
        data = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("schema") != SCHEMA or not isinstance(data.get("files"), dict):
        return None
    return data


def _write_manifest(folder: Path, hashes: dict[str, str], stats: dict[str, list[int]]) -> None:
    data = {"schema": SCHEMA, "files": hashes, "bundle_stats": stats}
    (folder / MANIFEST).write_text(json.dumps(data, indent=1, sort_keys=True), encoding="utf-8")


class _Bundle:
    """The bundled files, their stats, and their hashes (computed at most once)."""

    def __init__(self, source: Path) -> None:
        self.files = bundle_files(source)
        self.stats = {f.name: _stat(f) for f in self.files}
        self._hashes: dict[str, str] | None = None

    def hashes(self, manifest: dict | None = None) -> dict[str, str]:
        """The bundle's hashes; a manifest's own when its recorded stats are the bundle's."""
        if (self._hashes is None and manifest is not None and manifest.get("bundle_stats") == self.stats
                and set(manifest["files"]) == set(self.stats)):
            return dict(manifest["files"])
        if self._hashes is None:
            self._hashes = {f.name: _sha256(f) for f in self.files}
        return self._hashes

    def digest(self) -> str:
        return hashlib.sha256(json.dumps(self.hashes(), sort_keys=True).encode()).hexdigest()[:8]


def _user_changed(folder: Path, hashes: dict[str, str]) -> bool:
    """Whether the copy in ``folder`` differs from the files ``hashes`` describe (a missing file
    does not count: it is copied again; an added file does)."""
    for f in folder.iterdir():
        if f.name == MANIFEST:
            continue
        if f.name not in hashes or (f.is_file() and _sha256(f) != hashes[f.name]):
            return True
    return False


def _copy(files: list[Path], target: Path, names: set[str] | None = None) -> None:
    for f in files:
        if names is None or f.name in names:
            shutil.copy2(f, target / f.name)


def _update(target: Path, bundle: _Bundle) -> str:
    """Bring the copy in ``target`` up to date (module docstring); returns "kept" when the user's
    changed copy had to be left alone, else "ok"."""
    target.mkdir(parents=True, exist_ok=True)
    manifest = _read_manifest(target)
    hashes = bundle.hashes(manifest)
    files = bundle.files
    present = {f.name for f in target.iterdir()} - {MANIFEST}
    if not present:  # a fresh copy
        _copy(files, target)
        _write_manifest(target, hashes, bundle.stats)
        return "ok"
    copied = manifest["files"] if manifest is not None else hashes  # an old copy: judged against the bundle
    if copied == hashes:  # the bundle as it was copied: only missing files come back
        _copy(files, target, set(hashes) - present)
        _write_manifest(target, hashes, bundle.stats)
        return "ok"
    if _user_changed(target, copied):
        return "kept"
    for name in present - set(hashes):  # files the bundle no longer has (all unchanged copies)
        (target / name).unlink()
    _copy(files, target)
    _write_manifest(target, hashes, bundle.stats)
    return "ok"


def user_sample_copy(bundled: Path, data_dir: Path) -> SampleCopy | None:
    """The working copy of the bundled case file ``bundled`` under ``data_dir/sample``, brought
    up to date (module docstring); None when it cannot be made (the caller says so)."""
    source = bundled.parent
    base = data_dir / "sample" / source.name
    try:
        bundle = _Bundle(source)
        if _update(base, bundle) == "ok":
            return SampleCopy(base / bundled.name)
        sibling = base.with_name(f"{source.name}-{bundle.digest()}")
        fresh = not sibling.exists()
        _update(sibling, bundle)  # named by this version: at worst it keeps the user's changes to it
        note = (trf("The sample case was updated: the new version is in {new}; your changed copy stays in {old}.",
                    new=str(sibling), old=str(base)) if fresh else None)
        return SampleCopy(sibling / bundled.name, note)
    except OSError as exc:
        log.warning("cannot copy the sample case to %s: %s", base, exc)
        return None
