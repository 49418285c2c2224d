"""Shared fixtures. Test data is always copied to tmp_path before use."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "sample_images"


@pytest.fixture
def sample_copy(tmp_path: Path) -> Path:
    """A private copy of sample_images/cases (skip when not generated yet)."""
    src = SAMPLES / "cases"
    if not src.is_dir():
        pytest.skip("sample cases not generated")
    dst = tmp_path / "cases"
    shutil.copytree(src, dst)
    return dst


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--fuzz-profile", choices=("fast", "long"), default=None,
                     help="tests/fuzz: fast (default, in make test) or long (make fuzz, >= 10 000 inputs)")


def pytest_configure(config: pytest.Config) -> None:
    chosen = config.getoption("--fuzz-profile", default=None)
    if chosen:  # read by tests/fuzz/profile.py
        import os

        os.environ["FUZZ_PROFILE"] = chosen
