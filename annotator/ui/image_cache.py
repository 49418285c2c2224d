"""Opened films, kept so switching roots does not re-read files.

``ImageCache.get(path)`` returns the ``FluoroImage`` for an absolute path
(re-opened when the file's modification time changes) or raises the
``ImageLoadError`` that ``open_image`` raised. At most ``capacity`` images
are kept (least recently used dropped first); pixel data is decoded lazily
by the image itself.
"""

from __future__ import annotations

from collections import OrderedDict
from pathlib import Path
from typing import Any


class ImageCache:
    def __init__(self, capacity: int = 24) -> None:
        self.capacity = capacity
        self._items: OrderedDict[Path, tuple[float, Any]] = OrderedDict()

    def get(self, path: str | Path) -> Any:
        from annotator.io import open_image

        p = Path(path).resolve()
        try:
            mtime = p.stat().st_mtime
        except OSError:
            mtime = -1.0
        hit = self._items.get(p)
        if hit is not None and hit[0] == mtime:
            self._items.move_to_end(p)
            return hit[1]
        image = open_image(p)
        self._items[p] = (mtime, image)
        self._items.move_to_end(p)
        while len(self._items) > self.capacity:
            self._items.popitem(last=False)
        return image

    def clear(self) -> None:
        self._items.clear()

    def __len__(self) -> int:
        return len(self._items)
