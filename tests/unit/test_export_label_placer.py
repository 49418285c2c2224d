"""The label placer on its own: free places nearest first, leaders when moved, limits, order."""

from __future__ import annotations

import numpy as np

from annotator.export.label_placer import (
    LabelRequest,
    Occupancy,
    grow,
    place_labels,
    rect_distance,
    segment_hits_rect,
)


def test_grow_is_a_square_dilation() -> None:
    m = np.zeros((50, 60), bool)
    m[10, 20] = True
    g = grow(m, 3)
    assert g[7:14, 17:24].all() and int(g.sum()) == 49


def test_segment_hits_rect() -> None:
    assert segment_hits_rect((0, 5), (20, 5), (5, 0, 10, 10))
    assert not segment_hits_rect((0, 20), (20, 20), (5, 0, 10, 10))
    assert not segment_hits_rect((0, 0), (5, 0), (5, 0, 10, 10))  # touching an edge is not crossing


def test_a_label_moves_off_geometry_with_a_leader_and_within_its_limit() -> None:
    mask = np.zeros((200, 200), bool)
    mask[60:140, 60:140] = True  # a drawn blob around the anchor
    req = LabelRequest("L5", (100.0, 100.0), 30, 12)
    (lab,) = place_labels([req], Occupancy(mask), (0, 0, 200, 200), gap_px=2, near_px=8, max_px=60)
    x0, y0, x1, y1 = (int(v) for v in lab.box)
    assert lab.free and not mask[y0:y1 + 1, x0:x1 + 1].any()
    assert lab.leader is not None and rect_distance(lab.box, req.anchor) <= 60
    (none_free,) = place_labels([req], Occupancy(np.ones((200, 200), bool)), (0, 0, 200, 200), gap_px=2,
                                near_px=8, max_px=20)
    assert not none_free.free  # said, not hidden


def test_level_labels_keep_their_vertical_order_and_do_not_overlap() -> None:
    mask = np.zeros((300, 300), bool)
    mask[:, 150:] = True  # no room to the right: all go left, stacked in order
    reqs = [LabelRequest(t, (152.0, y), 40, 20, "level", k) for k, (t, y) in
            enumerate((("L5", 110.0), ("L3", 90.0), ("L4", 100.0)))]  # anchors closer than the text height
    placed = place_labels(reqs, Occupancy(mask), (0, 0, 300, 300), gap_px=2, near_px=8, max_px=80)
    by_text = {p.request.text: p.box for p in placed}
    centres = [(by_text[t][1] + by_text[t][3]) / 2 for t in ("L3", "L4", "L5")]
    assert centres == sorted(centres)
    boxes = list(by_text.values())
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            assert a[2] <= b[0] or b[2] <= a[0] or a[3] <= b[1] or b[3] <= a[1]
