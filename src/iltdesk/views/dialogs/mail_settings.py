"""Mail settings (SMTP or drafts, sender, reminders, a test message) and message templates."""

from __future__ import annotations

from PySide6.QtWidgets import QCheckBox
from PySide6.QtWidgets import QComboBox
from PySide6.QtWidgets import QDialog
from PySide6.QtWidgets import QDialogButtonBox
from PySide6.QtWidgets import QFormLayout
from PySide6.QtWidgets import QHBoxLayout
from PySide6.QtWidgets import QLabel
from PySide6.QtWidgets import QLineEdit
from PySide6.QtWidgets import QListWidget
from PySide6.QtWidgets import QPlainTextEdit
from PySide6.QtWidgets import QPushButton
from PySide6.QtWidgets import QSpinBox
from PySide6.QtWidgets import QVBoxLayout
from PySide6.QtWidgets import QWidget

from iltdesk import credentials
from iltdesk.domain.changes import Changes
from iltdesk.domain.changes import Entity
from iltdesk.domain.enums import MessageKind
from iltdesk.i18n import _
from iltdesk.mail.templates import PLACEHOLDERS
from iltdesk.mail.templates import TEMPLATE_LANGUAGES
from iltdesk.mail.templates import Template
from iltdesk.mail.templates import template_errors
from iltdesk.services import outbox
from iltdesk.services.outbox import MailSettings
from iltdesk.services.outbox import SendSummary
from iltdesk.tasks.runner import Progress
from iltdesk.tasks.runner import TaskRunner
from iltdesk.views.context import AppContext
from iltdesk.views.dialogs.preferences import buddy_label
from iltdesk.views.errors import error_text
from iltdesk.views.widgets import ERROR_COLOUR
from iltdesk.views.widgets import SAVE_CANCEL
from iltdesk.views.widgets import button_box
from iltdesk.views.widgets import error_label


class MailSettingsDialog(QDialog):
    """SMTP or drafts, sender, reminders; the password goes to the keyring, never to a file."""

    def __init__(self, parent: QWidget | None, ctx: AppContext) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.tasks = TaskRunner(self)
        self.setWindowTitle(_("Mail settings"))
        self.setMinimumWidth(640)
        s = outbox.mail_settings(ctx.db)
        self._server_fields(s)
        self._message_fields(s)
        test_row = self._test_row(s)
        form = QFormLayout(self)
        form.addRow(_("&Delivery:"), self.transport)
        form.addRow(_("SMTP &host:"), self.host)
        form.addRow(_("&Port:"), self.port)
        form.addRow(_("S&ecurity:"), self.security)
        form.addRow("", self.security_warning)
        form.addRow(_("&User name:"), self.username)
        form.addRow(_("Pass&word:"), self.password)
        form.addRow(_("Drafts &folder:"), self.drafts_folder)
        form.addRow(_("Sender &name:"), self.sender_name)
        form.addRow(_("Sender &address:"), self.sender_address)
        form.addRow(_("Reply-&to:"), self.reply_to)
        form.addRow(_("&Messages per minute:"), self.rate)
        form.addRow("", self.reminders)
        form.addRow(_("Remind this many &days before:"), self.reminder_days)
        form.addRow(_("Feedback &survey link:"), self.survey)
        form.addRow(_("&Backup contact for virtual sessions:"), self.backup_contact)
        form.addRow(_("Technology &checklist:"), self.checklist)
        form.addRow(buddy_label(_("Test &recipient:"), self.test_to), test_row)
        form.addRow("", self.test_result)
        buttons = button_box(self, SAVE_CANCEL, self.save_and_close)
        form.addRow(buttons)
        self.transport.currentIndexChanged.connect(self._update)
        self.security.currentIndexChanged.connect(self._update)
        self._update()

    def _server_fields(self, s: MailSettings) -> None:
        """How mail leaves: SMTP or drafts, server, security (with its warning), login."""
        self.transport = QComboBox()
        self.transport.addItem(_("Send through a mail server (SMTP)"), "smtp")
        self.transport.addItem(_("Save as drafts (.eml) to send from my mail program"), "drafts")
        self.transport.setCurrentIndex(self.transport.findData(s.transport))
        self.host = QLineEdit(s.host)
        self.port = QSpinBox()
        self.port.setRange(1, 65535)
        self.port.setValue(s.port)
        self.security = QComboBox()
        for value, label in (
            ("starttls", "STARTTLS"),
            ("ssl", "SSL/TLS"),
            ("none", _("None (local relay only)")),
        ):
            self.security.addItem(label, value)
        self.security.setCurrentIndex(self.security.findData(s.security))
        self.security_warning = QLabel(
            _(
                "Without encryption, passwords and messages cross the network readable. Use "
                "this only for a relay on this computer or your own network."
            )
        )
        self.security_warning.setWordWrap(True)
        self.security_warning.setStyleSheet(f"color: {ERROR_COLOUR};")
        # Its room is always there (the text comes and goes): choosing "None" must not push the
        # fields below down (typed text once went into the password field under the pointer).
        self.warning_text = self.security_warning.text()
        self.security_warning.setMinimumHeight(3 * self.fontMetrics().lineSpacing())
        self.username = QLineEdit(s.username)
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setPlaceholderText(
            _("stored in the system keyring")
            if credentials.keyring_available()
            else _("kept until ILT Desk closes (no keyring here)")
        )

    def _message_fields(self, s: MailSettings) -> None:
        """What the messages say and how fast they go: sender, rate, reminders, links."""
        self.sender_name = QLineEdit(s.sender_name)
        self.sender_address = QLineEdit(s.sender_address)
        self.reply_to = QLineEdit(s.reply_to)
        self.drafts_folder = QLineEdit(s.drafts_folder)
        self.rate = QSpinBox()
        self.rate.setRange(0, 10_000)
        self.rate.setValue(s.rate_per_minute)
        self.rate.setSpecialValueText(_("no limit"))
        self.reminders = QCheckBox(_("Offer &reminders before sessions (you confirm each batch)"))
        self.reminders.setChecked(s.reminders_enabled)
        self.reminder_days = QSpinBox()
        self.reminder_days.setRange(1, 60)
        self.reminder_days.setValue(s.reminder_days)
        self.survey = QLineEdit(s.survey_link)
        self.backup_contact = QLineEdit(s.backup_contact)
        self.checklist = QPlainTextEdit(s.tech_checklist)
        self.checklist.setPlaceholderText(_("Leave empty for the standard checklist"))
        self.checklist.setMaximumHeight(70)

    def _test_row(self, s: MailSettings) -> QHBoxLayout:
        self.test_to = QLineEdit(s.sender_address)
        self.test_button = QPushButton(_("Send &test email"))
        self.test_button.clicked.connect(self.send_test)
        self.test_result = QLabel()
        self.test_result.setWordWrap(True)
        test_row = QHBoxLayout()
        test_row.addWidget(self.test_to, 1)
        test_row.addWidget(self.test_button)
        return test_row

    def _update(self) -> None:
        smtp = self.transport.currentData() == "smtp"
        for widget in (self.host, self.port, self.security, self.username, self.password):
            widget.setEnabled(smtp)
        self.drafts_folder.setEnabled(not smtp)
        unsafe = smtp and self.security.currentData() == "none"
        self.security_warning.setText(self.warning_text if unsafe else "")

    def values(self) -> dict[str, str]:
        return {
            "mail.transport": str(self.transport.currentData()),
            "mail.host": self.host.text(),
            "mail.port": str(self.port.value()),
            "mail.security": str(self.security.currentData()),
            "mail.username": self.username.text(),
            "mail.sender_name": self.sender_name.text(),
            "mail.sender_address": self.sender_address.text(),
            "mail.reply_to": self.reply_to.text(),
            "mail.drafts_folder": self.drafts_folder.text(),
            "mail.rate_per_minute": str(self.rate.value()),
            "mail.reminders_enabled": "true" if self.reminders.isChecked() else "false",
            "mail.reminder_days": str(self.reminder_days.value()),
            "mail.survey_link": self.survey.text(),
            "mail.backup_contact": self.backup_contact.text(),
            "mail.tech_checklist": self.checklist.toPlainText(),
        }

    def save(self) -> bool:
        saved = self.ctx.op(self, lambda: outbox.set_mail_settings(self.ctx.db, self.values()))
        if saved is None:
            return False
        if self.password.text() and self.username.text():
            credentials.set_password(self.username.text(), self.host.text(), self.password.text())
        return True

    def save_and_close(self) -> None:
        if self.save():
            self.accept()

    def send_test(self) -> None:
        if not self.save():
            return
        db, to = self.ctx.db, self.test_to.text().strip()
        settings = outbox.mail_settings(db)
        password = self.password.text() or (
            credentials.get_password(settings.username, settings.host) or ""
        )
        self.test_result.setText(_("Sending…"))

        def work(_progress: Progress) -> SendSummary:
            draft = outbox.compose_test(db, to)
            ids = outbox.queue(db, [draft]).value
            return outbox.send_queue(
                db,
                outbox.make_transport(settings, password),
                settings.sender_address,
                only=ids,
                max_attempts=1,
            )

        def done(summary: SendSummary) -> None:
            self.ctx.announce(Changes.of(Entity.OUTBOX, 0))
            if summary.sent:
                self.test_result.setText(_("Sent. Check the inbox of {to}.").format(to=to))
            else:
                rows = outbox.list_outbox(db, limit=1)
                reason = summary.auth_error or (rows[0].last_error if rows else "")
                self.test_result.setText(_("Not sent: {reason}").format(reason=reason))

        self.tasks.run(
            work,
            title=_("Sending a test email"),
            on_done=done,
            on_error=lambda e: self.test_result.setText(error_text(e)),
        )


class TemplatesDialog(QDialog):
    """Edit each message's subject and text per language; unknown placeholders are refused."""

    def __init__(self, parent: QWidget | None, ctx: AppContext) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle(_("Email templates"))
        self.resize(760, 560)
        self.kind = QComboBox()
        for kind in MessageKind:
            if kind is not MessageKind.TEST:
                self.kind.addItem(kind.label(), kind.value)
        self.language = QComboBox()
        for language in TEMPLATE_LANGUAGES:
            self.language.addItem(
                {"en": "English", "de": "Deutsch"}.get(language, language), language
            )
        self.subject = QLineEdit()
        self.body = QPlainTextEdit()
        self.errors = error_label()
        placeholders = QListWidget()
        placeholders.addItems(["{" + p + "}" for p in PLACEHOLDERS])
        placeholders.setMaximumWidth(200)
        placeholders.itemDoubleClicked.connect(lambda item: self.body.insertPlainText(item.text()))
        self.reset_button = QPushButton(_("&Reset to standard"))
        self.reset_button.clicked.connect(self.reset)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Close
        )
        self.save_button = buttons.button(QDialogButtonBox.StandardButton.Save)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        buttons.addButton(self.reset_button, QDialogButtonBox.ButtonRole.ResetRole)
        top = QFormLayout()
        top.addRow(_("&Message:"), self.kind)
        top.addRow(_("&Language:"), self.language)
        top.addRow(_("&Subject:"), self.subject)
        middle = QHBoxLayout()
        middle.addWidget(self.body, 1)
        side = QVBoxLayout()
        side.addWidget(QLabel(_("Placeholders (double-click to insert):")))
        side.addWidget(placeholders)
        middle.addLayout(side)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(middle, 1)
        layout.addWidget(self.errors)
        layout.addWidget(buttons)
        self.kind.currentIndexChanged.connect(self.load)
        self.language.currentIndexChanged.connect(self.load)
        self.subject.textChanged.connect(self.check)
        self.body.textChanged.connect(self.check)
        self.load()

    def current(self) -> tuple[MessageKind, str]:
        return MessageKind(self.kind.currentData()), str(self.language.currentData())

    def template(self) -> Template:
        return Template(self.subject.text(), self.body.toPlainText())

    def load(self) -> None:
        kind, language = self.current()
        template = outbox.get_template(self.ctx.db, kind, language)
        self.subject.setText(template.subject)
        self.body.setPlainText(template.body)
        self.check()

    def check(self) -> None:
        errors = template_errors(self.template())
        self.errors.setText("\n".join(errors))
        self.save_button.setEnabled(not errors)

    def save(self) -> None:
        kind, language = self.current()
        template = self.template()
        if (
            self.ctx.op(self, lambda: outbox.save_template(self.ctx.db, kind, language, template))
            is not None
        ):
            self.errors.setText(_("Saved."))

    def reset(self) -> None:
        kind, language = self.current()
        self.ctx.apply(outbox.reset_template(self.ctx.db, kind, language))
        self.load()
