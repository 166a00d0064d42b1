"""Delivering messages over SMTP, or as .eml drafts.

SMTP with STARTTLS, SSL/TLS, or plain for a local relay; drafts for organisations that block
SMTP sign-in.

Errors are sorted into what the outbox does next: *transient* (4xx replies, dropped or refused
connections, time-outs) are retried later; *permanent* (5xx for one recipient) fail that
message only; *auth* (535 and friends) pause the batch until the user gives credentials.
Certificate checks are never switched off; an organisation with its own CA names its file.
"""

from __future__ import annotations

import contextlib
import smtplib
import socket
import ssl
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Protocol

from iltdesk.documents.files import write_atomic
from iltdesk.i18n import _

SECURITY = ("starttls", "ssl", "none")


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    security: str = "starttls"  # one of SECURITY
    username: str = ""
    ca_file: str = ""  # an extra CA to trust (an organisation's own); never "don't verify"
    timeout: float = 30.0


class SendError(Exception):
    """A delivery failed; `kind` says what to do: transient, permanent or auth."""

    def __init__(self, kind: str, message: str, code: int | None = None) -> None:
        super().__init__(message)
        self.kind = kind
        self.message = message
        self.code = code

    def __str__(self) -> str:
        return self.message


class Transport(Protocol):
    def send(self, raw: bytes, sender: str, recipient: str) -> None: ...

    def close(self) -> None: ...


def _reply_text(reply: bytes | str) -> str:
    text = reply.decode("utf-8", "replace") if isinstance(reply, bytes) else str(reply)
    return " ".join(text.split())


def classify(error: BaseException) -> SendError:
    """The `SendError` for an exception raised while talking to the server."""
    if isinstance(error, SendError):
        return error
    if isinstance(error, smtplib.SMTPAuthenticationError):
        return SendError(
            "auth",
            _("The mail server refused the user name or password ({code} {reply}).").format(
                code=error.smtp_code, reply=_reply_text(error.smtp_error)
            ),
            error.smtp_code,
        )
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        code, reply = next(iter(error.recipients.values()))
        kind = "transient" if 400 <= code < 500 else "permanent"
        return SendError(
            kind,
            _("The mail server refused the recipient ({code} {reply}).").format(
                code=code, reply=_reply_text(reply)
            ),
            code,
        )
    if isinstance(error, smtplib.SMTPResponseException):
        code = error.smtp_code
        kind = "auth" if code in (530, 534, 535) else "transient" if code < 500 else "permanent"
        return SendError(
            kind,
            _("The mail server answered {code} {reply}.").format(
                code=code, reply=_reply_text(error.smtp_error)
            ),
            code,
        )
    if isinstance(error, ssl.SSLCertVerificationError):
        return SendError(
            "permanent",
            _(
                "The mail server's certificate could not be verified ({reason}). Check the "
                "server name, or ask IT for the organisation's certificate file."
            ).format(reason=error.verify_message or error),
        )
    if isinstance(error, smtplib.SMTPNotSupportedError):
        return SendError(
            "permanent", _("The mail server does not offer {what}.").format(what=error)
        )
    if isinstance(error, (smtplib.SMTPServerDisconnected, ConnectionError, socket.timeout)):
        return SendError(
            "transient",
            _("The connection to the mail server was lost ({reason}).").format(
                reason=error or type(error).__name__
            ),
        )
    if isinstance(error, OSError):
        return SendError(
            "transient",
            _("Could not reach the mail server: {reason}.").format(reason=error.strerror or error),
        )
    return SendError("permanent", str(error))


class SmtpTransport:
    """One SMTP connection, opened on first use and reused for a whole batch."""

    def __init__(self, settings: SmtpSettings, password: str = "") -> None:
        self.settings = settings
        self.password = password
        self._smtp: smtplib.SMTP | None = None

    def _context(self) -> ssl.SSLContext:
        context = ssl.create_default_context()
        if self.settings.ca_file:
            context.load_verify_locations(cafile=self.settings.ca_file)
        return context

    def open(self) -> None:
        if self._smtp is not None:
            return
        s = self.settings
        try:
            if s.security == "ssl":
                smtp: smtplib.SMTP = smtplib.SMTP_SSL(
                    s.host, s.port, timeout=s.timeout, context=self._context()
                )
            else:
                smtp = smtplib.SMTP(s.host, s.port, timeout=s.timeout)
                if s.security == "starttls":
                    smtp.starttls(context=self._context())
            if s.username:
                smtp.login(s.username, self.password)
        except (smtplib.SMTPException, OSError) as error:
            raise classify(error) from error
        self._smtp = smtp

    def send(self, raw: bytes, sender: str, recipient: str) -> None:
        self.open()
        assert self._smtp is not None
        try:
            refused = self._smtp.sendmail(sender, [recipient], raw)
        except (smtplib.SMTPException, OSError) as error:
            self._drop()
            raise classify(error) from error
        if refused:
            raise classify(smtplib.SMTPRecipientsRefused(refused))

    def _drop(self) -> None:
        smtp, self._smtp = self._smtp, None
        if smtp is not None:
            with contextlib.suppress(OSError):
                smtp.close()

    def close(self) -> None:
        smtp, self._smtp = self._smtp, None
        if smtp is not None:
            try:
                smtp.quit()
            except (smtplib.SMTPException, OSError):
                smtp.close()


class DraftsTransport:
    """Writes each message as an .eml marked unsent.

    Outlook and Thunderbird open such a file as a draft (attachments and all) for the user to
    send from their own mailbox.
    """

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def send(self, raw: bytes, sender: str, recipient: str) -> None:
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise SendError(
                "permanent",
                _("Could not create the drafts folder {path}: {reason}.").format(
                    path=self.folder, reason=error.strerror or error
                ),
            ) from error
        stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S-%f")
        safe = "".join(ch if ch.isalnum() or ch in "._-" else "_" for ch in recipient)[:80]
        try:
            write_atomic(self.folder / f"{stamp}-{safe}.eml", b"X-Unsent: 1\r\n" + raw)
        except Exception as error:  # a UserError with its sentence
            raise SendError("permanent", str(error)) from error

    def close(self) -> None:
        pass
