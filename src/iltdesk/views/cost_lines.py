"""Editing cost lines: a session's costs (its window's Costs tab) and a course's defaults.

A handful of lines at most, so a table of cell widgets (category, basis, amount, currency,
instructor, note) is simpler than a custom model and every field gets its own native editor.
"""

from __future__ import annotations

from decimal import Decimal
from decimal import InvalidOperation
from typing import TypeVar

from PySide6.QtCore import Qt
from PySide6.QtCore import Signal
from PySide6.QtGui import QKeySequence
from PySide6.QtGui import QShortcut
from PySide6.QtWidgets import QAbstractItemView
from PySide6.QtWidgets import QComboBox
from PySide6.QtWidgets import QHBoxLayout
from PySide6.QtWidgets import QHeaderView
from PySide6.QtWidgets import QLabel
from PySide6.QtWidgets import QLineEdit
from PySide6.QtWidgets import QPushButton
from PySide6.QtWidgets import QTableWidget
from PySide6.QtWidgets import QVBoxLayout
from PySide6.QtWidgets import QWidget

from iltdesk import formatting
from iltdesk.domain.changes import Changes
from iltdesk.domain.changes import Entity
from iltdesk.domain.costs import CostLineRow
from iltdesk.domain.costs import CostLineSpec
from iltdesk.domain.costs import CostSummary
from iltdesk.domain.costs import Money
from iltdesk.domain.enums import CostBasis
from iltdesk.domain.enums import CostCategory
from iltdesk.errors import ValidationError
from iltdesk.i18n import _
from iltdesk.i18n import archived_label
from iltdesk.i18n import ngettext
from iltdesk.services import costs
from iltdesk.services import people
from iltdesk.views.context import AppContext
from iltdesk.views.widgets import error_label

CATEGORY, BASIS, AMOUNT, CURRENCY, INSTRUCTOR, NOTE = range(6)
W = TypeVar("W", bound=QWidget)


def parse_amount(text: str) -> Decimal:
    """An amount typed as "1200", "1,200.50" or "1.200,50"; a sentence when it is none."""
    cleaned = text.strip().replace(" ", "").replace("\u00a0", "")
    if "," in cleaned and "." in cleaned:
        # The later separator is the decimal one: "1.200,50" and "1,200.50" both read 1200.50.
        decimal_mark = "," if cleaned.rfind(",") > cleaned.rfind(".") else "."
        thousands = "." if decimal_mark == "," else ","
        cleaned = cleaned.replace(thousands, "").replace(decimal_mark, ".")
    elif "," in cleaned:
        cleaned = cleaned.replace(",", ".")
    try:
        amount = Decimal(cleaned)
    except InvalidOperation:
        raise ValidationError(
            _("“{text}” is not an amount of money.").format(text=text.strip())
        ) from None
    if not amount.is_finite():
        raise ValidationError(_("“{text}” is not an amount of money.").format(text=text.strip()))
    return amount


def money_text(parts: tuple[Money, ...]) -> str:
    """Amounts in their currencies, in words (“£120.00 + €40.00”)."""
    return formatting.format_amounts([(m.amount, m.currency) for m in parts])


class CostLinesEditor(QWidget):
    """A table of cost lines with Add and Remove; `lines()` reads them back as specs."""

    changed = Signal()

    def __init__(
        self, instructors: list[tuple[int, str]], currency: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.instructors = instructors
        self.currency = currency
        self.table = QTableWidget(0, 6)
        self.table.setAccessibleName(_("Cost lines"))
        self.table.setHorizontalHeaderLabels(
            [_("Category"), _("Basis"), _("Amount"), _("Currency"), _("Instructor"), _("Note")]
        )
        self.table.verticalHeader().setVisible(False)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(NOTE, QHeaderView.ResizeMode.Stretch)
        self.add_button = QPushButton(_("&Add cost"))
        self.add_button.clicked.connect(lambda: self.add_line())
        self.remove_button = QPushButton(_("&Remove cost"))
        self.remove_button.clicked.connect(self.remove_selected)
        QShortcut(QKeySequence.StandardKey.Delete, self.table, self.remove_selected)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.table)
        layout.addLayout(buttons)
        layout.addWidget(self.summary)

    # --- rows ---
    def add_line(self, line: CostLineRow | None = None) -> int:
        row = self.table.rowCount()
        self.table.insertRow(row)
        category = QComboBox()
        for member in CostCategory:
            category.addItem(member.label(), member)
        basis = QComboBox()
        for each_basis in CostBasis:
            basis.addItem(each_basis.label(), each_basis)
        amount = QLineEdit()
        amount.setAlignment(Qt.AlignmentFlag.AlignRight)
        amount.setPlaceholderText("0.00")
        # A new line starts in the currency the lines above use (else the course's).
        last = self.table.rowCount() - 2
        default = self._widget(last, CURRENCY, QLineEdit).text() if last >= 0 else self.currency
        currency = QLineEdit(default)
        currency.setMaxLength(3)
        currency.setMaximumWidth(60)
        instructor = QComboBox()
        instructor.addItem(_("—"), None)
        for instructor_id, name in self.instructors:
            instructor.addItem(name, instructor_id)
        note = QLineEdit()
        if line is not None:
            category.setCurrentIndex(category.findData(line.category))
            basis.setCurrentIndex(basis.findData(line.basis))
            amount.setText(formatting.format_number(line.amount))
            currency.setText(line.currency)
            found = instructor.findData(line.instructor_id)
            if found < 0 and line.instructor_id is not None:
                # Archived instructors are not offered for new fees, but a fee that is theirs
                # stays theirs (shown as "—" it was saved back with nobody).
                instructor.addItem(archived_label(line.instructor_name), line.instructor_id)
                found = instructor.count() - 1
            instructor.setCurrentIndex(max(0, found))
            note.setText(line.description)
        category.currentIndexChanged.connect(
            lambda _i: self._category_changed(instructor, category)
        )
        for combo in (category, basis, instructor):
            combo.currentIndexChanged.connect(lambda _i: self.changed.emit())
        for edit in (amount, currency, note):
            edit.textChanged.connect(lambda _t: self.changed.emit())
        self.table.setCellWidget(row, CATEGORY, category)
        self.table.setCellWidget(row, BASIS, basis)
        self.table.setCellWidget(row, AMOUNT, amount)
        self.table.setCellWidget(row, CURRENCY, currency)
        self.table.setCellWidget(row, INSTRUCTOR, instructor)
        self.table.setCellWidget(row, NOTE, note)
        self._category_changed(instructor, category)
        if line is None:
            amount.setFocus()
            self.changed.emit()
        return row

    def _category_changed(self, instructor: QComboBox, category: QComboBox) -> None:
        is_fee = CostCategory(category.currentData()) is CostCategory.INSTRUCTOR_FEE
        instructor.setEnabled(is_fee)
        if not is_fee:
            instructor.setCurrentIndex(0)

    def remove_selected(self) -> None:
        rows = sorted({i.row() for i in self.table.selectedIndexes()}, reverse=True)
        if not rows and self.table.currentRow() >= 0:
            rows = [self.table.currentRow()]
        for row in rows:
            self.table.removeRow(row)
        if rows:
            self.changed.emit()

    def set_lines(self, lines: list[CostLineRow]) -> None:
        self.table.setRowCount(0)
        for line in lines:
            self.add_line(line)

    def lines(self) -> list[CostLineSpec]:
        """The lines as typed; a `ValidationError` names the first amount that is not one."""
        found = []
        for row in range(self.table.rowCount()):
            amount_text = self._widget(row, AMOUNT, QLineEdit).text()
            if not amount_text.strip():
                raise ValidationError(
                    _("Cost line {n} has no amount: type one, or remove the line.").format(
                        n=row + 1
                    )
                )
            found.append(
                CostLineSpec(
                    category=CostCategory(self._widget(row, CATEGORY, QComboBox).currentData()),
                    basis=CostBasis(self._widget(row, BASIS, QComboBox).currentData()),
                    amount=parse_amount(amount_text),
                    currency=self._widget(row, CURRENCY, QLineEdit).text(),
                    description=self._widget(row, NOTE, QLineEdit).text(),
                    instructor_id=self._widget(row, INSTRUCTOR, QComboBox).currentData(),
                )
            )
        return found

    def _widget(self, row: int, column: int, kind: type[W]) -> W:
        widget = self.table.cellWidget(row, column)
        assert isinstance(widget, kind)
        return widget


def instructor_choices(ctx: AppContext) -> list[tuple[int, str]]:
    """Instructors to choose for a fee line."""
    return [(i.id, i.name) for i in people.list_instructors(ctx.db)]


class SessionCostsPanel(QWidget):
    """The Costs tab of a session's window: its lines, totals and Save."""

    def __init__(self, ctx: AppContext, session_id: int, currency: str) -> None:
        super().__init__()
        self.ctx = ctx
        self.session_id = session_id
        self.editor = CostLinesEditor(instructor_choices(ctx), currency)
        self.editor.changed.connect(self._edited)
        self.save_button = QPushButton(_("&Save costs"))
        self.save_button.setEnabled(False)
        self.save_button.clicked.connect(self.save)
        self.error = error_label()
        row = QHBoxLayout()
        row.addWidget(self.error, 1)
        row.addWidget(self.save_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.editor)
        layout.addLayout(row)
        ctx.changes_applied.connect(self._on_changes)
        self.reload()

    def reload(self) -> None:
        self.editor.set_lines(costs.session_costs(self.ctx.db, self.session_id))
        self._show_summary(costs.session_cost_summary(self.ctx.db, self.session_id))
        self.save_button.setEnabled(False)
        self.error.clear()

    def _show_summary(self, summary: CostSummary) -> None:
        if not summary.totals:
            self.editor.summary.setText(_("No costs recorded for this session."))
            return
        counts = _("{places} and {days}").format(
            places=ngettext("{n} place", "{n} places", summary.places).format(n=summary.places),
            days=ngettext("{n} day", "{n} days", summary.days).format(n=summary.days),
        )
        self.editor.summary.setText(
            _("Total {total} for {counts} · {per} per learner").format(
                total=money_text(summary.totals),
                counts=counts,
                per=money_text(summary.per_learner()) if summary.places else "—",
            )
        )

    def _edited(self) -> None:
        self.save_button.setEnabled(True)
        self.error.clear()

    def save(self) -> bool:
        try:
            lines = self.editor.lines()
        except ValidationError as error:
            self.error.setText(str(error))
            return False
        outcome = self.ctx.op(
            self, lambda: costs.set_session_costs(self.ctx.db, self.session_id, lines)
        )
        if outcome is None:
            return False
        self.reload()
        return True

    def _on_changes(self, changes: Changes) -> None:
        touched = changes.ids(Entity.COST) | changes.ids(Entity.ENROLLMENT)
        if touched and not self.save_button.isEnabled():
            self.reload()
