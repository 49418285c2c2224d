"""``info`` and ``render`` subcommands, in-process and once as a real process.

The synthetic films carry planted patient identity that must never come out.
``render`` is checked pixel by pixel against the PS3.3 formulas written out
here on pydicom's own stored values (not against the render module).
"""

from __future__ import annotations

import json
import struct
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from annotator.cli import main

ROOT = Path(__file__).resolve().parents[2]
IDENTITY = ("Zhang^Sanfeng", "PID-998877", "19510203", "ACC-445566", "Wudang Hospital", "Dr^Who")


def write_dicom(path: Path, pixels: np.ndarray, photometric: str = "MONOCHROME1", slope: float = 2.0,
                intercept: float = -100.0, window: tuple[float, float] | None = (300.0, 500.0)) -> Path:
    from pydicom.dataset import Dataset, FileMetaDataset
    from pydicom.uid import ExplicitVRLittleEndian, generate_uid

    meta = FileMetaDataset()
    meta.MediaStorageSOPClassUID = "1.2.840.10008.5.1.4.1.1.12.1"  # X-Ray Angiographic
    meta.MediaStorageSOPInstanceUID = generate_uid()
    meta.TransferSyntaxUID = ExplicitVRLittleEndian
    ds = Dataset()
    ds.file_meta = meta
    ds.SOPClassUID = meta.MediaStorageSOPClassUID
    ds.SOPInstanceUID = meta.MediaStorageSOPInstanceUID
    ds.StudyInstanceUID, ds.SeriesInstanceUID = generate_uid(), generate_uid()
    ds.PatientName, ds.PatientID, ds.PatientBirthDate = IDENTITY[0], IDENTITY[1], IDENTITY[2]
    ds.AccessionNumber, ds.InstitutionName, ds.ReferringPhysicianName = IDENTITY[3], IDENTITY[4], IDENTITY[5]
    ds.Modality = "XA"
    ds.AcquisitionDate, ds.AcquisitionTime = "20240305", "101112"
    ds.InstanceNumber = 7
    ds.ViewPosition = "LL"
    ds.PatientOrientation = ["P", "F"]
    ds.ImagerPixelSpacing = [0.25, 0.25]
    frames = pixels if pixels.ndim == (4 if photometric == "RGB" else 3) else pixels[None]
    ds.Rows, ds.Columns = frames.shape[1], frames.shape[2]
    if len(frames) > 1:
        ds.NumberOfFrames = len(frames)
        ds.FrameTime = 66.7
    if photometric == "RGB":
        ds.SamplesPerPixel, ds.PlanarConfiguration = 3, 0
        ds.BitsAllocated = ds.BitsStored = 8
        ds.HighBit, ds.PixelRepresentation = 7, 0
    else:
        ds.SamplesPerPixel = 1
        ds.BitsAllocated, ds.BitsStored, ds.HighBit = 16, 12, 11
        ds.PixelRepresentation = 1 if pixels.dtype.kind == "i" else 0
        ds.RescaleSlope, ds.RescaleIntercept = slope, intercept
        if window is not None:
            ds.WindowCenter, ds.WindowWidth = window
            ds.WindowCenterWidthExplanation = "SOFT"
    ds.PhotometricInterpretation = photometric
    ds.PixelData = np.ascontiguousarray(frames).tobytes()
    ds.save_as(path, enforce_file_format=True)
    return path


def reference_display(path: Path, frame: int, c: float, w: float, invert: bool) -> np.ndarray:
    """PS3.3 C.11.1 rescale, C.11.2.1.2.1 LINEAR window, then MONOCHROME1 XOR user inversion."""
    import pydicom

    ds = pydicom.dcmread(path)
    stored = ds.pixel_array
    if int(ds.get("NumberOfFrames", 1)) > 1:
        stored = stored[frame]
    x = stored.astype(np.float64) * float(ds.RescaleSlope) + float(ds.RescaleIntercept)
    y = np.where(x <= c - 0.5 - (w - 1) / 2, 0.0,
                 np.where(x > c - 0.5 + (w - 1) / 2, 255.0, ((x - (c - 0.5)) / (w - 1) + 0.5) * 255.0))
    if (ds.PhotometricInterpretation == "MONOCHROME1") != invert:
        y = 255.0 - y
    return np.floor(y + 0.5).astype(np.uint8)


@pytest.fixture
def film(tmp_path: Path) -> Path:
    rng = np.random.default_rng(3)
    pixels = rng.integers(-2048, 2048, (2, 48, 64)).astype(np.int16)  # 12-bit signed, two frames
    return write_dicom(tmp_path / "film.dcm", pixels)


def run_cli(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def assert_no_identity(*texts: str | bytes) -> None:
    for text in texts:
        blob = text.decode("latin-1") if isinstance(text, bytes) else text
        for secret in IDENTITY:
            for part in secret.split("^"):
                assert part not in blob, f"identity {part!r} leaked"


def test_identity_is_really_planted(film):
    with pytest.raises(AssertionError, match="leaked"):
        assert_no_identity(film.read_bytes())


def test_info_text_lists_every_fact(film, capsys):
    code, out, err = run_cli(capsys, "info", str(film))
    assert code == 0 and err == ""
    for expected in ("64 x 48", "frames:", "2\n", "12 stored / 16 allocated", "MONOCHROME1",
                     "Explicit VR Little Endian (1.2.840.10008.1.2.1)", "X-Ray Angiographic Image Storage",
                     "300/500", "SOFT", "mm/px", "lateral", "ViewPosition", "+x = P, +y = F",
                     "2024-03-05 10:11:12", "instance:", "7", "66.7 ms"):
        assert expected in out, expected
    assert_no_identity(out, err)


def test_info_json(film, capsys):
    code, out, err = run_cli(capsys, "info", str(film), "--json")
    assert code == 0 and err == ""
    d = json.loads(out)
    assert (d["columns"], d["rows"], d["frames"]) == (64, 48, 2)
    assert (d["bits_stored"], d["bits_allocated"], d["photometric"]) == (12, 16, "MONOCHROME1")
    assert d["transfer_syntax_uid"] == "1.2.840.10008.1.2.1"
    assert d["sop_class"] == "X-Ray Angiographic Image Storage"
    assert d["windows"][0]["center"] == 300 and d["windows"][0]["width"] == 500
    assert d["calibration"]["row_mm"] == pytest.approx(0.25) and d["calibration"]["unit"].startswith("mm")
    assert d["view"]["view"] == "lateral" and d["view"]["evidence"]
    assert (d["directions"]["x"], d["directions"]["y"]) == ("P", "F")
    assert d["acquisition_time"] == "2024-03-05T10:11:12"
    assert d["instance_number"] == 7 and d["frame_time_ms"] == pytest.approx(66.7)
    assert_no_identity(out, err)


@pytest.mark.parametrize("extra,frame,window,invert", [
    ((), 0, (300.0, 500.0), False),
    (("--frame", "1", "--invert"), 1, (300.0, 500.0), True),
    (("--window=-250/1201",), 0, (-250.0, 1201.0), False),
])
def test_render_is_the_standard_display(film, tmp_path, capsys, extra, frame, window, invert):
    out_png = tmp_path / "out.png"
    code, out, err = run_cli(capsys, "render", str(film), "--out", str(out_png), *extra)
    assert code == 0 and out == "" and err == ""
    got = np.asarray(Image.open(out_png))
    assert got.dtype == np.uint8 and got.shape == (48, 64)
    want = reference_display(film, frame, *window, invert=invert)
    assert 0 < (want == 0).sum() < want.size and (want == 255).sum() > 0  # both clip ends exercised
    np.testing.assert_array_equal(got, want)


def png_chunks(data: bytes) -> list[str]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, kinds = 8, []
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kinds.append(data[pos + 4 : pos + 8].decode("ascii"))
        pos += 12 + length
    return kinds


def test_render_png_has_no_metadata(film, tmp_path, capsys):
    out_png = tmp_path / "clean.png"
    assert run_cli(capsys, "render", str(film), "--out", str(out_png))[0] == 0
    data = out_png.read_bytes()
    assert set(png_chunks(data)) <= {"IHDR", "IDAT", "IEND"}
    assert_no_identity(data)


def test_render_colour_passes_through(tmp_path, capsys):
    rgb = np.random.default_rng(5).integers(0, 256, (20, 30, 3)).astype(np.uint8)
    path = write_dicom(tmp_path / "colour.dcm", rgb, photometric="RGB")
    out_png = tmp_path / "colour.png"
    assert run_cli(capsys, "render", str(path), "--out", str(out_png))[0] == 0
    np.testing.assert_array_equal(np.asarray(Image.open(out_png)), rgb)
    code, out, _ = run_cli(capsys, "info", str(path))
    assert code == 0 and "colour" in out


@pytest.mark.parametrize("args,needle", [
    (("info", "{missing}"), "missing.dcm"),
    (("info", "{text}"), "notes.dcm"),
    (("render", "{text}", "--out", "{png}"), "notes.dcm"),
    (("render", "{film}", "--out", "{png}", "--frame", "5"), "frame 5"),
    (("render", "{film}", "--out", "{tmp}/x.jpg"), "x.jpg"),
    (("render", "{film}", "--out", "{tmp}/no/such/dir/x.png"), "x.png"),
])
def test_bad_input_is_one_line_and_exit_2(film, tmp_path, capsys, args, needle):
    text = tmp_path / "notes.dcm"
    text.write_text("this is not an image\n" * 20)
    values = {"missing": tmp_path / "missing.dcm", "text": text, "png": tmp_path / "o.png", "film": film,
              "tmp": tmp_path}
    code, out, err = run_cli(capsys, *(a.format(**{k: str(v) for k, v in values.items()}) for a in args))
    assert code == 2 and out == ""
    assert len(err.strip().splitlines()) == 1 and needle in err, err
    assert "Traceback" not in err
    assert_no_identity(err)


@pytest.mark.parametrize("window", ["40", "a/b", "40/0", "40/400/3"])
def test_bad_window_is_a_usage_error(film, tmp_path, capsys, window):
    with pytest.raises(SystemExit) as exc:
        main(["render", str(film), "--out", str(tmp_path / "o.png"), f"--window={window}"])
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert "CENTER/WIDTH" in err or "width positive" in err


def _cli_command() -> list[str]:
    script = Path(sys.executable).parent / "fluoro-annotator-cli"
    return [str(script)] if script.exists() else [sys.executable, "-m", "annotator.cli"]


def test_real_process(film, tmp_path):
    out_png = tmp_path / "proc.png"
    r = subprocess.run([*_cli_command(), "render", str(film), "--out", str(out_png), "--frame", "1"],
                       capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert r.returncode == 0, r.stderr
    np.testing.assert_array_equal(np.asarray(Image.open(out_png)), reference_display(film, 1, 300, 500, False))
    r = subprocess.run([*_cli_command(), "info", str(film), "--json"], capture_output=True, text=True,
                       cwd=ROOT, timeout=120)
    assert r.returncode == 0 and json.loads(r.stdout)["frames"] == 2
    assert_no_identity(r.stdout, r.stderr)
    r = subprocess.run([*_cli_command(), "info", str(tmp_path / "nothing.dcm")], capture_output=True,
                       text=True, cwd=ROOT, timeout=120)
    assert r.returncode == 2 and len(r.stderr.strip().splitlines()) == 1 and "nothing.dcm" in r.stderr


def _cut_short_cine(tmp_path: Path) -> Path:
    """A 6-frame run whose file ends half-way through its third frame: two frames are complete."""
    pixels = np.random.default_rng(9).integers(0, 4096, (6, 16, 20)).astype(np.uint16)
    path = write_dicom(tmp_path / "run.dcm", pixels, photometric="MONOCHROME2", slope=1.0, intercept=0.0)
    data = path.read_bytes()
    frame_bytes = 16 * 20 * 2
    path.write_bytes(data[: len(data) - 3 * frame_bytes - frame_bytes // 2])
    return path


def test_info_says_a_cine_is_cut_short(tmp_path, capsys):
    path = _cut_short_cine(tmp_path)
    code, out, _ = run_cli(capsys, "info", str(path))
    assert code == 0 and "frames:          6 (2 complete: the file is cut short)\n" in out
    code, out, _ = run_cli(capsys, "info", str(path), "--json")
    d = json.loads(out)
    assert (d["frames"], d["complete_frames"]) == (6, 2)
    whole = write_dicom(tmp_path / "whole.dcm", np.zeros((3, 4, 4), np.uint16), photometric="MONOCHROME2")
    _, out, _ = run_cli(capsys, "info", str(whole))
    assert "frames:          3\n" in out


@pytest.mark.parametrize("frame, message", [
    ("2", "cut.dcm: --frame 2 (frame 3 of 6 in the viewer) is missing: the file is cut short and only "
          "--frame 0..1 (frames 1..2) are complete"),
    ("6", "cut.dcm: there is no --frame 6: --frame counts from 0 and its 6 frames are --frame 0..5 "
          "(frames 1..6 in the viewer)"),
])
def test_render_frame_messages_say_both_numberings(tmp_path, capsys, frame, message):
    path = _cut_short_cine(tmp_path).rename(tmp_path / "cut.dcm")
    code, out, err = run_cli(capsys, "render", str(path), "--out", str(tmp_path / "o.png"), "--frame", frame)
    assert code == 2 and err == f"error: {message}\n"
    code, _, _ = run_cli(capsys, "render", str(path), "--out", str(tmp_path / "o.png"), "--frame", "1")
    assert code == 0


def test_render_of_a_cine_without_window_uses_frame_0s_automatic_window(tmp_path, capsys):
    """As the viewer does when it steps to frame N: one automatic window for the run (frame 0's)."""
    from annotator.io import open_image
    from annotator.render.display import FrameRenderer

    rng = np.random.default_rng(4)
    pixels = np.stack([rng.integers(500, 1500, (24, 32)), rng.integers(2000, 4000, (24, 32))]).astype(np.uint16)
    path = write_dicom(tmp_path / "nowin.dcm", pixels, photometric="MONOCHROME2", slope=1.0, intercept=0.0,
                       window=None)
    image = open_image(path)
    viewer = FrameRenderer(image)  # the viewport opens on frame 0 and steps
    viewer.buffer()
    viewer.frame = 1
    out_png = tmp_path / "f1.png"
    assert run_cli(capsys, "render", str(path), "--out", str(out_png), "--frame", "1")[0] == 0
    got = np.asarray(Image.open(out_png))
    np.testing.assert_array_equal(got, viewer.buffer())
    w = image.auto_window(0)
    np.testing.assert_array_equal(got, reference_display(path, 1, w.center, w.width, False))
    assert (got == 255).mean() > 0.99  # frame 1 is brighter than frame 0's window: mostly white


def test_presentation_lut_shape_inverse_inverts_once(tmp_path, capsys):
    import pydicom

    pixels = np.random.default_rng(2).integers(-2048, 2048, (48, 64)).astype(np.int16)
    plain = write_dicom(tmp_path / "m2.dcm", pixels, photometric="MONOCHROME2")
    ds = pydicom.dcmread(plain)
    ds.PresentationLUTShape = "INVERSE"
    ds.save_as(tmp_path / "inverse.dcm")
    ds.PhotometricInterpretation = "MONOCHROME1"  # DX: MONOCHROME1 carries INVERSE too -- still once
    ds.save_as(tmp_path / "m1_inverse.dcm")
    want = reference_display(plain, 0, 300, 500, invert=True)
    for name in ("inverse.dcm", "m1_inverse.dcm"):
        out_png = tmp_path / f"{name}.png"
        assert run_cli(capsys, "render", str(tmp_path / name), "--out", str(out_png))[0] == 0
        np.testing.assert_array_equal(np.asarray(Image.open(out_png)), want)
    code, out, _ = run_cli(capsys, "info", str(tmp_path / "inverse.dcm"))
    assert "MONOCHROME2 (PresentationLUTShape INVERSE: shown inverted)" in out


def test_monochrome1_voi_table_of_12_bit_entries_declared_16(tmp_path, capsys):
    """Stored 0 is white and 4095 black, as the 12-bit table means -- not greys 239..255."""
    import pydicom
    from pydicom.dataset import Dataset

    stored = np.array([[0, 1365, 2730, 4095]], np.uint16)
    path = write_dicom(tmp_path / "m1.dcm", stored, photometric="MONOCHROME1", slope=1.0, intercept=0.0,
                       window=None)
    ds = pydicom.dcmread(path)
    item = Dataset()
    item.LUTDescriptor = [4096, 0, 16]
    item.add_new("LUTData", "US", list(range(4096)))
    ds.VOILUTSequence = [item]
    ds.save_as(path)
    out_png = tmp_path / "m1.png"
    assert run_cli(capsys, "render", str(path), "--out", str(out_png))[0] == 0
    assert np.asarray(Image.open(out_png)).tolist() == [[255, 170, 85, 0]]
