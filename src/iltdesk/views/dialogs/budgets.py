"""Budgets per course and year, and the exchange rates reports convert with; use `ask`."""

from __future__ import annotations

from decimal import Decimal

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog
from PySide6.QtWidgets import QFormLayout
from PySide6.QtWidgets import QHBoxLayout
from PySide6.QtWidgets import QHeaderView
from PySide6.QtWidgets import QLabel
from PySide6.QtWidgets import QLineEdit
from PySide6.QtWidgets import QPushButton
from PySide6.QtWidgets import QSpinBox
from PySide6.QtWidgets import QTableWidget
from PySide6.QtWidgets import QTableWidgetItem
from PySide6.QtWidgets import QTabWidget
from PySide6.QtWidgets import QVBoxLayout
from PySide6.QtWidgets import QWidget

from iltdesk import formatting
from iltdesk.domain.costs import validate_currency
from iltdesk.errors import UserError
from iltdesk.errors import ValidationError
from iltdesk.i18n import _
from iltdesk.services import costs
from iltdesk.views.context import AppContext
from iltdesk.views.cost_lines import parse_amount
from iltdesk.views.modal import run_modal
from iltdesk.views.widgets import SAVE_CANCEL
from iltdesk.views.widgets import button_box
from iltdesk.views.widgets import error_label

CODE, TITLE, AMOUNT, CURRENCY = range(4)


class BudgetsDialog(QDialog):
    """Two tabs: each course's budget for a year; the report currency and its rates."""

    def __init__(self, parent: QWidget | None, ctx: AppContext, year: int) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle(_("Budgets and rates"))
        self.resize(640, 480)
        self.year = QSpinBox()
        self.year.setRange(2000, 2100)
        self.year.setValue(year)
        self.year.valueChanged.connect(lambda _v: self._load_budgets())
        self.budgets = QTableWidget(0, 4)
        self.budgets.setHorizontalHeaderLabels([_("Code"), _("Course"), _("Budget"), _("Currency")])
        self.budgets.verticalHeader().hide()
        self.budgets.horizontalHeader().setSectionResizeMode(TITLE, QHeaderView.ResizeMode.Stretch)
        budget_page = QWidget()
        budget_form = QFormLayout()
        budget_form.addRow(_("&Year"), self.year)
        budget_layout = QVBoxLayout(budget_page)
        budget_layout.addLayout(budget_form)
        budget_layout.addWidget(self.budgets)
        budget_layout.addWidget(
            QLabel(_("Leave a budget empty for none. The cost report compares spend with it."))
        )
        self.currency = QLineEdit()
        self.currency.setMaxLength(3)
        self.currency.setPlaceholderText(_("none: keep currencies apart"))
        self.rates = QTableWidget(0, 2)
        self.rates.setHorizontalHeaderLabels([_("Currency"), _("Worth in the report currency")])
        self.rates.verticalHeader().hide()
        self.rates.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        add = QPushButton(_("&Add rate"))
        add.clicked.connect(lambda: self._add_rate("", ""))
        remove = QPushButton(_("&Remove rate"))
        remove.clicked.connect(lambda: self.rates.removeRow(self.rates.currentRow()))
        rate_buttons = QHBoxLayout()
        rate_buttons.addWidget(add)
        rate_buttons.addWidget(remove)
        rate_buttons.addStretch(1)
        rate_page = QWidget()
        rate_form = QFormLayout()
        rate_form.addRow(_("Report &currency"), self.currency)
        rate_layout = QVBoxLayout(rate_page)
        rate_layout.addLayout(rate_form)
        rate_layout.addWidget(self.rates)
        rate_layout.addLayout(rate_buttons)
        explain = QLabel(
            _(
                "With a report currency and a rate for every other currency in use, the cost "
                "report converts and adds amounts; otherwise it keeps each currency apart."
            )
        )
        explain.setWordWrap(True)
        rate_layout.addWidget(explain)
        self.tabs = QTabWidget()
        self.tabs.addTab(budget_page, _("&Budgets"))
        self.tabs.addTab(rate_page, _("Exchange &rates"))
        self.error = error_label()
        buttons = button_box(self, SAVE_CANCEL, self.save)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self._load_budgets()
        table = costs.rate_table(ctx.db)
        self.currency.setText(table.currency)
        for code, rate in sorted(table.rates.items()):
            self._add_rate(code, formatting.format_number(rate))

    def _load_budgets(self) -> None:
        rows = costs.list_budgets(self.ctx.db, self.year.value())
        self.loaded = {row.course_id: row for row in rows}
        self.budgets.setRowCount(len(rows))
        for index, row in enumerate(rows):
            for column, text in ((CODE, row.code), (TITLE, row.title)):
                item = QTableWidgetItem(text)
                item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
                item.setData(Qt.ItemDataRole.UserRole, row.course_id)
                self.budgets.setItem(index, column, item)
            amount = "" if row.amount is None else formatting.format_number(row.amount)
            self.budgets.setItem(index, AMOUNT, QTableWidgetItem(amount))
            self.budgets.setItem(index, CURRENCY, QTableWidgetItem(row.currency))
        self.budgets.resizeColumnToContents(CODE)

    def _add_rate(self, code: str, rate: str) -> None:
        row = self.rates.rowCount()
        self.rates.insertRow(row)
        self.rates.setItem(row, 0, QTableWidgetItem(code))
        self.rates.setItem(row, 1, QTableWidgetItem(rate))

    def _text(self, table: QTableWidget, row: int, column: int) -> str:
        item = table.item(row, column)
        return item.text().strip() if item is not None else ""

    def budget_values(self) -> list[tuple[int, Decimal | None, str]]:
        found = []
        for row in range(self.budgets.rowCount()):
            course_id = list(self.loaded)[row]  # rows are in the order they were loaded
            text = self._text(self.budgets, row, AMOUNT)
            amount = parse_amount(text) if text else None
            found.append((course_id, amount, self._text(self.budgets, row, CURRENCY)))
        return found

    def rate_values(self) -> dict[str, Decimal]:
        found: dict[str, Decimal] = {}
        for row in range(self.rates.rowCount()):
            code, text = self._text(self.rates, row, 0), self._text(self.rates, row, 1)
            if not code and not text:
                continue
            if not text:
                raise ValidationError(_("Give the rate for {currency}.").format(currency=code))
            found[validate_currency(code)] = parse_amount(text)
        return found

    def save(self) -> None:
        try:
            budgets = self.budget_values()
            rates = self.rate_values()
            year = self.year.value()
            for course_id, amount, currency in budgets:
                before = self.loaded[course_id]
                if amount == before.amount and currency == before.currency:
                    continue
                self.ctx.apply(costs.set_budget(self.ctx.db, course_id, year, amount, currency))
            self.ctx.apply(costs.set_rate_table(self.ctx.db, self.currency.text(), rates))
        except UserError as error:
            self.error.setText(str(error))
            return
        self.accept()

    @classmethod
    def ask(cls, parent: QWidget | None, ctx: AppContext, year: int) -> bool:
        return run_modal(cls(parent, ctx, year)) == QDialog.DialogCode.Accepted
