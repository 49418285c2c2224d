"""Version-1 case files get their films' image size from the file headers at load
(issue #9 follow-up), so the 1 -> 2 migration infers landmark sides from the
image centre line and the rules catch a wrong-side tip without a marked midline."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.uid import ExplicitVRLittleEndian, generate_uid

from annotator.cli import main
from annotator.io.casefile import load_case
from annotator.io.film_size import image_size
from annotator.model import MarkSide, Role

XA = "1.2.840.10008.5.1.4.1.1.12.1"
SIZE = (512, 400)  # columns, rows: the centre line of an AP film is x = 256


def write_dicom(path: Path, columns: int = SIZE[0], rows: int = SIZE[1]) -> Path:
    ds = Dataset()
    ds.file_meta = FileMetaDataset()
    ds.file_meta.TransferSyntaxUID = ExplicitVRLittleEndian
    ds.file_meta.MediaStorageSOPClassUID = XA
    ds.file_meta.MediaStorageSOPInstanceUID = uid = generate_uid()
    ds.SOPClassUID, ds.SOPInstanceUID, ds.Modality = XA, uid, "XA"
    ds.Rows, ds.Columns, ds.SamplesPerPixel = rows, columns, 1
    ds.PhotometricInterpretation = "MONOCHROME2"
    ds.BitsAllocated, ds.BitsStored, ds.HighBit, ds.PixelRepresentation = 8, 8, 7, 0
    ds.PixelData = np.zeros((rows, columns), dtype=np.uint8).tobytes()
    path.parent.mkdir(parents=True, exist_ok=True)
    ds.save_as(path, enforce_file_format=True)
    return path


def write_png(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.fromarray(np.zeros((SIZE[1], SIZE[0]), dtype=np.uint8)).save(path)
    return path


def v1_case(film_path: str, tip: tuple[float, float], directions: dict | None = None) -> dict:
    """A right L5 root's AP film as version 1 stored it: no size, no sides, no midline;
    one L5 pedicle lower margin on each side of the image (patient right = image left)."""
    film = {
        "path": film_path, "view": "AP", "id": "f1",
        "calibration": {"row_mm": 0.5, "col_mm": 0.5, "source": "PixelSpacing"},
        "annotations": [
            {"role": "pedicle_margin", "kind": "line", "points": [[372, 200], [412, 200]], "level": "L5", "id": "pl"},
            {"role": "tip", "kind": "point", "points": [list(tip)], "id": "t1"},
            {"role": "pedicle_margin", "kind": "line", "points": [[140, 200], [100, 200]], "level": "L5", "id": "pr"},
        ],
    }
    if directions is not None:
        film["directions"] = directions
    return {"schema_version": 1, "title": "old",
            "roots": [{"level": "L5", "side": "right", "id": "r1", "films": [film]}]}


def write_case(folder: Path, data: dict) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "case.json").write_text(json.dumps(data), encoding="utf-8")
    return folder


def sides(folder: Path) -> dict[str, MarkSide]:
    film = load_case(folder / "case.json").roots[0].films[0]
    return {a.id: a.side for a in film.annotations if a.role is Role.PEDICLE_MARGIN}


RIGHT_TIP = (120.0, 202.0)  # 1 mm below the right pedicle's margin
LEFT_TIP = (392.0, 202.0)  # the same place under the left pedicle: the wrong side


@pytest.mark.filterwarnings("ignore:End of file reached:UserWarning")  # pydicom on the damaged file
def test_image_size_reads_dicom_and_plain_headers(tmp_path):
    assert image_size(write_dicom(tmp_path / "a.dcm")) == SIZE
    assert image_size(write_png(tmp_path / "a.png")) == SIZE
    assert image_size(tmp_path / "missing.dcm") is None
    (tmp_path / "junk.dcm").write_bytes(b"\x00" * 128 + b"DICM" + b"\xff" * 40)
    assert image_size(tmp_path / "junk.dcm") is None
    (tmp_path / "note.txt").write_text("not an image", encoding="utf-8")
    assert image_size(tmp_path / "note.txt") is None


@pytest.mark.parametrize("writer, name", [(write_dicom, "films/ap.dcm"), (write_png, "films/ap.png")])
def test_version_1_file_infers_sides_from_the_image_centre_line(tmp_path, writer, name):
    folder = tmp_path / "case"
    writer(folder / name)
    write_case(folder, v1_case(name, RIGHT_TIP))
    assert sides(folder) == {"pl": MarkSide.LEFT, "pr": MarkSide.RIGHT}
    film = load_case(folder / "case.json").roots[0].films[0]
    assert (film.columns, film.rows) == SIZE


def test_flipped_version_1_film_gets_mirrored_sides(tmp_path):
    folder = tmp_path / "case"
    write_dicom(folder / "ap.dcm")
    write_case(folder, v1_case("ap.dcm", RIGHT_TIP, directions={"x": "R", "y": "F", "source": "PatientOrientation"}))
    assert sides(folder) == {"pl": MarkSide.RIGHT, "pr": MarkSide.LEFT}


def test_migrated_file_judges_the_right_tip_on_target(tmp_path, capsys):
    folder = tmp_path / "case"
    write_dicom(folder / "ap.dcm")
    write_case(folder, v1_case("ap.dcm", RIGHT_TIP))
    assert main(["check", str(folder)]) == 0
    assert "R-AP on_target, 1.0 mm" in capsys.readouterr().out


@pytest.mark.parametrize("flipped", [False, True])
def test_wrong_side_tip_on_a_migrated_file_is_never_on_target(tmp_path, capsys, flipped):
    folder = tmp_path / "case"
    write_dicom(folder / "ap.dcm")
    directions = {"x": "R", "y": "F", "source": "PatientOrientation"} if flipped else None
    tip = (SIZE[0] - LEFT_TIP[0], LEFT_TIP[1]) if flipped else LEFT_TIP
    write_case(folder, v1_case("ap.dcm", tip, directions))
    code = main(["check", str(folder)])
    out = capsys.readouterr().out
    r_ap = [line for line in out.splitlines() if "R-AP" in line]
    assert code == 1 and r_ap and "on_target" not in r_ap[0], out
    assert "R-AP off" in r_ap[0]


@pytest.mark.parametrize("content", [None, b"damaged", b"\x00" * 128 + b"DICM" + b"\x02\x00"])
def test_missing_or_damaged_film_file_still_loads_with_sides_unknown(tmp_path, capsys, content):
    folder = tmp_path / "case"
    if content is not None:
        folder.mkdir()
        (folder / "ap.dcm").write_bytes(content)
    write_case(folder, v1_case("ap.dcm", RIGHT_TIP))
    assert sides(folder) == {"pl": MarkSide.UNKNOWN, "pr": MarkSide.UNKNOWN}
    assert load_case(folder / "case.json").roots[0].films[0].columns is None
    assert main(["check", str(folder)]) == 1  # never guessed: the user must set the sides
    assert "R-AP ambiguous" in capsys.readouterr().out


def test_a_stated_size_is_kept_and_a_bad_one_still_refused(tmp_path, capsys):
    folder = tmp_path / "case"
    write_dicom(folder / "ap.dcm")
    data = v1_case("ap.dcm", RIGHT_TIP)
    data["roots"][0]["films"][0].update(columns=300, rows=300)
    write_case(folder, data)
    film = load_case(folder / "case.json").roots[0].films[0]
    assert (film.columns, film.rows) == (300, 300)
    data["roots"][0]["films"][0]["columns"] = "wide"
    write_case(folder, data)
    assert main(["check", str(folder)]) == 2
    assert "roots[0].films[0].columns" in capsys.readouterr().err
