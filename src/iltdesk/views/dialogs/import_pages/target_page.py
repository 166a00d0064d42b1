"""Into the directory only, or onto a session too."""

from __future__ import annotations

from datetime import UTC
from datetime import datetime
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QButtonGroup
from PySide6.QtWidgets import QComboBox
from PySide6.QtWidgets import QRadioButton
from PySide6.QtWidgets import QVBoxLayout

from iltdesk.domain.enums import SessionStatus
from iltdesk.i18n import _
from iltdesk.services import scheduling
from iltdesk.views.dialogs.import_pages.common import _Page
from iltdesk.views.widgets import session_choice_label

if TYPE_CHECKING:
    from iltdesk.views.dialogs.import_wizard import ImportWizard


class TargetPage(_Page):
    """The wizard page that chooses directory only or a session too."""

    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__(
            wizard,
            _("Where should they go?"),
            _(
                "Enrol them into a session (beyond its capacity they go on the waitlist, in the "
                "order of the file), or only add and update them in the learner directory."
            ),
        )
        self.enrol = QRadioButton(_("&Enrol into a session:"))
        self.directory = QRadioButton(_("Update the learner &directory only"))
        group = QButtonGroup(self)
        group.addButton(self.enrol)
        group.addButton(self.directory)
        self.session = QComboBox()
        self.session.setAccessibleName(_("Session"))
        self.enrol.toggled.connect(self.session.setEnabled)
        self.enrol.toggled.connect(self.completeChanged)
        layout = QVBoxLayout(self)
        layout.addWidget(self.enrol)
        layout.addWidget(self.session)
        layout.addWidget(self.directory)
        layout.addWidget(self.error)
        layout.addStretch()
        self._filled = False

    def initializePage(self) -> None:  # noqa: N802 - Qt's name
        if self._filled:
            return
        self._filled = True
        now = datetime.now(UTC)
        sessions = [
            s
            for s in scheduling.list_sessions(self.w.ctx.db, ends_after=now)
            if s.status in (SessionStatus.PLANNED, SessionStatus.CONFIRMED)
        ]
        if self.w.session_id is not None and all(s.id != self.w.session_id for s in sessions):
            sessions.insert(0, scheduling.get_session(self.w.ctx.db, self.w.session_id))
        for s in sessions:
            self.session.addItem(session_choice_label(s), s.id)
        if self.w.list_name:
            self.directory.setText(
                _("Add them to the list of “{name}” (and update the &directory)").format(
                    name=self.w.list_name
                )
            )
            self.directory.setChecked(True)
            self.enrol.setVisible(False)
            self.session.setVisible(False)
        elif self.w.session_id is not None:
            self.session.setCurrentIndex(self.session.findData(self.w.session_id))
            self.enrol.setChecked(True)
        else:
            self.directory.setChecked(True)
            self.session.setEnabled(False)
        self.enrol.setEnabled(self.session.count() > 0)

    def isComplete(self) -> bool:  # noqa: N802 - Qt's name
        return self.directory.isChecked() or self.session.currentIndex() >= 0

    def target(self) -> int | None:
        return self.session.currentData() if self.enrol.isChecked() else None

    def validatePage(self) -> bool:  # noqa: N802 - Qt's name
        self.w.target_session = self.target()
        return self.run_then_next(self.w.planning_work(), self.w.set_plan)
