"""An instructor's qualifications with their dates: since when, until when, how gained.

Shown in Instructors › Availability… (the instructor's bench page); **Dates…** edits the
chosen one. A qualification that has expired no longer counts when finding a slot or a
substitute.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate
from PySide6.QtWidgets import QCheckBox
from PySide6.QtWidgets import QComboBox
from PySide6.QtWidgets import QDateEdit
from PySide6.QtWidgets import QDialog
from PySide6.QtWidgets import QFormLayout
from PySide6.QtWidgets import QWidget

from iltdesk import formatting
from iltdesk.domain.dates import add_months
from iltdesk.i18n import N_
from iltdesk.i18n import _
from iltdesk.models.base import Column
from iltdesk.models.base import RowTableModel
from iltdesk.services.train_the_trainer import GAINED
from iltdesk.services.train_the_trainer import QualificationRow
from iltdesk.views.modal import run_modal
from iltdesk.views.widgets import SAVE_CANCEL
from iltdesk.views.widgets import button_box

_GAINED_LABELS = {
    "certified": N_("Certified"),
    "train_the_trainer": N_("Train-the-trainer"),
    "": N_("Not recorded"),
}


def gained_label(gained: str) -> str:
    """How a qualification was gained, in words."""
    return _(_GAINED_LABELS.get(gained, _GAINED_LABELS[""]))


class QualificationsTableModel(RowTableModel[QualificationRow]):
    """The courses an instructor teaches, with dates."""

    columns = (
        Column(lambda: _("Course"), lambda r: r.course),
        Column(
            lambda: _("Qualified on"),
            lambda r: formatting.format_date(r.qualified_on) if r.qualified_on else "—",
            sort=lambda r: r.qualified_on.toordinal() if r.qualified_on else 0,
        ),
        Column(
            lambda: _("Expires"),
            lambda r: formatting.format_date(r.expires_on) if r.expires_on else _("Never"),
            sort=lambda r: r.expires_on.toordinal() if r.expires_on else 10**7,
        ),
        Column(lambda: _("How"), lambda r: gained_label(r.gained)),
    )


class QualificationDatesDialog(QDialog):
    """Since when, until when and how one qualification holds; use `ask`."""

    def __init__(self, parent: QWidget | None, row: QualificationRow) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Qualification — {course}").format(course=row.course))
        today = date.today()
        since = row.qualified_on or today
        self.since = QDateEdit(QDate(since.year, since.month, since.day))
        self.expires = QCheckBox(_("&Expires on"))
        until = row.expires_on or add_months(since, 24)
        self.until = QDateEdit(QDate(until.year, until.month, until.day))
        for edit in (self.since, self.until):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("d MMM yyyy")
        self.expires.setChecked(row.expires_on is not None)
        self.until.setEnabled(row.expires_on is not None)
        self.expires.toggled.connect(self.until.setEnabled)
        self.gained = QComboBox()
        for value in GAINED:
            self.gained.addItem(gained_label(value), value)
        self.gained.setCurrentIndex(max(0, self.gained.findData(row.gained)))
        form = QFormLayout(self)
        form.addRow(_("&Qualified on"), self.since)
        form.addRow(self.expires, self.until)
        form.addRow(_("&How"), self.gained)
        buttons = button_box(self, SAVE_CANCEL)
        form.addRow(buttons)

    def values(self) -> tuple[date, date | None, str]:
        """Qualified on, expires on (None: never), how gained."""
        since, until = self.since.date(), self.until.date()
        expires = (
            date(until.year(), until.month(), until.day()) if self.expires.isChecked() else None
        )
        return (
            date(since.year(), since.month(), since.day()),
            expires,
            str(self.gained.currentData()),
        )

    @classmethod
    def ask(
        cls, parent: QWidget | None, row: QualificationRow
    ) -> tuple[date, date | None, str] | None:
        dialog = cls(parent, row)
        return dialog.values() if run_modal(dialog) == QDialog.DialogCode.Accepted else None
