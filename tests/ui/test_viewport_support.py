"""Shared builders for the viewport/tool/workspace tests (no tests here).

``MemoryImage`` is a tiny in-memory ``FluoroImage`` (identity modality LUT)
so tests need no files; ``make_case`` builds a document with an AP and a
lateral film of one right L5 root.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from annotator.geometry import Calibration, CalibrationSource, Directions
from annotator.io.image import FluoroImage, ImageInfo, ViewInfo, WindowPreset
from annotator.model import Annotation, Case, Film, Role, Root, ShapeKind, Side, View
from annotator.model.document import CaseDocument


class MemoryImage(FluoroImage):
    """Frames from a numpy array (F x H x W, uint16), stored values = modality values."""

    def __init__(self, frames: np.ndarray, frame_time_ms: float | None = None, spacing_mm: float | None = None,
                 windows: tuple[WindowPreset, ...] = ()) -> None:
        frames = np.asarray(frames)
        if frames.ndim == 2:
            frames = frames[None]
        self._frames = frames.astype(np.uint16)
        n, h, w = self._frames.shape
        cal = Calibration() if spacing_mm is None else Calibration(spacing_mm, spacing_mm,
                                                                   CalibrationSource.DETECTOR)
        self.info = ImageInfo(
            path=Path("memory.dcm"), format="DICOM", rows=h, columns=w, frames=n, bits_stored=12,
            bits_allocated=16, photometric="MONOCHROME2", samples_per_pixel=1, transfer_syntax=None,
            transfer_syntax_uid=None, sop_class=None, modality="XA", calibration=cal,
            view=ViewInfo("unknown", ""), directions=Directions("L", "F"), acquisition_time=None,
            instance_number=None, frame_time_ms=frame_time_ms if n > 1 else None, windows=windows)

    def stored_frame(self, index: int = 0) -> np.ndarray:
        return self._frames[index]

    def modality_lut(self, lo: int, hi: int) -> np.ndarray:
        return np.arange(lo, hi + 1, dtype=np.float64)

    def auto_window(self, index: int = 0) -> WindowPreset:
        f = self._frames[index].astype(np.float64)
        lo, hi = np.percentile(f, [1, 99])
        return WindowPreset((lo + hi) / 2, max(hi - lo, 1.0), "automatic", "auto")


def ramp(size: int = 256, frames: int = 1) -> np.ndarray:
    """A smooth grey ramp (0..~1000), F x H x W; frame k adds a bright blob from frame 2 on."""
    yy, xx = np.mgrid[0:size, 0:size]
    base = (xx + yy) * (1000.0 / (2 * size))
    out = np.repeat(base[None], frames, axis=0)
    for k in range(1, frames):
        out[k][(xx - 60) ** 2 + (yy - 60) ** 2 < 100] += 600  # "vascular uptake" after the mask frame
    return out.astype(np.uint16)


def make_case(tmp_path: Path, tip: tuple[float, float] | None = None):
    """(document, root, ap_film, lateral_film): right L5; AP has a pedicle margin
    (100,100)-(140,100) (target T = (120, 100), tolerances from its length in px: on 16, near 32);
    lateral has a foramen square (100..160) without a tip."""
    pedicle = Annotation(Role.PEDICLE_MARGIN, ShapeKind.LINE, ((140.0, 100.0), (100.0, 100.0)), level="L5")
    anns = [pedicle]
    if tip is not None:
        anns.append(Annotation(Role.TIP, ShapeKind.POINT, (tip,)))
    ap = Film(path="ap.dcm", view=View.AP, annotations=anns)
    lat = Film(path="lat.dcm", view=View.LATERAL)
    root = Root(level="L5", side=Side.RIGHT, films=[ap, lat])
    doc = CaseDocument(Case(title="synthetic", roots=[root]), tmp_path)
    return doc, root, ap, lat
