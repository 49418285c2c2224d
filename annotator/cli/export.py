"""``fluoro-annotator-cli export CASE [CASE ...] [--pptx F] [--pdf F] [--png DIR] [--dicom DIR]``.

Teaching decks (PPTX, PDF), burned-in films and DICOM objects (presentation
states, secondary captures, measurement reports) of one or more cases,
de-identified unless ``--identified`` is given (then a warning is printed,
once). Several cases go into one deck in the order given. ``--layers`` picks
what the burned-in films (``--png``) show: ``annotations,zone,verdict,legend,
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
                   help="with --png: what the burned-in films show, comma-separated from "
                   f"{','.join(LAYER_NAMES)} (default all), or 'none' for clean films")
    p.add_argument("--lang", choices=("en", "zh"), default="en", help="language of the text (default en)")
    p.add_argument("--identified", action="store_true",
                   help="keep patient identity in the output (default: de-identified)")
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
    from annotator.errors import ExportError
    from annotator.export.case_export import IDENTIFIED_WARNING, export_cases
    from annotator.io.casefile import load_case

    if getattr(args, "send", None):
        from annotator.cli.export_send import run_send

        return run_send(args)
    if not any((args.pptx, args.pdf, args.png, args.dicom)):
        raise ExportError("nothing to export: give at least one of --pptx, --pdf, --png, --dicom, --send")
    layers = parse_layers(args.layers)
    items = []
    for path in args.cases:
        case_file = _case_file(path)
        items.append((load_case(case_file), case_file.parent))
    if args.identified:
        print(f"warning: {IDENTIFIED_WARNING}", file=sys.stderr)

    def progress(done: int, total: int, message: str) -> bool:
        if not args.quiet:
            print(f"[{done}/{total}] {message}", file=sys.stderr)
        return True

    result = export_cases(
        items, pptx=args.pptx, pdf=args.pdf, png_dir=args.png, dicom_dir=args.dicom, lang=args.lang,
        identified=args.identified, progress=progress, image_format="jpg" if args.jpeg else "png",
        layers=layers,
    )
    for w in result.warnings:
        if w != IDENTIFIED_WARNING:
            print(f"warning: {w}", file=sys.stderr)
    for f in result.files:
        print(f)
    return 0
