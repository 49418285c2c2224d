"""The record panel's findings list: every finding of the root, marked on a film or not.

Root-level findings (``tip_in_sheath``, ``root_to_axilla``, ``injection_resistance``, …)
have no place on a film, yet the root summary depends on them: here they are listed by
their vocabulary name in the interface language, with their attribute (the site of a
cut-off, the value of a graded finding, the measured angle of the L5 tilt), and where a
marker shows them ("marked on 1B"). "Add" takes a finding from the vocabulary (those that
apply to the root's level); ✕ removes one (and its marker). Every change is one step on
the document's undo stack; the list is rebuilt from the model after each change.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from PyQt6.QtCore import Qt
from PyQt6.QtWidgets import (
    QComboBox,
    QDoubleSpinBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from annotator.model import Finding
from annotator.ui.i18n import current_language, tr, trf
from annotator.ui.wheel_guard import guard_wheel

NO_ANGLE = -1.0  # the angle box's "not measured" value


def _vocabulary() -> dict:
    try:
        from annotator.rules import load_config

        return dict(load_config().findings)
    except Exception:
        return {}


class WrappedLabel(QLabel):
    """A word-wrapped label that asks its layout for every line it needs: a grid inside a scroll
    area does not pass height-for-width on, so a two-line name plus "marked on …" lost its last
    line. The label keeps its minimum height at what its width needs."""

    def __init__(self, text: str, parent: QWidget | None = None) -> None:
        super().__init__(text, parent)
        self.setWordWrap(True)

    def _fit(self) -> None:
        need = self.heightForWidth(max(1, self.width()))
        if need > 0 and need != self.minimumHeight():
            self.setMinimumHeight(need)

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt API)
        super().resizeEvent(event)
        self._fit()

    def setText(self, text: str) -> None:  # noqa: N802 (Qt API)
        super().setText(text)
        self._fit()


class FindingsList(QWidget):
    """``show_root(document, root)`` shows the findings of ``root`` (a Root or None)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("findingsList")
        self.document: Any = None
        self.root_id: str | None = None
        self._shape: tuple | None = None  # (language, level, ((id, code), ...)) the rows were built for
        self.rows: dict[str, dict[str, Any]] = {}  # finding id -> its widgets
        self.grid = QGridLayout()
        self.grid.setContentsMargins(0, 0, 0, 0)
        self.grid.setHorizontalSpacing(4)
        self.grid.setColumnStretch(0, 1)
        self.empty = QLabel(self)
        self.empty.setObjectName("noFindings")
        self.choice = guard_wheel(QComboBox(self))
        self.choice.setObjectName("findingChoice")
        self.choice.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.choice.setMinimumContentsLength(8)
        self.add_button = QPushButton(self)
        self.add_button.setObjectName("addFinding")
        self.add_button.clicked.connect(self.add_chosen)
        add_row = QHBoxLayout()
        add_row.addWidget(self.choice, 1)
        add_row.addWidget(self.add_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(self.grid)
        layout.addWidget(self.empty)
        layout.addLayout(add_row)

    # -- model -> widgets ----------------------------------------------------------------------
    def root(self) -> Any:
        if self.document is None or self.root_id is None:
            return None
        try:
            return self.document.case.root(self.root_id)
        except KeyError:
            return None

    def show_root(self, document: Any, root: Any) -> None:
        self.document = document
        self.root_id = root.id if root is not None else None
        self.refresh()

    def retranslate(self) -> None:
        self.add_button.setText(tr("Add finding"))
        self.add_button.setToolTip(tr("Add the chosen finding to this root (one undo step)"))
        self.empty.setText(tr("No findings recorded on this root."))
        self._shape = None
        self.refresh()

    def refresh(self) -> None:
        root = self.root()
        findings = list(root.findings) if root is not None else []
        shape = (current_language(), root.level if root is not None else None,
                 tuple((f.id, f.code) for f in findings))
        if shape != self._shape:
            self._rebuild(root, findings)
            self._shape = shape
        for f in findings:
            self._write(f, root)
        self.empty.setVisible(not findings)
        self.setEnabled(root is not None)

    def _rebuild(self, root: Any, findings: list[Finding]) -> None:
        while self.grid.count():
            w = self.grid.takeAt(0).widget()
            if w is not None:
                w.hide()
                w.deleteLater()
        self.rows = {}
        vocab, lang = _vocabulary(), current_language()
        for i, f in enumerate(findings):
            d = vocab.get(f.code)
            title = d.name(lang) if d is not None else f.code
            name = WrappedLabel(title, self)
            name.setObjectName(f"finding_{f.code}")
            widgets: dict[str, Any] = {"name": name, "title": title}
            editor: QWidget | None = None
            if d is not None and (d.sites or d.values):
                attr = "site" if d.sites else "value"
                editor = guard_wheel(QComboBox(self))
                editor.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
                editor.setMinimumContentsLength(5)
                editor.addItem("—", None)
                for item in d.sites or d.values:
                    editor.addItem(d.label_of(item, lang), item)
                editor.setToolTip(tr("Site") if attr == "site" else tr("Value"))
                editor.currentIndexChanged.connect(lambda _i, fid=f.id, a=attr: self._attr_chosen(fid, a))
                widgets[attr] = editor
            elif d is not None and d.location == "angle":
                editor = guard_wheel(QDoubleSpinBox(self))
                editor.setRange(NO_ANGLE, 180.0)
                editor.setDecimals(0)
                editor.setSuffix("°")
                editor.setSpecialValueText("—")
                editor.setKeyboardTracking(False)  # one step when the number is entered, not per keystroke
                editor.setToolTip(tr("Angle (°)"))
                editor.valueChanged.connect(lambda _v, fid=f.id: self._angle_changed(fid))
                widgets["angle_deg"] = editor
            remove = QToolButton(self)
            remove.setText("✕")
            remove.setObjectName("removeFinding")
            remove.setToolTip(tr("Remove this finding (and its marker)"))
            remove.clicked.connect(lambda _=False, fid=f.id: self.remove(fid))
            widgets["remove"] = remove
            self.grid.addWidget(name, i, 0)
            if editor is not None:
                self.grid.addWidget(editor, i, 1)
            self.grid.addWidget(remove, i, 2, Qt.AlignmentFlag.AlignTop)
            self.rows[f.id] = widgets
        self.choice.clear()
        level = root.level.upper() if root is not None else None
        for code, d in vocab.items():
            if d.levels and level not in d.levels:
                continue
            self.choice.addItem(d.name(lang) or code, code)

    def _write(self, f: Finding, root: Any) -> None:
        widgets = self.rows.get(f.id)
        if widgets is None:
            return
        where = self._marked_on(f, root)
        text = widgets["title"] + (f"\n{where}" if where else "")
        if widgets["name"].text() != text:
            widgets["name"].setText(text)
        for attr in ("site", "value"):
            combo = widgets.get(attr)
            if combo is not None:
                idx = max(0, combo.findData(getattr(f, attr)))
                if combo.currentIndex() != idx:
                    combo.blockSignals(True)
                    combo.setCurrentIndex(idx)
                    combo.blockSignals(False)
        spin = widgets.get("angle_deg")
        if spin is not None:
            value = NO_ANGLE if f.angle_deg is None else f.angle_deg
            if spin.value() != value:
                spin.blockSignals(True)
                spin.setValue(value)
                spin.blockSignals(False)

    @staticmethod
    def _marked_on(f: Finding, root: Any) -> str:
        if f.film_id is None or root is None:
            return ""
        film = next((x for x in root.films if x.id == f.film_id), None)
        if film is None:
            return ""
        label = film.figure_label or film.path.rsplit("/", 1)[-1]
        return trf("marked on {film}", film=label) if f.annotation_id else trf("on {film}", film=label)

    # -- widgets -> commands ------------------------------------------------------------------
    def add_chosen(self) -> None:
        root, code = self.root(), self.choice.currentData()
        if root is None or not code:
            return
        self.document.add_finding(root.id, Finding(code=str(code)))

    def remove(self, finding_id: str) -> None:
        """Remove a finding; a marker on a film goes with it (one undo step)."""
        root = self.root()
        if root is None:
            return
        f = root.finding(finding_id)
        doc = self.document
        film = next((x for x in root.films if x.id == f.film_id), None)
        marker = film is not None and f.annotation_id and any(a.id == f.annotation_id for a in film.annotations)
        if not marker:
            doc.remove_finding(root.id, f.id)
            return
        with doc.macro(f"Remove finding {f.code.replace('_', ' ')}"):  # named at display (ui.undo_text)
            doc.remove_annotation(film.id, f.annotation_id)
            doc.remove_finding(root.id, f.id)

    def _attr_chosen(self, finding_id: str, attr: str) -> None:
        root = self.root()
        combo = self.rows.get(finding_id, {}).get(attr)
        if root is None or combo is None:
            return
        f = root.finding(finding_id)
        value = combo.currentData()
        if getattr(f, attr) != value:
            self.document.update_finding(root.id, replace(f, **{attr: value}))

    def _angle_changed(self, finding_id: str) -> None:
        root = self.root()
        spin = self.rows.get(finding_id, {}).get("angle_deg")
        if root is None or spin is None:
            return
        f = root.finding(finding_id)
        value = None if spin.value() <= NO_ANGLE else float(spin.value())
        if f.angle_deg != value:
            self.document.update_finding(root.id, replace(f, angle_deg=value))
