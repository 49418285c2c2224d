"""Speed benchmarks, each beside the baseline it must beat, measured in the same run.

``python -m benchmarks`` runs every ``benchmarks/bench_*.py`` module that has a
``run() -> str`` function (a markdown table) and prints the tables;
``python -m benchmarks window`` runs only the modules whose name contains "window".
Shared helpers live in ``benchmarks/timing.py``.
"""
