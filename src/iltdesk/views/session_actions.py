"""What can be done to a session, from the sessions list and from the session's window.

Edit, duplicate, confirm, cancel (with the notice offered), complete (early only with a
reason) and unlock — each asks what it must through a dialog with one entry point, runs the
service, announces the change and, where learners hold calendar entries, offers the email.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC
from datetime import datetime
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QCheckBox
from PySide6.QtWidgets import QComboBox
from PySide6.QtWidgets import QDialog
from PySide6.QtWidgets import QDialogButtonBox
from PySide6.QtWidgets import QFormLayout
from PySide6.QtWidgets import QInputDialog
from PySide6.QtWidgets import QLabel
from PySide6.QtWidgets import QLineEdit
from PySide6.QtWidgets import QMessageBox
from PySide6.QtWidgets import QSpinBox
from PySide6.QtWidgets import QVBoxLayout
from PySide6.QtWidgets import QWidget

from iltdesk import formatting
from iltdesk.domain.enums import CancelCause
from iltdesk.domain.enums import MessageKind
from iltdesk.domain.enums import SessionStatus
from iltdesk.domain.lifecycle import closed_reason
from iltdesk.domain.rows import SessionRow
from iltdesk.errors import ValidationError
from iltdesk.i18n import _
from iltdesk.i18n import ngettext
from iltdesk.services import enrollment
from iltdesk.services import lifecycle
from iltdesk.services import scheduling

if TYPE_CHECKING:
    from iltdesk.views.mail import Mailer
from iltdesk.views.context import AppContext
from iltdesk.views.errors import show_error
from iltdesk.views.modal import run_modal
from iltdesk.views.widgets import OK_CANCEL
from iltdesk.views.widgets import button_box


def ask_offer_waitlist(parent: QWidget | None, count: int) -> bool:
    """Whether to offer a new session's seats to the original's waitlist (tests patch this)."""
    answer = QMessageBox.question(
        parent,
        _("Offer the seats to the waitlist?"),
        ngettext(
            "{n} learner waits for a place on the original session. Offer them the new "
            "session's seats by email (you see the message first)?",
            "{n} learners wait for a place on the original session. Offer them the new "
            "session's seats by email, in waitlist order (you see the messages first)?",
            count,
        ).format(n=count),
    )
    return answer == QMessageBox.StandardButton.Yes


@dataclass(frozen=True)
class CancelChoice:
    """What the cancel dialog returns: reason, cause and whether to notify."""

    reason: str
    notify: bool
    cause: CancelCause = CancelCause.OTHER
    to_interest: bool = False  # its learners go on the course's interest list
    move_to: int | None = None  # …or they move to this session of the course


class CancelSessionDialog(QDialog):
    """Why the session is cancelled, and whether to send the notice; use `ask`."""

    def __init__(
        self,
        parent: QWidget | None,
        row: SessionRow,
        holders: int,
        others: tuple[SessionRow, ...] = (),
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Cancel session"))
        self.setMinimumWidth(480)
        when = (
            formatting.format_span(row.days[0].start, row.days[0].end, row.timezone)
            if row.days
            else ""
        )
        intro = QLabel(
            ngettext(
                "Cancel {course} on {when}? Every place ({seats} seat, {waiting} waiting) is "
                "cancelled and kept in the history; the room and instructors become free.",
                "Cancel {course} on {when}? Every place ({seats} seats, {waiting} waiting) is "
                "cancelled and kept in the history; the room and instructors become free.",
                row.enrolled,
            ).format(course=row.course_title, when=when, seats=row.enrolled, waiting=row.waitlisted)
        )
        intro.setWordWrap(True)
        self.reason = QLineEdit()
        self.reason.setPlaceholderText(_("For example: the trainer is ill"))
        self.cause = QComboBox()
        for cause in CancelCause:
            self.cause.addItem(cause.label(), cause)
        self.cause.setCurrentIndex(self.cause.findData(CancelCause.OTHER))
        if row.min_size and row.enrolled < row.min_size:
            self.cause.setCurrentIndex(self.cause.findData(CancelCause.LOW_NUMBERS))
        self.cause.setToolTip(_("Reports count sessions cancelled for too few learners"))
        self.notify = QCheckBox(
            ngettext(
                "Send the cancellation notice to the {n} learner concerned (you confirm first)",
                "Send the cancellation notice to the {n} learners concerned (you confirm first)",
                holders,
            ).format(n=holders)
        )
        self.notify.setChecked(holders > 0)
        self.notify.setEnabled(holders > 0)
        self.to_interest = QCheckBox(
            _("Put them on the course's interest list, to be offered the next date")
        )
        self.to_interest.setEnabled(holders > 0)
        self.to_interest.setChecked(
            holders > 0 and self.cause.currentData() == CancelCause.LOW_NUMBERS
        )
        self.cause.currentIndexChanged.connect(
            lambda _i: self.to_interest.setChecked(
                holders > 0 and self.cause.currentData() == CancelCause.LOW_NUMBERS
            )
        )
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(_("Cancel &session"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(_("&Keep it"))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.reason.textChanged.connect(self._update)
        form = QFormLayout()
        form.addRow(_("&Reason"), self.reason)
        form.addRow(_("Ca&use"), self.cause)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.notify)
        layout.addWidget(self.to_interest)
        self.move_to = QComboBox()
        self.move_to.addItem(_("Do not move them"), None)
        for other in others:
            self.move_to.addItem(
                _("Move them to {session}").format(
                    session=formatting.format_span(
                        other.days[0].start, other.days[0].end, other.timezone
                    )
                    if other.days
                    else other.id
                ),
                other.id,
            )
        self.move_to.setEnabled(holders > 0 and bool(others))
        self.move_to.setAccessibleName(_("Move the learners"))
        self.move_to.currentIndexChanged.connect(
            lambda _i: self.to_interest.setEnabled(
                holders > 0 and self.move_to.currentData() is None
            )
        )
        layout.addWidget(self.move_to)
        layout.addWidget(self.buttons)
        self._update()

    def _update(self) -> None:
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setEnabled(bool(self.reason.text().strip()))

    @classmethod
    def ask(
        cls,
        parent: QWidget | None,
        row: SessionRow,
        holders: int,
        others: tuple[SessionRow, ...] = (),
    ) -> CancelChoice | None:
        dialog = cls(parent, row, holders, others)
        if run_modal(dialog) != QDialog.DialogCode.Accepted:
            return None
        return CancelChoice(
            dialog.reason.text().strip(),
            dialog.notify.isChecked(),
            CancelCause(dialog.cause.currentData()),
            dialog.to_interest.isChecked() and dialog.move_to.currentData() is None,
            dialog.move_to.currentData(),
        )


@dataclass(frozen=True)
class DuplicateChoice:
    """What the duplicate dialog returns: how far to shift the dates."""

    shift_days: int
    copy_roster: bool


class DuplicateDialog(QDialog):
    """How far to move the copy and whether to bring the roster along; use `ask`."""

    def __init__(self, parent: QWidget | None, row: SessionRow) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Duplicate session"))
        self.shift = QSpinBox()
        self.shift.setRange(1, 3650)
        self.shift.setValue(7)
        self.shift.setSuffix(" " + _("days later"))
        learners = row.enrolled + row.waitlisted
        self.copy_roster = QCheckBox(
            ngettext(
                "Enrol the same learner in the copy",
                "Enrol the same {n} learners in the copy (seats first, then the waitlist)",
                learners,
            ).format(n=learners)
        )
        self.copy_roster.setEnabled(learners > 0)
        buttons = button_box(self, OK_CANCEL)
        form = QFormLayout(self)
        form.addRow(_("&Move the days"), self.shift)
        form.addRow(self.copy_roster)
        form.addRow(QLabel(_("The copy opens in the editor; nothing is saved until you save.")))
        form.addRow(buttons)

    @classmethod
    def ask(cls, parent: QWidget | None, row: SessionRow) -> DuplicateChoice | None:
        dialog = cls(parent, row)
        if run_modal(dialog) != QDialog.DialogCode.Accepted:
            return None
        return DuplicateChoice(dialog.shift.value(), dialog.copy_roster.isChecked())


def ask_early_reason(parent: QWidget | None, row: SessionRow) -> str | None:
    """Completing before the last day has ended: why (kept with the session)."""
    end = formatting.format_datetime(row.last_end, row.timezone) if row.last_end else "?"
    text, ok = QInputDialog.getText(
        parent,
        _("Record early"),
        _(
            "This session's last day ends {end}. To complete it now, say why (kept with the "
            "session):"
        ).format(end=end),
    )
    return text.strip() if ok and text.strip() else None


def ask_unlock_reason(parent: QWidget | None) -> str | None:
    """Why a completed session is unlocked (None: not unlocked)."""
    text, ok = QInputDialog.getText(
        parent, _("Unlock session"), _("Why does this completed session need changes?")
    )
    return text.strip() if ok and text.strip() else None


class SessionActions:
    """The actions on one session, for any widget that shows sessions."""

    def __init__(self, ctx: AppContext, parent: QWidget) -> None:
        self.ctx = ctx
        self.parent = parent
        self._mailer: Mailer | None = None  # the mail layer is imported on first use (~40 ms)

    @property
    def mailer(self) -> Mailer:
        if self._mailer is None:
            from iltdesk.tasks.runner import TaskRunner
            from iltdesk.views.mail import Mailer

            self._mailer = Mailer(self.ctx, self.parent, TaskRunner(self.parent))
        return self._mailer

    def _row(self, session_id: int) -> SessionRow | None:
        return self.ctx.attempt(
            self.parent, lambda: scheduling.get_session(self.ctx.db, session_id)
        )

    # --- editing ---
    def edit(self, session_id: int) -> SessionRow | None:
        from iltdesk.views.dialogs.session_editor import SessionEditorDialog

        before = self._row(session_id)
        if before is None:
            return None
        closed = closed_reason(before.status)
        if closed is not None:
            show_error(self.parent, ValidationError(closed))
            return None
        after = SessionEditorDialog.ask(self.parent, self.ctx, before)
        if after is not None:
            self.offer_change_notice(before, after)
        return after

    def duplicate(self, session_id: int) -> SessionRow | None:
        from iltdesk.views.dialogs.session_editor import SessionEditorDialog

        source = self._row(session_id)
        if source is None:
            return None
        choice = DuplicateDialog.ask(self.parent, source)
        if choice is None:
            return None
        copy = SessionEditorDialog.ask_duplicate(self.parent, self.ctx, source, choice.shift_days)
        if copy is not None and choice.copy_roster:
            report = self.ctx.op(
                self.parent, lambda: enrollment.copy_roster(self.ctx.db, source.id, copy.id)
            )
            if report is not None:
                value = report.value
                QMessageBox.information(self.parent, _("Duplicate session"), value.summary())
        elif copy is not None and source.waitlisted:
            self.offer_to_waitlist(source, copy)
        return copy

    def offer_to_waitlist(self, source: SessionRow, copy: SessionRow) -> None:
        """Waitlist pressure: offer the new session's seats to those waiting for `source`."""
        from iltdesk.domain.enums import EnrollmentStatus
        from iltdesk.services import outbox

        waiting = sorted(
            (
                r
                for r in enrollment.roster(self.ctx.db, source.id)
                if r.status is EnrollmentStatus.WAITLISTED
            ),
            key=lambda r: r.waitlist_position or 0,
        )
        if not waiting or not ask_offer_waitlist(self.parent, len(waiting)):
            return
        language = str(self.ctx.prefs.get("locale"))
        composed = self.ctx.attempt(
            self.parent,
            lambda: outbox.compose_interest_offers(
                self.ctx.db, copy.id, [r.learner_id for r in waiting], fallback_language=language
            ),
        )
        if composed is not None and composed.drafts:
            self.mailer.confirm_and_send(composed, MessageKind.INTEREST_OFFER)

    def offer_change_notice(self, before: SessionRow, after: SessionRow) -> None:
        """Times, place or link changed and learners hold invitations: offer to update them."""
        from iltdesk.services import outbox
        from iltdesk.views import mail

        moved = (
            [(d.start, d.end) for d in before.days] != [(d.start, d.end) for d in after.days]
            or before.room_id != after.room_id
            or before.meeting_link != after.meeting_link
            or before.timezone != after.timezone
        )
        invited = outbox.invited_count(self.ctx.db, after.id) if moved else 0
        if not invited:
            return
        question = ngettext(
            "{n} learner has a calendar invitation for this session. Send them the change?",
            "{n} learners have a calendar invitation for this session. Send them the change?",
            invited,
        ).format(n=invited)
        if mail.ask_yes(self.parent, question):
            self.mailer.compose_and_send(MessageKind.CHANGED, after.id)

    # --- status ---
    def confirm(self, session_id: int) -> None:
        self.ctx.op(self.parent, lambda: lifecycle.confirm_session(self.ctx.db, session_id))

    def mark_planned(self, session_id: int) -> None:
        self.ctx.op(self.parent, lambda: lifecycle.mark_planned(self.ctx.db, session_id))

    def cancel(self, session_id: int) -> bool:
        """Ask for a reason, cancel, then (if chosen) compose the notice for confirmation."""
        row = self._row(session_id)
        if row is None:
            return False
        holders = row.enrolled + row.waitlisted
        now = datetime.now(UTC)
        others = tuple(
            s
            for s in scheduling.list_sessions(self.ctx.db, course_id=row.course_id)
            if s.id != row.id
            and s.status in (SessionStatus.PLANNED, SessionStatus.CONFIRMED)
            and s.first_start is not None
            and s.first_start > now
        )
        choice = CancelSessionDialog.ask(self.parent, row, holders, others)
        if choice is None:
            return False
        outcome = self.ctx.op(
            self.parent,
            lambda: lifecycle.cancel_session(
                self.ctx.db,
                session_id,
                choice.reason,
                cause=choice.cause,
                to_interest=choice.to_interest,
                move_to=choice.move_to,
            ),
        )
        if outcome is None:
            return False
        if choice.notify:
            self.mailer.compose_and_send(MessageKind.CANCELLED, session_id)
        return True

    def complete(self, session_id: int) -> bool:
        """Complete and lock; before the last day has ended, only with a reason."""
        row = self._row(session_id)
        if row is None:
            return False
        reason = ""
        if row.last_end is None or row.last_end > datetime.now(UTC):
            found = ask_early_reason(self.parent, row)
            if found is None:
                return False
            reason = found
        outcome = self.ctx.op(
            self.parent,
            lambda: lifecycle.complete_session(self.ctx.db, session_id, early_reason=reason),
        )
        if outcome is None:
            return False
        result = outcome.value
        if result.waitlist_closed:
            QMessageBox.information(
                self.parent,
                _("Session completed"),
                ngettext(
                    "{n} learner was still on the waitlist; their place was closed with a note.",
                    "{n} learners were still on the waitlist; their places were closed with a "
                    "note.",
                    result.waitlist_closed,
                ).format(n=result.waitlist_closed),
            )
        return True

    def unlock(self, session_id: int) -> bool:
        reason = ask_unlock_reason(self.parent)
        if reason is None:
            return False
        outcome = self.ctx.op(
            self.parent, lambda: lifecycle.reopen_session(self.ctx.db, session_id, reason)
        )
        return outcome is not None
