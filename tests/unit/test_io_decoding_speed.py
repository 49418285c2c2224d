"""Header reads by tag (safe_meta.get_raw) and the preferred JPEG 2000 decoder plugin."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pydicom.pixels
import pytest
from pydicom import dcmread
from pydicom.data import get_testdata_file
from pydicom.dataset import Dataset
from pydicom.pixels import get_decoder
from pydicom.uid import JPEG2000

from annotator.io import open_image
from annotator.io.decoders import preferred_plugin
from annotator.io.safe_meta import get_float, get_int, get_raw, get_str


def _copy(name: str, tmp_path: Path) -> Path:
    src = get_testdata_file(name)
    if src is None:
        pytest.skip(f"{name} not available")
    dst = tmp_path / Path(src).name
    shutil.copy(src, dst)
    return dst


class _KeywordCounting(Dataset):
    """A dataset that counts look-ups by keyword (attribute access to element keywords)."""

    keyword_lookups = 0

    def __getattr__(self, name):
        if name[:1].isupper():
            type(self).keyword_lookups += 1
        return super().__getattr__(name)


def test_get_raw_reads_by_tag_not_by_keyword(tmp_path):
    src = dcmread(_copy("CT_small.dcm", tmp_path))
    ds = _KeywordCounting()
    ds.update(src)
    _KeywordCounting.keyword_lookups = 0
    assert get_int(ds, "Rows") == 128
    assert get_str(ds, "Modality") == "CT"
    assert get_raw(ds, "NumberOfFrames") is None  # missing
    assert get_raw(ds, "NumberOfFrames", 7) == 7
    assert _KeywordCounting.keyword_lookups == 0


def test_get_raw_values_as_before(tmp_path):
    path = _copy("CT_small.dcm", tmp_path)
    ds = dcmread(path)
    for kw in ("Rows", "Columns", "PixelSpacing", "RescaleSlope", "SOPClassUID", "PatientPosition"):
        assert get_raw(ds, kw) == ds.get(kw)
    assert get_float(ds, "RescaleIntercept") == float(ds.RescaleIntercept)
    ds.SeriesDescription = ""
    assert get_raw(ds, "SeriesDescription", "x") == "x"  # empty is absent
    assert get_raw(ds, "NotAKeyword", 3) == 3  # unknown keyword: default, no error
    deferred = dcmread(path, defer_size=16)
    assert get_raw(deferred, "PixelSpacing") == ds.PixelSpacing


def test_jpeg2000_prefers_pylibjpeg(tmp_path, monkeypatch):
    if "pylibjpeg" not in get_decoder(JPEG2000).available_plugins:
        pytest.skip("pylibjpeg-openjpeg not installed")
    assert preferred_plugin(JPEG2000) == "pylibjpeg"
    assert preferred_plugin("1.2.840.10008.1.2.1") == ""
    path = _copy("RG1_J2KI.dcm", tmp_path)
    real = pydicom.pixels.pixel_array
    plugins = []

    def spy(src, **kwargs):
        plugins.append(kwargs.get("decoding_plugin", ""))
        return real(src, **kwargs)

    monkeypatch.setattr(pydicom.pixels, "pixel_array", spy)
    frame = open_image(path).stored_frame(0)
    assert plugins == ["pylibjpeg"]
    np.testing.assert_array_equal(frame, dcmread(path).pixel_array)


def test_preferred_plugin_failure_falls_back(tmp_path, monkeypatch):
    if "pylibjpeg" not in get_decoder(JPEG2000).available_plugins:
        pytest.skip("pylibjpeg-openjpeg not installed")
    path = _copy("US1_J2KR.dcm", tmp_path)
    real = pydicom.pixels.pixel_array
    plugins = []

    def failing_pylibjpeg(src, **kwargs):
        plugins.append(kwargs.get("decoding_plugin", ""))
        if kwargs.get("decoding_plugin") == "pylibjpeg":
            raise RuntimeError("plugin declined")
        return real(src, **kwargs)

    monkeypatch.setattr(pydicom.pixels, "pixel_array", failing_pylibjpeg)
    frame = open_image(path).stored_frame(0)
    assert plugins == ["pylibjpeg", ""]
    np.testing.assert_array_equal(frame, dcmread(path).pixel_array)
