"""Entry point of the GUI (``fluoro-annotator``); imports Qt only here, lazily."""

from __future__ import annotations

import sys
from collections.abc import Sequence


def main(argv: Sequence[str] | None = None) -> int:
    try:
        from annotator.ui.app import main as gui_main
    except ImportError as exc:
        print(
            f"error: the desktop application needs PyQt6 ({exc}); "
            "install it with 'pip install PyQt6' or use fluoro-annotator-cli",
            file=sys.stderr,
        )
        return 2
    return int(gui_main(list(sys.argv[1:] if argv is None else argv)) or 0)
