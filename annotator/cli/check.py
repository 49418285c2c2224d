"""``fluoro-annotator-cli check CASE [--json] [--lang en|zh] [--rules FILE]``.

Evaluates every film of every root of a case with the target rules and prints,
per root and film, the verdict, distance (with its unit label), offsets and
warnings, then each root's conclusion and the case summary naming the
responsible level(s). ``CASE`` is a case file or the folder holding
``case.json``. ``--rules`` merges a department's rule file over the defaults.

Exit status: 0 when every film with a rule is on target, 1 when some are not
(near, off, insufficient or ambiguous) or when no film has a rule at all (nothing was
judged), 2 on bad input (unreadable case or rule file).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from annotator.errors import CaseFileError

EXIT_OK, EXIT_NOT_ON_TARGET = 0, 1


def register(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "check",
        help="judge needle-tip positions and print verdicts, warnings and conclusions of a case",
        description="Apply the target rules (R-AP, R-LAT, R-S1, R-OBL) and warnings to a case. "
        "Exit 0 when every film with a rule is on target, 1 otherwise, 2 on bad input.",
    )
    p.add_argument("case", help="a case file (case.json) or the case folder")
    p.add_argument("--json", action="store_true", help="print one JSON object instead of text")
    p.add_argument("--lang", choices=("en", "zh"), default="en", help="language of the texts (default en)")
    p.add_argument("--rules", metavar="FILE", help="a department's rule file merged over the defaults")
    p.set_defaults(run=run)


def case_path(arg: str | Path) -> Path:
    """The case file named by ``arg``: the file itself, or ``case.json`` in a folder."""
    from annotator.io.casefile import CASE_FILE_NAME

    path = Path(arg)
    if path.is_dir():
        candidate = path / CASE_FILE_NAME
        if not candidate.is_file():
            raise CaseFileError(path, f"no {CASE_FILE_NAME} in this folder; give the case file's path")
        return candidate
    return path


def run(args: argparse.Namespace) -> int:
    from annotator.io.casefile import load_case
    from annotator.rules import evaluate_case, load_config
    from annotator.rules.report import case_summary_lines, case_summary_to_dict

    config = load_config(args.rules)
    case = load_case(case_path(args.case))
    summary = evaluate_case(case, config)
    if args.json:
        data = {"rules": config.origin} | case_summary_to_dict(summary, args.lang)
        print(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        lines = case_summary_lines(summary, args.lang)
        if config.origin != "defaults":
            label = "规则" if args.lang == "zh" else "Rules"
            lines.insert(0, f"{label}: {config.origin} + defaults")
        print("\n".join(lines))
    if summary.judged_films == 0:  # nothing on target to speak of: not "all on target"
        msg = ("没有可判定的影像（无适用规则）" if args.lang == "zh"
               else "no film has a target rule (no AP, lateral or S1 film with its root): nothing was judged")
        print(f"fluoro-annotator-cli check: {msg}", file=sys.stderr)
        return EXIT_NOT_ON_TARGET
    return EXIT_OK if summary.all_on_target else EXIT_NOT_ON_TARGET
