"""The benchmark runner finds every ``benchmarks/bench_*.py`` with a ``run()`` (not run here: slow)."""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_discovers_bench_modules(monkeypatch, tmp_path, capsys):
    monkeypatch.syspath_prepend(str(ROOT))
    runner = importlib.import_module("benchmarks.__main__")
    names = runner.discover()
    assert "benchmarks.bench_open" in names and "benchmarks.bench_window" in names
    assert all(n.split(".")[-1].startswith("bench_") for n in names)
    for name in names:
        assert callable(importlib.import_module(name).run)
    assert runner.discover(["window"]) == ["benchmarks.bench_window"]
    assert runner.main(["no-such-benchmark"]) == 2
    assert "no benchmark" in capsys.readouterr().err
    assert "benchmarks" in sys.modules
