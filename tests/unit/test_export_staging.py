"""Staging.commit is all or nothing: a failure part-way puts the earlier export back."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from annotator.errors import ExportError
from annotator.export.atomic import Staging


def test_a_failure_half_way_through_the_moves_restores_the_earlier_export(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    a, b, c = tmp_path / "a.png", tmp_path / "b.png", tmp_path / "c.png"
    a.write_bytes(b"old a")
    b.write_bytes(b"old b")  # c did not exist before
    st = Staging()
    for dest, data in ((a, b"new a"), (c, b"new c"), (b, b"new b")):
        st.path(dest).write_bytes(data)
    real = os.replace

    def failing(src, dst):
        if Path(dst) == b and str(src).endswith(".part.png"):  # the third file cannot be moved in
            raise OSError(28, "No space left on device")
        return real(src, dst)

    monkeypatch.setattr(os, "replace", failing)
    with pytest.raises(ExportError, match="b.png"):
        st.commit()
    assert a.read_bytes() == b"old a" and b.read_bytes() == b"old b" and not c.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.png", "b.png"]  # no temporary or set-aside file


def test_a_commit_replaces_and_leaves_nothing_else(tmp_path: Path) -> None:
    a = tmp_path / "a.png"
    a.write_bytes(b"old")
    st = Staging()
    st.path(a).write_bytes(b"new")
    st.path(tmp_path / "sub" / "b.png").write_bytes(b"b")
    assert st.commit() == [a, tmp_path / "sub" / "b.png"]
    assert a.read_bytes() == b"new"
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["a.png", "b.png", "sub"]
