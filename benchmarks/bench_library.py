"""Teaching library: index 500 cases (target <= 10 s), search them (<= 50 ms), a 10-case lecture deck (<= 15 s).

The 500 cases are the five sample cases' records repeated with varied age,
sex, date, findings, block results, tags and notes (their films shared in one
folder, so the library's size is in its case files). Index = every case file
read, validated, judged by the rules and written to the SQLite index (a fresh
index file). A search is timed through ``LibraryIndex.search`` (parse, SQL,
facets of the hits) beside a plain ``sqlite3`` query returning the same rows'
paths on the same index: the baseline is what the index costs with no
library code around it. The lecture deck: ``right_L5_on_target`` (4 films of
1024 x 1024) ten times, 40 films, exported as a quiz PPTX and as PPTX + PDF.
"""

from __future__ import annotations

import copy
import random
import shutil
import sqlite3
import tempfile
import time
from dataclasses import replace
from pathlib import Path

from benchmarks.timing import median_ms, table

N_CASES = 500
SAMPLES = Path(__file__).resolve().parents[1] / "sample_images" / "cases"
INDEX_TARGET_S, SEARCH_TARGET_MS, DECK_TARGET_S = 10.0, 50.0, 15.0
QUERIES = {
    "finding:bench_sign": ("SELECT c.path FROM cases c JOIN facets f ON f.case_id = c.id "
                           "WHERE f.facet = 'finding' AND f.value = 'bench_sign' ORDER BY c.path", ()),
    "level:l5 side:left verdict:on_target": (
        "SELECT c.path FROM cases c WHERE c.id IN (SELECT case_id FROM facets WHERE facet = 'level' AND value = 'l5')"
        " AND c.id IN (SELECT case_id FROM facets WHERE facet = 'side' AND value = 'left') AND c.id IN "
        "(SELECT case_id FROM facets WHERE facet = 'verdict' AND value = 'on_target') ORDER BY c.path", ()),
    "herniation sort:-date": ("SELECT c.path FROM cases c WHERE c.id IN (SELECT rowid FROM case_text WHERE "
                              "case_text MATCH 'herniation') ORDER BY c.date DESC, c.path", ()),
    "(every case) sort:age": ("SELECT c.path FROM cases c ORDER BY c.age, c.path", ()),
}


def make_library(folder: Path, n: int = N_CASES) -> Path:
    """``n`` case folders under ``folder/cases`` built from the sample cases; returns that folder."""
    from annotator.io.casefile import load_case, save_case
    from annotator.model import BlockResult, Finding

    rng = random.Random(12)
    films = folder / "films"
    sources = []
    for case_file in sorted(SAMPLES.glob("*/case.json")):
        shutil.copytree(case_file.parent, films / case_file.parent.name,
                        ignore=shutil.ignore_patterns("*.json", "*.png"), dirs_exist_ok=True)
        sources.append((case_file.parent.name, load_case(case_file)))
    codes = ["bench_sign", "contrast_cutoff", "distal_spread", "proximal_spread", "irregular_root", "tip_in_sheath"]
    words = ["lateral recess stenosis", "far-lateral herniation", "failed back surgery", "foraminal stenosis",
             "spondylolisthesis", "椎间孔狭窄", "侧隐窝狭窄"]
    out = folder / "cases"
    for i in range(n):
        name, src = sources[i % len(sources)]
        case = copy.deepcopy(src)
        roots = []
        for root in case.roots:
            for film in root.films:
                film.path = f"../../films/{name}/{film.path}"
            extra = [Finding(rng.choice(codes))] if rng.random() < 0.5 else []
            roots.append(replace(root, findings=[*root.findings, *extra],
                                 block_result=rng.choice(list(BlockResult)), notes=rng.choice(words)))
        extra_keys = dict(case.extra, date=f"20{rng.randint(18, 26):02d}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}")
        if rng.random() < 0.2:
            extra_keys["tags"] = [rng.choice(["lecture 1", "quiz", "pitfall"])]
        case = replace(case, roots=roots, age=rng.randint(25, 88), sex=rng.choice(["M", "F"]),
                       notes=f"{case.notes} {rng.choice(words)}", extra=extra_keys)
        (out / f"case{i:04d}").mkdir(parents=True)
        save_case(case, out / f"case{i:04d}" / "case.json")
    return out


def run() -> str:
    if not SAMPLES.is_dir():
        return "sample cases not generated (run `python -m sample_images.generate`): skipped\n"
    from annotator.library import LibraryIndex

    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        cases = make_library(tmp_path / "lib")
        index_file = tmp_path / "index.sqlite3"
        t0 = time.perf_counter()
        with LibraryIndex.open(index_file) as lib:
            report = lib.index([cases])
        index_s = time.perf_counter() - t0
        assert report.added == N_CASES, report
        rows.append((f"index {N_CASES} new cases", index_s * 1e3, "", f"<= {INDEX_TARGET_S:.0f} s",
                     "yes" if index_s <= INDEX_TARGET_S else "NO"))
        with LibraryIndex.open(index_file) as lib:
            refresh = median_ms(lib.refresh, repeats=5)
            rows.append((f"refresh, {N_CASES} unchanged", refresh, "", "", ""))
            plain = sqlite3.connect(str(index_file))
            for query, (sql, params) in QUERIES.items():
                q = "" if query.startswith("(every") else query
                if query.startswith("(every"):
                    q = "sort:age"
                ours = [str(h.path) for h in lib.search(q)]
                base = [r[0] for r in plain.execute(sql, params)]
                assert ours == base, (query, len(ours), len(base))
                t_ours = median_ms(lambda q=q: lib.search(q), repeats=21)
                t_base = median_ms(lambda sql=sql, params=params: plain.execute(sql, params).fetchall(), repeats=21)
                rows.append((f"search `{query}` ({len(ours)} hits)", t_ours, t_base, f"<= {SEARCH_TARGET_MS:.0f} ms",
                             "yes" if t_ours <= SEARCH_TARGET_MS else "NO"))
            plain.close()
        rows += _deck_rows(tmp_path)
    head = (f"Library of {N_CASES} generated cases; times in ms (median of repeats; the index once, "
            "fresh index file)\n\n")
    return head + table(["operation", "ours (ms)", "plain sqlite3 (ms)", "target", "meets"], rows)


def _deck_rows(tmp_path: Path) -> list[tuple[object, ...]]:
    from annotator.export.case_export import export_cases
    from annotator.export.lecture import LectureOptions
    from annotator.io.casefile import load_case

    sample = SAMPLES / "right_L5_on_target"
    case = load_case(sample / "case.json")
    items = [(case, sample)] * 10
    n_films = 10 * sum(len(r.films) for r in case.roots)
    out = tmp_path / "deck"
    quiz = median_ms(lambda: export_cases(items, pptx=out / "q.pptx", lecture=LectureOptions(quiz=True)),
                     repeats=2, warmup=0)
    both = median_ms(lambda: export_cases(items, pptx=out / "l.pptx", pdf=out / "l.pdf",
                                          lecture=LectureOptions()), repeats=2, warmup=0)
    return [
        (f"lecture deck, 10 cases ({n_films} films), quiz PPTX", quiz, "", f"<= {DECK_TARGET_S:.0f} s",
         "yes" if quiz / 1e3 <= DECK_TARGET_S else "NO"),
        (f"lecture deck, 10 cases ({n_films} films), PPTX + PDF", both, "", "", ""),
    ]
