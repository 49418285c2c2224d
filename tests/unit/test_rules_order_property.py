"""Property (hypothesis): the order of the marks in a film never changes any verdict (issue #9).

Films are drawn with any mix of both sides' landmarks (pedicle margins, SAP
margins, S1 foramina; sides left, right, unknown or unset), one or two tips of
either root (with or without a root id), with or without a midline, on films
of either orientation; both roots (right and left, L5 and S1) are judged on
the film and on every permutation of its annotations.
"""

from __future__ import annotations

import math

from hypothesis import given, settings
from hypothesis import strategies as st

from annotator.geometry import Directions
from annotator.model import Annotation, Case, MarkSide, Role, Root, ShapeKind, Side, View
from annotator.rules import evaluate_case
from tests.unit.test_rules_builders import film

coord = st.integers(20, 492)
sides = st.sampled_from([MarkSide.LEFT, MarkSide.RIGHT, MarkSide.UNKNOWN, None])


@st.composite
def marks(draw):
    out: list[Annotation] = []
    for _ in range(draw(st.integers(0, 3))):
        x, y, dx = draw(coord), draw(coord), draw(st.integers(-40, 40).filter(lambda d: abs(d) >= 4))
        out.append(Annotation(Role.PEDICLE_MARGIN, ShapeKind.LINE, [(x, y), (x + dx, y)],
                              level=draw(st.sampled_from(["L5", None])), side=draw(sides)))
    for _ in range(draw(st.integers(0, 2))):
        out.append(Annotation(Role.SAP_MARGIN, ShapeKind.POINT, [(draw(coord), draw(coord))], level="S1",
                              side=draw(sides)))
    for _ in range(draw(st.integers(0, 2))):
        out.append(Annotation(Role.S1_FORAMEN, ShapeKind.ELLIPSE, [(draw(coord), draw(coord))], radii=(10, 12),
                              side=draw(sides)))
    for _ in range(draw(st.integers(0, 3))):
        out.append(Annotation(Role.TIP, ShapeKind.POINT, [(draw(coord), draw(coord))],
                              root_id=draw(st.sampled_from(["rR", "rL", "sR", None]))))
    if draw(st.booleans()):
        mx = draw(coord)
        out.append(Annotation(Role.MIDLINE, ShapeKind.LINE, [(mx, 0), (mx + draw(st.integers(-3, 3)), 512)]))
    return out


def summary_of(anns, x_letter):
    f = film(View.AP, *anns, id="apf", columns=512, rows=512, directions=Directions(x_letter, "F", "test"))
    roots = [Root("L5", Side.RIGHT, id="rR", films=[f]), Root("L5", Side.LEFT, id="rL", shared_film_ids=["apf"]),
             Root("S1", Side.RIGHT, id="sR", shared_film_ids=["apf"])]
    out = []
    for r in evaluate_case(Case(roots=roots)).roots:
        v = r.films[0].verdict
        out.append((r.root_id, v.status, v.reasons, v.missing, v.ambiguity,
                    None if v.distance is None else round(v.distance, 9),
                    tuple((d, round(a, 9)) for d, a in v.offsets), tuple(w.key for w in r.films[0].warnings)))
    return out


@settings(max_examples=200, deadline=None)
@given(marks(), st.sampled_from(["L", "R"]), st.randoms(use_true_random=False))
def test_annotation_order_never_changes_a_verdict(anns, x_letter, rnd):
    expected = summary_of(anns, x_letter)
    shuffled = list(anns)
    rnd.shuffle(shuffled)
    for order in (shuffled, list(reversed(anns))):
        for e, g in zip(expected, summary_of(order, x_letter), strict=True):
            assert e[:5] == g[:5]
            assert (e[5] is None) == (g[5] is None) and (e[5] is None or math.isclose(e[5], g[5], abs_tol=1e-9))
            assert e[6:] == g[6:]
