"""``export --layers`` picks the burned-in layers; ``--identified`` warns exactly once."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from annotator.cli import main
from annotator.export import case_export
from annotator.export.burn_in import Layers
from annotator.io.casefile import save_case
from tests.unit.test_export_fixtures import make_case

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def case_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "case"
    save_case(make_case(folder, n_films=1), folder / "case.json")
    return folder


@pytest.mark.parametrize(
    ("arg", "expected"),
    [
        (None, Layers()),
        ("annotations,zone,verdict,legend,scale,caption", Layers()),
        ("none", Layers(False, False, False, False, False, False)),
        ("caption", Layers(False, False, False, False, False, True)),
        ("annotations, scale", Layers(annotations=True, target_zone=False, verdict=False, legend=False,
                                      scale_bar=True, caption=False)),
        ("zone,verdict,legend", Layers(annotations=False, target_zone=True, verdict=True, legend=True,
                                       scale_bar=False, caption=False)),
    ],
)
def test_layers_map_onto_the_export(case_dir, tmp_path, monkeypatch, arg, expected):
    seen = {}

    def fake_export(items, **kw):
        seen.update(kw)
        return case_export.ExportResult()

    monkeypatch.setattr(case_export, "export_cases", fake_export)
    argv = ["export", str(case_dir), "--png", str(tmp_path / "png"), "--quiet"]
    assert main(argv + (["--layers", arg] if arg is not None else [])) == 0
    assert seen["layers"] == expected


@pytest.mark.parametrize("arg", ["annotation", "zone,bogus", ","])
def test_unknown_layer_is_bad_input(case_dir, tmp_path, capsys, arg):
    assert main(["export", str(case_dir), "--png", str(tmp_path / "png"), "--layers", arg]) == 2
    assert "--layers" in capsys.readouterr().err
    assert not (tmp_path / "png").exists()


def test_clean_films_differ_from_annotated_ones(case_dir, tmp_path):
    from PIL import Image

    assert main(["export", str(case_dir), "--png", str(tmp_path / "all"), "--quiet"]) == 0
    assert main(["export", str(case_dir), "--png", str(tmp_path / "none"), "--layers", "none", "--quiet"]) == 0
    (a,), (b,) = sorted((tmp_path / "all").iterdir()), sorted((tmp_path / "none").iterdir())
    all_px, none_px = np.asarray(Image.open(a).convert("RGB")), np.asarray(Image.open(b).convert("RGB"))
    assert none_px.shape[0] < all_px.shape[0]  # no caption band under the clean film

    def coloured(px):
        px = px.astype(int)
        return ((px[..., 0] != px[..., 1]) | (px[..., 1] != px[..., 2])).any()

    assert coloured(all_px) and not coloured(none_px)  # overlays are drawn in colour on a grey film


def test_identified_warning_is_printed_once(case_dir, tmp_path):
    """Through a real process, so the logging handler's output counts too."""
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    proc = subprocess.run(
        [sys.executable, "-m", "annotator.cli", "export", str(case_dir), "--png", str(tmp_path / "png"),
         "--identified", "--quiet"],
        capture_output=True, text=True, env=env, cwd=ROOT, timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr.count("identified export") == 1, proc.stderr
