"""A real Orthanc (Debian packages orthanc + orthanc-dicomweb) for the networking tests.

One Orthanc per test module (starting takes ~0.1 s, stopping ~3 s), on loopback with
free ports and a temporary storage folder; it knows our listener (AE FLUORO on
``listener_port``) as a C-MOVE destination. Tests skip only when Orthanc is absent.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.orthanc_server import AE_TITLE, PASSWORD, USER, OrthancServer, free_port

SAMPLES = Path(__file__).resolve().parents[3] / "sample_images" / "cases"
OUR_AE = "FLUORO"


@pytest.fixture(scope="module")
def listener_port() -> int:
    return free_port()


@pytest.fixture(scope="module")
def orthanc(tmp_path_factory: pytest.TempPathFactory, listener_port: int):
    server = OrthancServer(tmp_path_factory.mktemp("orthanc"), modalities={"fluoro": (OUR_AE, listener_port)})
    server.start()
    yield server
    server.stop()


@pytest.fixture
def nodes_file(tmp_path: Path, orthanc: OrthancServer, listener_port: int, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A nodes file naming the test Orthanc as 'pacs' (DIMSE + DICOMweb, password in the environment)."""
    monkeypatch.setenv("TEST_PACS_PASSWORD", PASSWORD)
    path = tmp_path / "nodes.json"
    path.write_text(json.dumps({
        "local": {"ae_title": OUR_AE, "port": listener_port, "inbox": str(tmp_path / "inbox")},
        "nodes": {"pacs": {"ae_title": AE_TITLE, "host": "127.0.0.1", "port": orthanc.dicom_port,
                           "dicomweb_url": orthanc.dicomweb_url, "timeout_s": 10,
                           "auth": {"type": "basic", "username": USER, "password_env": "TEST_PACS_PASSWORD"}}},
    }))
    return path


def sample_films(case: str = "right_L5_on_target") -> list[Path]:
    return sorted((SAMPLES / case).glob("*.dcm"))


@pytest.fixture
def films(tmp_path: Path) -> list[Path]:
    """Copies of the sample case's DICOM films (4 films of one synthetic study)."""
    dst = tmp_path / "films"
    dst.mkdir()
    out = []
    for f in sample_films():
        shutil.copy2(f, dst / f.name)
        out.append(dst / f.name)
    if not out:
        pytest.skip("sample cases not generated")
    return out


def needs(tool: str) -> None:
    if shutil.which(tool) is None:
        pytest.skip(f"{tool} is not installed (Debian package dcmtk)")
