"""Every line of a finding's row is shown: the name (wrapped) and "marked on …" are not clipped
in the record panel at the window's default width."""

from __future__ import annotations

from annotator.model import Finding


def test_no_finding_row_is_clipped(make_window, synthetic_case, qtbot):
    w = make_window(case=synthetic_case, size=(1600, 1000))
    doc = w.document
    root = doc.case.roots[0]
    ap = root.films[0]
    tip = next(a for a in ap.annotations if a.role.value == "tip")
    for code in ("contrast_cutoff", "tip_in_sheath", "epidural_spread", "intravascular_uptake"):
        doc.add_finding(root.id, Finding(code, film_id=ap.id, annotation_id=tip.id))
    w.docks["record"].raise_()
    qtbot.wait(50)
    findings = w.record_panel.findings
    qtbot.waitUntil(lambda: bool(findings.rows))
    clipped = []
    for row in findings.rows.values():
        label = row["name"]
        need = label.heightForWidth(label.width())
        if label.isVisible() and need > label.height():
            clipped.append((label.text(), label.width(), label.height(), need))
    assert not clipped, clipped
