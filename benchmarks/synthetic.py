"""Synthetic test objects for the benchmarks: a fluoroscopy-like film, in memory or as DICOM."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import numpy as np

from annotator.geometry import Calibration, Directions
from annotator.io.image import FluoroImage, ImageInfo, ViewInfo, WindowPreset


def film_pixels(rows: int, cols: int, bits: int = 16, seed: int = 0) -> np.ndarray:
    """A smooth body-like gradient with bony blobs and quantum noise, ``uint16`` in 0..2**bits-1."""
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:rows, 0:cols].astype(np.float32)
    y /= rows
    x /= cols
    body = 0.35 + 0.4 * np.exp(-(((x - 0.5) / 0.3) ** 2))
    for _ in range(6):  # vertebra-like bright ovals
        cy, cx = rng.uniform(0.1, 0.9), rng.uniform(0.4, 0.6)
        body += 0.15 * np.exp(-(((x - cx) / 0.08) ** 2 + ((y - cy) / 0.05) ** 2))
    body += rng.normal(0, 0.02, body.shape).astype(np.float32)
    top = 2**bits - 1
    return np.clip(body / body.max() * top, 0, top).astype(np.uint16)


class ArrayImage(FluoroImage):
    """A one-frame monochrome image held in memory; modality LUT = slope * x + intercept."""

    def __init__(self, pixels: np.ndarray, slope: float = 1.0, intercept: float = 0.0) -> None:
        self.pixels = pixels
        self.slope, self.intercept = slope, intercept
        self.info = ImageInfo(
            path=Path("synthetic.dcm"), format="DICOM", rows=pixels.shape[0], columns=pixels.shape[1],
            frames=1, bits_stored=16, bits_allocated=16, photometric="MONOCHROME2", samples_per_pixel=1,
            transfer_syntax=None, transfer_syntax_uid=None, sop_class=None, modality="RF",
            calibration=Calibration.none(), view=ViewInfo("unknown", "synthetic"),
            directions=Directions("L", "F"), acquisition_time=None, instance_number=None,
            frame_time_ms=None, windows=(WindowPreset(32768 * slope + intercept, 40000 * slope),),
        )

    def stored_frame(self, index: int = 0) -> np.ndarray:
        return self.pixels

    def modality_lut(self, lo: int, hi: int) -> np.ndarray:
        return np.arange(lo, hi + 1, dtype=np.float64) * self.slope + self.intercept

    def auto_window(self, index: int = 0) -> WindowPreset:
        return self.info.windows[0]


def write_film(path: Path, rows: int = 1024, cols: int = 1024, bits: int = 16) -> Path:
    """A native (uncompressed) 16-bit RF film with a window, as a DICOM Part 10 file."""
    from pydicom.dataset import Dataset, FileMetaDataset
    from pydicom.uid import ExplicitVRLittleEndian, generate_uid

    pixels = film_pixels(rows, cols, bits)
    meta = FileMetaDataset()
    meta.MediaStorageSOPClassUID = "1.2.840.10008.5.1.4.1.1.12.2"  # X-Ray Radiofluoroscopic Image
    meta.MediaStorageSOPInstanceUID = generate_uid()
    meta.TransferSyntaxUID = ExplicitVRLittleEndian
    ds = Dataset()
    ds.file_meta = meta
    ds.SOPClassUID = meta.MediaStorageSOPClassUID
    ds.SOPInstanceUID = meta.MediaStorageSOPInstanceUID
    ds.StudyInstanceUID = generate_uid()
    ds.SeriesInstanceUID = generate_uid()
    ds.Modality = "RF"
    now = datetime(2024, 1, 1, 12, 0, 0)
    ds.AcquisitionDate = now.strftime("%Y%m%d")
    ds.AcquisitionTime = now.strftime("%H%M%S")
    ds.Rows, ds.Columns = rows, cols
    ds.SamplesPerPixel = 1
    ds.PhotometricInterpretation = "MONOCHROME2"
    ds.BitsAllocated = 16
    ds.BitsStored = bits
    ds.HighBit = bits - 1
    ds.PixelRepresentation = 0
    ds.WindowCenter = 2 ** (bits - 1)
    ds.WindowWidth = 2**bits
    ds.ImagerPixelSpacing = [0.3, 0.3]
    ds.PixelData = pixels.tobytes()
    ds.save_as(path, enforce_file_format=True)
    return path
