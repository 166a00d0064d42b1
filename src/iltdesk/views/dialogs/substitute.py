"""Session › Find a substitute…: who could take the session over when its lead drops out.

The instructors qualified for the course, those free at every day of the session first (not on
leave, not busy in their calendar, working that weekday and those hours, not teaching elsewhere),
then by how much they teach that month and when they last delivered the course; those not free
say why. Choosing one makes them the lead, and the change notice is offered to the learners.
Nobody qualified: the dialog says so and offers the Instructors screen.
"""

from __future__ import annotations

from PySide6.QtWidgets import QDialog
from PySide6.QtWidgets import QDialogButtonBox
from PySide6.QtWidgets import QLabel
from PySide6.QtWidgets import QPushButton
from PySide6.QtWidgets import QVBoxLayout
from PySide6.QtWidgets import QWidget

from iltdesk import formatting
from iltdesk.i18n import _
from iltdesk.models.base import ROW_ROLE
from iltdesk.models.base import Column
from iltdesk.models.base import RowTableModel
from iltdesk.services import planning
from iltdesk.services.planning import Substitute
from iltdesk.views.context import AppContext
from iltdesk.views.widgets import make_table


class SubstitutesTableModel(RowTableModel[Substitute]):
    """Qualified instructors, free ones first."""

    columns = (
        Column(
            lambda: _("Instructor"),
            lambda s: (
                _("{name} (the session's backup)").format(name=s.name) if s.backup else s.name
            ),
        ),
        Column(
            lambda: _("Available"),
            lambda s: _("Free") if s.free else _("No: {why}").format(why=s.conflict),
            sort=lambda s: not s.free,
        ),
        Column(
            lambda: _("Sessions that month"),
            lambda s: formatting.format_number(s.load),
            sort=lambda s: s.load,
            align_right=True,
        ),
        Column(
            lambda: _("Last delivered the course"),
            lambda s: formatting.format_date(s.last_delivered) if s.last_delivered else "—",
            sort=lambda s: s.last_delivered.toordinal() if s.last_delivered else 0,
        ),
    )


class SubstituteDialog(QDialog):
    """Choose the session's new lead."""

    def __init__(self, parent: QWidget | None, ctx: AppContext, session_id: int) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.session_id = session_id
        self.chosen_id: int | None = None
        self.setWindowTitle(_("Find a substitute"))
        self.resize(760, 420)
        self.model = SubstitutesTableModel(self)
        self.view = make_table(self.model, _("Qualified instructors"), fit=True)
        self.view.doubleClicked.connect(lambda _i: self.take_over())
        self.note = QLabel()
        self.note.setWordWrap(True)
        self.bench_button = QPushButton(_("Open the &Instructors screen"))
        self.bench_button.clicked.connect(self.open_bench)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.take_button = self.buttons.addButton(
            _("&Make them the lead"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.buttons.accepted.connect(self.take_over)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.note)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.bench_button)
        layout.addWidget(self.buttons)
        found = ctx.attempt(self, lambda: planning.substitutes(ctx.db, session_id)) or []
        self.model.set_rows(found)
        if not found:
            self.note.setText(
                _(
                    "Nobody else is qualified for this course. Add the course to an instructor's "
                    "qualifications on the Instructors screen."
                )
            )
            self.take_button.setEnabled(False)
        else:
            free = sum(1 for s in found if s.free)
            self.note.setText(
                _(
                    "{free} of {n} qualified instructors are free at every day of the session."
                ).format(free=free, n=len(found))
            )
            self.view.selectRow(0)
        self.bench_button.setVisible(not found)

    def open_bench(self) -> None:
        from PySide6.QtWidgets import QApplication

        for window in QApplication.topLevelWidgets():
            show = getattr(window, "show_screen", None)
            if show is not None:
                show("instructors")
                window.raise_()
                break
        self.reject()

    def take_over(self) -> None:
        rows = self.view.selectionModel().selectedRows()
        chosen = self.model.index(rows[0].row(), 0).data(ROW_ROLE) if rows else None
        if not isinstance(chosen, Substitute):
            return
        outcome = self.ctx.op(
            self, lambda: planning.take_over(self.ctx.db, self.session_id, chosen.instructor_id)
        )
        if outcome is not None:
            self.chosen_id = chosen.instructor_id
            self.accept()
