"""What evidence packs are made of, as plain data (gathered by services, built by documents)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from iltdesk.domain.printing import AttendanceWorkbook
    from iltdesk.domain.printing import CertificateDoc
    from iltdesk.domain.printing import FacilitatorGuide


@dataclass(frozen=True)
class PrintedRow:
    """A document printed or saved for a session and kept for its evidence pack."""

    id: int
    kind: str
    label: str
    printed_at: datetime
    sha256: str
    size: int


@dataclass(frozen=True)
class ScanRow:
    """A scan of a signed sheet attached to a session (or one of its days)."""

    id: int
    day_number: int | None
    file_name: str
    media_type: str
    sha256: str
    size: int
    added_at: datetime


@dataclass(frozen=True)
class AuditLine:
    """One of the session's audit entries, for the pack's PDF and CSV."""

    id: int
    at: datetime
    actor: str
    text: str
    reason: str
    hash: str


@dataclass(frozen=True)
class EvidenceData:
    """Everything a session's evidence pack holds, gathered as plain data."""

    session_id: int
    session_label: str
    course_code: str
    first_day: str  # ISO date, also the pack's file times (so the same session zips the same)
    timezone: str
    prints: tuple[tuple[PrintedRow, bytes], ...]
    scans: tuple[tuple[ScanRow, bytes], ...]
    workbook: AttendanceWorkbook
    certificates: tuple[CertificateDoc, ...]
    guide: FacilitatorGuide
    audit: tuple[AuditLine, ...]
    last_hash: str
    paper: str
