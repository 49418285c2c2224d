"""Hypothesis fuzzing of case files, rule files and command-line arguments through the CLI.

Every example runs ``annotator.cli.main`` in-process and checks the contract of
``harness.run_checked``. Example counts come from the fuzz profile (``profile.py``).
"""

from __future__ import annotations

import shutil
import tempfile
from functools import cache
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.fuzz import profile
from tests.fuzz.harness import ContractBroken, run_checked
from tests.fuzz.strategies import broken_case_text, case_file_bytes, rule_file_text, valid_case_data

pytestmark = [pytest.mark.filterwarnings("ignore::UserWarning"), pytest.mark.filterwarnings("ignore::DeprecationWarning")]

PROFILE = profile.current()


def fuzz_settings(examples: int):  # type: ignore[no-untyped-def]
    return settings(max_examples=examples, deadline=None, database=None, derandomize=PROFILE.name == "fast",
                    suppress_health_check=list(HealthCheck), print_blob=True)


@cache
def film_bytes() -> bytes:
    from tests.unit.test_export_fixtures import make_dicom

    with tempfile.TemporaryDirectory() as d:
        return make_dicom(Path(d) / "f.dcm", rows=96, cols=80, identity={}).read_bytes()


def make_case(root: Path, text: str | bytes) -> Path:
    case = root / "case"
    case.mkdir(parents=True)
    (case / "film.dcm").write_bytes(film_bytes())
    data = text if isinstance(text, bytes) else case_file_bytes(text, "utf-8")
    (case / "case.json").write_bytes(data)
    (root / "out").mkdir()
    return case


CASE_COMMANDS = st.sampled_from([
    ("check",), ("check", "--json"), ("check", "--lang", "zh"), ("assist", "--dry-run", "--no-needle"),
    ("assist",), ("export", "--pdf", "{out}/d.pdf"), ("export", "--png", "{out}/png", "--layers", "none"),
    ("export", "--dicom", "{out}/dcm"), ("export", "--pptx", "{out}/d.pptx", "--lang", "zh"),
])


# What an export records in the case it exported (issue #13: one pseudonym per case across
# exports; the user's confirmations of free text): the only change export may make to its input.
EXPORT_RECORDS = ("export_pseudonym_key", "export_text_confirmed")


def _case_without_export_records(text: bytes):
    from annotator.io.casefile import case_to_dict, loads_case

    data = case_to_dict(loads_case(text.decode("utf-8")))
    for key in EXPORT_RECORDS:
        data.pop(key, None)
        data.get("extra", {}).pop(key, None)
    return _without_ids(data)


# A case file without ids gets fresh ones at every load (and keeps those the export saved):
# ids and the references to them are compared by nothing else than their presence.
_ID_KEYS = ("id", "root_id", "film_id", "annotation_id", "shared_film_ids")


def _without_ids(value):
    if isinstance(value, dict):
        return {k: _without_ids(v) for k, v in value.items() if k not in _ID_KEYS}
    if isinstance(value, list):
        return [_without_ids(v) for v in value]
    return value


def run_case_command(root: Path, case: Path, command: tuple[str, ...]) -> None:
    argv = [command[0], str(case), *(a.format(out=root / "out") for a in command[1:])]
    writes = command == ("assist",)
    exports = command[0] == "export"
    before = (case / "case.json").read_bytes()
    may_change = [case / "case.json", case / "case.json.bak"] if writes or exports else []
    run_checked(argv, root, outputs=[root / "out"], may_change=may_change, not_on_target_ok=command[0] == "check")
    after = (case / "case.json").read_bytes()
    if exports and after != before:  # the same case, plus what the export records, and nothing else
        if _case_without_export_records(after) != _case_without_export_records(before):
            raise ContractBroken(f"export changed more than its records in case.json: argv={argv}")


case_texts = st.one_of(
    valid_case_data(film_path="film.dcm").map(lambda d: __import__("json").dumps(d)),
    broken_case_text(film_path="film.dcm"),
    broken_case_text(),
)


@fuzz_settings(PROFILE.case_files)
@given(text=case_texts, encoding=st.sampled_from(["utf-8"] * 6 + ["utf-16", "latin-1"]), command=CASE_COMMANDS)
def test_case_files_give_a_verdict_or_one_line(text: str, encoding: str, command: tuple[str, ...]) -> None:
    with tempfile.TemporaryDirectory() as d:
        root = Path(d)
        case = make_case(root, case_file_bytes(text, encoding))
        run_case_command(root, case, command)


@cache
def sample_case_text() -> str:
    from annotator.io.casefile import dumps_case
    from tests.unit.test_export_fixtures import make_case as fixture_case

    with tempfile.TemporaryDirectory() as d:
        case = fixture_case(Path(d), n_films=1, identity=False)
    case.roots[0].films[0].path = "film.dcm"
    return dumps_case(case)


@fuzz_settings(PROFILE.rule_files)
@given(rules=rule_file_text(), lang=st.sampled_from(["en", "zh"]), export=st.integers(0, 9))
def test_rule_files_give_a_verdict_or_one_line(rules: str, lang: str, export: int) -> None:
    with tempfile.TemporaryDirectory() as d:
        root = Path(d)
        case = make_case(root, sample_case_text())
        (root / "rules.json").write_bytes(rules.encode("utf-8", errors="surrogatepass"))
        argv = ["check", str(case), "--rules", str(root / "rules.json"), "--lang", lang]
        run_checked(argv, root, outputs=[root / "out"], not_on_target_ok=True)


def _tokens(root: Path) -> st.SearchStrategy[str]:
    paths = [root / "case", root / "case" / "case.json", root / "case" / "film.dcm", root / "missing.dcm",
             root / "out", root / "out" / "x.png", root / "out" / "d.pptx", root / "out" / "d.pdf",
             root / "two\nlines.dcm", root / "newcase", root / "out" / "new"]
    numbers = st.one_of(st.integers(-2**70, 2**70).map(str), st.floats().map(repr), st.sampled_from(
        ["-40/400", "2048/4096", "1e400/1", "nan/nan", "0/0", "-0", "1/-1", "a/b", "", "-", "--", "1e308"]))
    options = st.sampled_from(["--frame", "--window", "--gamma", "--invert", "--out", "--json", "--lang", "--level",
                               "--side", "--title", "--force", "--recursive", "--pptx", "--pdf", "--png",
                               "--dicom", "--layers", "--jpeg", "--identified", "--quiet", "--rules", "--from",
                               "--to", "--via", "--profile", "--dry-run", "--no-needle", "--no-cine", "--debug"])
    words = st.sampled_from(["en", "zh", "L5", "S1", "L9", "left", "right", "middle", "none", "zone,legend",
                             "bogus", "needle", "path", "10,10", "x,y", "\x00", "é\u2028"])
    return st.one_of(st.sampled_from([str(p) for p in paths]), numbers, options, words, st.text(max_size=12))


@fuzz_settings(PROFILE.cli_arguments)
@given(data=st.data(), command=st.sampled_from(["info", "render", "check", "new", "export", "assist"]))
def test_command_line_arguments_give_an_output_or_one_line(data: st.DataObject, command: str) -> None:
    with tempfile.TemporaryDirectory() as d:
        root = Path(d)
        case = make_case(root, sample_case_text())
        shutil.copy(case / "film.dcm", root / "two\nlines.dcm")
        first = [str(case if command in ("check", "export", "assist") else case / "film.dcm")]
        if command == "new":
            first = [str(root / "newcase"), str(case / "film.dcm")]
        lead = first if data.draw(st.integers(0, 9)) < 7 else []  # mostly a real input, then anything
        argv = [command, *lead, *data.draw(st.lists(_tokens(root), max_size=7))]
        if "--debug" in argv:  # --debug shows tracebacks on purpose; it is a global option anyway
            argv.remove("--debug")
        may_change = [case / "case.json", case / "case.json.bak", case / "films"]
        run_checked(argv, root, outputs=[root / "out", root / "newcase"], may_change=may_change,
                    not_on_target_ok=command == "check")


def test_zz_the_fuzzers_reached_past_the_first_refusal() -> None:
    """Runs last in this module: the examples above ended in verdicts and outputs too, not only
    in refusals (a fuzzer stuck at the first check would test little). Prints the tally."""
    from tests.fuzz.harness import STATS

    if not STATS:
        pytest.skip("run with the fuzz tests above")
    print(f"\nfuzz outcomes ({PROFILE.name}): " + ", ".join(f"{c} exit {k}: {n}" for (c, k), n in sorted(STATS.items())))
    assert STATS[("check", 0)] + STATS[("check", 1)] > 0 and STATS[("export", 0)] > 0
