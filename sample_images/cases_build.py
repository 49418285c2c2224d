"""Ready ``annotator.model.Case`` objects for the sample cases, from their ground truth.

``build_case(name, folder=None) -> Case`` reads ``<film>.truth.json`` from the
case folder (default ``sample_images/cases/<name>``; run
``python -m sample_images.generate`` first) and turns it into what a user
would have marked: tip, shaft, contrast path, landmarks, level labels,
findings with their location markers, redaction of the burned-in text, film
calibration (ImagerPixelSpacing / ERMF) and directions (PatientOrientation),
plus the clinical record of :mod:`sample_images.scenarios`. Ids are derived
from the case name, so the case file is the same on every run.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from annotator.geometry import Calibration, CalibrationSource, Directions
from annotator.model import (
    Annotation,
    Case,
    CheckResult,
    DrugDose,
    Film,
    Finding,
    Redaction,
    Role,
    Root,
    ShapeKind,
)
from sample_images.scenarios import CASE_BY_NAME, CaseSpec, FilmSpec

CASES_DIR = Path(__file__).resolve().parent / "cases"


class _Ids:
    def __init__(self, case: str) -> None:
        self.case = case

    def __call__(self, *parts: object) -> str:
        key = "/".join([self.case, *map(str, parts)])
        return hashlib.sha1(key.encode()).hexdigest()[:12]


def _pts(seq) -> tuple[tuple[float, float], ...]:
    return tuple((float(x), float(y)) for x, y in seq)


def _annotations(t: dict, spec: CaseSpec, ids: _Ids, film: str, frame: int) -> list[Annotation]:
    out: list[Annotation] = []

    def add(role: Role, kind: ShapeKind, points, key: str, **kw) -> None:
        out.append(Annotation(role=role, kind=kind, points=_pts(points), frame=frame, id=ids(film, key), **kw))

    if t.get("tip"):
        add(Role.TIP, ShapeKind.POINT, [t["tip"]], "tip")
    if t.get("shaft"):
        add(Role.SHAFT, ShapeKind.LINE, t["shaft"], "shaft")
    if t.get("contrast_path") and len(t["contrast_path"]) >= 2:
        add(Role.CONTRAST_PATH, ShapeKind.POLYLINE, t["contrast_path"], "path")
    unmarked = set(t.get("unmarked", ()))
    if t.get("pedicle_margin") and "pedicle_margin" not in unmarked:
        pm = t["pedicle_margin"]
        add(Role.PEDICLE_MARGIN, ShapeKind.LINE, pm["points"], "pedicle", level=pm["level"])
    if t.get("sap_margin") and "sap_margin" not in unmarked:
        sm = t["sap_margin"]
        add(Role.SAP_MARGIN, ShapeKind.LINE, sm["points"], "sap", level=sm["level"])
    if t.get("foramen"):
        fo = t["foramen"]
        add(Role.FORAMEN, ShapeKind.POLYGON, fo["polygon"], "foramen", level=spec.level, text=fo["levels"])
    if spec.level == "S1" and t.get("s1_foramen"):
        e = t["s1_foramen"]
        add(Role.S1_FORAMEN, ShapeKind.ELLIPSE, [e["center"]], "s1_foramen", level="S1",
            radii=tuple(e["radii"]), rotation_deg=float(e["rotation_deg"]))
    if t.get("midline"):
        add(Role.MIDLINE, ShapeKind.LINE, t["midline"], "midline")
    if t.get("iliac_crest"):
        add(Role.ILIAC_CREST, ShapeKind.LINE, t["iliac_crest"], "iliac_crest")
    for lab in t.get("level_labels", []):
        add(Role.LEVEL_LABEL, ShapeKind.POINT, [lab["point"]], f"label_{lab['level']}", text=lab["level"],
            level=lab["level"])
    return out


def _film(spec: CaseSpec, fs: FilmSpec, t: dict, ids: _Ids) -> Film:
    frame = int(t.get("key_frame", 0))
    d = t["directions"]
    spacing = float(t["spacing_mm"])
    redactions = []
    if t.get("burned_in_text"):
        x0, y0, x1, y1 = t["burned_in_text"]["bbox"]
        redactions.append(Redaction(x0, y0, x1, y1, id=ids(fs.name, "redaction")))
    return Film(
        path=f"{fs.name}.dcm",
        view=fs.view,
        phase=fs.phase,
        id=ids(fs.name),
        caption=fs.caption,
        figure_label=fs.figure,
        key_frame=frame,
        view_evidence=f"phantom: PositionerPrimaryAngle = {t['angle_deg']:g}",
        calibration=Calibration(spacing, spacing, CalibrationSource.ERMF),
        directions=Directions(d["x"], d["y"], "PatientOrientation"),
        redactions=redactions,
        annotations=_annotations(t, spec, ids, fs.name, frame),
    )


def _findings(spec: CaseSpec, films: dict[str, Film], truths: dict[str, dict], ids: _Ids) -> list[Finding]:
    out = []
    for i, f in enumerate(spec.findings):
        film_name = f.get("film")
        film = films.get(film_name) if film_name else None
        ann_id = None
        fid = ids("finding", i, f["code"])
        if film is not None:
            t = truths[film_name]
            point = None
            frame = film.key_frame
            if f.get("at") and t.get(f["at"]):
                point = t[f["at"]]
            elif f["code"] == "intravascular" and t.get("venous_blush"):
                point, frame = t["venous_blush"]["center"], int(t["venous_blush"]["first_frame"])
            if point is not None:
                ann_id = ids(film_name, "finding", i)
                film.annotations.append(Annotation(role=Role.FINDING, kind=ShapeKind.POINT, points=_pts([point]),
                                                   frame=frame, id=ann_id, attrs={"finding_id": fid},
                                                   text=f["code"]))
        out.append(Finding(code=f["code"], id=fid, film_id=film.id if film else None, annotation_id=ann_id,
                           site=f.get("site"), value=f.get("value")))
    return out


def build_case(name: str, folder: Path | None = None) -> Case:
    """The ready case ``name`` (see :data:`sample_images.scenarios.CASES`) from its truth files."""
    spec = CASE_BY_NAME[name]
    folder = Path(folder) if folder is not None else CASES_DIR / name
    ids = _Ids(name)
    truths = {fs.name: json.loads((folder / f"{fs.name}.truth.json").read_text(encoding="utf-8")) for fs in spec.films}
    films = {fs.name: _film(spec, fs, truths[fs.name], ids) for fs in spec.films}
    intravascular = any(f["code"] == "intravascular" for f in spec.findings)
    root = Root(
        level=spec.level,
        side=spec.side,
        id=ids("root"),
        technique="contrast_study" if not spec.drugs else "both",
        approach=spec.approach,
        needle_type="No. 7 spinal needle (0.7 mm)",
        needle_gauge="22G",
        contrast_agent="iohexol 300 mgI/ml",
        contrast_volume_ml=3.0 if spec.resistance == "marked" else 2.0,
        resistance=spec.resistance,
        flash=CheckResult.NEGATIVE,
        aspiration=CheckResult.NEGATIVE,
        subtraction_used=False,
        drugs=[DrugDose(**d) for d in spec.drugs],
        concordance=spec.concordance,
        block_result=spec.block_result,
        block_assessed_min=15.0 if spec.block_result != "not_assessed" else None,
        adjustments="tip withdrawn 2 mm and re-imaged before any drug" if intravascular else "",
        notes=spec.notes,
        films=list(films.values()),
        findings=_findings(spec, films, truths, ids),
    )
    return Case(
        title=spec.title,
        id=ids("case"),
        age=spec.age,
        sex=spec.sex,
        symptoms=spec.symptoms,
        iodine_allergy_test_done=True,
        planned_roots=[f"{spec.side} {spec.level}"],
        notes="Synthetic phantom case generated by sample_images; not a patient.",
        roots=[root],
    )
