"""``fluoro-annotator-cli assist evaluate CASE_OR_LIBRARY... [--json] [--csv F]``.

Runs the assist on every film with user-confirmed marks and reports how far its
proposals are from them (``annotator.assist.evaluate``): tip error (median, 95th
percentile, share within 2 mm), wrong-end calls, live-wire path distance, cutoff
agreement, the confidence reliability table and the worst films. Case files and
images are only read. Exit 0 with the report; 1 when no film has a confirmed tip;
2 on bad input (a path that is no case, case file or folder; an unwritable CSV).
"""

from __future__ import annotations

import argparse
import csv
import json
from dataclasses import asdict, fields
from pathlib import Path

from annotator.errors import AnnotatorError


class EvaluateInputError(AnnotatorError):
    """Bad input for ``assist evaluate``."""


def _fmt(v, unit: str = "") -> str:
    if v is None:
        return "-"
    if isinstance(v, float):
        return f"{v:.2f}{unit}"
    return f"{v}{unit}"


def _table(header: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(h), *(len(r[i]) for r in rows)) if rows else len(h) for i, h in enumerate(header)]

    def line(cells) -> str:
        return "  ".join(c.ljust(w) for c, w in zip(cells, widths)).rstrip()

    return "\n".join([line(header)] + [line(r) for r in rows])


def _text(report) -> str:
    s = report.summary()

    def pct(v) -> str:
        return "-" if v is None else f"{100 * v:.0f} %"

    rows = [
        ["cases / films with a confirmed tip", f"{s['cases']} / {s['films']}"
         + (f" ({s['films_uncalibrated']} uncalibrated: in px, left out of the mm figures)"
            if s["films_uncalibrated"] else "")],
        ["needle proposed", f"{s['proposed']} of {s['films']}"],
        ["tip error median / 95th pct", f"{_fmt(s['tip_error_median_mm'], ' mm')} / {_fmt(s['tip_error_p95_mm'], ' mm')}"],
        ["tip within 2 mm", pct(s["tip_within_2mm"])],
        ["wrong end called (confidence >= 0.9)", f"{s['wrong_end']} ({s['wrong_end_confidence_ge_0_9']})"],
        ["live-wire path distance, mean", f"{_fmt(s['path_distance_mean_mm'], ' mm')} on {s['paths']} paths"],
        ["cutoff agreement", f"{pct(s['cutoff_agreement'])} of {s['cutoff_films']} films with a confirmed path"],
    ]
    out = [_table(["measure", "result"], rows), "",
           "confidence reliability (how often proposals at each confidence were > 3 mm off):",
           _table(["confidence", "proposals", "median error", "> 3 mm off"],
                  [[r["confidence"], str(r["proposals"]), _fmt(r["median_error_mm"], " mm"), pct(r["far_off"])]
                   for r in s["reliability"]]), "", "worst films:"]
    worst = [[f.case, f.root, f.film, str(f.frame), "none" if not f.proposed else _fmt(f.tip_error, f" {f.unit}"),
              _fmt(f.confidence), "yes" if f.wrong_end else "no"] for f in report.worst()]
    out.append(_table(["case", "root", "film", "frame", "tip error", "confidence", "wrong end"], worst))
    for f in report.films:
        if f.error:
            out.append(f"not evaluated: {f.case}/{f.film}: {f.error}")
    for c in report.skipped_cases:
        out.append(f"case not read: {c}")
    return "\n".join(out)


def _write_csv(report, target: Path) -> None:
    from annotator.assist.evaluate import FilmResult

    names = [f.name for f in fields(FilmResult)]
    tmp = target.with_name(target.name + ".tmp")
    try:
        with tmp.open("w", newline="", encoding="utf-8") as fh:
            w = csv.DictWriter(fh, fieldnames=names)
            w.writeheader()
            for f in report.films:
                w.writerow(asdict(f))
        tmp.replace(target)  # a failed write never destroys an earlier file
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise EvaluateInputError(f"cannot write the CSV file {target}: {exc.strerror or exc}") from None


def run_evaluate(args: argparse.Namespace) -> int:
    from annotator.assist.evaluate import case_files, evaluate_cases

    if not args.file:
        raise EvaluateInputError("assist evaluate needs at least one case file, case folder or folder of cases")
    try:
        files = case_files([Path(p) for p in args.file])
    except FileNotFoundError as exc:
        raise EvaluateInputError(f"{exc.args[0]}: no such case file or folder") from None
    if args.csv and Path(args.csv).is_dir():
        raise EvaluateInputError(f"--csv {args.csv} is a folder; give a file name")
    report = evaluate_cases(files)
    if not report.evaluated:
        where = ", ".join(str(p) for p in args.file)
        reason = "no case file" if not files and not report.skipped_cases else "no film with a user-confirmed needle tip"
        print(f"nothing to evaluate: {reason} in {where} (confirm tips in the GUI first)")
        return 1
    if args.csv:
        _write_csv(report, Path(args.csv))
    print(json.dumps(report.to_json()) if args.json else _text(report))
    return 0
