"""The export's free-text check in the GUI: hits shown with their field, Remove / Keep, I confirm."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from PyQt6.QtWidgets import QDialog

from annotator.export import text_identity as ti
from annotator.export.case_export import text_hits
from annotator.io.casefile import load_case, save_case
from annotator.model import Annotation, Role, ShapeKind
from annotator.ui import text_check_dialog as tcd

PHONE = "138 0013 8000"
RECORD = "MRN 4821337"


@pytest.fixture
def risky_case(synthetic_case: Path) -> Path:
    case = load_case(synthetic_case)
    case.notes = f"Ward phone {PHONE}"
    film = case.roots[0].films[0]
    film.annotations.append(Annotation(Role.ARROW, ShapeKind.LINE, ((30.0, 30.0), (60.0, 60.0)),
                                       text=f"sheath ({RECORD})"))
    save_case(case, synthetic_case)
    return synthetic_case


def test_dialog_names_fields_highlights_and_settles_each_hit(qtbot, make_window, risky_case: Path,
                                                             tmp_path: Path) -> None:
    window = make_window(case=risky_case)
    doc = window.document
    hits = text_hits(doc.case, doc.folder)
    assert [h.text for h in hits] == [PHONE, RECORD]
    dialog = tcd.TextCheckDialog(doc, hits, window)
    qtbot.addWidget(dialog)
    assert tcd.field_name(hits[0]) == "Notes"
    assert tcd.field_name(hits[1]) == "film 7C arrow — Label"
    assert f">{RECORD}</span>" in dialog.rows[1]["text"].text()  # the match is marked in the field's text
    assert not dialog.go.isEnabled()
    dialog.rows[1]["remove"].click()
    assert RECORD not in doc.case.roots[0].films[0].annotations[-1].text
    assert doc.case.roots[0].films[0].annotations[-1].text == "sheath ()"
    assert not dialog.go.isEnabled()
    dialog.rows[0]["keep"].click()
    assert dialog.go.isEnabled()
    assert ti.is_confirmed(doc.case, hits[0])
    assert text_hits(doc.case, doc.folder) == []
    doc.undo()  # the confirmation is an ordinary, undoable edit of the case
    assert [h.text for h in text_hits(doc.case, doc.folder)] == [PHONE]
    dialog.grab().save(str(tmp_path / "text-check.png"))


def test_export_from_window_runs_the_check_and_saves_the_choices(qtbot, make_window, risky_case: Path,
                                                                 tmp_path: Path, monkeypatch) -> None:
    from annotator.ui import export_dialog as ed

    window = make_window(case=risky_case)
    shown = []

    def settle(self: tcd.TextCheckDialog) -> int:
        shown.append([h.text for h in self.hits])
        self.rows[0]["keep"].click()
        self.rows[1]["remove"].click()
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(tcd.TextCheckDialog, "exec", settle)
    out = tmp_path / "out.pdf"
    run = ed.export_from_window(window, ed.ExportOptions(pdf=out))
    assert run is not None
    with qtbot.waitSignal(run.finished, timeout=60_000) as blocker:
        pass
    assert blocker.args[0] is True, blocker.args
    assert shown == [[PHONE, RECORD]]
    saved = load_case(risky_case)  # saved before the export: the choices and the pseudonym key
    assert len(saved.extra[ti.CONFIRMED_KEY]) == 1 and "export_pseudonym_key" in saved.extra
    assert all(RECORD not in a.text for f in saved.roots[0].films for a in f.annotations)
    assert not window.document.dirty


def test_cancel_stops_the_export(qtbot, make_window, risky_case: Path, tmp_path: Path, monkeypatch) -> None:
    from annotator.ui import export_dialog as ed

    window = make_window(case=risky_case)
    monkeypatch.setattr(tcd.TextCheckDialog, "exec", lambda self: QDialog.DialogCode.Rejected)
    assert ed.export_from_window(window, ed.ExportOptions(pdf=tmp_path / "x.pdf")) is None
    assert not (tmp_path / "x.pdf").exists()
    # identified exports are not checked
    monkeypatch.setattr(tcd.TextCheckDialog, "exec", lambda self: pytest.fail("no check when identified"))
    run = ed.export_from_window(window, ed.ExportOptions(pdf=tmp_path / "y.pdf", identified=True))
    assert run is not None
    with qtbot.waitSignal(run.finished, timeout=60_000):
        pass
    assert "export_pseudonym_key" in load_case(risky_case).extra  # kept for every export


def test_removing_a_finding_site_empties_it(qtbot, make_window, risky_case: Path) -> None:
    from annotator.model import Finding

    window = make_window(case=risky_case)
    doc = window.document
    root = doc.case.roots[0]
    doc.add_finding(root.id, Finding("contrast_cutoff", site="call 021 5555 0142"))
    hit = next(h for h in text_hits(doc.case, doc.folder) if h.field.kind == "finding")
    tcd.apply_removal(doc, hit)
    assert doc.case.roots[0].findings[-1].site == "call"
    hit2 = replace(hit, text="call", start=0, end=4)
    tcd.apply_removal(doc, hit2)
    assert doc.case.roots[0].findings[-1].site is None


def test_two_hits_in_one_field_are_removed_one_after_the_other(qtbot, make_window, synthetic_case: Path) -> None:
    case = load_case(synthetic_case)
    case.notes = f"Ward {PHONE}, {RECORD} seen"
    save_case(case, synthetic_case)
    window = make_window(case=synthetic_case)
    doc = window.document
    hits = text_hits(doc.case, doc.folder)
    dialog = tcd.TextCheckDialog(doc, hits, window)
    qtbot.addWidget(dialog)
    dialog.rows[0]["remove"].click()
    assert f">{RECORD}</span>" in dialog.rows[1]["text"].text()  # shown in the field's new text
    assert PHONE not in dialog.rows[1]["text"].text()
    dialog.rows[1]["remove"].click()
    assert doc.case.notes == "Ward , seen"
    assert dialog.go.isEnabled()
