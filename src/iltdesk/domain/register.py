"""A certificate as the register lists it (plain data for the register's pages)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Final

from iltdesk.domain.enums import CertificateStatus

# A certificate's code: twelve characters that cannot be mistaken for one another (no I, O, 0
# or 1), printed in groups of four: "K7QX-M2PD-9WRT".
ALPHABET: Final = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
CODE_LENGTH: Final = 12


def typed_code(text: str) -> str:
    """A code as stored, from one typed as read out or copied.

    Any case, with or without its dashes, spaces anywhere ("twgs 57s7 7dvy", "TWGS57S77DVY");
    text that is not such a code comes back as typed, upper-cased, without spaces.
    """
    cleaned = "".join(text.split()).upper()
    plain = "".join(ch for ch in cleaned if ch.isalnum())
    if len(plain) == CODE_LENGTH and all(ch in ALPHABET for ch in plain):
        return "-".join(plain[i : i + 4] for i in range(0, CODE_LENGTH, 4))
    return cleaned


@dataclass(frozen=True)
class RegisterRow:
    """One certificate in the register."""

    code: str
    learner: str
    email: str
    course_code: str
    course: str
    completed_on: date | None
    issued_on: date
    expires_on: date | None
    status: CertificateStatus
    revoke_reason: str
    replaced_by: str


# The register as its screen holds it: a RegisterRow's fields in order, the status as its
# value, in a plain tuple. The cyclic collector stops walking a tuple of plain values after its
# first pass; 223,191 RegisterRow instances (years of certificates) made one of its full passes
# hold the window 120 ms as the register opened.
RegisterTuple = tuple[str, str, str, str, str, date | None, date, date | None, str, str, str]
# Positions in a RegisterTuple.
REG_CODE: Final = 0
REG_LEARNER: Final = 1
REG_EMAIL: Final = 2
REG_COURSE_CODE: Final = 3
REG_COURSE: Final = 4
REG_ISSUED: Final = 6
REG_EXPIRES: Final = 7
REG_STATUS: Final = 8
REG_REVOKE_REASON: Final = 9
REG_REPLACED_BY: Final = 10


def register_row(row: RegisterTuple) -> RegisterRow:
    """The register row a tuple stands for."""
    code, learner, email, course_code, course, completed, issued, expires = row[:8]
    status, reason, replaced_by = row[8:]
    return RegisterRow(
        code,
        learner,
        email,
        course_code,
        course,
        completed,
        issued,
        expires,
        CertificateStatus(status),
        reason,
        replaced_by,
    )
