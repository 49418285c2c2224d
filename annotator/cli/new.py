"""``fluoro-annotator-cli new CASE_DIR FILES... [--level L5] [--side right]``: a case from films.

Creates ``CASE_DIR/case.json`` with one root and a film for every image found
in FILES (files, or folders whose images are all taken). Films already inside
CASE_DIR are referenced where they are; others are copied into
``CASE_DIR/films/``. Each film is opened to detect its view (with the evidence
that decided it), calibration and patient directions. Nothing is written
unless every named file is an image; an existing case.json is replaced only
with ``--force`` (the old one is kept as ``case.json.bak``). With ``--add`` the
root (``--level``/``--side``) and its films are added to the existing case
instead: a film already in the case (the same file, or a file with the same
content) is shared with the new root (``Root.shared_film_ids``), never copied
twice (one film, several roots: bilateral or two-level sessions). Without
``--level``/``--side`` the root is recorded as right L5 (the defaults) and a
note on stdout says so: the tool never guesses the root from the films.
"""

from __future__ import annotations

import argparse
import filecmp
import os
import sys
from pathlib import Path
from typing import Any

from annotator.errors import AnnotatorError
from annotator.io.casefile import CASE_FILE_NAME, recovery_path, save_case
from annotator.io.film_copy import copy_film, is_partial_copy
from annotator.io.film_entry import film_for
from annotator.io.folder import acquisition_order
from annotator.io.temp_names import remove_stale
from annotator.model import LEVELS, Case, Root, Side, check_level
from annotator.model.validation import FieldError

FILMS_SUBFOLDER = "films"
DEFAULT_LEVEL, DEFAULT_SIDE = "L5", "right"


class BadInput(AnnotatorError):
    """A command-line value the command cannot use (one line, exit 2)."""


def register(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "new",
        help="create CASE_DIR/case.json from films (DICOM or plain images)",
        description=(
            "Create a case file from films: one root (--level, --side; default right L5 with a "
            "printed note: the tool never guesses which root was tested) holding every image of FILES. Files outside "
            "CASE_DIR are copied into CASE_DIR/films/; files inside it are referenced in place. "
            "View, calibration and directions are detected from each file and printed."
        ),
    )
    p.add_argument("case_dir", metavar="CASE_DIR", help="folder of the case (created if missing)")
    p.add_argument("files", metavar="FILES", nargs="+", help="image files or folders of images")
    p.add_argument("--level", help=f"level of the root tested: {', '.join(LEVELS)} (default {DEFAULT_LEVEL})")
    p.add_argument("--side", choices=[s.value for s in Side],
                   help=f"side of the root tested (default {DEFAULT_SIDE})")
    p.add_argument("--title", default="", help="case title (keep patient identity out of it)")
    p.add_argument("--recursive", action="store_true", help="also take images in sub-folders of folders")
    p.add_argument("--force", action="store_true", help="replace an existing case.json (kept as case.json.bak)")
    p.add_argument("--add", action="store_true",
                   help="add the root and its films to the existing case.json; films already in the case are "
                   "shared with the root, not copied")
    p.set_defaults(run=run)


def _inside(path: Path, folder: Path) -> bool:
    try:
        path.resolve().relative_to(folder.resolve())
    except ValueError:
        return False
    return True


def _is_case_bookkeeping(path: Path) -> bool:
    """Files of the case itself, never films: case files, backups, recovery and temp files."""
    n = path.name
    return n.startswith(".") or n.endswith((".json", ".json.bak", ".tmp"))


def _collect(args: argparse.Namespace, case_dir: Path) -> tuple[list[tuple[Path, bool]], list[Path]]:
    """([(file, named explicitly)], missing) in the order given; folders sorted by name."""
    found: list[tuple[Path, bool]] = []
    missing: list[Path] = []
    seen: set[Path] = set()
    for arg in args.files:
        p = Path(arg)
        if p.is_dir():
            pattern = "**/*" if args.recursive else "*"
            members = sorted(q for q in p.glob(pattern) if q.is_file() and not _is_case_bookkeeping(q))
            entries = [(q, False) for q in members]
        elif p.is_file():
            entries = [(p, True)]
        else:
            missing.append(p)
            continue
        for q, explicit in entries:
            key = q.resolve()
            if key not in seen:
                seen.add(key)
                found.append((q, explicit))
    return found, missing


def _destination(src: Path, case_dir: Path, taken: set[str]) -> tuple[str, bool]:
    """(relative POSIX path in the case, needs copying) for one film."""
    if _inside(src, case_dir):
        return Path(os.path.relpath(src.resolve(), case_dir.resolve())).as_posix(), False
    stem, suffix = src.stem, src.suffix
    k = 1
    while True:
        name = f"{stem}{suffix}" if k == 1 else f"{stem}-{k}{suffix}"
        rel = f"{FILMS_SUBFOLDER}/{name}"
        target = case_dir / rel
        if rel not in taken:
            if not target.exists():
                return rel, True
            if filecmp.cmp(src, target, shallow=False):
                return rel, False  # the same film was copied before
            if is_partial_copy(src, target):
                return rel, True  # an earlier run was killed while copying it: copied again
        k += 1


def run(args: argparse.Namespace) -> int:
    from annotator.io import open_image  # heavy (pydicom): only when the command runs

    defaulted = args.level is None or args.side is None
    try:
        level = check_level(args.level if args.level is not None else DEFAULT_LEVEL, "--level")
    except FieldError as exc:
        raise BadInput(str(exc)) from None
    case_dir = Path(args.case_dir)
    if case_dir.exists() and not case_dir.is_dir():
        raise BadInput(f"{case_dir.name}: exists and is not a folder")
    case_path = case_dir / CASE_FILE_NAME
    if args.add and args.force:
        raise BadInput("--add and --force do not go together: --add keeps the case, --force replaces it")
    if args.add and not case_path.is_file():
        raise BadInput(f"{case_dir.name}/{CASE_FILE_NAME} does not exist: leave out --add to create the case")
    if case_path.exists() and not args.force and not args.add:
        raise BadInput(f"{case_dir.name}/{CASE_FILE_NAME} already exists: use --force to replace it, "
                       "or --add to add a root to it")
    existing = None
    if args.add:
        from annotator.io.casefile import load_case

        existing = load_case(case_path)  # a CaseFileError is bad input (exit 2, one line)

    files, missing = _collect(args, case_dir)
    if missing:
        raise BadInput(f"{missing[0].name}: no such file or folder")
    images: list[Any] = []
    skipped: list[str] = []
    for path, explicit in files:
        try:
            images.append(open_image(path))
        except AnnotatorError as exc:
            if explicit:
                raise BadInput(f"{exc}; nothing was created") from None
            skipped.append(str(exc))
    if not images:
        raise BadInput("no images found in FILES; nothing was created")
    images.sort(key=acquisition_order(images))  # the folder import's order (UTC offsets too)

    case_dir.mkdir(parents=True, exist_ok=True)
    remove_stale(case_dir / FILMS_SUBFOLDER)  # copies a killed earlier run left half-made (hidden names)
    side = Side(args.side if args.side is not None else DEFAULT_SIDE)
    root = Root(level=level, side=side)
    if existing is not None:  # the case's root of that level and side, if it has one
        root = next((r for r in existing.roots if r.level == level and r.side is side), root)
    taken: set[str] = {f.path for f in existing.films()} if existing is not None else set()
    copied: list[Path] = []
    shared: list[str] = []
    try:
        for image in images:
            src = Path(image.info.path)
            if existing is not None:
                from annotator.io.same_film import same_film

                match = same_film(existing, case_dir, src)
                if match is not None:
                    owner, film = match
                    if owner.id != root.id and film.id not in root.shared_film_ids:
                        root.shared_film_ids.append(film.id)
                        shared.append(film.path)
                    continue
            rel, copy = _destination(src, case_dir, taken)
            taken.add(rel)
            if copy:
                target = case_dir / rel
                copy_film(src, target)
                copied.append(target)
            root.films.append(film_for(rel, image))
        if existing is not None:
            case = existing
            if all(r.id != root.id for r in case.roots):
                case.roots.append(root)
            if root.label not in case.planned_roots:
                case.planned_roots.append(root.label)
        else:
            case = Case(title=args.title, planned_roots=[root.label], roots=[root])
        save_note = save_case(case, case_path)
    except BaseException:
        for target in copied:  # leave no half-made case behind
            target.unlink(missing_ok=True)
        raise

    out = sys.stdout
    verb = "updated" if existing is not None else "created"
    print(f"{verb} {case_dir.name}/{CASE_FILE_NAME}: {root.label}, {len(root.films)} film(s)"
          + (f" + {len(root.shared_film_ids)} shared" if root.shared_film_ids else ""), file=out)
    if defaulted:
        print(f"root recorded as {root.label} — change it with --level/--side or in the app", file=out)
    for film in root.films:
        cal = film.calibration
        scale = (f"{cal.mean_mm_per_px():.4g} {cal.unit_label} per pixel" if cal.is_mm
                 else "no mm scale (pixels)")
        print(f"  {film.path}: {film.view.value} ({film.view_evidence}); {scale}", file=out)
    for shared_path in shared:
        print(f"  {shared_path}: already in the case, shared with {root.label}", file=out)
    if copied:
        print(f"copied {len(copied)} file(s) into {case_dir.name}/{FILMS_SUBFOLDER}/", file=out)
    for reason in skipped:
        print(f"skipped {reason}", file=sys.stderr)
    if save_note:
        print(f"note: {save_note}", file=sys.stderr)
    if recovery_path(case_path).exists():
        print(f"note: an old recovery file {recovery_path(case_path).name} is still there", file=sys.stderr)
    return 0
