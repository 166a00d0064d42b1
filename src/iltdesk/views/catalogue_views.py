"""Courses, learners, instructors and rooms screens."""

from __future__ import annotations

from typing import Generic
from typing import Protocol
from typing import TypeVar

from PySide6.QtCore import QSortFilterProxyModel
from PySide6.QtCore import Qt
from PySide6.QtCore import QTimer
from PySide6.QtCore import Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QCheckBox
from PySide6.QtWidgets import QLabel
from PySide6.QtWidgets import QLineEdit
from PySide6.QtWidgets import QMenu
from PySide6.QtWidgets import QMessageBox
from PySide6.QtWidgets import QPushButton
from PySide6.QtWidgets import QTableView
from PySide6.QtWidgets import QTableWidget
from PySide6.QtWidgets import QTableWidgetItem
from PySide6.QtWidgets import QTabWidget
from PySide6.QtWidgets import QWidget

from iltdesk import formatting
from iltdesk.domain.changes import Changes
from iltdesk.domain.changes import Entity
from iltdesk.domain.rows import CourseRow
from iltdesk.domain.rows import LearnerRow
from iltdesk.domain.rows import RoomRow
from iltdesk.i18n import _
from iltdesk.i18n import ngettext
from iltdesk.models.base import SORT_ROLE
from iltdesk.models.base import RowTableModel
from iltdesk.models.compliance import RegisterTableModel
from iltdesk.models.learners import LearnersTableModel
from iltdesk.models.tables import CoursesTableModel
from iltdesk.models.tables import RoomsTableModel
from iltdesk.services import catalogue
from iltdesk.services import learners
from iltdesk.services import people
from iltdesk.services.common import Outcome
from iltdesk.services.compliance import today_in
from iltdesk.services.register import register_rows
from iltdesk.tasks.runner import TaskRunner
from iltdesk.views.context import AppContext
from iltdesk.views.dialogs import record_forms
from iltdesk.views.dialogs.course_editor import CourseEditorDialog
from iltdesk.views.dialogs.learner_picker import LearnerPickerDialog
from iltdesk.views.errors import show_error
from iltdesk.views.history_panel import HistoryPanel
from iltdesk.views.modal import run_modal
from iltdesk.views.undo import EditCommand
from iltdesk.views.widgets import TablePage
from iltdesk.views.widgets import fit_columns
from iltdesk.views.widgets import readable_width


class _Record(Protocol):
    """A row of a small table: each is a stored record with an id, archived or not."""

    @property
    def id(self) -> int: ...

    @property
    def archived(self) -> bool: ...


R = TypeVar("R", bound=_Record)


class SmallTablePage(TablePage, Generic[R]):
    """A small table behind a sort/filter proxy, with New and Edit buttons."""

    entity: Entity
    new_label = ""

    def __init__(
        self,
        ctx: AppContext,
        model: RowTableModel[R],
        empty: str,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(empty, parent)
        self.ctx = ctx
        self.model = model
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(model)
        self.proxy.setSortRole(SORT_ROLE)
        self.proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.proxy.setFilterKeyColumn(-1)
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        self.filter = QLineEdit()
        self.filter.setPlaceholderText(_("Filter…"))
        self.filter.setClearButtonEnabled(True)
        self.filter.textChanged.connect(self.proxy.setFilterFixedString)
        self.new_button = QPushButton(self.new_label)
        self.edit_button = QPushButton(_("&Edit…"))
        self.archive_button = QPushButton(_("&Archive"))
        self.archive_button.setToolTip(_("Take it off the lists; its history stays."))
        self.archive_button.clicked.connect(self.archive_selected)
        # Archived ones are listed on request, marked, to be restored (Archive turns Restore).
        self.show_archived = QCheckBox(_("Show a&rchived"))
        self.show_archived.toggled.connect(lambda _on: self._show_archived_toggled())
        self.new_button.clicked.connect(lambda: self.edit(None))
        self.edit_button.clicked.connect(self.edit_selected)
        self.table.doubleClicked.connect(lambda _i: self.edit_selected())
        # Wide enough to read what is typed, however many buttons share the row.
        self.filter.setMinimumWidth(readable_width(self.filter))
        self.toolbar.addWidget(self.filter)
        self.toolbar.addWidget(self.show_archived)
        self.toolbar.addStretch()
        self.toolbar.addWidget(self.new_button)
        self.toolbar.addWidget(self.edit_button)
        self.toolbar.addWidget(self.archive_button)
        ctx.changes_applied.connect(self.on_changes)
        self.table.selectionModel().selectionChanged.connect(lambda *_a: self._selection_changed())
        side = self.build_side_panel()
        if side is not None:
            self.add_side_panel(side)
            self.table.selectionModel().selectionChanged.connect(
                lambda *_a: self.show_side(self.selected())
            )
        self.reload()

    def build_side_panel(self) -> QWidget | None:
        return None

    def show_side(self, row: R | None) -> None:
        """Fill the side panel for the selected row."""

    def fetch(self) -> list[R]:
        raise NotImplementedError

    def reload(self) -> None:
        rows = self.fetch()
        self.model.set_rows(rows)
        self.fit_columns(1)
        self.show_empty(not rows)
        self._selection_changed()

    def _show_archived_toggled(self) -> None:
        self._fitted = False  # the marked names are wider: the columns are measured again
        self.reload()

    def include_archived(self) -> bool:
        """Whether `fetch` lists archived ones too (Show archived is ticked)."""
        return self.show_archived.isChecked()

    def _selection_changed(self) -> None:
        row = self.selected()
        restoring = row is not None and row.archived
        self.archive_button.setText(_("&Restore") if restoring else _("&Archive"))
        self.archive_button.setToolTip(
            _("Put it back on the lists.")
            if restoring
            else _("Take it off the lists; its history stays.")
        )

    def on_changes(self, changes: Changes) -> None:
        if changes.touches(self.entity):
            self.reload()

    def selected(self) -> R | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.row_at(self.proxy.mapToSource(rows[0]).row()) if rows else None

    def edit_selected(self) -> None:
        row = self.selected()
        if row is not None:
            self.edit(row)

    def edit(self, row: R | None) -> None:
        raise NotImplementedError

    def archive_call(self, row_id: int, archived: bool) -> Outcome[object]:
        raise NotImplementedError

    def archive_selected(self) -> None:
        """Archive the selected one, or restore it when it is archived (undoable)."""
        row = self.selected()
        if row is None:
            return
        row_id, archive = row.id, not row.archived
        if self.ctx.op(self, lambda: self.archive_call(row_id, archive)):
            self.ctx.undo_stack.push(
                EditCommand(
                    _("Archive") if archive else _("Restore"),
                    self.ctx,
                    lambda: self.archive_call(row_id, not archive),
                    lambda: self.archive_call(row_id, archive),
                )
            )


class CoursesPage(SmallTablePage[CourseRow]):
    """The Courses screen: the catalogue, new, edit, archive."""

    entity = Entity.COURSE

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        self.new_label = _("&New course…")
        super().__init__(
            ctx,
            CoursesTableModel(),
            _("No courses yet — use “New course” to add the first one."),
            parent,
        )

        # A course's other settings sit behind one "More" button (and the table's context
        # menu): as three buttons they left the filter box ~30 px wide at 1,100 px in German.
        self.feedback_action = QAction(_("Feedback &questions…"), self)
        self.feedback_action.setStatusTip(_("The questions of the course's feedback form"))
        self.feedback_action.triggered.connect(self.edit_feedback_form)
        self.interest_action = QAction(_("Interest &list…"), self)
        self.interest_action.setStatusTip(_("Learners waiting for a date of the course"))
        self.interest_action.triggered.connect(self.show_interest_list)
        self.trainee_action = QAction(_("Train-the-&trainer…"), self)
        self.trainee_action.setStatusTip(
            _("How many times a trainee co-facilitates and observes before qualifying")
        )
        self.trainee_action.triggered.connect(self.edit_trainee_requirement)
        course_actions = (self.feedback_action, self.interest_action, self.trainee_action)
        more = QMenu(self)
        more.addActions(course_actions)
        self.more_button = QPushButton(_("&More"))
        self.more_button.setToolTip(_("Feedback questions, interest list, train-the-trainer"))
        self.more_button.setMenu(more)
        self.toolbar.addWidget(self.more_button)
        self.edit_action = QAction(_("&Edit…"), self)
        self.edit_action.triggered.connect(self.edit_selected)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        self.table.addActions([self.edit_action, *course_actions])

    def edit_trainee_requirement(self) -> None:
        """How many co-facilitations and observations qualify a trainee for the course."""
        from PySide6.QtWidgets import QInputDialog

        from iltdesk.services import train_the_trainer

        row = self.selected()
        if row is None:
            return
        co, observed = train_the_trainer.requirement(self.ctx.db, row.id)
        co, ok = QInputDialog.getInt(
            self,
            _("Train-the-trainer"),
            _("Co-facilitations of {course} before a trainee qualifies:").format(course=row.code),
            co,
            0,
            20,
        )
        if not ok:
            return
        observed, ok = QInputDialog.getInt(
            self,
            _("Train-the-trainer"),
            _("Sessions of {course} a trainee observes:").format(course=row.code),
            observed,
            0,
            20,
        )
        if ok:
            self.ctx.op(
                self,
                lambda: train_the_trainer.set_requirement(self.ctx.db, row.id, co, observed),
            )

    def show_interest_list(self) -> None:
        from iltdesk.views.dialogs.interest_list import InterestListDialog

        row = self.selected()
        if row is not None:
            run_modal(InterestListDialog(self, self.ctx, row.id, f"{row.code} {row.title}"))

    def edit_feedback_form(self) -> None:
        from iltdesk.views.dialogs.feedback_form import FeedbackFormDialog

        row = self.selected()
        if row is not None:
            run_modal(FeedbackFormDialog(self, self.ctx, row.id, f"{row.code} {row.title}"))

    def fetch(self) -> list[CourseRow]:
        return catalogue.list_courses(self.ctx.db, include_archived=self.include_archived())

    def edit(self, row: CourseRow | None) -> None:
        CourseEditorDialog.ask(self, self.ctx, row)

    def archive_call(self, row_id: int, archived: bool) -> Outcome[object]:
        return catalogue.set_course_archived(self.ctx.db, row_id, archived)


class RoomsPage(SmallTablePage[RoomRow]):
    """The Rooms screen."""

    entity = Entity.ROOM

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        self.new_label = _("&New room…")
        super().__init__(
            ctx, RoomsTableModel(), _("No rooms yet — use “New room” to add one."), parent
        )

    def fetch(self) -> list[RoomRow]:
        return people.list_rooms(self.ctx.db, include_archived=self.include_archived())

    def edit(self, row: RoomRow | None) -> None:
        record_forms.ask(record_forms.RoomDialog, self, self.ctx, row)

    def archive_call(self, row_id: int, archived: bool) -> Outcome[object]:
        return people.set_room_archived(self.ctx.db, row_id, archived)


class LearnersPage(TablePage):
    """The directory: searched and paged in SQL as you type, never loaded whole."""

    transcript_requested = Signal(int)  # a learner id: the main window opens Reports

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(_("No learners yet — use “New learner”, or import a roster."), parent)
        self.ctx = ctx
        self.search = QLineEdit()
        self.search.setPlaceholderText(_("Search by name or email…"))
        self.search.setClearButtonEnabled(True)
        self.search.setAccessibleName(_("Search learners"))
        self.count = QLabel()
        self.new_button = QPushButton(_("&New learner…"))
        self.edit_button = QPushButton(_("&Edit…"))
        self.toolbar.addWidget(self.search)
        self.toolbar.addWidget(self.count)
        self.toolbar.addStretch()
        self.merge_button = QPushButton(_("&Merge duplicate…"))
        self.transcript_button = QPushButton(_("&Transcript"))
        self.transcript_button.setToolTip(
            _("The selected learner's sessions, hours, results and certificates, as a report")
        )
        self.transcript_button.clicked.connect(self.request_transcript)
        self.toolbar.addWidget(self.new_button)
        self.toolbar.addWidget(self.edit_button)
        self.toolbar.addWidget(self.merge_button)
        self.toolbar.addWidget(self.transcript_button)
        self.model = LearnersTableModel(self._page, self)
        self.table.setModel(self.model)
        self.history = QTableWidget(0, 3)
        self.history.setHorizontalHeaderLabels([_("Session"), _("Course"), _("Status")])
        self.history.verticalHeader().hide()
        self.history.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.history.horizontalHeader().setStretchLastSection(True)
        self.history.setAccessibleName(_("Learner history"))
        self.certificates_model = RegisterTableModel(self)
        self.certificates = QTableView()
        self.certificates.setModel(self.certificates_model)
        self.certificates.verticalHeader().hide()
        self.certificates.horizontalHeader().setStretchLastSection(True)
        self.certificates.setAccessibleName(_("Certificates"))
        self.audit = HistoryPanel(ctx)
        self.side_tabs = QTabWidget()
        self.side_tabs.addTab(self.history, _("Sessions"))
        self.side_tabs.addTab(self.certificates, _("Certificates"))
        self.side_tabs.addTab(self.audit, _("History"))
        self.add_side_panel(self.side_tabs)
        self.table.selectionModel().selectionChanged.connect(lambda *_a: self.show_history())
        self.merge_button.clicked.connect(self.merge_selected)
        self.tasks = TaskRunner(self)
        self._counting = 0
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(60)
        self._timer.timeout.connect(self.apply_filter)
        self.search.textChanged.connect(lambda _t: self._timer.start())
        self.new_button.clicked.connect(
            lambda: record_forms.ask(record_forms.LearnerDialog, self, self.ctx, None)
        )
        self.edit_button.clicked.connect(self.edit_selected)
        self.table.doubleClicked.connect(lambda _i: self.edit_selected())
        ctx.changes_applied.connect(self.on_changes)
        self._update_count()
        self.fit_columns(LearnersTableModel.EMAIL)

    def _page(self, text: str, limit: int, offset: int) -> list[LearnerRow]:
        return learners.search_learners(self.ctx.db, text, limit=limit, offset=offset)

    def apply_filter(self) -> None:
        self.model.set_filter(self.search.text())
        self._update_count()
        self.fit_columns(LearnersTableModel.EMAIL)

    def _update_count(self) -> None:
        """How many match: the first page when it holds them all, else counted off the GUI.

        One letter matches thousands, and counting them took 14 ms a keystroke.
        """
        text = self.search.text()
        shown = self.model.rowCount()
        self.show_empty(shown == 0 and not text)
        self._counting += 1
        generation = self._counting
        if not self.model.canFetchMore():
            self._show_count(generation, shown)
            return
        self.tasks.run(
            lambda _progress: learners.count_learners(self.ctx.db, text),
            title=_("Counting learners…"),
            on_done=lambda total: self._show_count(generation, total),
            on_error=lambda error: show_error(self, error),
        )

    def _show_count(self, generation: int, total: int) -> None:
        if generation == self._counting:  # a newer filter's count wins
            self.count.setText(
                ngettext("{n} learner", "{n} learners", total).format(
                    n=formatting.format_number(total)
                )
            )

    def on_changes(self, changes: Changes) -> None:
        if changes.touches(Entity.LEARNER):
            self.model.refresh()
            self._update_count()

    def selected(self) -> LearnerRow | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.row_at(rows[0].row()) if rows else None

    def edit_selected(self) -> None:
        row = self.selected()
        if row is not None:
            record_forms.ask(record_forms.LearnerDialog, self, self.ctx, row)

    def request_transcript(self) -> None:
        row = self.selected()
        if row is None:
            QMessageBox.information(
                self, _("Transcript"), _("Select the learner whose transcript you want.")
            )
            return
        self.transcript_requested.emit(row.id)

    def show_history(self) -> None:
        row = self.selected()
        history = learners.learner_history(self.ctx.db, row.id) if row else []
        self.history.setRowCount(len(history))
        for i, item in enumerate(history):
            when = (
                formatting.format_date(item.first_start, item.timezone) if item.first_start else ""
            )
            status = item.status.label()
            if item.certificate_code:
                status += " · " + _("certificate {code}").format(code=item.certificate_code)
            texts = (when, f"{item.course_code} — {item.course_title}", status)
            for column, text in enumerate(texts):
                self.history.setItem(i, column, QTableWidgetItem(text))
        fit_columns(self.history)
        today = today_in(str(self.ctx.prefs.get("default_timezone")))
        self.certificates_model.set_rows(
            register_rows(self.ctx.db, today, learner_id=row.id) if row else []
        )
        fit_columns(self.certificates)
        self.audit.set_subject(learner_id=row.id if row else None)

    def merge_selected(self) -> None:
        keep = self.selected()
        if keep is None:
            QMessageBox.information(
                self, _("Merge"), _("Select the learner record to keep, then choose its duplicate.")
            )
            return
        chosen = LearnerPickerDialog.ask(self, self.ctx)
        if not chosen:
            return
        duplicate = learners.get_learner(self.ctx.db, chosen[0])
        question = _(
            "Merge {duplicate} ({duplicate_email}) into {keep} ({keep_email})? All sessions, "
            "attendance and certificates move to {keep}."
        ).format(
            duplicate=duplicate.full_name,
            duplicate_email=duplicate.email,
            keep=keep.full_name,
            keep_email=keep.email,
        )
        answer = QMessageBox.question(self, _("Merge learners"), question)
        if answer == QMessageBox.StandardButton.Yes:
            self.ctx.op(self, lambda: learners.merge_learners(self.ctx.db, keep.id, duplicate.id))
