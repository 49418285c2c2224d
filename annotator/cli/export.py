"""``fluoro-annotator-cli export CASE [CASE ...] [--pptx F] [--pdf F] [--png DIR] [--dicom DIR]``.

Teaching decks (PPTX, PDF), burned-in films and DICOM objects (presentation
states, secondary captures, measurement reports) of one or more cases,
de-identified unless ``--identified`` is given (then a warning is printed,
once). A de-identified export first checks the free text for identity: each hit
is listed (field and text, one line each) and the command exits with 2, unless
``--confirm-text`` confirms them (recorded in the case file). The case file also
keeps the case's pseudonym key (made at its first export), so every export of a
case is the same pseudonymous patient. Several cases go into one deck in the order given. ``--layers`` picks
what the burned-in films (``--png``) and the annotated slides show: ``annotations,zone,verdict,legend,
scale,caption`` (default all; ``none`` for clean films). Every file is written
to a temporary name and moved into place when complete.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

# --layers names -> fields of annotator.export.burn_in.Layers
LAYER_NAMES = {
    "annotations": "annotations", "zone": "target_zone", "verdict": "verdict", "legend": "legend",
    "scale": "scale_bar", "caption": "caption",
}


def register(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "export",
        help="export cases as a teaching deck (PPTX/PDF), burned-in films and DICOM objects",
        description="Export cases, de-identified by default: teaching deck as PPTX and/or PDF, "
        "burned-in films as PNG, DICOM presentation states, secondary captures and reports.",
    )
    p.add_argument("cases", nargs="+", metavar="CASE", type=Path,
                   help="a case file (case.json) or a case folder holding one; several make one deck")
    p.add_argument("--pptx", type=Path, metavar="FILE", help="write the teaching deck as PowerPoint")
    p.add_argument("--pdf", type=Path, metavar="FILE", help="write the teaching deck as PDF")
    p.add_argument("--png", type=Path, metavar="DIR", help="write burned-in annotated films into DIR")
    p.add_argument("--jpeg", action="store_true", help="with --png: write JPEG instead of PNG")
    p.add_argument("--dicom", type=Path, metavar="DIR", help="write GSPS, secondary captures and SR into DIR")
    p.add_argument("--layers", metavar="LIST", default=",".join(LAYER_NAMES),
                   help="what the burned-in films and the annotated slides show, comma-separated from "
                   f"{','.join(LAYER_NAMES)} (default all), or 'none' for clean films")
    p.add_argument("--lang", choices=("en", "zh"), default="en", help="language of the text (default en)")
    p.add_argument("--identified", action="store_true",
                   help="keep patient identity in the output (default: de-identified)")
    p.add_argument("--confirm-text", action="store_true",
                   help="export even when free text looks like patient identity (names of the DICOM "
                   "headers, phone numbers, IDs, dates, e-mail addresses): you confirm each listed "
                   "text is not identity; the confirmation is saved in the case")
    p.add_argument("--quiet", action="store_true", help="no progress lines on stderr")
    p.add_argument("--send", metavar="NODE", help="send the DICOM objects to NODE of the nodes file (C-STORE or "
                   "STOW-RS), identified for the archive unless --deidentify; all or nothing, retried")
    p.add_argument("--deidentify", action="store_true", help="with --send: de-identify (teaching archives)")
    p.add_argument("--via", choices=("auto", "dimse", "web"), default="auto",
                   help="with --send: C-STORE (dimse) or STOW-RS (web); default DIMSE when the node has it")
    p.add_argument("--nodes", type=Path, metavar="FILE", help="with --send: node settings file (see README)")
    p.set_defaults(run=run)


def _case_file(path: Path) -> Path:
    return path / "case.json" if path.is_dir() else path


def parse_layers(text: str) -> Any:
    """``Layers`` from a comma-separated list of :data:`LAYER_NAMES` (or ``none``); ExportError if unknown."""
    from annotator.errors import ExportError
    from annotator.export.burn_in import Layers

    names = [n.strip().lower() for n in text.split(",") if n.strip()]
    if names == ["none"]:
        names = []
    elif not names:
        raise ExportError(f"--layers: give some of {','.join(LAYER_NAMES)}, or none")
    unknown = [n for n in names if n not in LAYER_NAMES]
    if unknown:
        raise ExportError(f"--layers: unknown layer {unknown[0]!r}; choose from {','.join(LAYER_NAMES)} or none")
    chosen = {LAYER_NAMES[n] for n in names}
    return Layers(**{field: field in chosen for field in LAYER_NAMES.values()})


def run(args: Any) -> int:
    from annotator.errors import AnnotatorError, ExportError
    from annotator.export.case_export import IDENTIFIED_WARNING, export_cases
    from annotator.export.text_identity import TextIdentityError
    from annotator.io.casefile import load_case, save_case

    if getattr(args, "send", None):
        from annotator.cli.export_send import run_send

        return run_send(args)
    if not any((args.pptx, args.pdf, args.png, args.dicom)):
        raise ExportError("nothing to export: give at least one of --pptx, --pdf, --png, --dicom, --send")
    layers = parse_layers(args.layers)
    items, case_files = [], []
    for path in args.cases:
        case_file = _case_file(path)
        items.append((load_case(case_file), case_file.parent))
        case_files.append(case_file)
    if args.identified:
        print(f"warning: {IDENTIFIED_WARNING}", file=sys.stderr)

    def progress(done: int, total: int, message: str) -> bool:
        if not args.quiet:
            print(f"[{done}/{total}] {message}", file=sys.stderr)
        return True

    try:
        result = export_cases(
            items, pptx=args.pptx, pdf=args.pdf, png_dir=args.png, dicom_dir=args.dicom, lang=args.lang,
            identified=args.identified, progress=progress, image_format="jpg" if args.jpeg else "png",
            layers=layers, confirm_text=args.confirm_text,
        )
    except TextIdentityError as exc:  # the user's own text, one line per hit, on the user's terminal only
        head, *hits = exc.lines()
        print(f"error: {head}", file=sys.stderr)
        for line in hits:
            print(f"  {line}", file=sys.stderr)
        return 2
    for i in result.changed_cases:  # pseudonym key made, texts confirmed: kept for the next export
        try:
            save_case(items[i][0], case_files[i])
        except (OSError, AnnotatorError) as exc:
            print(f"warning: {case_files[i].name}: the case could not be updated ({exc}); "
                  "the next export will use another pseudonym", file=sys.stderr)
    for w in result.warnings:
        if w != IDENTIFIED_WARNING:
            print(f"warning: {w}", file=sys.stderr)
    for f in result.files:
        print(f)
    return 0
