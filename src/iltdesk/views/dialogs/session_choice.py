"""Which upcoming session to enrol learners in: seats free and waiting, for each."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog
from PySide6.QtWidgets import QDialogButtonBox
from PySide6.QtWidgets import QLabel
from PySide6.QtWidgets import QListWidget
from PySide6.QtWidgets import QListWidgetItem
from PySide6.QtWidgets import QVBoxLayout
from PySide6.QtWidgets import QWidget

from iltdesk import formatting
from iltdesk.domain.rows import SessionRow
from iltdesk.domain.rules import free_seats
from iltdesk.i18n import _
from iltdesk.i18n import ngettext
from iltdesk.views.modal import run_modal


class SessionChoiceDialog(QDialog):
    """Which upcoming session of the course to enrol the chosen learners in; use `ask`."""

    def __init__(self, parent: QWidget | None, sessions: list[SessionRow], count: int) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Enrol in a session"))
        self.list = QListWidget()
        for row in sessions:
            free = free_seats(row.capacity, row.enrolled)
            when = (
                formatting.format_span(row.days[0].start, row.days[0].end, row.timezone)
                if row.days
                else ""
            )
            text = _("{course} — {when} · {free} of {capacity} free · {waiting} waiting").format(
                course=row.course_title,
                when=when,
                free=free,
                capacity=row.capacity,
                waiting=row.waitlisted,
            )
            item = QListWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, row.id)
            self.list.addItem(item)
        self.list.setCurrentRow(0)
        note = QLabel(
            ngettext(
                "{n} learner: places first, then the waitlist; clashes are reported.",
                "{n} learners: places first, then the waitlist; clashes are reported.",
                count,
            ).format(n=count)
        )
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(_("&Enrol"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.list)
        layout.addWidget(note)
        layout.addWidget(buttons)

    @classmethod
    def ask(cls, parent: QWidget | None, sessions: list[SessionRow], count: int) -> int | None:
        dialog = cls(parent, sessions, count)
        if run_modal(dialog) != QDialog.DialogCode.Accepted or dialog.list.currentItem() is None:
            return None
        return int(dialog.list.currentItem().data(Qt.ItemDataRole.UserRole))
