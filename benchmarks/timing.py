"""Timing helpers shared by the benchmarks: medians of repeats, markdown tables."""

from __future__ import annotations

import gc
import random
import statistics
import time
from collections.abc import Callable, Sequence


def median_ms(fn: Callable[[], object], repeats: int = 15, warmup: int = 1) -> float:
    """Median wall time of ``fn()`` in milliseconds over ``repeats`` runs (after ``warmup``)."""
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(repeats):
        gc.collect()
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1e3)
    return statistics.median(times)


def interleaved_ms(fns: Sequence[Callable[[], object]], repeats: int = 15, warmup: int = 1) -> list[float]:
    """Medians (ms) of several functions timed in alternation, so load changes hit all alike.

    The order is shuffled every round (fixed seed): what ran just before (e.g. a
    baseline that frees large temporaries) must not favour one method.
    """
    for fn in fns:
        for _ in range(warmup):
            fn()
    times: list[list[float]] = [[] for _ in fns]
    order = list(range(len(fns)))
    rng = random.Random(0)
    for _ in range(repeats):
        rng.shuffle(order)
        for k in order:
            gc.collect()
            t0 = time.perf_counter()
            fns[k]()
            times[k].append((time.perf_counter() - t0) * 1e3)
    return [statistics.median(ts) for ts in times]


def table(header: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """A markdown table; floats are shown with two decimals."""

    def cell(v: object) -> str:
        return f"{v:.2f}" if isinstance(v, float) else str(v)

    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in rows]
    return "\n".join(lines)


def seeded_main(argv: Sequence[str], description: str, one_line: str, evaluate: Callable[[int, int], list[dict]],
                run: Callable[[int, int], str], seed: int, films: int) -> int:
    """Command line of a benchmark on generated films: ``--seed N --films N`` (other seeds than the
    evaluation seed are for development) and ``--dump`` (one line per ``one_line``: the records of
    ``evaluate``) or the tables of ``run``."""
    import argparse

    p = argparse.ArgumentParser(description=description)
    p.add_argument("--seed", type=int, default=seed)
    p.add_argument("--films", type=int, default=films)
    p.add_argument("--dump", action="store_true", help=f"print one line per {one_line} (development)")
    a = p.parse_args(list(argv))
    if a.dump:
        for r in evaluate(a.seed, a.films):
            print({k: (round(v, 2) if isinstance(v, float) else v) for k, v in r.items()})
        return 0
    print(run(a.seed, a.films))
    return 0
