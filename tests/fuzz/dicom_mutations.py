"""A seeded mutation fuzzer over real DICOM files: truncation, byte flips, hostile header
values and damaged encapsulated fragments. ``mutate(data, rng)`` -> (new bytes, what was done)."""

from __future__ import annotations

import glob
import io
import os
import random
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
MAX_SEED_BYTES = 1_200_000  # larger files make each run slow without finding more


def seed_files() -> list[Path]:
    """The sample films and pydicom's (and pydicom-data's) test files that are DICOM, sorted."""
    import pydicom.data

    found = set(glob.glob(str(ROOT / "sample_images" / "cases" / "*" / "*.dcm")))
    base = Path(pydicom.data.__file__).parent / "test_files"
    found |= set(glob.glob(str(base / "**" / "*"), recursive=True))
    try:
        import data_store  # pydicom-data's package (no download: only files installed with it)

        found |= set(glob.glob(str(Path(data_store.__file__).parent / "data" / "*")))
    except ImportError:
        pass
    seeds = []
    for name in sorted(found):
        p = Path(name)
        if not p.is_file() or not 132 < p.stat().st_size <= MAX_SEED_BYTES or "dicomdirtests" in p.parts:
            continue  # (dicomdirtests: 60 header-only files of a DICOMDIR tree, one kind of input)
        with p.open("rb") as fh:
            head = fh.read(132)
        if head[128:132] == b"DICM":
            seeds.append(p)
    return seeds


HOSTILE: dict[str, list[object]] = {
    "Rows": [0, 1, 65535], "Columns": [0, 1, 65535],
    "BitsAllocated": [0, 1, 7, 12, 33, 64], "BitsStored": [0, 1, 17, 64], "HighBit": [0, 31, 99],
    "SamplesPerPixel": [0, 2, 3, 4], "PixelRepresentation": [1, 2], "PlanarConfiguration": [1, 7],
    "PhotometricInterpretation": ["", "YBR_FULL_422", "PALETTE COLOR", "HSV", "MONOCHROME1", "RGB"],
    "NumberOfFrames": ["0", "-1", "999999", "2", "abc"],
    "PixelSpacing": ["0\\0", "-1\\1", "1e400\\1", "nan\\nan", "1"],
    "ImagerPixelSpacing": ["0\\0", "inf\\1", "1e-300\\1e-300"],
    "WindowCenter": ["1e400", "nan", "0", "-1e308"], "WindowWidth": ["0", "-5", "1e308", "nan"],
    "RescaleSlope": ["0", "inf", "1e308", "-1e-308"], "RescaleIntercept": ["1e308", "nan"],
    "ViewPosition": ["\n", "X" * 64, "LL\\AP"], "PatientOrientation": ["\x00\\F", "P\\F\\X", ""],
    "PatientName": ["A\nB", "x" * 300], "ImageType": ["", "\\\\\\"],
    "BurnedInAnnotation": ["YES", "\x1b[31m"], "FrameIncrementPointer": [b"\xff\xff\xff\xff"],
}
SYNTAXES = ["1.2.840.10008.1.2", "1.2.840.10008.1.2.1", "1.2.840.10008.1.2.2", "1.2.840.10008.1.2.4.50",
            "1.2.840.10008.1.2.4.51", "1.2.840.10008.1.2.4.70", "1.2.840.10008.1.2.4.90", "1.2.840.10008.1.2.5",
            "1.2.840.10008.1.2.4.80", "1.2.3.4.5"]


def _truncate(data: bytes, rng: random.Random) -> tuple[bytes, str]:
    at = rng.randrange(0, len(data))
    return data[:at], f"truncated at {at}"


def _flip(data: bytes, rng: random.Random) -> tuple[bytes, str]:
    b = bytearray(data)
    n = rng.randint(1, 16)
    start = 132 if rng.random() < 0.7 else 0
    for _ in range(n):
        pos = rng.randrange(start, len(b)) if rng.random() < 0.5 else rng.randrange(start, min(len(b), 2048))
        b[pos] ^= rng.randrange(1, 256)
    return bytes(b), f"{n} bytes flipped"


def _dataset(data: bytes):  # type: ignore[no-untyped-def]
    import pydicom

    return pydicom.dcmread(io.BytesIO(data), force=True)


def _save(ds) -> bytes:  # type: ignore[no-untyped-def]
    out = io.BytesIO()
    ds.save_as(out, enforce_file_format=False)
    return out.getvalue()


def _hostile_header(data: bytes, rng: random.Random) -> tuple[bytes, str]:
    ds = _dataset(data)
    done = []
    for _ in range(rng.randint(1, 3)):
        if rng.random() < 0.15:
            ds.file_meta.TransferSyntaxUID = value = rng.choice(SYNTAXES)
            done.append(f"TransferSyntaxUID={value}")
            continue
        keyword = rng.choice(sorted(HOSTILE))
        value = rng.choice(HOSTILE[keyword])
        try:
            setattr(ds, keyword, value)
            done.append(f"{keyword}={value!r}")
        except Exception:  # a value pydicom refuses to set is not one a file can carry
            continue
    if "PixelData" in ds and rng.random() < 0.2:
        raw = ds.PixelData
        ds.PixelData = raw[: rng.randrange(0, len(raw) + 1)]
        done.append("PixelData cut")
    return _save(ds), "header: " + ", ".join(done)


def _fragments(data: bytes, rng: random.Random) -> tuple[bytes, str]:
    from pydicom.encaps import encapsulate, generate_fragments

    ds = _dataset(data)
    if "PixelData" not in ds or not ds.file_meta.TransferSyntaxUID.is_compressed:
        return _flip(data, rng)
    frags = list(generate_fragments(ds.PixelData))
    how = rng.choice(["drop", "cut", "duplicate", "garbage", "swap", "empty", "odd-length"])
    if how == "drop" and frags:
        frags.pop(rng.randrange(len(frags)))
    elif how == "cut" and frags:
        i = rng.randrange(len(frags))
        frags[i] = frags[i][: rng.randrange(0, len(frags[i]) + 1)]
    elif how == "duplicate" and frags:
        frags.insert(rng.randrange(len(frags) + 1), rng.choice(frags))
    elif how == "garbage":
        frags.insert(rng.randrange(len(frags) + 1), rng.randbytes(rng.choice([2, 16, 1000])))
    elif how == "swap" and len(frags) > 1:
        i, j = rng.sample(range(len(frags)), 2)
        frags[i], frags[j] = frags[j], frags[i]
    elif how == "empty":
        frags = []
    elif how == "odd-length" and frags:
        frags[-1] = frags[-1] + b"\x00"
    frags = [f + b"\x00" if len(f) % 2 else f for f in frags]  # items are even-length
    if frags:
        ds.PixelData = encapsulate(frags, fragments_per_frame=1, has_bot=rng.random() < 0.5)
    else:
        ds.PixelData = b"\xfe\xff\x00\xe0\x00\x00\x00\x00\xfe\xff\xdd\xe0\x00\x00\x00\x00"
    return _save(ds), f"fragments: {how}"


MUTATIONS: list[Callable[[bytes, random.Random], tuple[bytes, str]]] = [
    _truncate, _flip, _flip, _hostile_header, _hostile_header, _fragments,
]


def mutate(data: bytes, rng: random.Random) -> tuple[bytes, str]:
    mutation = rng.choice(MUTATIONS)
    try:
        return mutation(data, rng)
    except Exception:  # pydicom could not read or write this seed: damage the bytes instead
        return _flip(data, rng)


def env_info() -> str:
    return f"FUZZ_SEED={os.environ.get('FUZZ_SEED', '0')}"
