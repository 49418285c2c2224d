"""A real Orthanc PACS for tests and benchmarks: loopback, free ports, a temporary storage folder.

``OrthancServer(folder).start()`` writes a JSON configuration (DICOM AE title and
port, HTTP port, the DICOMweb plugin from Debian's ``orthanc-dicomweb``, remote
access off, HTTP basic authentication on, our listener as a C-MOVE destination),
starts ``Orthanc`` and waits until its REST API answers; ``stop()`` ends it (and
only it). Skips (``pytest.skip``) when Orthanc is not installed.
"""

from __future__ import annotations

import base64
import json
import shutil
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

PLUGIN_CANDIDATES = ("/usr/share/orthanc/plugins/libOrthancDicomWeb.so",
                     "/usr/lib/orthanc/libOrthancDicomWeb.so.1.7")
USER, PASSWORD = "tester", "not-a-real-secret"
AE_TITLE = "ORTHANC"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def orthanc_binary() -> str | None:
    return shutil.which("Orthanc") or (str(Path("/usr/sbin/Orthanc")) if Path("/usr/sbin/Orthanc").exists() else None)


def dicomweb_plugin() -> str | None:
    found = [p for p in PLUGIN_CANDIDATES if Path(p).exists()]
    if found:
        return found[0]
    hits = sorted(Path("/usr").glob("**/libOrthancDicomWeb.so*"))
    return str(hits[0]) if hits else None


class OrthancServer:
    def __init__(self, folder: Path, modalities: dict[str, tuple[str, int]] | None = None) -> None:
        self.folder = Path(folder)
        self.dicom_port = free_port()
        self.http_port = free_port()
        self.modalities = dict(modalities or {})
        self.proc: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.http_port}"

    @property
    def dicomweb_url(self) -> str:
        return f"{self.url}/dicom-web"

    def config(self) -> dict:
        plugin = dicomweb_plugin()
        return {
            "Name": "fluoro-annotator-test", "DicomAet": AE_TITLE, "DicomPort": self.dicom_port,
            "HttpPort": self.http_port, "RemoteAccessAllowed": False, "AuthenticationEnabled": True,
            "RegisteredUsers": {USER: PASSWORD}, "StorageDirectory": str(self.folder / "storage"),
            "IndexDirectory": str(self.folder / "index"), "DicomCheckCalledAet": True,
            "DicomAlwaysAllowEcho": True, "DicomAlwaysAllowStore": True, "DicomAlwaysAllowFind": True,
            "DicomAlwaysAllowGet": True, "DicomAlwaysAllowMove": True, "DicomCheckModalityHost": False,
            "DicomModalities": {name: [aet, "127.0.0.1", port] for name, (aet, port) in self.modalities.items()},
            "Plugins": [plugin] if plugin else [], "DicomWeb": {"Enable": True, "Root": "/dicom-web/"},
            "SaveJobs": False, "HttpTimeout": 10, "DicomScuTimeout": 10, "DicomScpTimeout": 10,
            "StorageCompression": False, "OverwriteInstances": True,
        }

    def _auth_header(self) -> dict[str, str]:
        token = base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode()
        return {"Authorization": f"Basic {token}"}

    def rest(self, path: str, method: str = "GET", data: bytes | None = None) -> object:
        req = urllib.request.Request(self.url + path, data=data, method=method, headers=self._auth_header())
        with urllib.request.urlopen(req, timeout=10) as resp:
            body = resp.read()
        return json.loads(body) if body else None

    def start(self, timeout_s: float = 20.0) -> OrthancServer:
        binary = orthanc_binary()
        if binary is None:
            import pytest

            pytest.skip("Orthanc is not installed (Debian package orthanc)")
        self.folder.mkdir(parents=True, exist_ok=True)
        cfg = self.folder / "orthanc.json"
        cfg.write_text(json.dumps(self.config(), indent=1))
        log = open(self.folder / "orthanc.log", "wb")  # noqa: SIM115 (kept open for the process)
        self.proc = subprocess.Popen([binary, str(cfg)], stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"Orthanc exited with {self.proc.returncode}: see {self.folder / 'orthanc.log'}")
            try:
                self.rest("/system")
                return self
            except (urllib.error.URLError, ConnectionError, OSError):
                time.sleep(0.1)
        self.stop()
        raise RuntimeError("Orthanc did not start within the timeout")

    def stop(self) -> None:
        proc, self.proc = self.proc, None
        if proc is None:
            return
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)

    def upload(self, path: Path) -> None:
        self.rest("/instances", method="POST", data=Path(path).read_bytes())

    def instance_count(self) -> int:
        stats = self.rest("/statistics")
        return int(stats["CountInstances"])  # type: ignore[index]

    def __enter__(self) -> OrthancServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
