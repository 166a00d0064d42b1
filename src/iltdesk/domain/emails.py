"""Email address checks (offline: syntax only, never a DNS lookup).

email-validator decides. A roster import checks tens of thousands of addresses, and its full
check (Unicode domain rules) costs ~25 µs each, so plain ASCII addresses of the everyday shape
take a fast path that gives the same answer; a property test holds the two in agreement.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Dot-atom local part and an LDH domain with an alphabetic top-level label: a strict subset of
# what email-validator accepts, so whatever matches here it would accept too.
_PLAIN = re.compile(
    r"[A-Za-z0-9_%+-]+(?:\.[A-Za-z0-9_%+-]+)*"
    r"@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}"
)
_SPECIAL_USE = frozenset({"arpa", "invalid", "local", "localhost", "onion", "test"})


def normalise_email(value: str) -> str | None:
    """The address in its normal form, or None when it is not a valid address."""
    value = value.strip()
    if _PLAIN.fullmatch(value) and len(value) <= 254 and value.index("@") <= 64:
        local, domain = value.split("@")
        domain = domain.lower()
        if "--" not in domain and domain.rsplit(".", 1)[-1] not in _SPECIAL_USE:
            return f"{local}@{domain}"
    # Imported here: email_validator's tables cost ~15 ms, not worth paying at start-up.
    from email_validator import EmailNotValidError
    from email_validator import validate_email

    try:
        result = validate_email(value, check_deliverability=False)
    except EmailNotValidError:
        return None
    return str(result.normalized)


def email_key(value: str) -> str:
    """The case-insensitive key under which an address is unique."""
    return value.strip().casefold()


@dataclass(frozen=True)
class Envelope:
    """An address as mail carries it: the domain in ASCII (IDNA), so any server takes it."""

    local: str
    domain: str
    # The part before the @ is not ASCII (RFC 6531): only a server offering SMTPUTF8 takes it,
    # and the message's headers must then be UTF-8 as they are.
    smtputf8: bool

    @property
    def address(self) -> str:
        return f"{self.local}@{self.domain}"


def envelope(value: str) -> Envelope:
    """How `value` goes into an SMTP envelope and a message's headers."""
    value = value.strip()
    if value.isascii():
        local, _at, domain = value.rpartition("@")
        return Envelope(local, domain, smtputf8=False)
    from email_validator import EmailNotValidError
    from email_validator import validate_email

    try:
        result = validate_email(value, check_deliverability=False)
    except EmailNotValidError:  # stored addresses were checked; send it as it is
        local, _at, domain = value.rpartition("@")
        return Envelope(local, domain, smtputf8=not local.isascii())
    local = str(result.local_part)
    return Envelope(local, str(result.ascii_domain), smtputf8=not local.isascii())
