"""The record panel: the procedure record of the current root, its selected film, and the case.

Each widget is bound to one field of the model (``case``, ``root`` or
``film`` scope). A user edit becomes a document command at once
(``update_case`` / ``update_root`` / ``update_film``); consecutive keystrokes
in one field carry the same ``merge_key`` so a typing burst is one undo step
when the document supports it. On every document event the panel re-reads
the model and writes a widget only when its value differs, so the cursor of
the field being typed in never jumps and no edit loops back.

Number fields take the model's limits (an age up to 120); a value the model
accepts but that is implausible (``PLAUSIBLE``: 500 ml of contrast for a root
study) is stored and flagged under its field. Combo and spin boxes take the mouse wheel only
while they have the focus (``ui.wheel_guard``): scrolling the panel changes nothing. The drug table
(``ui.drug_table``) and the root's findings (``ui.findings_list``) sit below
the root's fields, the full width of the panel.
"""

from __future__ import annotations

import inspect
import logging
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from PyQt6.QtCore import Qt
from PyQt6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from annotator.model import (
    LEVELS,
    Approach,
    BlockResult,
    CheckResult,
    Concordance,
    Phase,
    Resistance,
    Side,
    Technique,
)
from annotator.ui.drug_table import DrugTable
from annotator.ui.findings_list import FindingsList
from annotator.ui.i18n import current_language, signals, tr, trf
from annotator.ui.messages import user_error
from annotator.ui.wheel_guard import guard_wheel

log = logging.getLogger(__name__)


def tr_noop(text: str) -> str:
    return text


# enum values shown in combo boxes (value with "_" → " ", translated at display time)
_ENUM_WORDS = [
    tr_noop("contrast study"), tr_noop("block"), tr_noop("both"), tr_noop("supraneural"), tr_noop("infraneural"),
    tr_noop("retrodiscal"), tr_noop("s1 medial"), tr_noop("s1 lateral"), tr_noop("none"), tr_noop("mild"),
    tr_noop("marked"), tr_noop("not recorded"), tr_noop("not done"), tr_noop("negative"), tr_noop("positive"),
    tr_noop("yes"), tr_noop("no"), tr_noop("not assessed"), tr_noop("partial"), tr_noop("complete"),
]


def enum_label(value: str) -> str:
    return tr(str(value).replace("_", " ").replace("follow up", "follow-up"))


# (low, high) of number fields, as the model checks them (None: no limit but the widget's)
RANGES: dict[str, tuple[float, float]] = {"age": (0, 120), "contrast_volume_ml": (0, 999),
                                          "block_assessed_min": (0, 9999)}
# above these a number is stored but flagged as probably mistyped: (limit, English template)
PLAUSIBLE: dict[str, tuple[float, str]] = {
    "contrast_volume_ml": (10.0, tr_noop("{value:g} ml of contrast is far more than a root study uses "
                                         "(usually 1–5 ml): check the value.")),
    "block_assessed_min": (240.0, tr_noop("{value:g} min after the block is unusually late: check the value.")),
}


@dataclass
class Binding:
    scope: str  # "case", "root", "film"
    attr: str
    label: str  # English source text of the form label
    widget: QWidget
    kind: str  # "text", "plain", "int", "float", "bool", "tri", "choice"
    choices: tuple[Any, ...] = ()


class RecordPanel(QScrollArea):
    """Form over the model; ``show(document, root_id, film_id)`` picks what it edits."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("recordPanel")
        self.setWidgetResizable(True)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.document: Any = None
        self.root_id: str | None = None
        self.film_id: str | None = None
        self._unsubscribe: Callable[[], None] | None = None
        self._loading = False
        self.bindings: list[Binding] = []
        self.labels: dict[str, QLabel] = {}
        self.notes: dict[str, QLabel] = {}  # warnings under number fields (implausible values)
        body = QWidget()
        outer = QVBoxLayout(body)
        self.groups: dict[str, QGroupBox] = {}
        for scope, title in (("film", tr_noop("Selected film")), ("root", tr_noop("Root record")),
                             ("case", tr_noop("Case"))):
            box = QGroupBox(body)
            box.setProperty("source_title", title)
            form = QFormLayout()
            form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)  # labels above fields when narrow
            box.setLayout(form)
            self.groups[scope] = box
            outer.addWidget(box)
        outer.addStretch(1)
        self.setWidget(body)
        self._build_fields()
        self.retranslate()
        signals().language_changed.connect(self.retranslate)

    # -- construction ----------------------------------------------------------------------

    def _add(self, scope: str, attr: str, label: str, kind: str, choices: tuple[Any, ...] = ()) -> QWidget:
        if kind == "text":
            w: QWidget = QLineEdit()
            w.textEdited.connect(lambda _t, s=scope, a=attr: self._edited(s, a))
        elif kind == "plain":
            w = QPlainTextEdit()
            w.setMaximumHeight(64)
            w.textChanged.connect(lambda s=scope, a=attr: self._edited(s, a))
        elif kind in ("int", "float"):
            w = guard_wheel(QSpinBox() if kind == "int" else QDoubleSpinBox())
            lo, hi = RANGES.get(attr, (0, 9999))
            w.setRange(int(lo) - 1, int(hi))
            if kind == "float":
                w.setDecimals(1)
                w.setSingleStep(0.5)
            w.setSpecialValueText("—")  # minimum (-1) means "not recorded"
            w.valueChanged.connect(lambda _v, s=scope, a=attr: self._edited(s, a))
        elif kind == "bool":
            w = QCheckBox()
            w.toggled.connect(lambda _v, s=scope, a=attr: self._edited(s, a))
        else:  # choice / tri
            w = guard_wheel(QComboBox())
            _narrow(w)
            w.currentIndexChanged.connect(lambda _i, s=scope, a=attr: self._edited(s, a))
        w.setObjectName(f"{scope}_{attr}")
        b = Binding(scope, attr, label, w, kind, choices)
        self.bindings.append(b)
        lab = QLabel()
        self.labels[f"{scope}.{attr}"] = lab
        self.groups[scope].layout().addRow(lab, w)
        if attr in PLAUSIBLE:  # the warning line of an implausible value, under its field
            note = QLabel()
            note.setObjectName(f"{scope}_{attr}_warning")
            note.setWordWrap(True)
            note.setStyleSheet("color: #a04400;")  # amber dark enough to read (≥ 4.5:1), not "disabled"
            note.hide()
            self.notes[f"{scope}.{attr}"] = note
            self.groups[scope].layout().addRow(note)
        return w

    def _build_fields(self) -> None:
        f = self._add
        f("film", "caption", tr_noop("Caption"), "text")
        f("film", "phase", tr_noop("Phase"), "choice", tuple(Phase))
        f("film", "figure_label", tr_noop("Figure label"), "text")
        f("root", "level", tr_noop("Level"), "choice", LEVELS)
        f("root", "side", tr_noop("Side"), "choice", tuple(Side))
        f("root", "technique", tr_noop("Technique"), "choice", tuple(Technique))
        f("root", "approach", tr_noop("Approach"), "choice", tuple(Approach))
        f("root", "needle_type", tr_noop("Needle type"), "text")
        f("root", "needle_gauge", tr_noop("Needle gauge"), "text")
        f("root", "contrast_agent", tr_noop("Contrast agent"), "text")
        f("root", "contrast_volume_ml", tr_noop("Contrast volume (ml)"), "float")
        f("root", "resistance", tr_noop("Resistance"), "choice", tuple(Resistance))
        f("root", "flash", tr_noop("Flash"), "choice", tuple(CheckResult))
        f("root", "aspiration", tr_noop("Aspiration"), "choice", tuple(CheckResult))
        f("root", "subtraction_used", tr_noop("Subtraction used"), "bool")
        self.drug_table = DrugTable(self)
        self.drug_table.drugs_edited.connect(self._drugs_edited)
        self.labels["root.drugs"] = QLabel()
        self.groups["root"].layout().addRow(self.labels["root.drugs"])  # the table below, full width
        self.groups["root"].layout().addRow(self.drug_table)
        self.findings = FindingsList(self)
        self.labels["root.findings"] = QLabel()
        self.groups["root"].layout().addRow(self.labels["root.findings"])
        self.groups["root"].layout().addRow(self.findings)
        f("root", "concordance", tr_noop("Concordant radiating pain"), "choice", tuple(Concordance))
        f("root", "block_result", tr_noop("Block result"), "choice", tuple(BlockResult))
        f("root", "block_assessed_min", tr_noop("Assessed after (min)"), "float")
        f("root", "adjustments", tr_noop("Adjustments"), "plain")
        f("root", "notes", tr_noop("Notes"), "plain")
        f("case", "title", tr_noop("Title"), "text")
        f("case", "age", tr_noop("Age"), "int")
        f("case", "sex", tr_noop("Sex"), "tri", (None, "M", "F"))
        f("case", "symptoms", tr_noop("Symptoms"), "plain")
        f("case", "iodine_allergy_test_done", tr_noop("Iodine allergy test done"), "tri", (None, True, False))
        f("case", "planned_roots", tr_noop("Planned roots"), "text")

    def retranslate(self) -> None:
        for box in self.groups.values():
            box.setTitle(tr(box.property("source_title")))
        for b in self.bindings:
            self.labels[f"{b.scope}.{b.attr}"].setText(tr(b.label))
        self.labels["root.drugs"].setText(tr("Drugs"))
        self.labels["root.findings"].setText(tr("Findings"))
        was = self._loading
        self._loading = True
        try:
            for b in self.bindings:
                if b.kind in ("choice", "tri"):
                    combo: QComboBox = b.widget  # type: ignore[assignment]
                    idx = combo.currentIndex()
                    combo.clear()
                    for c in b.choices:
                        combo.addItem(self._choice_label(b, c))
                    combo.setCurrentIndex(idx)
            self.drug_table.retranslate()
            self.findings.retranslate()
        finally:
            self._loading = was
        self.refresh()

    @staticmethod
    def _choice_label(b: Binding, c: Any) -> str:
        if c is None:
            return tr("not recorded")
        if c is True:
            return tr("yes")
        if c is False:
            return tr("no")
        if isinstance(c, StrEnum):
            return enum_label(c.value)
        return tr(str(c)) if b.attr == "sex" else str(c)

    # -- binding to the document -----------------------------------------------------------

    def show(self, document: Any = None, root_id: str | None = None, film_id: str | None = None) -> None:  # type: ignore[override]
        if document is not self.document:
            if self._unsubscribe is not None:
                self._unsubscribe()
            self.document = document
            self._unsubscribe = document.subscribe(lambda _e: self.refresh()) if document is not None else None
        self.root_id, self.film_id = root_id, film_id
        self.refresh()
        super().show()

    def _objects(self) -> dict[str, Any]:
        doc = self.document
        out: dict[str, Any] = {"case": None, "root": None, "film": None}
        if doc is None:
            return out
        out["case"] = doc.case
        if self.film_id is not None:
            try:
                out["root"], out["film"] = doc.case.film(self.film_id)
            except KeyError:
                self.film_id = None
        if out["root"] is None and self.root_id is not None:
            try:
                out["root"] = doc.case.root(self.root_id)
            except KeyError:
                self.root_id = None
        if out["root"] is None and doc.case.roots:
            out["root"] = doc.case.roots[0]
        return out

    def refresh(self) -> None:
        objs = self._objects()
        self._loading = True
        try:
            for scope, box in self.groups.items():
                box.setEnabled(objs[scope] is not None)
            for b in self.bindings:
                obj = objs[b.scope]
                if obj is not None:
                    self._write(b, getattr(obj, b.attr))
            root = objs["root"]
            self.drug_table.show_drugs(list(root.drugs) if root is not None else [], self._drug_warnings(root))
            self.findings.show_root(self.document, root)
            self._check_plausible(objs)
        finally:
            self._loading = False

    def _check_plausible(self, objs: dict[str, Any]) -> None:
        for key, note in self.notes.items():
            scope, attr = key.split(".")
            obj = objs[scope]
            value = getattr(obj, attr, None) if obj is not None else None
            limit, template = PLAUSIBLE[attr]
            if isinstance(value, int | float) and value > limit:
                note.setText("⚠ " + trf(template, value=value))
                note.show()
            else:
                note.hide()

    def _drug_warnings(self, root: Any) -> list[str]:
        """One line per problem of the recorded drugs (range, maximum, particulate steroid)."""
        if root is None or not root.drugs:
            return []
        try:
            from annotator import rules

            config = rules.load_config()
            lang = current_language()
            return [w.message(lang) for d in root.drugs for w in rules.drug_warnings(d, config)]
        except Exception:  # the rules failing must not break the form
            log.debug("drug warnings unavailable", exc_info=True)
            return []

    def _write(self, b: Binding, value: Any) -> None:
        w = b.widget
        if b.kind == "text":
            text = ", ".join(value) if isinstance(value, list) else (value or "")
            if w.text() != text:
                w.setText(text)
                if not w.hasFocus():
                    w.setCursorPosition(0)  # show the start of a long caption
        elif b.kind == "plain":
            if w.toPlainText() != (value or ""):
                w.setPlainText(value or "")
        elif b.kind in ("int", "float"):
            v = w.minimum() if value is None else value
            if w.value() != v:
                w.setValue(v)
        elif b.kind == "bool":
            if w.isChecked() != bool(value):
                w.setChecked(bool(value))
        else:
            idx = next((i for i, c in enumerate(b.choices) if c == value and type(c) is type(value)), -1)
            if idx < 0:
                idx = next((i for i, c in enumerate(b.choices) if c == value), 0)
            if w.currentIndex() != idx:
                w.setCurrentIndex(idx)

    def _read(self, b: Binding) -> Any:
        w = b.widget
        if b.kind == "text":
            if b.attr == "planned_roots":
                return [p.strip() for p in w.text().split(",") if p.strip()]
            return w.text()
        if b.kind == "plain":
            return w.toPlainText()
        if b.kind in ("int", "float"):
            return None if w.value() == w.minimum() else w.value()
        if b.kind == "bool":
            return w.isChecked()
        idx = w.currentIndex()
        return b.choices[idx] if 0 <= idx < len(b.choices) else None

    def _edited(self, scope: str, attr: str) -> None:
        if self._loading or self.document is None:
            return
        b = next(x for x in self.bindings if x.scope == scope and x.attr == attr)
        objs = self._objects()
        obj = objs[scope]
        if obj is None:
            return
        value = self._read(b)
        if getattr(obj, attr) == value:
            return
        merge = f"{scope}-{getattr(obj, 'id', '')}-{attr}" if b.kind in ("text", "plain", "int", "float") else None
        self._update(scope, obj, {attr: value}, merge)

    def _drugs_edited(self, drugs: list) -> None:
        root = self._objects()["root"]
        if self._loading or root is None or list(root.drugs) == drugs:
            return
        self._update("root", root, {"drugs": drugs}, None)

    def _update(self, scope: str, obj: Any, fields: dict[str, Any], merge: str | None) -> None:
        doc = self.document
        fn = {"case": doc.update_case, "root": doc.update_root, "film": doc.update_film}[scope]
        kwargs = dict(fields)
        if merge is not None and _accepts_merge_key(fn):
            kwargs["merge_key"] = merge
        try:
            if scope == "case":
                fn(**kwargs)
            else:
                fn(obj.id, **kwargs)
        except Exception as exc:  # a refused value: show it, restore the model's value
            log.info("edit refused: %s", exc)
            window = self.window()
            if hasattr(window, "statusBar"):
                window.statusBar().showMessage(user_error(tr("Value not recorded"), exc), 8000)
            self.refresh()


def _narrow(combo: QComboBox) -> None:
    """Let a combo box shrink with its dock instead of widening the panel to its longest item."""
    combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    combo.setMinimumContentsLength(6)


def _accepts_merge_key(fn: Callable[..., Any]) -> bool:
    try:
        params = inspect.signature(fn).parameters
    except (TypeError, ValueError):
        return False
    return "merge_key" in params
