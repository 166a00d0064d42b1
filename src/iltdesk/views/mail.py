"""Email from the app: confirm-then-send, the mailer, and the reminder watch.

Nothing is sent without a confirmation that names how many messages go to whom, with the
exact message for any recipient on view. Sending runs on the task runner with progress and
cancel; refused credentials pause the batch and ask for the password.
"""

from __future__ import annotations

import email
import logging
from collections.abc import Callable
from email.policy import default

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QComboBox
from PySide6.QtWidgets import QDialog
from PySide6.QtWidgets import QDialogButtonBox
from PySide6.QtWidgets import QFormLayout
from PySide6.QtWidgets import QInputDialog
from PySide6.QtWidgets import QLabel
from PySide6.QtWidgets import QLineEdit
from PySide6.QtWidgets import QMessageBox
from PySide6.QtWidgets import QPlainTextEdit
from PySide6.QtWidgets import QVBoxLayout
from PySide6.QtWidgets import QWidget

from iltdesk import credentials
from iltdesk.domain.changes import Changes
from iltdesk.domain.changes import Entity
from iltdesk.domain.enums import MessageKind
from iltdesk.errors import UserError
from iltdesk.i18n import _
from iltdesk.i18n import in_sentence
from iltdesk.i18n import ngettext
from iltdesk.services import outbox
from iltdesk.services.outbox import Composed
from iltdesk.services.outbox import Draft
from iltdesk.services.outbox import SendSummary
from iltdesk.tasks.runner import CancelledError
from iltdesk.tasks.runner import Progress
from iltdesk.tasks.runner import TaskRunner
from iltdesk.views.context import AppContext
from iltdesk.views.errors import show_error
from iltdesk.views.modal import run_modal

log = logging.getLogger(__name__)


def home_zone(ctx: AppContext) -> str:
    """The zone to show instants that belong to no session in: the user's, else the server's."""
    from iltdesk.services.settings_store import get_setting

    return str(
        ctx.prefs.get("default_timezone") or get_setting(ctx.db, "default_timezone") or "UTC"
    )


def message_text(draft: Draft) -> str:
    """The message as the recipient will read it: headers, body, attachment names."""
    parsed = email.message_from_bytes(draft.content, policy=default)
    lines = [
        _("From: {value}").format(value=parsed["From"]),
        _("To: {value}").format(value=parsed["To"]),
        _("Subject: {value}").format(value=parsed["Subject"]),
        "",
        draft.body,
    ]
    attachments = [name for p in parsed.iter_attachments() if (name := p.get_filename())]
    if attachments:
        lines += ["", _("Attached: {names}").format(names=", ".join(attachments))]
    return "\n".join(lines)


def question_for(kind: MessageKind, count: int, label: str) -> str:
    """The confirmation question before sending `count` messages of a kind."""
    if kind is MessageKind.CERTIFICATE:
        text = ngettext(
            "Send {n} certificate to learners of {session}?",
            "Send {n} certificates to learners of {session}?",
            count,
        )
    else:
        text = ngettext(
            "Send {n} message ({kind}) to learners of {session}?",
            "Send {n} messages ({kind}) to learners of {session}?",
            count,
        )
    return text.format(n=count, session=label, kind=in_sentence(kind.label()))


class SendConfirmDialog(QDialog):
    """“Send 23 certificates to learners of Forklift Safety — 12 Mar?” with the exact messages."""

    def __init__(self, parent: QWidget | None, composed: Composed, kind: MessageKind) -> None:
        super().__init__(parent)
        self.composed = composed
        self.setWindowTitle(_("Send email"))
        self.resize(640, 520)
        question = QLabel(question_for(kind, len(composed.drafts), composed.label))
        question.setWordWrap(True)
        question.setStyleSheet("font-weight: bold;")
        note = QLabel()
        note.setWordWrap(True)
        if composed.already_queued:
            note.setText(
                ngettext(
                    "{n} learner already has this message in the outbox and is left out.",
                    "{n} learners already have this message in the outbox and are left out.",
                    composed.already_queued,
                ).format(n=composed.already_queued)
            )
        self.recipient = QComboBox()
        self.recipient.setAccessibleName(_("Preview for"))
        for draft in composed.drafts:
            self.recipient.addItem(f"{draft.recipient_name} <{draft.recipient}>")
        self.preview = QPlainTextEdit()
        self.preview.setReadOnly(True)
        self.recipient.currentIndexChanged.connect(self._show)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.send_button = buttons.addButton(_("&Send"), QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form = QFormLayout()
        label = QLabel(_("&Preview for:"))
        label.setBuddy(self.recipient)
        form.addRow(label, self.recipient)
        layout = QVBoxLayout(self)
        layout.addWidget(question)
        layout.addWidget(note)
        layout.addLayout(form)
        layout.addWidget(self.preview, 1)
        layout.addWidget(buttons)
        self._show()

    def _show(self) -> None:
        index = self.recipient.currentIndex()
        if 0 <= index < len(self.composed.drafts):
            self.preview.setPlainText(message_text(self.composed.drafts[index]))


def ask_send_confirmation(parent: QWidget | None, composed: Composed, kind: MessageKind) -> bool:
    """Whether the user confirmed sending (the one place tests patch)."""
    return run_modal(SendConfirmDialog(parent, composed, kind)) == QDialog.DialogCode.Accepted


def ask_password(parent: QWidget | None, user: str, host: str) -> str | None:
    """The SMTP password, asked for once (the one place tests patch)."""
    text, ok = QInputDialog.getText(
        parent,
        _("Mail password"),
        _("Password for {user} on {host}:").format(user=user, host=host),
        QLineEdit.EchoMode.Password,
    )
    return text if ok else None


def ask_yes(parent: QWidget | None, question: str) -> bool:
    """A yes/no question (the one place tests patch)."""
    return QMessageBox.question(parent, _("ILT Desk"), question) == QMessageBox.StandardButton.Yes


class Mailer:
    """Compose → confirm → queue → send, from any screen; reports in a callback."""

    def __init__(self, ctx: AppContext, parent: QWidget, tasks: TaskRunner) -> None:
        self.ctx, self.parent, self.tasks = ctx, parent, tasks
        self.last_summary: SendSummary | None = None

    def compose_and_send(
        self,
        kind: MessageKind,
        session_id: int,
        *,
        reason: str = "",
        done: Callable[[str], None] | None = None,
    ) -> None:
        db, prefs = self.ctx.db, self.ctx.prefs
        settings = outbox.mail_settings(db)
        problem = settings.problem()
        if problem is not None:
            show_error(self.parent, UserError(problem))
            return
        language = str(prefs.get("locale"))
        options = {k: v for k, v in prefs.certificate_options().items() if k != "fallback_language"}

        def work(_progress: Progress) -> Composed:
            if kind is MessageKind.CERTIFICATE:
                from iltdesk.services import certificates

                certificates.issue_certificates(db, session_id)
            return outbox.compose(
                db,
                kind,
                session_id,
                reason=reason,
                fallback_language=language,
                certificate_options=options,
            )

        def composed_ready(composed: Composed) -> None:
            if not composed.drafts:
                message = _("Nobody to send this to.")
                if composed.already_queued:
                    message = ngettext(
                        "The {n} learner already has this message in the outbox.",
                        "All {n} learners already have this message in the outbox.",
                        composed.already_queued,
                    ).format(n=composed.already_queued)
                self._tell(message, done)
                return
            self.confirm_and_send(composed, kind, done)

        self.tasks.run(
            work,
            title=_("Preparing messages"),
            on_done=composed_ready,
            on_error=lambda e: show_error(self.parent, e),
        )

    def confirm_and_send(
        self, composed: Composed, kind: MessageKind, done: Callable[[str], None] | None = None
    ) -> bool:
        """Ask with the exact message, then queue and send; False when the user declined."""
        if not ask_send_confirmation(self.parent, composed, kind):
            return False
        ids = self.ctx.apply(outbox.queue(self.ctx.db, composed.drafts))
        self.send(ids, done)
        return True

    def send(self, only: list[int] | None, done: Callable[[str], None] | None = None) -> None:
        db = self.ctx.db
        settings = outbox.mail_settings(db)
        problem = settings.problem()
        if problem is not None:
            show_error(self.parent, UserError(problem))
            return
        password = ""
        if settings.transport == "smtp" and settings.username:
            found = credentials.get_password(settings.username, settings.host)
            if found is None:
                found = ask_password(self.parent, settings.username, settings.host)
                if found is None:
                    self._tell(_("Not sent: no password. The messages wait in the outbox."), done)
                    return
                credentials.set_password(settings.username, settings.host, found)
            password = found

        def work(progress: Progress) -> SendSummary:
            transport = outbox.make_transport(settings, password)
            return outbox.send_queue(
                db,
                transport,
                settings.sender_address,
                rate_per_minute=settings.rate_per_minute,
                only=only,
                report=progress.report,
            )

        def finished(summary: SendSummary) -> None:
            self.last_summary = summary
            self.ctx.announce(Changes.of(Entity.OUTBOX, 0))
            if summary.auth_error:
                credentials.forget_for_this_run()
                again = ask_password(self.parent, settings.username, settings.host)
                if again is not None:
                    credentials.set_password(settings.username, settings.host, again)
                    self.send(only, done)
                    return
                self._tell(summary.auth_error + " " + _("Sending paused."), done)
                return
            if summary.stopped_error:
                show_error(self.parent, UserError(summary.stopped_error))
            self._tell(summary_text(summary), done)

        def failed(error: BaseException) -> None:
            self.ctx.announce(Changes.of(Entity.OUTBOX, 0))
            if isinstance(error, CancelledError):
                self._tell(_("Sending stopped. The rest wait in the outbox."), done)
            else:
                show_error(self.parent, error)

        self.tasks.run(work, title=_("Sending email"), on_done=finished, on_error=failed)

    def _tell(self, message: str, done: Callable[[str], None] | None) -> None:
        if done is not None:
            done(message)


def summary_text(summary: SendSummary) -> str:
    """What a send run did, in words."""
    text = ngettext("{n} message sent.", "{n} messages sent.", summary.sent).format(n=summary.sent)
    if summary.failed:
        text += " " + ngettext(
            "{n} failed: see the outbox.", "{n} failed: see the outbox.", summary.failed
        ).format(n=summary.failed)
    if summary.uncertain:
        text += " " + ngettext(
            "{n} is uncertain (it may have gone out): see the outbox.",
            "{n} are uncertain (they may have gone out): see the outbox.",
            summary.uncertain,
        ).format(n=summary.uncertain)
    if summary.stopped_error:
        text += " " + _("Sending paused: {reason}").format(reason=summary.stopped_error)
    if summary.waiting:
        text += " " + ngettext(
            "{n} waits to be sent.", "{n} wait to be sent.", summary.waiting
        ).format(n=summary.waiting)
    return text


class ReminderWatch:
    """At start and hourly, reminders that fell due are offered for confirmation.

    Never sent unasked, and only when the coordinator switched reminders on.
    """

    INTERVAL_MS = 60 * 60 * 1000

    def __init__(self, ctx: AppContext, parent: QWidget, mailer: Mailer) -> None:
        self.ctx, self.parent, self.mailer = ctx, parent, mailer
        self.timer = QTimer(parent)
        self.timer.setInterval(self.INTERVAL_MS)
        self.timer.timeout.connect(self.check)
        self.asking = False

    def start(self) -> None:
        self.timer.start()
        QTimer.singleShot(2000, self.check)

    def check(self) -> None:
        if self.asking:
            return
        try:
            language = str(self.ctx.prefs.get("locale"))
            due = outbox.due_reminders(self.ctx.db, fallback_language=language)
        except Exception:  # a reminder check must never disturb the user's work
            log.warning("The reminder check failed; it runs again in a while.", exc_info=True)
            return
        self.asking = True
        try:
            for composed in due:
                if ask_send_confirmation(self.parent, composed, MessageKind.REMINDER):
                    ids = self.ctx.apply(outbox.queue(self.ctx.db, composed.drafts))
                    self.mailer.send(ids)
        finally:
            self.asking = False
