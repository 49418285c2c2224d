"""Before a de-identified export: the free text that may identify the patient, hit by hit.

``annotator.export.case_export.text_hits`` lists what would stop the export
(names and identifiers of the DICOM headers, phone numbers, e-mail addresses,
record numbers in the user's own text). :class:`TextCheckDialog` shows each hit
with its field named and the text highlighted in it, and offers **Remove** (the
matched text leaves the field, through the document's undoable commands) and
**Keep, I confirm** (recorded in the case: ``text_identity.confirm``). Export
goes on once every hit is settled. :func:`resolve_text_hits` is the one call
the export dialog makes.
"""

from __future__ import annotations

import html
import logging
from typing import Any

from PyQt6.QtCore import Qt
from PyQt6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from annotator.export import text_identity as ti
from annotator.ui.help_overlay import tr_noop
from annotator.ui.i18n import tr, trf

log = logging.getLogger(__name__)

_ATTRS = {
    "title": tr_noop("Title"), "symptoms": tr_noop("Symptoms"), "notes": tr_noop("Notes"),
    "adjustments": tr_noop("Adjustments"), "needle_type": tr_noop("Needle type"),
    "contrast_agent": tr_noop("Contrast agent"), "caption": tr_noop("Caption"), "code": tr_noop("Finding"),
    "note": tr_noop("Note"), "site": tr_noop("Site"), "value": tr_noop("Value"), "text": tr_noop("Label"),
}
_CATEGORIES = {
    "name": tr_noop("a name in the DICOM headers ({source})"),
    "identifier": tr_noop("an identifier in the DICOM headers ({source})"),
    "word": tr_noop("a word of the DICOM headers ({source})"),
    "e-mail address": tr_noop("an e-mail address"),
    "date": tr_noop("a date"),
    "phone number": tr_noop("a phone number"),
    "record number": tr_noop("a record number"),
}
_WHERE_WORDS = {"film": tr_noop("film"), "root": tr_noop("root"), "finding": tr_noop("finding"),
                "right": tr_noop("right"), "left": tr_noop("left")}


def field_name(hit: ti.TextHit) -> str:
    """"film 1A arrow — Label", in the user's language."""
    words = [tr(_WHERE_WORDS[w]) if w in _WHERE_WORDS else w for w in hit.field.where.split()]
    attr = tr(_ATTRS.get(hit.field.attr, hit.field.attr))
    return f"{' '.join(words)} — {attr}" if words else attr


def reason_text(hit: ti.TextHit) -> str:
    template = _CATEGORIES.get(hit.category)
    return trf(template, source=hit.source) if template else hit.reason


def highlighted(text: str, hit: ti.TextHit) -> str:
    """The field's text as rich text with the match marked (start/end found again if it moved)."""
    start = hit.start if text[hit.start:hit.end] == hit.text else text.find(hit.text)
    if start < 0:
        return html.escape(text)
    end = start + len(hit.text)
    return (html.escape(text[:start]) + '<span style="background:#fde68a;color:#b91c1c;font-weight:bold">'
            + html.escape(text[start:end]) + "</span>" + html.escape(text[end:]))


def apply_removal(document: Any, hit: ti.TextHit) -> None:
    """Remove the hit's text from its field through the document's commands (undoable)."""
    attr, value = ti.without_hit(document.case, hit)
    f = hit.field
    if f.kind == "case":
        document.update_case(**{attr: value})
    elif f.kind == "root":
        document.update_root(f.root_id, **{attr: value})
    elif f.kind == "film":
        document.update_film(f.film_id, **{attr: value})
    elif f.kind == "finding":
        document.update_finding(f.root_id, value)
    else:
        document.update_annotation(f.film_id, value)


class TextCheckDialog(QDialog):
    """One row per hit: field, its text with the match highlighted, why, Remove / Keep, I confirm."""

    def __init__(self, document: Any, hits: list[ti.TextHit], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("textCheckDialog")
        self.setWindowTitle(tr("Check the text before export"))
        self.document = document
        self.hits = list(hits)
        self.settled: dict[int, str] = {}  # row -> "removed" / "kept"
        layout = QVBoxLayout(self)
        intro = QLabel(tr("This text may identify the patient. De-identified exports keep what you type: "
                          "remove it, or keep it if you are sure it identifies nobody."), self)
        intro.setWordWrap(True)
        layout.addWidget(intro)
        body = QWidget(self)
        grid = QGridLayout(body)
        grid.setColumnStretch(0, 1)
        self.rows: list[dict[str, Any]] = []
        for i, hit in enumerate(self.hits):
            where = QLabel(f"<b>{html.escape(field_name(hit))}</b>", body)
            text = QLabel(highlighted(ti.field_text(document.case, hit.field), hit), body)
            text.setTextFormat(Qt.TextFormat.RichText)
            text.setWordWrap(True)
            text.setObjectName(f"hitText{i}")
            why = QLabel(reason_text(hit), body)
            remove = QPushButton(tr("Remove"), body)
            keep = QPushButton(tr("Keep, I confirm"), body)
            remove.clicked.connect(lambda _=False, row=i: self.remove(row))
            keep.clicked.connect(lambda _=False, row=i: self.keep(row))
            status = QLabel("", body)
            grid.addWidget(where, 2 * i, 0, 1, 3)
            grid.addWidget(text, 2 * i + 1, 0)
            grid.addWidget(why, 2 * i + 1, 1)
            grid.addWidget(remove, 2 * i + 1, 2)
            grid.addWidget(keep, 2 * i + 1, 3)
            grid.addWidget(status, 2 * i + 1, 4)
            self.rows.append({"text": text, "remove": remove, "keep": keep, "status": status})
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setWidget(body)
        layout.addWidget(scroll)
        self.buttons = QDialogButtonBox(self)
        self.go = self.buttons.addButton(tr("Export"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.addButton(tr("Cancel"), QDialogButtonBox.ButtonRole.RejectRole)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.resize(760, min(560, 160 + 70 * len(self.hits)))
        self._update()

    def _settle(self, row: int, how: str) -> None:
        self.settled[row] = how
        r = self.rows[row]
        r["remove"].setEnabled(False)
        r["keep"].setEnabled(False)
        r["status"].setText(tr("removed") if how == "removed" else tr("kept"))
        self._update()

    def remove(self, row: int) -> None:
        hit = self.hits[row]
        try:
            apply_removal(self.document, hit)
        except Exception as exc:  # the field changed under us: say so, leave the row open
            log.info("could not remove a text hit (%s)", type(exc).__name__)  # never the text itself
            self.rows[row]["status"].setText(tr("could not remove: edit the field"))
            return
        text = ti.field_text(self.document.case, hit.field)
        self.rows[row]["text"].setText(html.escape(text))
        for other, h in enumerate(self.hits):  # the field's other hits: shown in its new text
            if other != row and other not in self.settled and h.field.key == hit.field.key:
                self.rows[other]["text"].setText(highlighted(text, h))
        self._settle(row, "removed")

    def keep(self, row: int) -> None:
        self.document.update_case(extra=ti.confirm(self.document.case, [self.hits[row]]))
        self._settle(row, "kept")

    def _update(self) -> None:
        self.go.setEnabled(len(self.settled) == len(self.hits))


def resolve_text_hits(window: Any, document: Any, check_text: bool = True) -> bool:
    """Before an export: the text check (``check_text``: de-identified exports) and the case's
    pseudonym key. True when export may go on (no hit, or every hit removed or confirmed, and the
    case saved); False when the user cancelled or saving failed."""
    from pathlib import Path

    from annotator.export import pseudonym
    from annotator.export.case_export import text_hits

    hits = []
    try:
        if check_text:
            hits = text_hits(document.case, Path(document.folder))
    except Exception as exc:  # a film that cannot be read is reported by the export itself
        log.info("text check could not run (%s)", type(exc).__name__)
    if hits:
        dialog = TextCheckDialog(document, hits, window)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return False
    if pseudonym.key_of(document.case) is None:  # made once, kept with the case: a stable pseudonym
        document.update_case(extra=pseudonym.with_key(dict(document.case.extra)))
    return not document.dirty or bool(window.save())
