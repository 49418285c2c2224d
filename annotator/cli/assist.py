"""``fluoro-annotator-cli assist ...``: assisted marking from the command line.

- ``assist needle FILE [--frame N] [--json]``: the proposed needle,
  ``{"tip": [x, y], "shaft": [[x, y] hub, [x, y] tip], "confidence": c}``
  (``null`` when no needle is found).
- ``assist path FILE --from X,Y --to X,Y [--via X,Y ...] [--frame N] [--json]``:
  the live-wire polyline along the contrast band, ``{"path": [[x, y], ...]}``;
  ``--profile`` adds the contrast profile and its suggestions (``analyse_path``, as the GUI:
  the profile runs on ``suggest.TAIL_MM`` past the path's end to see a stop there).
- ``assist CASE [--no-needle] [--no-cine] [--all] [--dry-run] [--json]`` (a case file or
  its folder): writes UNCONFIRMED suggestions (``suggested=True``) into the case
  file -- needle per film, vascular-uptake cue on multi-frame films, cutoff /
  bench / L5 tilt along confirmed contrast paths. Never confirms anything, and
  does not re-suggest confirmed work (a film whose key frame has a confirmed
  tip, a finding code confirmed on the root) unless ``--all``; the skipped items
  are listed on each film's line.
- ``assist evaluate CASE_OR_LIBRARY... [--json] [--csv F]``: the needle proposal,
  live wire and cutoff suggestion on every film with user-confirmed marks,
  measured against them (``annotator.assist.evaluate``; never writes a case).
  Exit 0 with the table, 1 when no film has a confirmed tip, 2 on bad input.

Frame of a multi-frame file for ``needle``/``path`` without ``--frame``: the
film's key frame when a case file in the same folder lists the file, else the
LAST frame (in a cine run the contrast has arrived by then). Either way a
one-line note on stderr names the frame used.

Coordinates: float pixels, origin at the top-left corner of the top-left
pixel, +x right, +y down (domain.md §3). Exit 0 ok, 2 bad input.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from annotator.errors import AnnotatorError


class AssistInputError(AnnotatorError):
    """Bad command-line input for ``assist``."""


def register(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "assist",
        help="propose the needle, trace a contrast path, or add unconfirmed suggestions to a case",
        description="assist needle FILE | assist path FILE --from X,Y --to X,Y | assist CASE | "
        "assist evaluate CASE_OR_LIBRARY... (proposals against your confirmed marks). "
        "Pixel coordinates: origin at the top-left corner of the top-left pixel.",
    )
    p.add_argument("what", help="'needle', 'path', 'evaluate', or a case file / case folder")
    p.add_argument("file", nargs="*", help="the image file (for needle and path); case files or folders, "
                   "or folders of cases (for evaluate)")
    p.add_argument("--frame", type=int, default=None,
                   help="needle/path: frame index (0-based) of a multi-frame file. Default: the film's key frame "
                   "when a case.json in the file's folder lists it, else the LAST frame (contrast has arrived "
                   "by then in a cine run); a note on stderr names the frame used")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.add_argument("--from", dest="start", metavar="X,Y", help="path: first anchor (pixels)")
    p.add_argument("--to", dest="end", metavar="X,Y", help="path: last anchor (pixels)")
    p.add_argument("--via", action="append", default=[], metavar="X,Y", help="path: intermediate anchor (repeatable)")
    p.add_argument("--profile", action="store_true", help="path: add the contrast profile and suggestions")
    p.add_argument("--no-needle", action="store_true", help="case: skip the needle proposal")
    p.add_argument("--no-cine", action="store_true", help="case: skip the vascular-uptake cue")
    p.add_argument("--all", dest="force", action="store_true",
                   help="case: suggest even where confirmed work exists (a confirmed tip on the key frame, "
                   "a finding code confirmed on the root); by default those are skipped")
    p.add_argument("--dry-run", action="store_true", help="case: report, but do not write the case file")
    p.add_argument("--csv", metavar="F", help="evaluate: also write one row per film to the CSV file F")
    p.set_defaults(run=run)


def parse_point(text: str | None, name: str) -> tuple[float, float]:
    if text is None:
        raise AssistInputError(f"path needs {name} X,Y")
    try:
        x, y = (float(v) for v in text.split(","))
    except ValueError:
        raise AssistInputError(f"{name} must be two numbers X,Y (pixels), got {text!r}") from None
    return x, y


def case_key_frame(file: str | Path) -> int | None:
    """The key frame of ``file`` as listed by ``case.json`` in its folder, or None
    (no case there, the case does not list the file, or it cannot be read)."""
    from annotator.io.casefile import load_case

    file = Path(file).resolve()
    case_file = file.parent / "case.json"
    if not case_file.is_file():
        return None
    try:
        case = load_case(case_file)
    except (AnnotatorError, OSError):
        return None
    for film in case.films():
        if (case_file.parent / film.path).resolve() == file:
            return film.key_frame
    return None


def default_frame(file: str | Path, frames: int) -> tuple[int, str]:
    """Frame used when ``--frame`` is not given, and why: 0 for a single frame;
    the case's key frame when a case lists the file; else the last frame."""
    if frames <= 1:
        return 0, ""
    key = case_key_frame(file)
    if key is not None and 0 <= key < frames:
        return key, "the film's key frame in case.json"
    return frames - 1, "the last frame"


def _frame(args: argparse.Namespace):
    from annotator.io import open_image

    if not args.file:
        raise AssistInputError(f"assist {args.what} needs an image FILE")
    image = open_image(args.file)
    frames = image.info.frames
    if args.frame is None:
        index, why = default_frame(args.file, frames)
        if frames > 1:  # said after the result: an error must not follow a note (run() prints it)
            args.frame_note = f"note: used frame {index} of 0..{frames - 1} ({why}); --frame N picks another"
    else:
        index = args.frame
    if not 0 <= index < image.info.frames:
        raise AssistInputError(f"frame {index} is not in this file (0..{image.info.frames - 1})")
    if image.is_color:
        raise AssistInputError("assist works on grey films only; this one is colour")
    cal = image.info.calibration
    return image, image.stored_frame(index), (cal if cal.is_mm else None)


def _needle(args: argparse.Namespace) -> int:
    from annotator.assist.needle import propose_needle

    image, frame, cal = _frame(args)
    prop = propose_needle(frame, cal, invert=image.invert)
    data = None if prop is None else prop.to_json()
    if args.json:
        print(json.dumps(data))
    elif data is None:
        print("no needle found")
    else:
        (hx, hy), (tx, ty) = data["shaft"]
        print(f"tip ({tx:.1f}, {ty:.1f}) px, hub end ({hx:.1f}, {hy:.1f}) px, confidence {data['confidence']:.2f}")
    return 0


def _path(args: argparse.Namespace) -> int:
    from annotator.assist.livewire import LiveWire

    image, frame, cal = _frame(args)
    anchors = [parse_point(args.start, "--from")]
    anchors += [parse_point(v, "--via") for v in args.via]
    anchors.append(parse_point(args.end, "--to"))
    path = LiveWire(frame, cal, invert=image.invert).path(anchors)
    data: dict[str, Any] = {"path": [[round(x, 3), round(y, 3)] for x, y in path]}
    if args.profile:
        from annotator.assist.suggest import analyse_path

        # what the GUI's "analyse path" runs: the profile looks past the path's end, where a
        # traced path stops because the contrast stops
        prof, pairs = analyse_path(frame, path, cal, image.info.directions, None, None, 0, invert=image.invert)
        data["profile"] = prof.to_json()
        data["suggestions"] = [
            {"code": f.code, "point": [round(a.points[0][0], 3), round(a.points[0][1], 3)],
             "arc_length": a.attrs.get("arc_length"), "angle_deg": f.angle_deg, "note": f.note}
            for f, a in pairs
        ]
    if args.json:
        print(json.dumps(data))
    else:
        print(" ".join(f"{x:.1f},{y:.1f}" for x, y in data["path"]))
        for s in data.get("suggestions", []):
            print(f"suggested {s['code']} at {s['point'][0]:.1f},{s['point'][1]:.1f}: {s['note']}")
    return 0


def _case(args: argparse.Namespace) -> int:
    from annotator.assist.case_assist import assist_case
    from annotator.cli.check import case_path
    from annotator.io.casefile import load_case, save_case
    from annotator.model.document import CaseDocument

    path = case_path(args.what)
    if not path.exists():
        raise AssistInputError(f"{Path(args.what).name}: not 'needle', 'path', or an existing case file or folder")
    case = load_case(path)
    doc = CaseDocument(case, path.parent, path)
    reports = assist_case(doc, needle=not args.no_needle, cine=not args.no_cine, force=args.force)
    if not args.dry_run and doc.dirty:
        save_case(doc.case, path)
        doc.mark_saved()
    if args.json:
        print(json.dumps({"written": not args.dry_run, "films": [r.__dict__ for r in reports]}))
    else:
        for r in reports:
            parts = []
            if r.error:
                parts.append(f"skipped: {r.error}")
            if r.needle:
                parts.append(f"needle tip {r.needle['tip'][0]:.1f},{r.needle['tip'][1]:.1f} "
                             f"(confidence {r.needle['confidence']:.2f})")
            elif not r.error and "needle" not in r.skipped:
                parts.append("no needle found")
            if r.cue_frame is not None:
                parts.append(f"possible vascular uptake from frame {r.cue_frame}")
            if r.findings:
                parts.append("suggested: " + ", ".join(r.findings))
            if r.skipped:
                parts.append("skipped (already confirmed): " + ", ".join(r.skipped))
            print(f"film {r.film_id}: " + "; ".join(parts))
        print("suggestions written (unconfirmed)" if not args.dry_run else "dry run: case file unchanged")
    return 0


def run(args: argparse.Namespace) -> int:
    if args.what == "evaluate":
        from annotator.cli.assist_evaluate import run_evaluate

        return run_evaluate(args)
    if len(args.file) > 1:
        raise AssistInputError(f"assist {args.what} takes one image FILE, got {len(args.file)}")
    if args.what not in ("needle", "path") and args.file:
        raise AssistInputError(f"assist CASE takes no further argument, got {args.file[0]!r}")
    args.file = args.file[0] if args.file else None
    args.frame_note = None
    if args.what in ("needle", "path"):
        status = _needle(args) if args.what == "needle" else _path(args)
        if args.frame_note:
            print(args.frame_note, file=sys.stderr)
        return status
    return _case(args)
