"""The core must import without Qt: a fresh interpreter imports every core
package and must not have loaded PyQt6."""

import pkgutil
import subprocess
import sys

import annotator

CORE = ("io", "render", "geometry", "model", "rules", "export", "assist", "cli", "library")


def _core_modules():
    for info in pkgutil.walk_packages(annotator.__path__, "annotator."):
        top = info.name.split(".")[1]
        if top in CORE and info.name != "annotator.cli.launch" and not info.name.endswith("__main__"):
            yield info.name


def test_core_modules_do_not_import_qt():
    mods = sorted(_core_modules())
    assert "annotator.model.case" in mods
    code = (
        "import importlib, sys\n"
        f"for m in {mods!r}:\n"
        "    importlib.import_module(m)\n"
        "bad = sorted(m for m in sys.modules if m.startswith('PyQt6') or m.startswith('annotator.ui'))\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_importing_annotator_is_light():
    code = "import sys, annotator; print(','.join(m for m in ('numpy','pydicom','PyQt6') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_image_info_repr_names_the_file_not_its_folder(tmp_path):
    import numpy as np
    from PIL import Image

    from annotator.io import open_image

    folder = tmp_path / "DOE^JANE 1956-01-01"
    folder.mkdir()
    Image.fromarray(np.zeros((8, 8), np.uint8)).save(folder / "film.png")
    img = open_image(folder / "film.png")
    for text in (repr(img), repr(img.info), str(img.info)):
        assert "film.png" in text
        assert "DOE" not in text and "1956" not in text
