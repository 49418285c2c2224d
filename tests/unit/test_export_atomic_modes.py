"""Exported files get normal permission bits (0o666 minus umask), not mkstemp's private 0600."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from annotator.export.atomic import atomic_path


@pytest.mark.parametrize(("umask", "expected"), [(0o022, 0o644), (0o027, 0o640), (0o002, 0o664)])
def test_atomic_path_result_has_umask_mode(tmp_path: Path, umask: int, expected: int) -> None:
    old = os.umask(umask)
    try:
        dest = tmp_path / "out" / "deck.pdf"
        with atomic_path(dest) as tmp:
            tmp.write_bytes(b"%PDF-1.4\n")
    finally:
        os.umask(old)
    assert dest.read_bytes() == b"%PDF-1.4\n"
    assert stat.S_IMODE(dest.stat().st_mode) == expected


def test_exported_png_is_readable_by_others(tmp_path: Path) -> None:
    from PIL import Image

    from annotator.export.burn_in import save_image

    old = os.umask(0o022)
    try:
        dest = tmp_path / "fig.png"
        save_image(Image.new("RGB", (4, 4)), dest)
    finally:
        os.umask(old)
    assert stat.S_IMODE(dest.stat().st_mode) == 0o644
