"""``fluoro-annotator-cli render PATH --out FILE.png``: the display image, as the viewer shows it.

Writes the 8-bit display buffer of one frame (``render.display_frame``: the
same LUT as the viewer -- modality LUT, window, MONOCHROME1 and user
inversion, gamma) at the stored resolution, as a PNG without any text chunk:
nothing about the patient goes into the file.
"""

from __future__ import annotations

import argparse
import math
import re
from pathlib import Path
from typing import Any

from annotator.errors import AnnotatorError, ExportError, file_label
from annotator.io.image import ImageInfo


def parse_window(text: str) -> tuple[float, float]:
    """``"CENTER/WIDTH"`` in modality units, e.g. ``"2048/4096"`` or ``"-200/800"``."""
    parts = text.split("/")
    try:
        if len(parts) != 2:
            raise ValueError
        center, width = float(parts[0]), float(parts[1])
    except ValueError:
        raise argparse.ArgumentTypeError(f"window {text!r} is not CENTER/WIDTH, e.g. 2048/4096") from None
    if not (math.isfinite(center) and math.isfinite(width)) or width <= 0:
        raise argparse.ArgumentTypeError(f"window {text!r}: centre must be a number and width positive")
    return center, width


def register(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "render",
        help="write one frame as an 8-bit PNG exactly as the viewer displays it",
        description="Write the display image of one frame (native resolution, 8-bit PNG, no metadata).",
    )
    p.add_argument("path", help="a DICOM file or a PNG/JPEG/TIFF/BMP image")
    p.add_argument("--out", required=True, type=Path, help="the PNG file to write")
    p.add_argument("--frame", type=int, default=0, metavar="N",
                   help="frame index, counted from 0: --frame 0 is the viewer's frame 1 (default 0)")
    p.add_argument(
        "--window",
        type=parse_window,
        metavar="CENTER/WIDTH",
        help="window in modality units (default: the file's first window, else automatic); "
        "e.g. --window -200/800",
    )
    # "--window -40/400": a value starting with "-" and a digit is a negative number, not an option
    # (argparse only knows plain negative numbers; the render command has no option like -4)
    p._negative_number_matcher = re.compile(r"^-\.?\d")
    p.add_argument("--invert", action="store_true", help="invert grey levels (on top of MONOCHROME1)")
    p.add_argument("--gamma", type=float, default=1.0, help="display gamma, > 1 brightens (default 1)")
    p.set_defaults(run=run)


def check_frame(info: ImageInfo, frame: int) -> None:
    """Refuse a ``--frame`` the film does not have, in --frame numbers and in the viewer's (from 1)."""
    name, frames, complete = info.path.name, info.frames, info.frames_complete
    if not 0 <= frame < frames:
        shown = "its only frame is --frame 0" if frames == 1 else (
            f"its {frames} frames are --frame 0..{frames - 1} (frames 1..{frames} in the viewer)")
        raise AnnotatorError(f"{name}: there is no --frame {frame}: --frame counts from 0 and {shown}")
    if frame >= complete:
        raise AnnotatorError(
            f"{name}: --frame {frame} (frame {frame + 1} of {frames} in the viewer) is missing: the file is cut "
            f"short and only --frame 0..{complete - 1} (frames 1..{complete}) are complete"
        )


def write_png(buffer: Any, out: Path) -> None:
    """Save a uint8 H x W or H x W x 3 buffer as PNG with no text/metadata chunks."""
    from PIL import Image

    try:  # uint8 H x W -> mode L, H x W x 3 -> RGB
        Image.fromarray(buffer).save(out, format="PNG", optimize=False)
    except OSError as exc:
        raise ExportError(f"{file_label(out)}: cannot write the PNG ({exc.strerror or exc})") from None


def run(args: argparse.Namespace) -> int:
    from annotator.export.atomic import atomic_path, check_output_file
    from annotator.io import open_image
    from annotator.render.display import display_frame

    out: Path = args.out
    if out.suffix.lower() != ".png":
        raise ExportError(f"{file_label(out)}: the output must be a .png file")
    if not out.parent.is_dir():  # before the film is read: a bad --out is said first, and alone
        raise ExportError(f"{file_label(out)}: cannot write the PNG (its folder does not exist)")
    check_output_file(out)
    if not (math.isfinite(args.gamma) and args.gamma > 0):
        raise AnnotatorError(f"gamma {args.gamma:g}: must be a positive number")
    image = open_image(args.path)
    check_frame(image.info, args.frame)
    buffer = display_frame(image, args.frame, window=args.window, invert=args.invert, gamma=args.gamma)
    with atomic_path(out) as tmp:  # never a half-written PNG at --out
        write_png(buffer, tmp)
    return 0
