"""Case files: version-0 files are migrated on load; the schema matches the model."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import jsonschema

from annotator.geometry import CalibrationSource
from annotator.io import casefile
from annotator.io.casefile import load_case, save_case
from annotator.io.migrations import CURRENT_VERSION, MIGRATIONS, migrate, migrate_0_to_1, migrate_1_to_2
from annotator.model import (
    LEVELS,
    Approach,
    BlockResult,
    CheckResult,
    Concordance,
    Phase,
    Resistance,
    Role,
    ShapeKind,
    Side,
    Technique,
    View,
)

V0 = {
    "title": "old prototype case",
    "custom": "kept",
    "roots": [{
        "level": "L5", "side": "left",
        "films": [{
            "file": "films\\lat_after.dcm", "view": "lateral", "pixel_spacing": [0.2, 0.25],
            "annotations": [
                {"type": "tip", "shape": "point", "points": [{"x": 10, "y": 20}]},
                {"type": "foramen", "shape": "polygon", "points": [[0, 0], [10, 0], [5, 8]], "old_key": 1},
            ],
        }],
    }],
}


def test_registry_covers_every_version_below_current() -> None:
    assert MIGRATIONS[0] is migrate_0_to_1
    assert MIGRATIONS[1] is migrate_1_to_2
    assert set(MIGRATIONS) == set(range(CURRENT_VERSION))


def test_migrate_0_to_1_does_not_change_its_input() -> None:
    before = copy.deepcopy(V0)
    out = migrate(V0)
    assert V0 == before
    film = out["roots"][0]["films"][0]
    assert out["schema_version"] == CURRENT_VERSION
    assert film["path"] == "films/lat_after.dcm" and "file" not in film
    assert film["calibration"] == {"row_mm": 0.2, "col_mm": 0.25, "source": "PixelSpacing"}
    root_id = out["roots"][0]["id"]
    assert film["annotations"][0] == {"role": "tip", "kind": "point", "points": [[10, 20]], "root_id": root_id}
    assert film["annotations"][1]["side"] == "unknown"  # a lateral film cannot tell the side


def test_version_0_file_loads_and_saves_as_the_current_version(tmp_path: Path) -> None:
    p = tmp_path / "case.json"
    p.write_text(json.dumps(V0), encoding="utf-8")
    c = load_case(p)
    film = c.roots[0].films[0]
    assert film.path == "films/lat_after.dcm" and film.view is View.LATERAL
    assert film.calibration.row_mm == 0.2 and film.calibration.source is CalibrationSource.PIXEL_SPACING
    assert film.annotations[0].role is Role.TIP and film.annotations[0].points == ((10.0, 20.0),)
    assert film.annotations[1].extra == {"old_key": 1}
    assert c.extra == {"custom": "kept"}
    save_case(c, p)
    data = json.loads(p.read_text(encoding="utf-8"))
    assert data["schema_version"] == CURRENT_VERSION and data["custom"] == "kept"
    assert data["roots"][0]["films"][0]["annotations"][1]["old_key"] == 1


def test_explicit_version_0_is_migrated_too(tmp_path: Path) -> None:
    p = tmp_path / "case.json"
    p.write_text(json.dumps({**V0, "schema_version": 0}), encoding="utf-8")
    assert load_case(p).roots[0].films[0].path == "films/lat_after.dcm"


def test_schema_is_draft_2020_12_and_enums_match_the_model() -> None:
    s = casefile.schema()
    assert s["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    jsonschema.Draft202012Validator.check_schema(s)
    d = s["$defs"]
    def values(e):
        return [m.value for m in e]
    assert d["root"]["properties"]["level"]["enum"] == list(LEVELS)
    expected = {
        ("root", "side"): Side, ("root", "technique"): Technique, ("root", "approach"): Approach,
        ("root", "resistance"): Resistance, ("root", "flash"): CheckResult, ("root", "aspiration"): CheckResult,
        ("root", "concordance"): Concordance, ("root", "block_result"): BlockResult,
        ("film", "view"): View, ("film", "phase"): Phase, ("annotation", "role"): Role,
        ("annotation", "kind"): ShapeKind, ("calibration", "source"): CalibrationSource,
    }
    for (obj, prop), enum in expected.items():
        assert d[obj]["properties"][prop]["enum"] == values(enum), (obj, prop)


def test_schema_lists_every_model_field() -> None:
    """A field added to the model must be added to the schema too."""
    from dataclasses import fields

    from annotator.model import Annotation, Case, DrugDose, Film, Finding, Redaction, Root

    s = casefile.schema()
    for cls, props in ((Case, s["properties"]), (Root, s["$defs"]["root"]["properties"]),
                       (Film, s["$defs"]["film"]["properties"]), (DrugDose, s["$defs"]["drug"]["properties"]),
                       (Annotation, s["$defs"]["annotation"]["properties"]),
                       (Finding, s["$defs"]["finding"]["properties"]),
                       (Redaction, s["$defs"]["redaction"]["properties"])):
        names = {f.name for f in fields(cls)} - {"extra"}
        assert names <= set(props), (cls.__name__, names - set(props))
