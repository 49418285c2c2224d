"""GUI test fixtures: offscreen Qt, settings isolated in tmp_path, English by default."""

from __future__ import annotations

import os

import pytest

pytest.importorskip("PyQt6")
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PyQt6.QtCore import QCoreApplication, QSettings  # noqa: E402


@pytest.fixture(autouse=True)
def isolated_settings(tmp_path_factory, qapp):
    """Every test gets its own QSettings store, never the user's real one."""
    folder = tmp_path_factory.mktemp("qsettings")
    QCoreApplication.setOrganizationName("fluoro-annotator-tests")
    QCoreApplication.setApplicationName("fluoro-annotator-tests")
    for fmt in (QSettings.Format.NativeFormat, QSettings.Format.IniFormat):
        for scope in (QSettings.Scope.UserScope, QSettings.Scope.SystemScope):
            QSettings.setPath(fmt, scope, str(folder))
    QSettings().clear()
    yield folder
    QSettings().clear()


@pytest.fixture(autouse=True)
def english(qapp):
    """Tests start (and end) in English whatever the machine's locale."""
    from annotator.ui import i18n

    i18n.set_language("en", remember=False)
    yield
    i18n.set_language("en", remember=False)
