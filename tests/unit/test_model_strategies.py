"""Hypothesis strategies for the case model (imported by the model and case-file tests),
and checks that what they generate is what the model accepts."""

from __future__ import annotations

from dataclasses import replace

from hypothesis import given, settings
from hypothesis import strategies as st

from annotator.geometry import Calibration, CalibrationSource, Directions
from annotator.model import (
    LEVELS,
    ROLE_KINDS,
    Annotation,
    Approach,
    BlockResult,
    Case,
    CheckResult,
    Concordance,
    DrugDose,
    Film,
    Finding,
    Phase,
    Redaction,
    Resistance,
    Role,
    Root,
    ShapeKind,
    Side,
    Technique,
    View,
)

finite = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False, allow_infinity=False)
non_negative = st.floats(min_value=0, max_value=1e4, allow_nan=False, allow_infinity=False)
positive = st.floats(min_value=1e-3, max_value=1e4, allow_nan=False, allow_infinity=False)
texts = st.text(max_size=12)
words = st.text(alphabet="abcdefghij_-", min_size=1, max_size=10)
json_scalars = st.none() | st.booleans() | st.integers(-1000, 1000) | finite | texts
json_values = st.recursive(
    json_scalars,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(words, inner, max_size=3),
    max_leaves=6,
)
# unknown keys: prefixed so they never collide with a field name
extras = st.dictionaries(words.map(lambda w: "x_" + w), json_values, max_size=2)
points = st.tuples(finite, finite)

_POINT_COUNTS = {
    ShapeKind.POINT: (1, 1), ShapeKind.LINE: (2, 2), ShapeKind.POLYLINE: (2, 6),
    ShapeKind.POLYGON: (3, 6), ShapeKind.ELLIPSE: (1, 1), ShapeKind.RECT: (2, 2),
}


@st.composite
def annotations(draw, ann_id: str | None = None) -> Annotation:
    role = draw(st.sampled_from(list(Role)))
    kind = draw(st.sampled_from(sorted(ROLE_KINDS[role])))
    lo, hi = _POINT_COUNTS[kind]
    if role is Role.ANGLE:
        lo = hi = 3
    pts = draw(st.lists(points, min_size=lo, max_size=hi))
    radii = draw(st.tuples(positive, positive)) if kind is ShapeKind.ELLIPSE else None
    return Annotation(
        role=role, kind=kind, points=tuple(pts), frame=draw(st.integers(0, 20)),
        id=ann_id or draw(words), text=draw(texts), level=draw(st.none() | st.sampled_from(LEVELS)),
        radii=radii, rotation_deg=draw(finite), attrs=draw(st.dictionaries(words, json_values, max_size=2)),
        suggested=draw(st.booleans()), extra=draw(extras),
    )


calibrations = st.just(Calibration()) | st.builds(
    lambda r, c, s, e: Calibration(r, c, s, extra=e), positive, positive,
    st.sampled_from([s for s in CalibrationSource if s is not CalibrationSource.NONE]), extras,
)
_AXIS_OF = {"L": 0, "R": 0, "A": 1, "P": 1, "H": 2, "F": 2}
directions = st.tuples(
    st.sampled_from(["L", "R", "A", "P", "H", "F", "LF", "RH"]), st.sampled_from(["L", "R", "A", "P", "H", "F", "FA"]),
).filter(lambda xy: _AXIS_OF[xy[0][0]] != _AXIS_OF[xy[1][0]]).flatmap(
    lambda xy: st.builds(Directions, st.just(xy[0]), st.just(xy[1]), texts, extra=extras)
)
redactions = st.builds(
    Redaction, x0=st.integers(0, 100).map(float), y0=st.integers(0, 100).map(float),
    x1=st.integers(101, 200).map(float), y1=st.integers(101, 200).map(float), id=words, extra=extras,
)


@st.composite
def films(draw, film_id: str = "f0") -> Film:
    anns = draw(st.lists(annotations(), max_size=3))
    anns = [replace(a, id=f"{film_id}a{i}") for i, a in enumerate(anns)]
    reds = [replace(r, id=f"{film_id}r{i}") for i, r in enumerate(draw(st.lists(redactions, max_size=2)))]
    return Film(
        path="films/" + draw(words) + ".dcm", view=draw(st.sampled_from(list(View))),
        phase=draw(st.sampled_from(list(Phase))), id=film_id, caption=draw(texts),
        figure_label=draw(texts), key_frame=draw(st.integers(0, 10)), view_evidence=draw(texts),
        calibration=draw(calibrations), directions=draw(st.none() | directions),
        directions_override=draw(st.none() | directions), redactions=reds, annotations=anns,
        extra=draw(extras), calibration_override=draw(st.none() | calibrations),
    )


drug_doses = st.builds(
    DrugDose, drug=words, concentration_pct=st.none() | st.floats(0, 100),
    dose_mg=st.none() | non_negative, volume_ml=st.none() | non_negative, extra=extras,
)
findings_ = st.builds(
    Finding, code=words, id=words, film_id=st.none() | words, annotation_id=st.none() | words,
    site=st.none() | texts, value=st.none() | texts, angle_deg=st.none() | st.floats(-90, 90),
    note=texts, suggested=st.booleans(), extra=extras,
)


@st.composite
def roots(draw, root_id: str = "r0") -> Root:
    fs = [draw(films(f"{root_id}f{i}")) for i in range(draw(st.integers(0, 2)))]
    fnd = [replace(f, id=f"{root_id}n{i}") for i, f in enumerate(draw(st.lists(findings_, max_size=2)))]
    return Root(
        level=draw(st.sampled_from(LEVELS)), side=draw(st.sampled_from(list(Side))), id=root_id,
        technique=draw(st.sampled_from(list(Technique))), approach=draw(st.sampled_from(list(Approach))),
        needle_type=draw(texts), needle_gauge=draw(texts), contrast_agent=draw(texts),
        contrast_volume_ml=draw(st.none() | non_negative),
        resistance=draw(st.sampled_from(list(Resistance))), flash=draw(st.sampled_from(list(CheckResult))),
        aspiration=draw(st.sampled_from(list(CheckResult))), subtraction_used=draw(st.booleans()),
        drugs=draw(st.lists(drug_doses, max_size=2)), concordance=draw(st.sampled_from(list(Concordance))),
        block_result=draw(st.sampled_from(list(BlockResult))),
        block_assessed_min=draw(st.none() | non_negative), adjustments=draw(texts), notes=draw(texts),
        films=fs, findings=fnd, extra=draw(extras),
    )


@st.composite
def cases(draw) -> Case:
    rs = [draw(roots(f"r{i}")) for i in range(draw(st.integers(0, 2)))]
    return Case(
        title=draw(texts), id=draw(words), age=draw(st.none() | st.integers(0, 120)),
        sex=draw(st.sampled_from([None, "M", "F"])), symptoms=draw(texts),
        iodine_allergy_test_done=draw(st.sampled_from([None, True, False])),
        planned_roots=draw(st.lists(texts, max_size=2)), notes=draw(texts), roots=rs, extra=draw(extras),
    )


@settings(max_examples=30, deadline=None)
@given(cases())
def test_generated_cases_are_valid_and_ids_unique(case: Case) -> None:
    ids = [f.id for f in case.films()]
    assert len(ids) == len(set(ids))
    for r in case.roots:
        for f in r.films:
            assert len({a.id for a in f.annotations}) == len(f.annotations)
