"""``make install-desktop``: a menu entry a clinician starts without a terminal."""

from __future__ import annotations

import configparser
import os
import shlex
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")


@pytest.fixture
def installed(tmp_path):
    if shutil.which("make") is None:
        pytest.skip("make is not installed")
    data = tmp_path / "share"
    venv = Path(sys.executable).parent.parent  # the venv running these tests: used, never rebuilt (-o)
    done = subprocess.run(["make", "-s", "-o", f"{venv}/.installed", "install-desktop", f"XDG_DATA_HOME={data}",
                           f"VENV={venv}"],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return data


def entry(data: Path) -> configparser.SectionProxy:
    parser = configparser.ConfigParser(interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]  # keys are case-sensitive
    parser.read(data / "applications" / "fluoro-annotator.desktop", encoding="utf-8")
    return parser["Desktop Entry"]


def test_install_desktop_writes_a_valid_entry_whose_command_and_icon_exist(installed):
    desktop = installed / "applications" / "fluoro-annotator.desktop"
    validator = shutil.which("desktop-file-validate")
    if validator is not None:
        check = subprocess.run([validator, str(desktop)], capture_output=True, text=True)
        assert check.returncode == 0 and "error" not in check.stdout, check.stdout
    elif in_ci():
        pytest.fail("desktop-file-validate missing (Debian package desktop-file-utils, see .ci/run)")
    e = entry(installed)
    assert e["Type"] == "Application" and e["Terminal"] == "false"
    assert e["Name"] and e["Name[zh_CN]"] != e["Name"]
    command = shlex.split(e["Exec"])
    assert command[-1] == "%f" and Path(command[0]).is_absolute()
    assert os.access(command[0], os.X_OK), f"{command[0]} is not an executable"
    icon = Path(e["Icon"])
    assert icon.is_file() and ET.parse(icon).getroot().tag.endswith("svg")
    # the command the menu runs is the real launcher (its --help needs no display)
    helped = subprocess.run([command[0], "--help"], capture_output=True, text=True, timeout=60)
    assert helped.returncode == 0 and "fluoro-annotator" in helped.stdout


def test_uninstall_desktop_removes_what_install_wrote(installed):
    done = subprocess.run(["make", "-s", "uninstall-desktop", f"XDG_DATA_HOME={installed}"], cwd=ROOT,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert not (installed / "applications" / "fluoro-annotator.desktop").exists()
    assert not (installed / "icons" / "hicolor" / "scalable" / "apps" / "fluoro-annotator.svg").exists()


def test_the_application_uses_the_installed_icon_and_desktop_name(qapp):
    from annotator.ui import app

    app.set_app_icon(qapp)
    assert app.ICON.is_file() and not qapp.windowIcon().isNull()
    assert qapp.desktopFileName() == "fluoro-annotator"
    assert (ROOT / "desktop" / "fluoro-annotator.desktop").read_text(encoding="utf-8").count("Icon=fluoro-annotator") == 1
