"""``fluoro-annotator-cli library index DIR…`` / ``search QUERY [--json]`` / ``deck QUERY`` / ``tag``.

``index`` adds library folders and brings the index in step (new or changed
case files read again, deleted ones dropped); unreadable case files are listed
as skipped with a one-line reason each, the rest indexed; a folder that does
not exist is reported (exit 2 when none could be indexed), never created.
``search`` refreshes the index, then prints the matching case files (one per
line with a short summary, or JSON). ``deck`` exports the cases a search finds as
one lecture deck (``annotator.export.lecture``; ``--quiz``). ``tag`` adds or removes the user's tags in
a case file. The index is a per-user cache (``--index`` to use another file).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any


def register(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "library", help="index library folders of cases and search them",
        description="The teaching library: an index (a per-user cache) of the cases in library folders.",
    )
    p.add_argument("--index", type=Path, metavar="FILE",
                   help="index file to use (default: the per-user cache, see the README)")
    subs = p.add_subparsers(dest="library_command", required=True, parser_class=subparsers._parser_class)
    ix = subs.add_parser("index", help="add library folders and bring the index in step with them")
    ix.add_argument("folders", nargs="*", type=Path, metavar="DIR",
                    help="library folders (cases are the case.json files beneath); none: refresh the known ones")
    ix.add_argument("--forget", action="store_true", help="remove the given folders from the library instead")
    ix.set_defaults(run=run_index)
    se = subs.add_parser("search", help="find cases, e.g. 'finding:bench_sign level:L4 sheath'")
    se.add_argument("query", nargs="*", metavar="QUERY",
                    help="key:value filters (level side root view verdict finding block conclusion drug "
                    "sex age tag date sort) and free words; nothing: every case")
    se.add_argument("--json", action="store_true", help="print the results as JSON")
    se.set_defaults(run=run_search)
    dk = subs.add_parser("deck", help="export the cases a search finds as one lecture deck (PPTX/PDF)")
    dk.add_argument("query", nargs="*", metavar="QUERY", help="a search as for 'library search'")
    dk.add_argument("--pptx", type=Path, metavar="FILE", help="write the lecture as PowerPoint")
    dk.add_argument("--pdf", type=Path, metavar="FILE", help="write the lecture as PDF")
    dk.add_argument("--quiz", action="store_true", help="quiz mode: each film asked clean, then answered")
    dk.add_argument("--title", default="", help="the lecture's title")
    dk.add_argument("--lang", choices=("en", "zh"), default="en", help="language of the text (default en)")
    dk.add_argument("--limit", type=int, default=40, metavar="N", help="at most N cases (default 40)")
    dk.add_argument("--identified", action="store_true",
                    help="keep patient identity in the output (default: de-identified)")
    dk.set_defaults(run=run_deck)
    tg = subs.add_parser("tag", help="add or remove tags of a case")
    tg.add_argument("case", type=Path, metavar="CASE", help="a case file (case.json) or its folder")
    tg.add_argument("tags", nargs="*", metavar="TAG", help="tags to add")
    tg.add_argument("--remove", nargs="+", default=[], metavar="TAG", help="tags to remove")
    tg.set_defaults(run=run_tag)


def _open(args: Any) -> Any:
    from annotator.library import LibraryIndex

    return LibraryIndex.open(args.index)


def _print_skipped(report: Any) -> None:
    for s in report.skipped:
        print(f"skipped: {s.path}: {s.reason}", file=sys.stderr)
    for m in report.missing:
        print(f"missing library folder: {m} (not created; check the path or mount it)", file=sys.stderr)


def run_index(args: Any) -> int:
    from annotator.library import LibraryError

    with _open(args) as lib:
        if args.forget:
            for folder in args.folders:
                lib.remove_folder(folder)
            print(f"{len(args.folders)} folder(s) removed; {lib.count()} cases indexed")
            return 0
        if not args.folders and not lib.folders():
            raise LibraryError("no library folders yet: give one, e.g. library index ~/teaching-cases")
        report = lib.index(args.folders)
        _print_skipped(report)
        print(f"{report.indexed} cases indexed ({report.added} new, {report.updated} changed, "
              f"{report.removed} removed), {len(report.skipped)} skipped")
        if args.folders and len(report.missing) >= len(args.folders):
            return 2
    return 0


def run_search(args: Any) -> int:
    from annotator.library import parse_query

    query = " ".join(args.query)
    parse_query(query)  # a bad query is refused before the index is touched
    with _open(args) as lib:
        report = lib.refresh()
        for m in report.missing:
            print(f"missing library folder: {m} (its cases are left out)", file=sys.stderr)
        hits = lib.search(query)
    if args.json:
        print(json.dumps([h.to_json() for h in hits], ensure_ascii=False, indent=2))
        return 0
    for h in hits:
        roots = ", ".join(h.roots) or "-"
        print(f"{h.path}\t{roots}\t{', '.join(h.facets.get('finding', [])) or '-'}\t{h.headline}")
    print(f"{len(hits)} case(s)", file=sys.stderr)
    return 0


def run_deck(args: Any) -> int:
    from annotator.errors import ExportError
    from annotator.export.case_export import IDENTIFIED_WARNING, export_cases
    from annotator.export.lecture import LectureOptions
    from annotator.io.casefile import load_case

    if not (args.pptx or args.pdf):
        raise ExportError("nothing to export: give --pptx and/or --pdf")
    query = " ".join(args.query)
    with _open(args) as lib:
        lib.refresh()
        hits = lib.search(query, limit=max(1, args.limit))
    if not hits:
        raise ExportError(f"no case matches {query!r}: try 'library search' first")
    items = [(load_case(h.path), h.path.parent) for h in hits]
    if args.identified:
        print(f"warning: {IDENTIFIED_WARNING}", file=sys.stderr)
    result = export_cases(items, pptx=args.pptx, pdf=args.pdf, lang=args.lang, identified=args.identified,
                          lecture=LectureOptions(title=args.title, quiz=args.quiz))
    for f in result.files:
        print(f)
    print(f"{len(items)} case(s) in the lecture", file=sys.stderr)
    return 0


def run_tag(args: Any) -> int:
    from annotator.library import set_tags

    path = args.case / "case.json" if args.case.is_dir() else args.case
    tags = set_tags(path, args.tags, args.remove)
    print(", ".join(tags) if tags else "(no tags)")
    return 0
