"""Run the CLI in-process on one input and check the contract of issue 15.

Every run must end with a verdict/output (exit 0, or 1 for ``check``'s "not on
target") or a one-line refusal with exit 2 -- never a traceback or an escaped
exception, another exit code, a file written outside the output location, or a
changed input file.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from annotator.cli import main
from annotator.io.temp_names import stale_pid


@dataclass
class Outcome:
    code: int
    out: str
    err: str


class ContractBroken(AssertionError):
    pass


PROGRESS = re.compile(r"^\[\d+/\d+\] ")

# (command, exit code) -> how many runs: printed by the fuzz tests, so a run that only ever
# reaches refusals (a fuzzer that never gets past the first check) shows as such
STATS: Counter[tuple[str, int]] = Counter()


def snapshot(root: Path) -> dict[str, str]:
    """Relative path -> content hash (or the link target / 'dir') of everything under ``root``."""
    seen: dict[str, str] = {}
    for dirpath, dirnames, filenames in os.walk(root):
        for name in dirnames + filenames:
            p = Path(dirpath) / name
            rel = str(p.relative_to(root))
            if p.is_symlink():
                seen[rel] = "link:" + os.readlink(p)
            elif p.is_dir():
                seen[rel] = "dir"
            else:
                seen[rel] = hashlib.sha1(p.read_bytes()).hexdigest()
    return seen


def run_checked(argv: Sequence[str], root: Path, outputs: Sequence[Path] = (), may_change: Sequence[Path] = (),
                not_on_target_ok: bool = False) -> Outcome:
    """``main(argv)`` with the contract checked; ``root`` holds every input and output.

    ``outputs``: files/folders the command may create or replace; ``may_change``: inputs the
    command may rewrite (``assist CASE`` writes its case file, ``new`` its case folder).
    """
    before = snapshot(root)
    out, err = io.StringIO(), io.StringIO()
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main(list(argv))
    except SystemExit as exc:  # argparse: usage errors exit 2 after one line
        code = exc.code if isinstance(exc.code, int) else 2
    except BaseException as exc:
        raise ContractBroken(f"{type(exc).__name__} escaped: {exc!r}"[:500] + f" argv={list(argv)}") from exc
    outcome = Outcome(code, out.getvalue(), err.getvalue())
    STATS[(argv[0] if argv else "", code)] += 1
    where = f"argv={list(argv)} code={code} stderr={outcome.err[-400:]!r}"
    allowed = {0, 2} | ({1} if not_on_target_ok else set())
    if code not in allowed:
        raise ContractBroken(f"exit code {code}: {where}")
    if "Traceback" in outcome.err or "Traceback" in outcome.out:
        raise ContractBroken(f"traceback: {where}")
    if code == 2:
        # export's progress lines ("[3/9] case 1: rendering film 1C") may precede a refusal that only
        # decoding could find (damaged pixel data); every refusal of the input itself comes alone
        # (tests/unit/test_robust_inputs.py), and the refusal is one line
        lines = [line for line in outcome.err.strip().split("\n") if not PROGRESS.match(line)]
        if len(lines) != 1 or not lines[0].startswith(("error: ", "fluoro-annotator-cli")):
            raise ContractBroken(f"refusal not one line: {where}")
    after = snapshot(root)
    free = [str(p.relative_to(root)) for p in (*outputs, *may_change)]

    def inside_free(rel: str) -> bool:
        return any(rel == f or rel.startswith(f + os.sep) for f in free)

    for rel, digest in before.items():
        if not inside_free(rel) and after.get(rel) != digest:
            raise ContractBroken(f"input {rel} changed or removed: {where}")
    for rel in after.keys() - before.keys():
        if not inside_free(rel):
            raise ContractBroken(f"file {rel} written outside the output location: {where}")
        if stale_pid(Path(rel).name) is not None or Path(rel).name.endswith((".tmp", ".previous")) or \
                ".part" in Path(rel).name:
            raise ContractBroken(f"temporary file {rel} left behind: {where}")
    return outcome
