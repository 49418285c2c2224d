"""12-bit JPEG Extended (process 2 & 4) through imagecodecs.

pydicom's permissive plugins (Pillow, GDCM as shipped on PyPI) decode only 8-bit
JPEG Extended; its 12-bit plugin, pylibjpeg-libjpeg, is GPL (ADR 0001).
imagecodecs (BSD-3-Clause; its bundled libjpeg-turbo 3 is BSD-style) decodes
12-bit lossy JPEG, with output identical to dcmtk's ``dcmdjpeg`` on pydicom's
``JPEG-lossy.dcm``. This module hands it one frame's fragments.
"""

from __future__ import annotations

import importlib.util
from functools import cache
from typing import Any

import numpy as np

PACKAGE = "imagecodecs"


@cache
def available() -> bool:
    """imagecodecs is installed and has its libjpeg-turbo codec."""
    if importlib.util.find_spec(PACKAGE) is None:
        return False
    try:
        import imagecodecs

        return bool(imagecodecs.JPEG8.available)
    except Exception:
        return False


def decode_frame(ds: Any, index: int, frames: int, extended_offsets: Any = None) -> np.ndarray:
    """Frame ``index`` of encapsulated 12-bit JPEG Extended pixel data, as stored values."""
    import imagecodecs
    from pydicom.encaps import get_frame

    data = get_frame(ds.PixelData, index, number_of_frames=frames, extended_offsets=extended_offsets)
    return np.asarray(imagecodecs.jpeg8_decode(data))
