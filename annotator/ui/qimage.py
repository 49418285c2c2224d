"""The one place numpy arrays become ``QImage`` (pyqtgraph's lesson: convert in one spot).

``array_to_qimage`` wraps a C-contiguous ``uint8`` array without copying
(Grayscale8 for H x W, RGB888 for H x W x 3, RGBA8888 for H x W x 4). Qt
does not own the memory, so the returned image keeps a reference to the
array in its ``_array`` attribute: keep the ``QImage`` alive and the pixels
stay valid. Other dtypes or strides are copied into a contiguous ``uint8``
array first.
"""

from __future__ import annotations

import numpy as np
from PyQt6.QtGui import QImage

_FORMATS = {
    2: QImage.Format.Format_Grayscale8,
    3: QImage.Format.Format_RGB888,
    4: QImage.Format.Format_RGBA8888,
}


def array_to_qimage(array: np.ndarray) -> QImage:
    """A ``QImage`` sharing the memory of ``array`` (rows top to bottom, columns left to right).

    ``array``: H x W (grey), H x W x 3 (RGB) or H x W x 4 (RGBA), ``uint8``
    preferred; anything else is clipped to 0..255 and copied.
    """
    arr = np.asarray(array)
    if arr.ndim == 3 and arr.shape[2] == 1:
        arr = arr[:, :, 0]
    if arr.ndim == 2:
        channels = 1
    elif arr.ndim == 3 and arr.shape[2] in (3, 4):
        channels = arr.shape[2]
    else:
        raise ValueError(f"cannot show an array of shape {arr.shape} as an image")
    if arr.dtype != np.uint8:
        arr = np.clip(arr, 0, 255).astype(np.uint8)
    if not arr.flags.c_contiguous:
        arr = np.ascontiguousarray(arr)
    h, w = arr.shape[:2]
    fmt = _FORMATS[arr.ndim if channels == 1 else channels]
    image = QImage(arr.data, w, h, arr.strides[0], fmt)
    image._array = arr  # Qt does not own the buffer: keep the array alive with the image
    return image
