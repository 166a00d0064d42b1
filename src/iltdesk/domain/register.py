"""A certificate as the register lists it (plain data for the register's pages)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from iltdesk.domain.enums import CertificateStatus


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
