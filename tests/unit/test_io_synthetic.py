"""Synthetic XA/RF-like DICOM films with chosen tags: header interpretation.

``make_dicom`` is the helper the other ``test_io_*`` files import. Every
expectation here is worked out by hand from the tags written.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import numpy as np
import pytest
from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.pixels import apply_modality_lut
from pydicom.sequence import Sequence
from pydicom.uid import ExplicitVRLittleEndian, generate_uid

from annotator.geometry import CalibrationSource
from annotator.io import open_image
from annotator.io.view_detect import AP_MAX_DEG, LATERAL_MIN_DEG, view_from_angle

XA_IMAGE = "1.2.840.10008.5.1.4.1.1.12.1"
SECRET_NAME = "Qianlong^Secretname"
SECRET_ID = "PID-770431-XQ"
SECRET_BIRTH = "19440312"
SECRETS = (SECRET_NAME, "Secretname", "Qianlong", SECRET_ID, SECRET_BIRTH)


def make_dataset(
    rows: int = 16,
    cols: int = 20,
    frames: int = 1,
    pixels: np.ndarray | None = None,
    bits_stored: int = 12,
    photometric: str = "MONOCHROME2",
    signed: bool = False,
    **tags,
) -> Dataset:
    """An X-ray angiographic image with planted patient identity and ``tags`` on top."""
    ds = Dataset()
    ds.file_meta = FileMetaDataset()
    ds.file_meta.TransferSyntaxUID = ExplicitVRLittleEndian
    ds.file_meta.MediaStorageSOPClassUID = XA_IMAGE
    ds.file_meta.MediaStorageSOPInstanceUID = uid = generate_uid()
    ds.SpecificCharacterSet = "ISO_IR 192"  # UTF-8, for Chinese view words
    ds.SOPClassUID = XA_IMAGE
    ds.SOPInstanceUID = uid
    ds.Modality = "XA"
    ds.PatientName = SECRET_NAME
    ds.PatientID = SECRET_ID
    ds.PatientBirthDate = SECRET_BIRTH
    ds.Rows, ds.Columns = rows, cols
    ds.SamplesPerPixel = 1
    ds.PhotometricInterpretation = photometric
    ds.BitsAllocated = 16
    ds.BitsStored = bits_stored
    ds.HighBit = bits_stored - 1
    ds.PixelRepresentation = 1 if signed else 0
    if frames > 1:
        ds.NumberOfFrames = frames
    if pixels is None:
        pixels = (np.arange(frames * rows * cols) % (1 << min(bits_stored, 10))).reshape(frames, rows, cols)
    ds.PixelData = np.asarray(pixels, dtype=np.int16 if signed else np.uint16).tobytes()
    for key, value in tags.items():
        setattr(ds, key, value)
    return ds


def make_dicom(path: Path, **kwargs) -> Path:
    """Write ``make_dataset(**kwargs)`` to ``path`` as a DICOM file."""
    ds = kwargs.pop("dataset", None) or make_dataset(**kwargs)
    ds.save_as(path, enforce_file_format=True)
    return path


def _open(tmp_path: Path, **kwargs):
    return open_image(make_dicom(tmp_path / "film.dcm", **kwargs))


# --- view detection -------------------------------------------------------


@pytest.mark.parametrize(
    "tags, view, evidence",
    [
        ({"ViewPosition": "AP"}, "AP", "ViewPosition = 'AP'"),
        ({"ViewPosition": "PA"}, "AP", "ViewPosition = 'PA'"),
        ({"ViewPosition": "LL"}, "lateral", "ViewPosition = 'LL'"),
        ({"ViewPosition": "RL"}, "lateral", "ViewPosition = 'RL'"),
        ({"ViewPosition": "LAT"}, "lateral", "ViewPosition = 'LAT'"),
        ({"ViewPosition": "LAO"}, "oblique", "ViewPosition = 'LAO'"),
        ({"ViewPosition": "RPO"}, "oblique", "ViewPosition = 'RPO'"),
        ({"ViewPosition": "RLO"}, "oblique", "ViewPosition = 'RLO'"),  # the standard's obliques
        ({"ViewPosition": "LLO"}, "oblique", "ViewPosition = 'LLO'"),
        ({"ViewPosition": "RAO"}, "oblique", "ViewPosition = 'RAO'"),
        ({"ViewPosition": "LPO"}, "oblique", "ViewPosition = 'LPO'"),
        # a value that is no view decides nothing: the next evidence does, else it is named
        ({"ViewPosition": "RLD", "PositionerPrimaryAngle": 2}, "AP", "PositionerPrimaryAngle = 2°"),
        ({"ViewPosition": "RLD"}, "unknown", "ViewPosition = 'RLD' is not a known view: set the view"),
        # ViewPosition beats the angle
        ({"ViewPosition": "LL", "PositionerPrimaryAngle": 0}, "lateral", "ViewPosition = 'LL'"),
        ({"PositionerPrimaryAngle": 3}, "AP", "PositionerPrimaryAngle = 3°"),
        ({"PositionerPrimaryAngle": -15}, "AP", "PositionerPrimaryAngle = -15°"),
        ({"PositionerPrimaryAngle": 30}, "oblique", "PositionerPrimaryAngle = 30°"),
        ({"PositionerPrimaryAngle": -45}, "oblique", "PositionerPrimaryAngle = -45°"),
        ({"PositionerPrimaryAngle": 90}, "lateral", "PositionerPrimaryAngle = 90°"),
        ({"PositionerPrimaryAngle": -88}, "lateral", "PositionerPrimaryAngle = -88°"),
        ({"PositionerPrimaryAngle": 75}, "lateral", "PositionerPrimaryAngle = 75°"),
        ({"PositionerPrimaryAngle": 178}, "AP", "PositionerPrimaryAngle = 178°"),
        # the angle beats the words
        ({"PositionerPrimaryAngle": 90, "SeriesDescription": "L4 AP"}, "lateral", "PositionerPrimaryAngle = 90°"),
        ({"SeriesDescription": "L5 侧位 contrast"}, "lateral", "SeriesDescription contains '侧位'"),
        ({"SeriesDescription": "腰椎正位"}, "AP", "SeriesDescription contains '正位'"),
        ({"ImageComments": "右斜位"}, "oblique", "ImageComments contains '斜位'"),
        ({"SeriesDescription": "腰椎前后位"}, "AP", "SeriesDescription contains '前后位'"),
        # a text naming two views decides nothing; a later tag may
        ({"SeriesDescription": "L-spine AP/LAT"}, "unknown",
         "SeriesDescription names several views ('AP', 'LAT'): set the view"),
        ({"SeriesDescription": "AP+LAT"}, "unknown", "SeriesDescription names several views ('AP', 'LAT'): set the view"),
        ({"SeriesDescription": "腰椎正侧位"}, "unknown", "SeriesDescription names several views ('正', '侧'): set the view"),
        ({"SeriesDescription": "腰椎正侧位", "ImageComments": "侧位"}, "lateral",
         "ImageComments contains '侧位'; SeriesDescription names several views ('正', '侧')"),
        ({"SeriesDescription": "AP/OBL"}, "unknown", "SeriesDescription names several views ('AP', 'OBL'): set the view"),
        # an oblique word next to the view it qualifies is one oblique view
        ({"SeriesDescription": "L5 LAT OBL"}, "oblique", "SeriesDescription contains 'OBL'"),
        ({"SeriesDescription": "lumbar AP oblique"}, "oblique", "SeriesDescription contains 'oblique'"),
        ({"ImageComments": "右前斜"}, "oblique", "ImageComments contains '右前斜'"),
        ({"ImageComments": "左前斜 30°"}, "oblique", "ImageComments contains '左前斜'"),
        ({"SeriesDescription": "左后斜位"}, "oblique", "SeriesDescription contains '左后斜'"),
        ({"SeriesDescription": "腰椎右后斜"}, "oblique", "SeriesDescription contains '右后斜'"),
        ({"SeriesDescription": "Lumbar Lateral"}, "lateral", "SeriesDescription contains 'Lateral'"),
        ({"SeriesDescription": "LSPINE LAT"}, "lateral", "SeriesDescription contains 'LAT'"),
        ({"ProtocolName": "L-spine AP"}, "AP", "ProtocolName contains 'AP'"),
        ({"AcquisitionDeviceProcessingDescription": "Oblique L5"}, "oblique",
         "AcquisitionDeviceProcessingDescription contains 'Oblique'"),
        # words inside other words do not count ("CAP", "PLATE", "APEX")
        ({"SeriesDescription": "CAP PLATE APEX"}, "unknown", "no view in the file: set the view"),
        ({}, "unknown", "no view in the file: set the view"),
    ],
)
def test_view_detection(tmp_path, tags, view, evidence):
    info = _open(tmp_path, **tags).info
    assert info.view.view == view
    assert info.view.evidence == evidence


def test_image_laterality_is_evidence_not_view(tmp_path):
    info = _open(tmp_path, ImageLaterality="L").info
    assert info.view.view == "unknown"
    assert "ImageLaterality = 'L'" in info.view.evidence
    info = _open(tmp_path, ViewPosition="AP", ImageLaterality="R").info
    assert info.view.view == "AP"
    assert info.view.evidence == "ViewPosition = 'AP'; ImageLaterality = 'R'"


def test_angle_thresholds_are_module_constants():
    assert view_from_angle(AP_MAX_DEG) == "AP"
    assert view_from_angle(AP_MAX_DEG + 0.5) == "oblique"
    assert view_from_angle(LATERAL_MIN_DEG - 0.5) == "oblique"
    assert view_from_angle(LATERAL_MIN_DEG) == "lateral"
    assert view_from_angle(-270) == "lateral"  # folded into [-180, 180]


# --- directions -------------------------------------------------------------


def test_patient_orientation_gives_directions(tmp_path):
    d = _open(tmp_path, PatientOrientation=["R", "F"], ViewPosition="AP").info.directions
    assert (d.x, d.y, d.source) == ("R", "F", "PatientOrientation")
    assert d.vector("H") == (0.0, -1.0)


def test_directions_default_by_view(tmp_path):
    d = _open(tmp_path, ViewPosition="LL").info.directions
    assert (d.x, d.y) == ("P", "F")  # lateral: anterior on image left
    assert d.source.startswith("default")
    d = _open(tmp_path, ViewPosition="AP").info.directions
    assert (d.x, d.y) == ("L", "F")


def test_bad_patient_orientation_falls_back_to_default(tmp_path):
    d = _open(tmp_path, PatientOrientation=["Q", "Z"], ViewPosition="AP").info.directions
    assert (d.x, d.y) == ("L", "F") and d.source.startswith("default")


# --- calibration ----------------------------------------------------------


@pytest.mark.parametrize(
    "tags, row, col, source",
    [
        ({"PixelSpacing": [0.2, 0.25], "ImagerPixelSpacing": [0.3, 0.3],
          "EstimatedRadiographicMagnificationFactor": 1.5}, 0.2, 0.25, CalibrationSource.PIXEL_SPACING),
        ({"ImagerPixelSpacing": [0.3, 0.36], "EstimatedRadiographicMagnificationFactor": 1.2},
         0.25, 0.3, CalibrationSource.ERMF),
        ({"ImagerPixelSpacing": [0.3, 0.3]}, 0.3, 0.3, CalibrationSource.DETECTOR),
        # zero spacing is not a spacing: the next source decides
        ({"PixelSpacing": [0, 0], "ImagerPixelSpacing": [0.15, 0.15]}, 0.15, 0.15, CalibrationSource.DETECTOR),
        ({"ImagerPixelSpacing": [0.3, 0.3], "EstimatedRadiographicMagnificationFactor": 0},
         0.3, 0.3, CalibrationSource.DETECTOR),
        ({}, None, None, CalibrationSource.NONE),
        ({"PixelSpacing": [0, 0]}, None, None, CalibrationSource.NONE),
    ],
)
def test_calibration_order(tmp_path, tags, row, col, source):
    cal = _open(tmp_path, **tags).info.calibration
    assert cal.source is source
    if row is None:
        assert cal.row_mm is None and cal.col_mm is None
    else:
        assert cal.row_mm == pytest.approx(row) and cal.col_mm == pytest.approx(col)


def test_calibration_from_enhanced_functional_groups(tmp_path):
    ds = make_dataset()
    measures = Dataset()
    measures.PixelSpacing = [0.4, 0.5]
    group = Dataset()
    group.PixelMeasuresSequence = Sequence([measures])
    ds.SharedFunctionalGroupsSequence = Sequence([group])
    cal = open_image(make_dicom(tmp_path / "e.dcm", dataset=ds)).info.calibration
    assert (cal.row_mm, cal.col_mm, cal.source) == (0.4, 0.5, CalibrationSource.PIXEL_SPACING)


# --- times, numbers -----------------------------------------------------------


@pytest.mark.parametrize(
    "tags, expected",
    [
        ({"AcquisitionDateTime": "20240315093012.25", "AcquisitionDate": "20000101", "AcquisitionTime": "000000"},
         datetime(2024, 3, 15, 9, 30, 12, 250000)),
        ({"AcquisitionDate": "20240315", "AcquisitionTime": "093012"}, datetime(2024, 3, 15, 9, 30, 12)),
        ({"ContentDate": "20240316", "ContentTime": "1105"}, datetime(2024, 3, 16, 11, 5)),
        ({"AcquisitionDate": "20241345", "ContentDate": "20240316"}, datetime(2024, 3, 16)),  # bad date skipped
        # the offset is not part of the time (it is kept apart, see test_acquisition_offset)
        ({"AcquisitionDateTime": "20240315093012-0500"}, datetime(2024, 3, 15, 9, 30, 12)),
        ({}, None),
    ],
)
@pytest.mark.filterwarnings("ignore:Invalid value for VR DA")
def test_acquisition_time(tmp_path, tags, expected):
    assert _open(tmp_path, **tags).info.acquisition_time == expected


@pytest.mark.parametrize(
    "tags, hours",
    [
        ({"AcquisitionDateTime": "20240315093012.5+0800"}, 8.0),
        ({"AcquisitionDateTime": "20240315093012-0530"}, -5.5),
        ({"AcquisitionDate": "20240315", "AcquisitionTime": "0930", "TimezoneOffsetFromUTC": "+0100"}, 1.0),
        ({"AcquisitionDateTime": "20240315093012+0000", "TimezoneOffsetFromUTC": "+0100"}, 0.0),  # its own wins
        ({"AcquisitionDateTime": "20240315093012"}, None),
        ({"AcquisitionDateTime": "20240315093012+9900"}, None),  # no such offset
    ],
)
def test_acquisition_offset(tmp_path, tags, hours):
    info = _open(tmp_path, **tags).info
    assert (None if info.utc_offset is None else info.utc_offset.total_seconds() / 3600) == hours
    assert info.acquisition_time.tzinfo is None  # naive, comparable with every other file's time


@pytest.mark.parametrize(
    "tags, expected",
    [
        ({"FrameTime": 66.7}, 66.7),
        ({"FrameTimeVector": [0, 40, 60]}, 50.0),
        ({"CineRate": 15}, 1000 / 15),
        ({"RecommendedDisplayFrameRate": 25}, 40.0),
        ({}, None),
    ],
)
def test_frame_time(tmp_path, tags, expected):
    info = _open(tmp_path, frames=3, **tags).info
    assert info.frames == 3
    assert info.frame_time_ms == (pytest.approx(expected) if expected is not None else None)


def test_single_frame_has_no_frame_time_and_instance_number(tmp_path):
    info = _open(tmp_path, FrameTime=33.3, InstanceNumber=7).info
    assert info.frame_time_ms is None
    assert info.instance_number == 7


# --- pixels, modality LUT, windows -----------------------------------------


def test_stored_frame_values_and_modality_lut(tmp_path):
    pixels = np.arange(16 * 20, dtype=np.uint16).reshape(1, 16, 20) * 3
    img = _open(tmp_path, pixels=pixels, RescaleSlope=2, RescaleIntercept=-100)
    raw = img.stored_frame(0)
    assert raw.dtype == np.uint16 and raw.shape == (16, 20)
    np.testing.assert_array_equal(raw, pixels[0])
    lut = img.modality_lut(0, 10)
    np.testing.assert_allclose(lut, [2 * v - 100 for v in range(11)])  # hand-checked
    assert lut.dtype == np.float64
    np.testing.assert_allclose(img.modality_frame(0), pixels[0] * 2.0 - 100)
    assert not raw.flags.writeable  # shared through the cache


def test_modality_lut_matches_pydicom_with_signed_pixels(tmp_path):
    pixels = np.linspace(-500, 800, 16 * 20).astype(np.int16).reshape(1, 16, 20)
    img = _open(tmp_path, pixels=pixels, signed=True, RescaleSlope=0.5, RescaleIntercept=10)
    raw = img.stored_frame(0)
    assert raw.dtype == np.int16 and int(raw.min()) == -500
    ds = make_dataset(pixels=pixels, signed=True, RescaleSlope=0.5, RescaleIntercept=10)
    expected = apply_modality_lut(np.arange(-500, 801), ds)
    np.testing.assert_array_equal(img.modality_lut(-500, 800), expected)


def test_monochrome1_is_flagged_for_inversion(tmp_path):
    img = _open(tmp_path, photometric="MONOCHROME1")
    assert img.invert and not img.is_color
    assert not _open(tmp_path).invert


def test_all_file_windows_with_explanations_and_function(tmp_path):
    img = _open(
        tmp_path,
        WindowCenter=[400, 1200],
        WindowWidth=[800, 300],
        WindowCenterWidthExplanation=["SOFT", "BONE"],
        VOILUTFunction="SIGMOID",
    )
    w = img.info.windows
    assert [(p.center, p.width, p.explanation, p.function, p.source) for p in w] == [
        (400, 800, "SOFT", "SIGMOID", "file"),
        (1200, 300, "BONE", "SIGMOID", "file"),
    ]
    assert img.default_window() == w[0]


def test_voi_lut_sequence_becomes_table_preset(tmp_path):
    ds = make_dataset(WindowCenter=500, WindowWidth=1000)
    item = Dataset()
    item.add_new(0x00283002, "US", [4, 10, 8])  # LUTDescriptor: 4 entries, first value 10, 8 bits
    item.add_new(0x00283006, "US", [0, 85, 170, 255])  # LUTData
    item.LUTExplanation = "STEP"
    ds.VOILUTSequence = Sequence([item])
    img = open_image(make_dicom(tmp_path / "v.dcm", dataset=ds))
    linear, table = img.info.windows
    assert (linear.center, linear.width, linear.source) == (500, 1000, "file")
    assert table.source == "voi_lut" and table.explanation == "STEP"
    assert (table.lut_first, table.lut_bits) == (10, 8)
    np.testing.assert_array_equal(table.lut, [0, 85, 170, 255])
    assert (table.center, table.width) == (12.0, 4.0)  # the input range the table covers


def test_invalid_window_width_is_ignored(tmp_path):
    img = _open(tmp_path, WindowCenter=[100, 200], WindowWidth=[0, 50])
    assert [(w.center, w.width) for w in img.info.windows] == [(200, 50)]


def test_auto_window_ignores_collimator_plateau(tmp_path):
    rng = np.random.default_rng(1)
    frame = rng.integers(1000, 2001, size=(64, 64)).astype(np.uint16)
    frame[:, :16] = 0  # a quarter of black collimator
    img = _open(tmp_path, rows=64, cols=64, pixels=frame[None])
    assert img.info.windows == ()
    w = img.auto_window(0)
    assert w.source == "auto"
    lo, hi = w.center - w.width / 2, w.center + w.width / 2
    assert 995 <= lo <= 1020 and 1980 <= hi <= 2005
    assert img.default_window() == w


def test_auto_window_is_in_modality_units(tmp_path):
    frame = np.tile(np.arange(100, 200, dtype=np.uint16), (10, 1))
    img = _open(tmp_path, rows=10, cols=100, pixels=frame[None], RescaleSlope=10, RescaleIntercept=-1000)
    w = img.auto_window(0)
    assert w.center == pytest.approx(495, abs=1)  # (100..199) * 10 - 1000 -> 0..990
    assert w.width == pytest.approx(990 * 0.99, rel=0.02)


def test_info_repr_has_no_identity(tmp_path):
    img = _open(tmp_path, ViewPosition="AP", PixelSpacing=[0.2, 0.2])
    text = repr(img) + str(img.info) + repr(img.info)
    for secret in SECRETS:
        assert secret not in text


def test_dicom_without_preamble_or_file_meta_opens(tmp_path):
    ds = make_dataset(ViewPosition="LL")
    del ds.file_meta
    path = tmp_path / "raw"
    ds.save_as(path, implicit_vr=True, little_endian=True)
    assert path.read_bytes()[128:132] != b"DICM"
    img = open_image(path)
    assert img.info.format == "DICOM" and img.info.transfer_syntax_uid == "1.2.840.10008.1.2"
    assert img.info.view.view == "lateral"
    np.testing.assert_array_equal(img.stored_frame(), make_dataset().pixel_array)
