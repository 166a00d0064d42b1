"""Delivering messages over SMTP, or as .eml drafts.

SMTP with STARTTLS, SSL/TLS, or plain for a local relay; drafts for organisations that block
SMTP sign-in.

Errors are sorted into what the outbox does next: *transient* (4xx replies, a connection
dropped before the message was handed over, time-outs) are retried later; *permanent* (5xx
for one recipient or one message) fail that message only; *auth* (535 and friends), *config*
(TLS or STARTTLS that does not match the server, a certificate that cannot be verified) and
*unreachable* (no server at that address) pause the whole batch with one sentence and leave
every message waiting; *uncertain* (the connection was lost after the message was handed
over, before the server said whether it took it) is never retried without the user, so no
message goes out twice. Certificate checks are never switched off; an organisation with its
own CA names its file.
"""

from __future__ import annotations

import contextlib
import re
import smtplib
import socket
import ssl
from dataclasses import dataclass
from datetime import UTC
from datetime import datetime
from pathlib import Path
from typing import Protocol

from iltdesk.documents.files import write_atomic
from iltdesk.domain.emails import envelope
from iltdesk.i18n import _

SECURITY = ("starttls", "ssl", "none")


@dataclass(frozen=True)
class SmtpSettings:
    """How to reach the mail server: host, port, security, login, timeouts."""

    host: str
    port: int
    security: str = "starttls"  # one of SECURITY
    username: str = ""
    ca_file: str = ""  # an extra CA to trust (an organisation's own); never "don't verify"
    timeout: float = 30.0


# What stops the whole batch (nothing more can be sent until the user acts), not one message.
BATCH_KINDS = frozenset({"auth", "config", "unreachable"})


class SendError(Exception):
    """A delivery failed; `kind` says what to do next.

    transient, permanent, auth, config, unreachable or uncertain (see the module docstring).
    """

    def __init__(self, kind: str, message: str, code: int | None = None) -> None:
        super().__init__(message)
        self.kind = kind
        self.message = message
        self.code = code

    def __str__(self) -> str:
        return self.message


class Transport(Protocol):
    """What sends one message: SMTP, or a folder of drafts."""

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
            "config",
            _(
                "The mail server's certificate could not be verified ({reason}). Check the "
                "server name, or ask IT for the organisation's certificate file."
            ).format(reason=error.verify_message or error),
        )
    if isinstance(error, ssl.SSLError):
        return SendError(
            "config",
            _(
                "The secure connection to the mail server failed ({reason}). The security "
                "setting may not match the port: STARTTLS is usually port 587, SSL/TLS port "
                "465. Check Edit › Mail settings."
            ).format(reason=error.reason or error),
        )
    if isinstance(error, smtplib.SMTPNotSupportedError):
        return SendError(
            "config",
            _(
                "The mail server does not offer what the security setting asks for ({reason}). "
                "Change the security setting in Edit › Mail settings (or ask IT which the "
                "server uses)."
            ).format(reason=error),
        )
    if isinstance(error, (ConnectionRefusedError, socket.gaierror)):
        return SendError(
            "unreachable",
            _(
                "The mail server {reason} could not be reached. Check the server name and port "
                "in Edit › Mail settings, and the network."
            ).format(reason=f"({error.strerror or error})" if isinstance(error, OSError) else ""),
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
        """Hand one message over, step by step as `SMTP.sendmail` does.

        Done by hand so that a connection lost after the message was handed over is told apart
        from one lost before it.
        """
        try:
            self.open()
        except SendError as error:
            if error.kind == "transient":  # nothing was sent: no server at all, for now
                error.kind = "unreachable"
            raise
        smtp = self._smtp
        assert smtp is not None
        carried_sender, carried_recipient = envelope(sender), envelope(recipient)
        international = carried_sender.smtputf8 or carried_recipient.smtputf8
        try:
            smtp.ehlo_or_helo_if_needed()
            if international and not smtp.has_extn("smtputf8"):
                raise SendError(
                    "permanent",
                    _(
                        "The mail server does not accept {address}: an address with letters "
                        "beyond plain ASCII before the @ needs SMTPUTF8, which this server does "
                        "not offer. Ask for another address, or send through a server that "
                        "offers SMTPUTF8."
                    ).format(
                        address=recipient if carried_recipient.smtputf8 else sender,
                    ),
                )
            # SMTPUTF8 also makes smtplib send the commands as UTF-8.
            options = ["SMTPUTF8"] if international else []
            code, reply = smtp.mail(carried_sender.address, options)
            if code != 250:
                raise smtplib.SMTPSenderRefused(code, reply, sender)
            code, reply = smtp.rcpt(carried_recipient.address)
            if code not in (250, 251):
                raise smtplib.SMTPRecipientsRefused({recipient: (code, reply)})
            smtp.putcmd("data")
            code, reply = smtp.getreply()
            if code != 354:
                raise smtplib.SMTPDataError(code, reply)
        except (smtplib.SMTPException, OSError) as error:
            self._drop()
            raise classify(error) from error
        # From here on the server may take the message, whatever happens to the connection.
        try:
            smtp.send(_dot_stuffed(raw))
            code, reply = smtp.getreply()
        except (smtplib.SMTPException, OSError) as error:
            self._drop()
            raise SendError(
                "uncertain",
                _(
                    "The connection was lost after the message was handed over, before the "
                    "server confirmed it ({reason}). It may have been delivered, so it is not "
                    "sent again: check with the recipient, then mark it sent or send it again."
                ).format(reason=error or type(error).__name__),
            ) from error
        if code == 552:
            raise SendError(
                "permanent",
                _(
                    "The mail server refused the message as too large ({size} KB; {code} "
                    "{reply}). Send a link to the file instead, or a smaller attachment."
                ).format(size=len(raw) // 1024, code=code, reply=_reply_text(reply)),
                code,
            )
        if code != 250:
            raise classify(smtplib.SMTPDataError(code, reply))

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


def _dot_stuffed(raw: bytes) -> bytes:
    """The message as DATA sends it: lines starting with "." doubled, ending CRLF "." CRLF."""
    quoted = re.sub(rb"(?m)^\.", b"..", raw)
    if not quoted.endswith(b"\r\n"):
        quoted += b"\r\n"
    return quoted + b".\r\n"


class DraftsTransport:
    """Writes each message as an .eml marked unsent.

    Outlook and Thunderbird open such a file as a draft (attachments and all) for the user to
    send from their own mailbox.
    """

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def send(self, raw: bytes, sender: str, recipient: str) -> None:  # noqa: ARG002 - the envelope is in `raw`
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
