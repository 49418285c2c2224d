"""Run every ``bench_*.py`` module of this package and print its markdown table.

Usage: ``python -m benchmarks [NAME ...]`` -- with names, only modules whose
name contains one of them. A module is a benchmark when it is called
``bench_<something>.py`` and defines ``run() -> str``.
"""

from __future__ import annotations

import importlib
import pkgutil
import platform
import sys
import time
from pathlib import Path

import numpy as np


def discover(selected: list[str] | None = None) -> list[str]:
    """Module names ``benchmarks.bench_*`` found next to this file, sorted."""
    here = Path(__file__).resolve().parent
    names = sorted(m.name for m in pkgutil.iter_modules([str(here)]) if m.name.startswith("bench_"))
    if selected:
        names = [n for n in names if any(s in n for s in selected)]
    return [f"{__package__ or 'benchmarks'}.{n}" for n in names]


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    modules = discover(argv)
    if not modules:
        print(f"no benchmark module matches {argv}", file=sys.stderr)
        return 2
    print(f"# Benchmarks\n\nPython {platform.python_version()}, numpy {np.__version__}, "
          f"{platform.machine()}, {_cpus()} CPU(s)\n")
    failed = 0
    for name in modules:
        module = importlib.import_module(name)
        bench = getattr(module, "run", None)
        if not callable(bench):
            continue
        title = (module.__doc__ or name).strip().splitlines()[0]
        print(f"## {name.rsplit('.', 1)[-1]}: {title}\n")
        t0 = time.perf_counter()
        try:
            print(bench())
        except Exception as exc:  # one broken benchmark must not hide the others
            failed += 1
            print(f"FAILED: {type(exc).__name__}: {exc}")
        print(f"\n({time.perf_counter() - t0:.1f} s)\n", flush=True)
    return 1 if failed else 0


def _cpus() -> int:
    import os

    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


if __name__ == "__main__":
    sys.exit(main())
