"""GUI test fixtures: offscreen Qt, settings and the data folder isolated in tmp_path, English by default."""

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
def isolated_data_home(tmp_path_factory, monkeypatch):
    """The user's data folder (the working copy of the sample case) is a temporary one."""
    folder = tmp_path_factory.mktemp("xdg_data")
    monkeypatch.setenv("XDG_DATA_HOME", str(folder))
    return folder


@pytest.fixture(autouse=True)
def english(qapp):
    """Tests start (and end) in English whatever the machine's locale."""
    from annotator.ui import i18n

    i18n.set_language("en", remember=False)
    yield
    i18n.set_language("en", remember=False)


@pytest.fixture
def synthetic_case(tmp_path):
    """A small case written to tmp_path: right L5 with an AP and a lateral PNG film.

    AP: pedicle lower margin of L5 from (100, 100) to (140, 100) px, tip at (121, 102)
    (on target: no mm scale, so r_on = 0.4 x 40 px). Lateral: a foramen square and a tip
    in its posterior third. Returns the path of case.json.
    """
    import numpy as np
    from PIL import Image

    from annotator.io.casefile import save_case
    from annotator.model import Annotation, Case, Film, Phase, Role, Root, ShapeKind, Side, View

    folder = tmp_path / "case"
    folder.mkdir()
    yy, xx = np.mgrid[0:256, 0:256]
    for name, seed in (("ap.png", 1), ("lat.png", 2)):
        img = ((xx + yy * seed) % 256).astype(np.uint8)
        Image.fromarray(img).save(folder / name)
    tip_ap = Annotation(Role.TIP, ShapeKind.POINT, ((121.0, 102.0),))
    pedicle = Annotation(Role.PEDICLE_MARGIN, ShapeKind.LINE, ((100.0, 100.0), (140.0, 100.0)), level="L5")
    foramen = Annotation(Role.FORAMEN, ShapeKind.POLYGON, ((100.0, 100.0), (160.0, 100.0), (160.0, 160.0),
                                                          (100.0, 160.0)), level="L5")
    tip_lat = Annotation(Role.TIP, ShapeKind.POINT, ((150.0, 130.0),))
    ap = Film(path="ap.png", view=View.AP, phase=Phase.AFTER_CONTRAST, figure_label="7C",
              annotations=[pedicle, tip_ap])
    lat = Film(path="lat.png", view=View.LATERAL, phase=Phase.AFTER_CONTRAST, figure_label="7A",
               annotations=[foramen, tip_lat])
    case = Case(title="Synthetic right L5", age=70, sex="M", roots=[Root(level="L5", side=Side.RIGHT, films=[ap, lat])])
    path = folder / "case.json"
    save_case(case, path)
    return path


@pytest.fixture
def make_window(qtbot):
    """Makes main windows: ``make_window(case=None, prompter=None, size=None, **kw)``.

    With ``size`` the window is shown at that size and exposed; with ``case`` that case is
    opened (after showing, when shown). Every window stays referenced until the test's
    teardown, then its autosave timer is stopped and it is hidden: a shown top-level window
    that only reference cycles keep alive can be collected by Python's cyclic GC in the middle
    of its own paint event (after the test, while pytest-qt processes events), which frees its
    backing store under the painter: a segfault.
    """
    from annotator.ui.dialogs import ScriptedPrompter
    from annotator.ui.main_window import MainWindow

    made: list[MainWindow] = []

    def make(case=None, prompter=None, size=None, **kw):
        kw.setdefault("restore_layout", False)
        w = MainWindow(prompter=prompter or ScriptedPrompter(), **kw)
        qtbot.addWidget(w)
        made.append(w)
        if size is not None:
            w.resize(*size)
            w.show()
            qtbot.waitExposed(w)
        if case is not None:
            assert w.open_case(case)
        return w

    yield make
    for w in made:
        w.autosaver.timer.stop()
        w.hide()
