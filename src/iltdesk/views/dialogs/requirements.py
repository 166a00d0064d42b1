"""Compliance › Requirements…: what each learner must complete, how often, and who is in scope.

The list of requirements on the left, the chosen one's form on the right: its course and the
courses that count the same, how often it repeats, the deadline for the first time (from
the hire date or from becoming eligible), the day it starts, and who is in scope (learners
matching a department, job title and location, or an explicit list added by hand or imported
like a roster). Leaving a changed requirement asks whether to save it.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QButtonGroup
from PySide6.QtWidgets import QCheckBox
from PySide6.QtWidgets import QComboBox
from PySide6.QtWidgets import QDialog
from PySide6.QtWidgets import QFormLayout
from PySide6.QtWidgets import QGroupBox
from PySide6.QtWidgets import QHBoxLayout
from PySide6.QtWidgets import QLabel
from PySide6.QtWidgets import QLineEdit
from PySide6.QtWidgets import QListWidget
from PySide6.QtWidgets import QListWidgetItem
from PySide6.QtWidgets import QMessageBox
from PySide6.QtWidgets import QPushButton
from PySide6.QtWidgets import QRadioButton
from PySide6.QtWidgets import QSpinBox
from PySide6.QtWidgets import QSplitter
from PySide6.QtWidgets import QVBoxLayout
from PySide6.QtWidgets import QWidget

from iltdesk import formatting
from iltdesk.domain.compliance import RULE
from iltdesk.domain.compliance import RequirementRow
from iltdesk.domain.compliance import RequirementSpec
from iltdesk.domain.enums import RequirementAnchor
from iltdesk.i18n import _
from iltdesk.i18n import archived_label
from iltdesk.services import catalogue
from iltdesk.services import learners
from iltdesk.services import requirements
from iltdesk.views.context import AppContext
from iltdesk.views.modal import run_modal
from iltdesk.views.requirement_members import MemberList
from iltdesk.views.time_fields import DateField
from iltdesk.views.widgets import CLOSE
from iltdesk.views.widgets import button_box
from iltdesk.views.widgets import error_label


def _distinct(ctx: AppContext, column_name: str) -> list[str]:
    return learners.distinct_values(ctx.db, column_name)


def _choice(values: list[str], placeholder: str) -> QComboBox:
    combo = QComboBox()
    combo.setEditable(True)
    combo.addItem("")
    combo.addItems(values)
    line = combo.lineEdit()
    if line is not None:
        line.setPlaceholderText(placeholder)
    return combo


class RequirementsDialog(QDialog):
    """Add, change and archive requirements; use `ask`."""

    def __init__(self, parent: QWidget | None, ctx: AppContext) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle(_("Requirements"))
        self.resize(980, 620)
        self.current: RequirementRow | None = None
        self.courses = catalogue.list_courses(ctx.db, include_archived=True)
        left = self._build_list()
        repeat_row, deadline_row = self._build_rule_fields()
        scope = self._build_scope()
        form = QFormLayout()
        form.addRow(_("&Name"), self.name)
        form.addRow(_("&Course"), self.course)
        form.addRow(_("Or any of these"), self.equivalents)
        form.addRow("", repeat_row)
        form.addRow("", deadline_row)
        form.addRow(_("&Starts on"), self.starts_on)
        self.rule = QLabel(_(RULE))
        self.rule.setWordWrap(True)
        self.rule.setStyleSheet("color: palette(placeholder-text)")
        self.warning = error_label()
        self.save_button = QPushButton(_("&Save"))
        self.save_button.clicked.connect(self.save)
        self.archive_button = QPushButton(_("Ar&chive"))
        self.archive_button.clicked.connect(self.toggle_archived)
        actions = QHBoxLayout()
        actions.addStretch(1)
        actions.addWidget(self.archive_button)
        actions.addWidget(self.save_button)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addLayout(form)
        right_layout.addWidget(scope, 1)
        right_layout.addWidget(self.warning)
        right_layout.addWidget(self.rule)
        right_layout.addLayout(actions)
        splitter = QSplitter()
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([260, 720])
        close = button_box(self, CLOSE)
        layout = QVBoxLayout(self)
        layout.addWidget(splitter, 1)
        layout.addWidget(close)
        self.rows: list[RequirementRow] = []
        self._fill(None)
        self._blank: RequirementSpec | None = self.spec()
        self.reload()
        if not self.rows:
            self.new()

    # --- the list ---

    def _build_list(self) -> QWidget:
        """The requirements on the left, with New and Show archived."""
        self.list = QListWidget()
        self.list.setAccessibleName(_("Requirements"))
        self.list.currentRowChanged.connect(self._chosen)
        self.show_archived = QCheckBox(_("Show a&rchived"))
        self.show_archived.toggled.connect(lambda _on: self.reload())
        self.new_button = QPushButton(_("&New"))
        self.new_button.clicked.connect(self.new)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.list, 1)
        left_layout.addWidget(self.show_archived)
        left_layout.addWidget(self.new_button)
        return left

    def _build_rule_fields(self) -> tuple[QHBoxLayout, QHBoxLayout]:
        """Name, course and equivalents, recurrence, deadline and start; the two rows."""
        self.name = QLineEdit()
        self.name.setPlaceholderText(_("such as “Forklift licence”"))
        self.course = QComboBox()
        self.course.setAccessibleName(_("Course"))
        self.equivalents = QListWidget()
        self.equivalents.setAccessibleName(_("Equivalent courses"))
        self.equivalents.setMaximumHeight(110)
        for row in self.courses:
            text = archived_label(f"{row.code} — {row.title}", row.archived)
            self.course.addItem(text, row.id)
            item = QListWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, row.id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
            self.equivalents.addItem(item)
        self.repeats = QCheckBox(_("Re&peats every"))
        self.months = QSpinBox()
        self.months.setRange(1, 240)
        self.months.setValue(12)
        self.months.setSuffix(" " + _("months"))
        self.repeats.toggled.connect(self.months.setEnabled)
        self.has_deadline = QCheckBox(_("First time &within"))
        self.within = QSpinBox()
        self.within.setRange(0, 3650)
        self.within.setValue(30)
        self.within.setSuffix(" " + _("days"))
        self.anchor = QComboBox()
        self.anchor.addItem(_("of the hire date"), RequirementAnchor.HIRE.value)
        self.anchor.addItem(_("of becoming eligible"), RequirementAnchor.ELIGIBLE.value)
        self.anchor.setAccessibleName(_("Counted from"))
        self.has_deadline.toggled.connect(self.within.setEnabled)
        self.has_deadline.toggled.connect(self.anchor.setEnabled)
        self.starts_on = DateField(optional=True)
        self.starts_on.setToolTip(
            _("Nobody is due before this day, so history does not make everyone overdue at once")
        )
        repeat_row = QHBoxLayout()
        repeat_row.addWidget(self.repeats)
        repeat_row.addWidget(self.months)
        repeat_row.addStretch(1)
        deadline_row = QHBoxLayout()
        deadline_row.addWidget(self.has_deadline)
        deadline_row.addWidget(self.within)
        deadline_row.addWidget(self.anchor)
        deadline_row.addStretch(1)
        return repeat_row, deadline_row

    def _build_scope(self) -> QGroupBox:
        """Who must complete it: matching attributes or an explicit list."""
        ctx = self.ctx
        self.by_attributes = QRadioButton(_("Learners &matching"))
        self.by_list = QRadioButton(_("An e&xplicit list"))
        group = QButtonGroup(self)
        group.addButton(self.by_attributes)
        group.addButton(self.by_list)
        self.department = _choice(_distinct(ctx, "department"), _("any department"))
        self.job_title = _choice(_distinct(ctx, "job_title"), _("any job title"))
        self.location = _choice(_distinct(ctx, "location"), _("any location"))
        attributes = QFormLayout()
        attributes.addRow(_("Department"), self.department)
        attributes.addRow(_("Job title"), self.job_title)
        attributes.addRow(_("Location"), self.location)
        self.members = MemberList(ctx)
        scope = QGroupBox(_("Who must complete it"))
        scope_layout = QVBoxLayout(scope)
        scope_layout.addWidget(self.by_attributes)
        scope_layout.addLayout(attributes)
        scope_layout.addWidget(self.by_list)
        scope_layout.addWidget(self.members)
        self.by_attributes.toggled.connect(self._scope_changed)
        return scope

    def reload(self, select_id: int | None = None) -> None:
        keep = select_id if select_id is not None else (self.current.id if self.current else None)
        self.rows = requirements.list_requirements(
            self.ctx.db, include_archived=self.show_archived.isChecked()
        )
        self.list.blockSignals(True)
        self.list.clear()
        for row in self.rows:
            text = archived_label(row.name, row.archived)
            item = QListWidgetItem(text)
            item.setToolTip(row.scope_text())
            self.list.addItem(item)
        self.list.blockSignals(False)
        ids = [r.id for r in self.rows]
        if keep in ids:
            self.list.setCurrentRow(ids.index(keep))
        elif self.rows:
            self.list.setCurrentRow(0)

    def _chosen(self, index: int) -> None:
        if index < 0 or index >= len(self.rows):
            return
        wanted = self.rows[index]
        if self.current is not None and wanted.id == self.current.id:
            return
        if not self._may_leave():
            self.list.blockSignals(True)
            ids = [r.id for r in self.rows]
            current_id = self.current.id if self.current else None
            self.list.setCurrentRow(ids.index(current_id) if current_id in ids else -1)
            self.list.blockSignals(False)
            return
        self.show_requirement(wanted)

    def _may_leave(self) -> bool:
        """True when the form may be replaced: unchanged, saved, or changes discarded."""
        if not self.changed():
            return True
        answer = QMessageBox.question(
            self,
            _("Requirements"),
            _("Save the changes to this requirement?"),
            QMessageBox.StandardButton.Save
            | QMessageBox.StandardButton.Discard
            | QMessageBox.StandardButton.Cancel,
        )
        if answer == QMessageBox.StandardButton.Save:
            return self.save()
        return answer == QMessageBox.StandardButton.Discard

    # --- the form ---
    def _loaded_spec(self) -> RequirementSpec | None:
        return self.current.spec() if self.current else self._blank

    def changed(self) -> bool:
        try:
            spec = self.spec()
        except ValueError:
            return True
        return spec != self._loaded_spec()

    def new(self) -> None:
        if not self._may_leave():
            return
        self.current = None
        self.list.blockSignals(True)
        self.list.clearSelection()
        self.list.setCurrentRow(-1)
        self.list.blockSignals(False)
        self._fill(None)
        self._blank = self.spec()
        self.name.setFocus()

    def show_requirement(self, row: RequirementRow) -> None:
        self.current = row
        self._fill(row)

    def _fill(self, row: RequirementRow | None) -> None:
        self.name.setText(row.name if row else "")
        active = [c for c in self.courses if not c.archived]
        first = row.course_ids[0] if row else (active[0].id if active else None)
        if first is not None:
            self.course.setCurrentIndex(self.course.findData(first))
        extra = set(row.course_ids[1:]) if row else set()
        for i in range(self.equivalents.count()):
            item = self.equivalents.item(i)
            checked = item.data(Qt.ItemDataRole.UserRole) in extra
            item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)
        self.repeats.setChecked(bool(row and row.recurrence_months))
        self.months.setValue(row.recurrence_months if row and row.recurrence_months else 12)
        self.months.setEnabled(self.repeats.isChecked())
        self.has_deadline.setChecked(bool(row and row.within_days is not None))
        self.within.setValue(row.within_days if row and row.within_days is not None else 30)
        anchor = row.anchor if row else RequirementAnchor.HIRE
        self.anchor.setCurrentIndex(self.anchor.findData(anchor.value))
        self.within.setEnabled(self.has_deadline.isChecked())
        self.anchor.setEnabled(self.has_deadline.isChecked())
        if row and row.starts_on:
            self.starts_on.set_value(row.starts_on)
        else:
            self.starts_on.edit.clear()
        for combo, value in (
            (self.department, row.department if row else ""),
            (self.job_title, row.job_title if row else ""),
            (self.location, row.location if row else ""),
        ):
            combo.setCurrentText(value)
        explicit = bool(row and row.explicit)
        self.by_list.setChecked(explicit)
        self.by_attributes.setChecked(not explicit)
        self.members.requirement = self.current
        self._scope_changed()
        self.archive_button.setEnabled(row is not None)
        self.archive_button.setText(
            _("Rest&ore") if row is not None and row.archived else _("Ar&chive")
        )
        self.warning.setText(row.warning() if row else "")
        self.warning.setVisible(bool(row and row.warning()))
        self.members.reload()

    def _scope_changed(self) -> None:
        matching = self.by_attributes.isChecked()
        for combo in (self.department, self.job_title, self.location):
            combo.setEnabled(matching)
        self.members.scope_changed(matching)

    def spec(self) -> RequirementSpec:
        """The form as a spec; ValueError when the typed start date cannot be read."""
        starts = self.starts_on.value()
        if self.starts_on.text().strip() and starts is None:
            raise ValueError("start date")
        first = self.course.currentData()
        extra = [
            int(self.equivalents.item(i).data(Qt.ItemDataRole.UserRole))
            for i in range(self.equivalents.count())
            if self.equivalents.item(i).checkState() == Qt.CheckState.Checked
        ]
        ids = ([int(first)] if first is not None else []) + [c for c in extra if c != first]
        return RequirementSpec(
            self.name.text().strip(),
            tuple(ids),
            self.months.value() if self.repeats.isChecked() else None,
            self.within.value() if self.has_deadline.isChecked() else None,
            RequirementAnchor(str(self.anchor.currentData())),
            starts,
            self.department.currentText().strip() if self.by_attributes.isChecked() else "",
            self.job_title.currentText().strip() if self.by_attributes.isChecked() else "",
            self.location.currentText().strip() if self.by_attributes.isChecked() else "",
            self.by_list.isChecked(),
        )

    def save(self) -> bool:
        try:
            spec = self.spec()
        except ValueError:
            QMessageBox.warning(
                self,
                _("Requirements"),
                _("Type the start date as {hint}, or leave it empty.").format(
                    hint=formatting.date_input_hint()
                ),
            )
            return False
        current = self.current
        outcome = self.ctx.op(
            self,
            lambda: (
                requirements.update_requirement(self.ctx.db, current.id, spec)
                if current is not None
                else requirements.create_requirement(self.ctx.db, spec)
            ),
        )
        if outcome is None:
            return False
        row = outcome.value
        self.current = row
        self.reload(select_id=row.id)
        self._fill(row)
        return True

    def toggle_archived(self) -> None:
        if self.current is None:
            return
        archived = not self.current.archived
        requirement_id = self.current.id
        outcome = self.ctx.op(
            self,
            lambda: requirements.archive_requirement(self.ctx.db, requirement_id, archived),
        )
        if outcome is None:
            return
        self.current = None
        self.reload(select_id=requirement_id)
        if self.current is None:
            if self.rows:
                self.show_requirement(self.rows[self.list.currentRow()])
            else:
                self.new()

    def reject(self) -> None:
        if self._may_leave():
            super().reject()

    @classmethod
    def ask(cls, parent: QWidget | None, ctx: AppContext) -> None:
        run_modal(cls(parent, ctx))
