"""Open a file and produce the first display buffer, beside bare pydicom.

Ours: ``open_image(path)`` then ``FrameRenderer(image).buffer()`` -- header,
decode of frame 0 only, default window, 8-bit display LUT and indexing.
Baseline: ``pydicom.dcmread(path).pixel_array`` -- the whole file decoded, no
display step at all. Targets: single-frame films <= 1.2x the baseline; the
first frame of the 120-frame cine <= 1/10 of the whole-file decode.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from annotator.io import open_image
from annotator.render.display import FrameRenderer
from benchmarks.synthetic import write_film
from benchmarks.timing import interleaved_ms, table


def first_buffer(path: Path):
    return FrameRenderer(open_image(path)).buffer()


def bare_pydicom(path: Path):
    import pydicom

    return pydicom.dcmread(path).pixel_array


def pydicom_display(path: Path):
    """A viewer built on bare pydicom: whole decode, modality LUT, VOI, scaled to 8 bits."""
    import numpy as np
    import pydicom
    from pydicom.pixels import apply_modality_lut, apply_voi_lut

    ds = pydicom.dcmread(path)
    arr = ds.pixel_array
    if int(ds.get("NumberOfFrames", 1) or 1) > 1:
        arr = arr[0]
    if ds.SamplesPerPixel != 1:
        return arr
    y = apply_voi_lut(apply_modality_lut(arr, ds), ds)
    y = y * (255.0 / (2**ds.BitsStored - 1))
    if ds.PhotometricInterpretation == "MONOCHROME1":
        y = 255.0 - y
    return np.clip(y, 0, 255).astype(np.uint8)


def bare_first_frame(path: Path):
    from pydicom.pixels import pixel_array

    return pixel_array(path, index=0)


def run() -> str:
    from pydicom.data import get_testdata_file

    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        cases = [
            ("synthetic 1024 x 1024 RF film, 16 bits stored (native)", write_film(Path(tmp) / "f16.dcm"), False, 21),
            ("synthetic 1024 x 1024 RF film, 12 bits stored (native)",
             write_film(Path(tmp) / "f12.dcm", bits=12), False, 21),
            ("RG1_J2KI.dcm 1841 x 1955 JPEG 2000, MONOCHROME1", Path(get_testdata_file("RG1_J2KI.dcm")), False, 9),
            ("color3d_jpeg_baseline.dcm 640 x 480 x 120 frames JPEG", Path(get_testdata_file(
                "color3d_jpeg_baseline.dcm")), True, 5),
        ]
        for label, path, cine, repeats in cases:
            fns = [lambda p=path: first_buffer(p), lambda p=path: bare_pydicom(p),
                   lambda p=path: pydicom_display(p)]
            if cine:
                fns.append(lambda p=path: bare_first_frame(p))
            times = interleaved_ms(fns, repeats=repeats, warmup=1)
            ours, bare = times[0], times[1]
            ratio = ours / bare
            if cine:
                target, ok = "<= 0.10x", ratio <= 0.10
                extra = f"{times[3]:.1f}"
            else:
                target, ok = "<= 1.20x", ratio <= 1.20
                extra = "-"
            rows.append((label, ours, bare, f"{ratio:.2f}x", target, "meets" if ok else "misses", times[2],
                         extra))
    header = ("file", "ours: open -> first display buffer (ms)", "baseline: dcmread + pixel_array (ms)",
              "ratio", "target", "", "pydicom viewer: + modality, VOI, 8-bit (ms)", "pydicom pixel_array(index=0) (ms)")
    note = (
        "\n\nMedians of repeats, the methods timed in alternation (warm file cache). The baseline decodes "
        "but does not display; the 'pydicom viewer' column adds what a display needs (whole file decoded, "
        "apply_modality_lut, apply_voi_lut, scaling to 8 bits, MONOCHROME1 inversion)."
    )
    return table(header, rows) + note
