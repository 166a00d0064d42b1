"""Mail settings (server, sender, options) and the message templates as the user edits them."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select

from iltdesk.db.engine import Database
from iltdesk.db.entities import Setting
from iltdesk.domain.changes import Changes
from iltdesk.domain.changes import Entity
from iltdesk.domain.emails import normalise_email
from iltdesk.domain.enums import MessageKind
from iltdesk.domain.jsontypes import JsonObject
from iltdesk.domain.jsontypes import JsonValue
from iltdesk.errors import ValidationError
from iltdesk.i18n import _
from iltdesk.mail.messages import Sender
from iltdesk.mail.templates import Template
from iltdesk.mail.templates import default_template
from iltdesk.mail.templates import template_errors
from iltdesk.mail.transport import SECURITY
from iltdesk.mail.transport import DraftsTransport
from iltdesk.mail.transport import SmtpSettings
from iltdesk.mail.transport import SmtpTransport
from iltdesk.mail.transport import Transport
from iltdesk.services.common import Outcome

# --- settings -------------------------------------------------------------------------------

MAIL_DEFAULTS: JsonObject = {
    "mail.transport": "smtp",  # "smtp" or "drafts"
    "mail.host": "",
    "mail.port": 587,
    "mail.security": "starttls",
    "mail.username": "",
    "mail.sender_name": "",
    "mail.sender_address": "",
    "mail.reply_to": "",
    "mail.ca_file": "",
    "mail.drafts_folder": "",
    "mail.rate_per_minute": 60,
    "mail.reminders_enabled": False,
    "mail.reminder_days": 2,
    "mail.survey_link": "",
    "mail.backup_contact": "",
    "mail.tech_checklist": "",
}


@dataclass(frozen=True)
class MailSettings:
    """The mail settings as stored: transport, server, sender, rate, reminders, links."""

    transport: str
    host: str
    port: int
    security: str
    username: str
    sender_name: str
    sender_address: str
    reply_to: str
    ca_file: str
    drafts_folder: str
    rate_per_minute: int
    reminders_enabled: bool
    reminder_days: int
    survey_link: str
    backup_contact: str
    tech_checklist: str

    @property
    def smtp(self) -> SmtpSettings:
        return SmtpSettings(self.host, self.port, self.security, self.username, self.ca_file)

    @property
    def sender(self) -> Sender:
        return Sender(self.sender_name, self.sender_address, self.reply_to)

    def problem(self) -> str | None:
        """Why nothing can be sent with these settings, or None."""
        if not self.sender_address:
            return _("Set the sender address in the mail settings first.")
        if self.transport == "drafts":
            return None if self.drafts_folder else _("Choose the folder for the drafts first.")
        if not self.host:
            return _("Set the mail server (SMTP host) in the mail settings first.")
        return None


def _read_settings(db: Database) -> JsonObject:
    with db.reading() as tx:
        rows = tx.execute(select(Setting.key, Setting.value).where(Setting.key.like("mail.%")))
        stored = {key: json.loads(value) for key, value in rows}
    return {**MAIL_DEFAULTS, **stored}


def mail_settings(db: Database) -> MailSettings:
    """The mail settings, defaults filled in."""
    values = _read_settings(db)
    return MailSettings(**{key.removeprefix("mail."): values[key] for key in MAIL_DEFAULTS})


def _parse_setting(key: str, value: str) -> JsonValue:
    default = MAIL_DEFAULTS[key]
    text = value.strip()
    if isinstance(default, bool):
        if text.casefold() in ("1", "true", "yes", "on"):
            return True
        if text.casefold() in ("0", "false", "no", "off"):
            return False
        raise ValidationError(_("{key} is on or off: write true or false.").format(key=key))
    if isinstance(default, int):
        try:
            number = int(text)
        except ValueError:
            raise ValidationError(_("{key} is a whole number.").format(key=key)) from None
        if key == "mail.port" and not 1 <= number <= 65535:
            raise ValidationError(_("A port is a number from 1 to 65535."))
        if number < 0:
            raise ValidationError(_("{key} cannot be negative.").format(key=key))
        return number
    if key == "mail.security" and text not in SECURITY:
        raise ValidationError(
            _("Security is one of: {choices}.").format(choices=", ".join(SECURITY))
        )
    if key == "mail.transport" and text not in ("smtp", "drafts"):
        raise ValidationError(_("The transport is smtp or drafts."))
    if key in ("mail.sender_address", "mail.reply_to") and text:
        normal = normalise_email(text)
        if normal is None:
            raise ValidationError(_("“{email}” is not a valid email address.").format(email=text))
        return normal
    return text


def set_mail_settings(db: Database, values: dict[str, str]) -> Outcome[MailSettings]:
    """Check and store several settings in one transaction (keys as in `MAIL_DEFAULTS`)."""
    unknown = [key for key in values if key not in MAIL_DEFAULTS]
    if unknown:
        raise ValidationError(
            _("Unknown setting {key}. Known settings: {keys}.").format(
                key=unknown[0], keys=", ".join(MAIL_DEFAULTS)
            )
        )
    parsed = {key: _parse_setting(key, value) for key, value in values.items()}
    with db.transaction() as tx:
        for key, value in parsed.items():
            row = tx.get(Setting, key)
            if row is None:
                tx.add(Setting(key=key, value=json.dumps(value)))
            else:
                row.value = json.dumps(value)
    return Outcome(mail_settings(db), Changes.of(Entity.SETTING, 0))


def get_config(db: Database, key: str) -> str:
    """One mail setting as text."""
    if key not in MAIL_DEFAULTS:
        raise ValidationError(
            _("Unknown setting {key}. Known settings: {keys}.").format(
                key=key, keys=", ".join(MAIL_DEFAULTS)
            )
        )
    return config_text(_read_settings(db)[key])


def config_values(db: Database) -> JsonObject:
    """Every mail setting by key, as stored or its default."""
    return _read_settings(db)


def config_text(value: JsonValue) -> str:
    """A setting's value as `config get` prints it (on and off as true and false)."""
    return str(value).lower() if isinstance(value, bool) else str(value)


def make_transport(settings: MailSettings, password: str = "") -> Transport:
    """The transport the settings describe: SMTP or a drafts folder."""
    if settings.transport == "drafts":
        return DraftsTransport(Path(settings.drafts_folder).expanduser())
    return SmtpTransport(settings.smtp, password)


# --- templates ------------------------------------------------------------------------------


def _template_key(kind: MessageKind, language: str) -> str:
    return f"template:{kind.value}:{language}"


def get_template(db: Database, kind: MessageKind, language: str) -> Template:
    """The template for a kind and language: the user's own, else the built-in."""
    with db.reading() as tx:
        row = tx.get(Setting, _template_key(kind, language))
        if row is not None:
            stored = json.loads(row.value)
            return Template(stored["subject"], stored["body"])
    return default_template(kind, language)


def save_template(
    db: Database, kind: MessageKind, language: str, template: Template
) -> Outcome[Template]:
    """Keep the user's template for a kind and language, after checking it."""
    errors = template_errors(template)
    if errors:
        raise ValidationError(" ".join(errors))
    with db.transaction() as tx:
        key = _template_key(kind, language)
        value = json.dumps({"subject": template.subject, "body": template.body})
        row = tx.get(Setting, key)
        if row is None:
            tx.add(Setting(key=key, value=value))
        else:
            row.value = value
    return Outcome(template, Changes.of(Entity.SETTING, 0))


def reset_template(db: Database, kind: MessageKind, language: str) -> Outcome[Template]:
    """Go back to the built-in template for a kind and language."""
    with db.transaction() as tx:
        row = tx.get(Setting, _template_key(kind, language))
        if row is not None:
            tx.delete(row)
    return Outcome(default_template(kind, language), Changes.of(Entity.SETTING, 0))
