"""The record panel's drug table: drug (from the drug table), concentration %, dose mg, volume ml.

A typed number is checked when the cell is committed: text that is not a number, or a
value the model refuses (negative, above 100 %), is not stored; the cell goes back to the
recorded value and a line under the table says why. A value the model accepts but that is
implausible for a nerve-root injection (``PLAUSIBLE``: a typo such as 50 ml for 5 ml) is
stored and a warning line says so. The clinical dose checks are the rules' (``drug_warnings``),
shown below in amber.
"""

from __future__ import annotations

from PyQt6.QtCore import Qt, pyqtSignal
from PyQt6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from annotator.model import DrugDose
from annotator.ui.i18n import current_language, tr, trf
from annotator.ui.wheel_guard import guard_wheel


def tr_noop(text: str) -> str:
    return text


FIELDS = ("concentration_pct", "dose_mg", "volume_ml")
# column titles (the drug, then units only, so the drug's name has room in the dock) and their
# full names (tooltips)
HEADERS = (tr_noop("Drug"), "%", "mg", "ml")
HEADER_TIPS = (tr_noop("Drug"), tr_noop("Concentration (%)"), tr_noop("Dose (mg)"), tr_noop("Volume (ml)"))
# the model refuses values outside these (DrugDose); the interface says so before storing
LIMITS = {"concentration_pct": (0.0, 100.0), "dose_mg": (0.0, None), "volume_ml": (0.0, None)}
# above these a value is stored but flagged as probably mistyped (typo check, not a dose rule)
PLAUSIBLE = {"concentration_pct": 10.0, "dose_mg": 500.0, "volume_ml": 20.0}
_UNITS = {"concentration_pct": "%", "dose_mg": "mg", "volume_ml": "ml"}


def parse_number(text: str) -> float | None:
    """``text`` as a number (a decimal comma allowed); None for an empty cell; ValueError otherwise."""
    text = text.strip().replace(",", ".")
    if not text:
        return None
    value = float(text)
    if value != value or value in (float("inf"), float("-inf")):
        raise ValueError(text)
    return value


class DrugTable(QWidget):
    """Drugs given on a root. Emits ``drugs_edited(list[DrugDose])`` with the whole new list after
    an accepted edit; ``show_drugs(drugs, warnings)`` rewrites it from the model."""

    drugs_edited = pyqtSignal(list)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._loading = False
        self._shown: list[DrugDose] = []  # the list as the model holds it (what a refused edit goes back to)
        self.table = QTableWidget(0, 4, self)
        self.table.setObjectName("drugTable")
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for c in (1, 2, 3):
            header.setSectionResizeMode(c, QHeaderView.ResizeMode.ResizeToContents)
        header.setMinimumSectionSize(40)
        self.table.itemChanged.connect(self._item_changed)
        self.add_button = QPushButton(self)
        self.remove_button = QPushButton(self)
        self.add_button.clicked.connect(self.add_row)
        self.remove_button.clicked.connect(self.remove_row)
        self.message = QLabel(self)  # a refused or implausible entry, right under the table
        self.message.setObjectName("drugEntryMessage")
        self.message.setWordWrap(True)
        self.message.hide()
        self.warnings = QLabel(self)
        self.warnings.setObjectName("drugWarnings")
        self.warnings.setWordWrap(True)
        self.warnings.setStyleSheet("color: #a04400;")
        row = QHBoxLayout()
        row.addWidget(self.add_button)
        row.addWidget(self.remove_button)
        row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.table)
        layout.addWidget(self.message)
        layout.addLayout(row)
        layout.addWidget(self.warnings)

    @staticmethod
    def drug_table() -> dict:
        try:
            from annotator.rules import load_config

            return dict(load_config().drugs)
        except Exception:
            return {}

    @classmethod
    def drug_ids(cls) -> list[str]:
        return list(cls.drug_table())

    def retranslate(self) -> None:
        self.table.setHorizontalHeaderLabels([tr(HEADERS[0]), *HEADERS[1:]])
        for c, tip in enumerate(HEADER_TIPS):
            item = self.table.horizontalHeaderItem(c)
            if item is not None:
                item.setToolTip(tr(tip))
        self.add_button.setText(tr("Add drug"))
        self.remove_button.setText(tr("Remove drug"))
        self.message.hide()
        self.show_drugs(self._shown, None, force=True)

    def _drug_combo(self, drug: str) -> QComboBox:
        combo = guard_wheel(QComboBox())  # scrolling the panel past it must not change the drug
        combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        combo.setMinimumContentsLength(6)
        lang = current_language()
        table = self.drug_table()
        ids = list(table) or [drug]
        if drug not in ids:
            ids.append(drug)
        for d in ids:
            info = table.get(d)
            name = info.name(lang) if info is not None else d
            combo.addItem(name, d)
            combo.setItemData(combo.count() - 1, name, Qt.ItemDataRole.ToolTipRole)
        combo.setCurrentIndex(ids.index(drug))
        combo.setToolTip(combo.currentText())
        combo.currentIndexChanged.connect(lambda _i, c=combo: (c.setToolTip(c.currentText()), self._emit()))
        return combo

    def show_drugs(self, drugs: list[DrugDose], warnings: list[str] | None, force: bool = False) -> None:
        if warnings is not None:
            self.warnings.setText("\n".join(f"⚠ {w}" for w in warnings))
            self.warnings.setVisible(bool(warnings))
        if not force and drugs == self._shown and self.table.rowCount() == len(drugs):
            return
        self._shown = list(drugs)
        self._loading = True
        try:
            self.table.setRowCount(len(drugs))
            for r, d in enumerate(drugs):
                self.table.setCellWidget(r, 0, self._drug_combo(d.drug))
                for c, name in enumerate(FIELDS, start=1):
                    v = getattr(d, name)
                    self.table.setItem(r, c, QTableWidgetItem("" if v is None else f"{v:g}"))
        finally:
            self._loading = False
        self._fit_height()

    def _fit_height(self) -> None:
        """As high as its rows (at least two), so the panel shows no empty table area."""
        t = self.table
        t.resizeRowsToContents()  # the drug boxes set the row height (taller with a CJK font)
        heights = [t.rowHeight(r) for r in range(t.rowCount())]
        row_h = max(heights, default=t.verticalHeader().defaultSectionSize())
        body = sum(heights) + max(0, 2 - len(heights)) * row_h
        t.setFixedHeight(t.horizontalHeader().sizeHint().height() + body + 2 * t.frameWidth() + 2)

    def drugs(self) -> list[DrugDose]:
        """The drugs as the table shows them (cells that are not numbers read as empty)."""
        out = []
        for r in range(self.table.rowCount()):
            combo = self.table.cellWidget(r, 0)
            if combo is None:
                continue
            nums = []
            for c in (1, 2, 3):
                item = self.table.item(r, c)
                try:
                    nums.append(parse_number(item.text()) if item is not None else None)
                except ValueError:
                    nums.append(None)
            out.append(DrugDose(str(combo.currentData()), *nums))
        return out

    def add_row(self) -> None:
        ids = self.drug_ids()
        self.drugs_edited.emit(self._shown + [DrugDose(ids[0] if ids else "lidocaine")])

    def remove_row(self) -> None:
        drugs = list(self._shown)
        row = self.table.currentRow()
        if drugs:
            del drugs[row if 0 <= row < len(drugs) else -1]
            self.drugs_edited.emit(drugs)

    # -- one cell edited ----------------------------------------------------------------------
    def _item_changed(self, item: QTableWidgetItem) -> None:
        if self._loading or item.column() == 0:
            return
        name = FIELDS[item.column() - 1]
        problem = self.check(name, item.text())
        if problem is not None:  # refused: the cell goes back to the recorded value
            self._say(problem, error=True)
            self.show_drugs(self._shown, None, force=True)
            return
        value = parse_number(item.text())
        hi = PLAUSIBLE[name]
        if value is not None and value > hi:
            self._say(trf("{value:g} {unit} is unusually high for a nerve-root injection: check the value.",
                          value=value, unit=_UNITS[name]), error=False)
        else:
            self.message.hide()
        self._emit()

    @staticmethod
    def check(name: str, text: str) -> str | None:
        """Why ``text`` cannot be stored in column ``name`` (None when it can)."""
        try:
            value = parse_number(text)
        except ValueError:
            return trf("“{entry}” is not a number: type a number such as 0.5, or leave the cell empty.",
                       entry=text.strip())
        lo, hi = LIMITS[name]
        if value is not None and value < lo:
            return trf("{value:g} {unit}: a negative amount cannot be recorded.", value=value, unit=_UNITS[name])
        if value is not None and hi is not None and value > hi:
            return trf("{value:g} %: a concentration cannot be above 100 %.", value=value)
        return None

    def _say(self, text: str, error: bool) -> None:
        self.message.setText(("✖ " if error else "⚠ ") + text)
        self.message.setStyleSheet("color: #c01010;" if error else "color: #a04400;")
        self.message.show()

    def _emit(self) -> None:
        if not self._loading:
            self.drugs_edited.emit(self.drugs())
