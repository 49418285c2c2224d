"""Timing helpers shared by the benchmarks: medians of repeats, markdown tables."""

from __future__ import annotations

import gc
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
    """Medians (ms) of several functions timed in alternation, so load changes hit all alike."""
    for fn in fns:
        for _ in range(warmup):
            fn()
    times: list[list[float]] = [[] for _ in fns]
    for _ in range(repeats):
        for fn, ts in zip(fns, times):
            gc.collect()
            t0 = time.perf_counter()
            fn()
            ts.append((time.perf_counter() - t0) * 1e3)
    return [statistics.median(ts) for ts in times]


def table(header: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """A markdown table; floats are shown with two decimals."""

    def cell(v: object) -> str:
        return f"{v:.2f}" if isinstance(v, float) else str(v)

    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in rows]
    return "\n".join(lines)
