"""``fluoro-annotator-cli info PATH [--json]``: what the tool knows about an image.

Prints only ``ImageInfo`` (io's "safe to print" summary): size, frames, bit
depth, photometric interpretation, transfer syntax, SOP class, VOI windows,
calibration and its source, view and its evidence, patient directions,
acquisition time, instance number and frame time. Never patient identity: no
name, ID, birth date or accession number is ever read here. Opening decodes no
pixel data.
"""

from __future__ import annotations

import argparse
import json
from typing import Any

from annotator.io.image import ImageInfo, WindowPreset


def register(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "info",
        help="print the size, depth, windows, calibration, view and directions of an image",
        description="Print what the tool reads from an image file (never patient identity).",
    )
    p.add_argument("path", help="a DICOM file or a PNG/JPEG/TIFF/BMP image")
    p.add_argument("--json", action="store_true", help="print one JSON object instead of text")
    p.set_defaults(run=run)


def window_dict(w: WindowPreset) -> dict[str, Any]:
    """A VOI window (or VOI LUT table) as plain JSON data; centre/width in modality units."""
    d: dict[str, Any] = {
        "center": w.center,
        "width": w.width,
        "explanation": w.explanation,
        "source": w.source,
        "function": w.function,
    }
    if w.lut is not None:
        d["lut"] = {"entries": int(w.lut.size), "first": w.lut_first, "bits": w.lut_bits}
    return d


def info_dict(info: ImageInfo) -> dict[str, Any]:
    """``ImageInfo`` as plain JSON data (file named by its name only)."""
    cal = info.calibration
    return {
        "file": info.path.name,
        "format": info.format,
        "columns": info.columns,
        "rows": info.rows,
        "frames": info.frames,
        "complete_frames": info.frames_complete,
        "bits_stored": info.bits_stored,
        "bits_allocated": info.bits_allocated,
        "samples_per_pixel": info.samples_per_pixel,
        "photometric": info.photometric,
        "presentation_inverse": info.presentation_inverse,
        "transfer_syntax": info.transfer_syntax,
        "transfer_syntax_uid": info.transfer_syntax_uid,
        "sop_class": info.sop_class,
        "modality": info.modality,
        "windows": [window_dict(w) for w in info.windows],
        "calibration": {
            "row_mm": cal.row_mm,
            "col_mm": cal.col_mm,
            "unit": cal.unit_label,
            "source": str(cal.source),
        },
        "view": {"view": info.view.view, "evidence": info.view.evidence},
        "directions": {"x": info.directions.x, "y": info.directions.y, "source": info.directions.source},
        "acquisition_time": info.acquisition_aware.isoformat() if info.acquisition_aware else None,
        "instance_number": info.instance_number,
        "frame_time_ms": info.frame_time_ms,
    }


def _num(v: float | None) -> str:
    return "-" if v is None else f"{v:g}"


def _frames_text(info: ImageInfo) -> str:
    if not info.cut_short:
        return str(info.frames)
    return f"{info.frames} ({info.frames_complete} complete: the file is cut short)"


def _window_text(w: WindowPreset) -> str:
    if w.lut is not None:
        what = f"VOI LUT table ({w.lut.size} entries from {w.lut_first}, {w.lut_bits} bits)"
    else:
        fn = "" if w.function.upper() == "LINEAR" else f", {w.function}"
        what = f"{_num(w.center)}/{_num(w.width)} (centre/width{fn})"
    expl = f' "{w.explanation}"' if w.explanation else ""
    return f"{what}{expl} [{w.source}]"


def info_text(info: ImageInfo) -> str:
    """Human-readable lines, one fact each."""
    cal = info.calibration
    if cal.is_mm:
        calib = f"{_num(cal.row_mm)} x {_num(cal.col_mm)} mm/px (row x column), unit {cal.unit_label!r}"
    else:
        calib = f"none (lengths in {cal.unit_label})"
    ts = "-" if info.transfer_syntax_uid is None and info.transfer_syntax is None else (
        f"{info.transfer_syntax or 'unknown'} ({info.transfer_syntax_uid or '-'})"
    )
    d = info.directions
    rows = [
        ("file", info.path.name),
        ("format", info.format),
        ("size", f"{info.columns} x {info.rows} px (columns x rows)"),
        ("frames", _frames_text(info)),
        ("bits", f"{info.bits_stored} stored / {info.bits_allocated} allocated"),
        ("samples/pixel", str(info.samples_per_pixel)),
        ("photometric", info.photometric + (
            " (PresentationLUTShape INVERSE: shown inverted)" if info.presentation_inverse else "")),
        ("transfer syntax", ts),
        ("SOP class", info.sop_class or "-"),
        ("modality", info.modality or "-"),
        ("calibration", f"{calib}; source: {cal.source}" if cal.is_mm else calib),
        ("view", f"{info.view.view}; evidence: {info.view.evidence}"),
        ("directions", f"+x = {d.x}, +y = {d.y}; source: {d.source}"),
        ("acquisition", info.acquisition_aware.isoformat(sep=" ") if info.acquisition_aware else "-"),
        ("instance", "-" if info.instance_number is None else str(info.instance_number)),
        ("frame time", "-" if info.frame_time_ms is None else f"{_num(info.frame_time_ms)} ms"),
    ]
    if info.windows:
        rows.extend(("window" if i == 0 else "", _window_text(w)) for i, w in enumerate(info.windows))
    elif info.samples_per_pixel == 3 or info.photometric == "PALETTE COLOR":
        rows.append(("window", "none (colour: shown as stored)"))
    else:
        rows.append(("window", "none in the file (the viewer uses an automatic window)"))
    width = max(len(k) for k, _ in rows) + 1
    return "\n".join(f"{(k + ':') if k else '':<{width}} {v}" for k, v in rows)


def run(args: argparse.Namespace) -> int:
    from annotator.io import open_image

    image = open_image(args.path)
    if args.json:
        print(json.dumps(info_dict(image.info), ensure_ascii=False, indent=2))
    else:
        print(info_text(image.info))
    return 0
