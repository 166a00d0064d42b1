"""The session window's Session and Email menus: status moves, series, substitutes, messages.

A mixin of `SessionDetailDialog` (which provides the attributes declared here), kept apart so
the window's module holds its tabs and roster actions.
"""

from __future__ import annotations

from typing import TYPE_CHECKING
from typing import cast

from PySide6.QtWidgets import QDialog
from PySide6.QtWidgets import QLabel
from PySide6.QtWidgets import QMenu
from PySide6.QtWidgets import QPushButton
from PySide6.QtWidgets import QWidget

from iltdesk.domain.enums import SessionStatus
from iltdesk.domain.rows import SessionRow
from iltdesk.i18n import _
from iltdesk.views.modal import run_modal

if TYPE_CHECKING:
    from PySide6.QtGui import QAction

    from iltdesk.domain.enums import MessageKind
    from iltdesk.views.context import AppContext
    from iltdesk.views.session_actions import SessionActions


class SessionMenus:
    """Builds the two menus and carries out their entries for one session's window."""

    ctx: AppContext
    session_id: int
    row: SessionRow
    session_actions: SessionActions
    email_note: QLabel
    email_status: str
    email_actions: dict[MessageKind, QAction]

    def _build_session_menu(self) -> QPushButton:
        """The session's status moves: confirm, duplicate, cancel, complete, unlock."""
        button = QPushButton(_("&Session"))
        menu = QMenu(button)
        actions = self.session_actions
        self.confirm_action = menu.addAction(
            _("Con&firm"), lambda: actions.confirm(self.session_id)
        )
        self.planned_action = menu.addAction(
            _("Back to &planned"), lambda: actions.mark_planned(self.session_id)
        )
        menu.addSeparator()
        self.duplicate_action = menu.addAction(
            _("&Duplicate…"), lambda: actions.duplicate(self.session_id)
        )
        self.cancel_session_action = menu.addAction(
            _("&Cancel session…"), lambda: actions.cancel(self.session_id)
        )
        self.cancel_series_action = menu.addAction(
            _("Cancel this and la&ter sessions…"), self.cancel_series
        )
        self.substitute_action = menu.addAction(_("Find a &substitute…"), self.find_substitute)
        menu.addSeparator()
        self.complete_action = menu.addAction(_("Complete and &lock"), self.toggle_lock)
        self.unlock_action = menu.addAction(_("&Unlock…"), self.toggle_lock)
        button.setMenu(menu)
        return button

    def find_substitute(self) -> None:
        """A new lead for the session, then the change notice offered to its learners."""
        from iltdesk.domain.enums import MessageKind
        from iltdesk.views.dialogs.substitute import SubstituteDialog

        dialog = SubstituteDialog(self._window(), self.ctx, self.session_id)
        if run_modal(dialog) == QDialog.DialogCode.Accepted and self.row.enrolled:
            self.send_email(MessageKind.CHANGED)

    def cancel_series(self) -> None:
        from iltdesk.views.series_editing import cancel_later

        cancel_later(self._window(), self.ctx, self.row)

    def edit_session(self) -> None:
        self.session_actions.edit(self.session_id)

    def _build_email_menu(self) -> QPushButton:
        """Email to this session's learners: each item asks before anything is sent."""
        from iltdesk.domain.enums import MessageKind

        self.email_status = ""
        button = QPushButton(_("&Email"))
        menu = QMenu(button)
        self.email_actions = {}
        for kind, text in (
            (MessageKind.CONFIRMATION, _("Send &confirmations with invitations…")),
            (MessageKind.WAITLIST, _("Send &waitlist notices…")),
            (MessageKind.PROMOTED, _("Tell those &promoted from the waitlist…")),
            (MessageKind.REMINDER, _("Send &reminders now…")),
            (MessageKind.PREWORK_REMINDER, _("Remind those without &pre-work…")),
            (MessageKind.CHANGED, _("Send the &change to everyone…")),
            (MessageKind.CANCELLED, _("Send the ca&ncellation…")),
            (MessageKind.CERTIFICATE, _("Email c&ertificates…")),
            (MessageKind.FEEDBACK, _("Send the &feedback request…")),
        ):
            action = menu.addAction(text)
            action.triggered.connect(lambda _checked=False, k=kind: self.send_email(k))
            self.email_actions[kind] = action
        menu.addSeparator()
        self.interest_action = menu.addAction(
            _("Offer seats to the &interest list…"), self.show_interest_list
        )
        button.setMenu(menu)
        return button

    def show_interest_list(self) -> None:
        from iltdesk.views.dialogs.interest_list import InterestListDialog

        title = f"{self.row.course_code} {self.row.course_title}"
        run_modal(InterestListDialog(self._window(), self.ctx, self.row.course_id, title))

    def send_email(self, kind: MessageKind) -> None:
        def done(message: str) -> None:
            self.email_status = message
            self.email_note.setText(message)

        self.session_actions.mailer.compose_and_send(kind, self.session_id, done=done)

    def toggle_lock(self) -> None:
        if self.row.status is SessionStatus.COMPLETED:
            self.session_actions.unlock(self.session_id)
        else:
            self.session_actions.complete(self.session_id)

    def _window(self) -> QWidget:
        """The window itself (a mixin of a QDialog), as the parent of the dialogs opened."""
        return cast("QWidget", self)
