"""``quiet_c_stderr``: C decoders' messages on fd 2 are dropped, Python's stderr and logging still show.

Checked in a child process (fd 2 is the process's), decoding a JPEG 2000
film whose pixel data is garbage: OpenJPEG prints its complaint to fd 2.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
from pydicom.encaps import encapsulate
from pydicom.uid import JPEG2000Lossless

from annotator.io.quiet_fd import quiet_c_stderr
from tests.unit.test_io_synthetic import make_dataset, make_dicom

ROOT = Path(__file__).resolve().parents[2]

CHILD = r"""
import contextlib, logging, sys
from annotator.io import open_image
from annotator.io.quiet_fd import quiet_c_stderr
from annotator.cli import quiet_libraries
logging.basicConfig(level=logging.WARNING, format="%(levelname)s: %(message)s")
quiet_libraries()  # as the CLI does: third-party *Python* logging is filtered already
with (quiet_c_stderr() if sys.argv[2] == "quiet" else contextlib.nullcontext()):
    try:
        open_image(sys.argv[1]).stored_frame(0)
    except Exception as exc:
        print(f"error: {exc}", file=sys.stderr)
    logging.getLogger("annotator.test").warning("logged")
print("after", file=sys.stderr)
"""


def _garbage_j2k(tmp_path: Path) -> Path:
    ds = make_dataset(rows=32, cols=32)
    ds.file_meta.TransferSyntaxUID = JPEG2000Lossless
    ds.PixelData = encapsulate([np.random.default_rng(3).bytes(400)])
    ds["PixelData"].VR = "OB"
    ds["PixelData"].is_undefined_length = True
    return make_dicom(tmp_path / "garbage_j2k.dcm", dataset=ds)


def _stderr(path: Path, mode: str) -> list[str]:
    r = subprocess.run([sys.executable, "-c", CHILD, str(path), mode], capture_output=True, text=True,
                       cwd=ROOT, timeout=120)
    assert r.returncode == 0, r.stderr
    return r.stderr.splitlines()


def test_c_decoder_noise_is_dropped_python_output_kept(tmp_path):
    path = _garbage_j2k(tmp_path)
    loud = _stderr(path, "loud")
    assert len(loud) > 3, f"control: no C library printed to fd 2, the test would prove nothing: {loud}"
    quiet = _stderr(path, "quiet")
    assert len(quiet) == 3, quiet
    assert quiet[0].startswith("error: garbage_j2k.dcm: the pixel data of frame 1 of 1 is damaged")
    assert quiet[1:] == ["WARNING: logged", "after"]
    assert [line for line in loud if line.startswith(("error:", "WARNING:", "after"))] == quiet


def test_restores_fd2_and_sys_stderr(capfd):
    before = sys.stderr
    with quiet_c_stderr():
        import os

        os.write(2, b"c noise\n")
        print("python text", file=sys.stderr)
    os.write(2, b"back\n")
    assert sys.stderr is before
    err = capfd.readouterr().err
    assert "c noise" not in err and "back" in err


def test_nested_and_exception_safe(capfd):
    import os

    before = sys.stderr
    try:
        with quiet_c_stderr():
            with quiet_c_stderr():
                os.write(2, b"inner noise\n")
            os.write(2, b"outer noise\n")
            raise KeyError("x")
    except KeyError:
        pass
    os.write(2, b"restored\n")
    assert sys.stderr is before
    err = capfd.readouterr().err
    assert "noise" not in err and "restored" in err


def test_the_cli_prints_one_line_for_a_film_the_c_decoder_complains_about(tmp_path):
    path = _garbage_j2k(tmp_path)
    r = subprocess.run([sys.executable, "-m", "annotator.cli", "render", str(path), "--out", str(tmp_path / "x.png")],
                       capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert r.returncode == 2
    assert r.stderr.splitlines() == [r.stderr.strip()] and r.stderr.startswith("error: garbage_j2k.dcm: ")
