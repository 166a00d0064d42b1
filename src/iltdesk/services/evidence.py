"""Evidence for auditors: copies of what was printed, scanned signed sheets, and the pack.

A printed document is kept (content-addressed in the data folder, listed in
`printed_documents`) the moment it is printed or saved, so the pack holds the sheets exactly as
they went to paper. Scans of signed sheets are attached to a session day. The pack is one ZIP
of those files, the attendance workbook, issued certificates, the facilitator guide, the
session's audit entries (PDF and CSV) and `manifest.json` with every file's SHA-256; built
twice for an unchanged session it gives the same files, byte for byte.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from iltdesk.db.engine import Database
from iltdesk.db.entities import AuditEntry
from iltdesk.db.entities import PrintedDocument
from iltdesk.db.entities import SessionDay
from iltdesk.db.entities import SessionScan
from iltdesk.domain.changes import Changes
from iltdesk.domain.changes import Entity
from iltdesk.domain.evidence import AuditLine
from iltdesk.domain.evidence import EvidenceData
from iltdesk.domain.evidence import PrintedRow
from iltdesk.domain.evidence import ScanRow
from iltdesk.domain.jsontypes import JsonObject
from iltdesk.errors import UserError
from iltdesk.errors import ValidationError
from iltdesk.i18n import _
from iltdesk.services.common import Outcome
from iltdesk.services.common import get_or_fail
from iltdesk.services.material_store import MaterialStore

SCAN_TYPES = {
    b"%PDF-": ("application/pdf", ".pdf"),
    b"\xff\xd8\xff": ("image/jpeg", ".jpg"),
    b"\x89PNG\r\n\x1a\n": ("image/png", ".png"),
}
SCAN_LIMIT = 50 * 1024 * 1024


def keep_print(
    db: Database, store: MaterialStore, session_id: int, kind: str, label: str, pdf: bytes
) -> Outcome[PrintedRow]:
    """Keep a copy of a document printed (or saved to print) for the session."""
    from iltdesk.db.entities import TrainingSession

    sha, size = store.put_bytes(pdf)
    with db.transaction() as tx:
        get_or_fail(tx, TrainingSession, session_id, _("That session no longer exists."))
        row = PrintedDocument(session_id=session_id, kind=kind, label=label, sha256=sha, size=size)
        tx.add(row)
        tx.flush()
        return Outcome(
            PrintedRow(row.id, kind, label, row.printed_at, sha, size),
            Changes.of(Entity.EVIDENCE, session_id),
        )


def scan_type(data: bytes) -> tuple[str, str] | None:
    """The media type and suffix of a scan by its first bytes (PDF, JPEG, PNG), else None."""
    for magic, kind in SCAN_TYPES.items():
        if data.startswith(magic):
            return kind
    return None


def attach_scan(
    db: Database, store: MaterialStore, session_id: int, day_id: int | None, path: Path
) -> Outcome[ScanRow]:
    """Attach a scanned signed sheet; anything but a PDF, JPEG or PNG is refused."""
    from iltdesk.db.entities import TrainingSession

    try:
        size = path.stat().st_size
        if size > SCAN_LIMIT:
            raise ValidationError(
                _("{name} is {size} MB; a scan may be at most {limit} MB.").format(
                    name=path.name, size=size // (1024 * 1024), limit=SCAN_LIMIT // (1024 * 1024)
                )
            )
        data = path.read_bytes()
    except OSError as error:
        raise UserError(
            _("The file {name} could not be read: {reason}.").format(
                name=path.name, reason=error.strerror or error
            )
        ) from error
    kind = scan_type(data)
    if kind is None:
        raise ValidationError(
            _(
                "{name} is not a PDF, JPEG or PNG file, so it cannot be attached as a scan. "
                "Scan the signed sheet to one of those."
            ).format(name=path.name)
        )
    sha, stored = store.put_bytes(data)
    with db.transaction() as tx:
        get_or_fail(tx, TrainingSession, session_id, _("That session no longer exists."))
        if day_id is not None:
            day = tx.get(SessionDay, day_id)
            if day is None or day.session_id != session_id:
                raise ValidationError(_("That day is not part of this session."))
        scan = SessionScan(
            session_id=session_id,
            day_id=day_id,
            file_name=path.name[:500],
            media_type=kind[0],
            sha256=sha,
            size=stored,
        )
        tx.add(scan)
        tx.flush()
        number = _day_numbers(tx, session_id).get(day_id) if day_id else None
        return Outcome(
            ScanRow(scan.id, number, scan.file_name, kind[0], sha, stored, scan.added_at),
            Changes.of(Entity.EVIDENCE, session_id),
        )


def _day_numbers(tx: object, session_id: int) -> dict[int, int]:
    from sqlalchemy.orm import Session as OrmSession

    assert isinstance(tx, OrmSession)
    ids = tx.scalars(
        select(SessionDay.id).where(SessionDay.session_id == session_id).order_by(SessionDay.start)
    )
    return {day_id: n for n, day_id in enumerate(ids, start=1)}


def prints(db: Database, session_id: int) -> list[PrintedRow]:
    """The documents kept for a session's evidence pack."""
    with db.reading() as tx:
        rows = tx.scalars(
            select(PrintedDocument)
            .where(PrintedDocument.session_id == session_id)
            .order_by(PrintedDocument.printed_at, PrintedDocument.id)
        )
        return [PrintedRow(r.id, r.kind, r.label, r.printed_at, r.sha256, r.size) for r in rows]


def scans(db: Database, session_id: int) -> list[ScanRow]:
    """The scans of signed sheets attached to a session."""
    with db.reading() as tx:
        numbers = _day_numbers(tx, session_id)
        rows = tx.scalars(
            select(SessionScan)
            .where(SessionScan.session_id == session_id)
            .order_by(SessionScan.added_at, SessionScan.id)
        )
        return [
            ScanRow(
                r.id,
                numbers.get(r.day_id) if r.day_id else None,
                r.file_name,
                r.media_type,
                r.sha256,
                r.size,
                r.added_at,
            )
            for r in rows
        ]


def session_audit(db: Database, session_id: int) -> tuple[list[AuditLine], str]:
    """The session's entries in words, oldest first, and the last entry's chain hash."""
    from iltdesk.services.audit import history

    rows = history(db, session_id=session_id, limit=100_000)
    with db.reading() as tx:
        hashes = dict(
            tx.execute(
                select(AuditEntry.id, AuditEntry.hash).where(AuditEntry.session_id == session_id)
            ).all()
        )
    lines = [
        AuditLine(r.id, r.at, r.actor, r.text, r.reason, hashes.get(r.id, ""))
        for r in reversed(rows)
    ]
    return lines, lines[-1].hash if lines else ""


def gather(
    db: Database,
    store: MaterialStore,
    session_id: int,
    *,
    organisation: str = "",
    paper: str = "A4",
    certificate_options: JsonObject | None = None,
) -> EvidenceData:
    """Read what goes into the pack (documents are built from it by `documents/evidence.py`)."""
    from iltdesk.services import certificates
    from iltdesk.services import printing
    from iltdesk.services import scheduling
    from iltdesk.services import workbooks

    session = scheduling.get_session(db, session_id)
    first = session.days[0].start if session.days else None
    from zoneinfo import ZoneInfo

    first_day = first.astimezone(ZoneInfo(session.timezone)).date().isoformat() if first else ""
    printed = []
    for row in prints(db, session_id):
        try:
            printed.append((row, store.read(row.sha256)))
        except OSError as error:
            raise UserError(
                _(
                    "The kept copy of “{label}” (printed {when}) is missing from the data "
                    "folder ({reason}), so the pack would be incomplete."
                ).format(label=row.label, when=row.printed_at.isoformat(), reason=error)
            ) from error
    scanned = []
    for scan in scans(db, session_id):
        try:
            scanned.append((scan, store.read(scan.sha256)))
        except OSError as error:
            raise UserError(
                _("The scan {name} is missing from the data folder ({reason}).").format(
                    name=scan.file_name, reason=error
                )
            ) from error
    lines, last_hash = session_audit(db, session_id)
    return EvidenceData(
        session_id=session_id,
        session_label=f"{session.course_title} {session.cohort}".strip(),
        course_code=session.course_code,
        first_day=first_day,
        timezone=session.timezone,
        prints=tuple(printed),
        scans=tuple(scanned),
        workbook=workbooks.attendance_workbook(db, [session_id]),
        certificates=tuple(
            certificates.certificate_docs(db, session_id, **(certificate_options or {}))
        ),
        guide=printing.facilitator_guide(db, session_id, organisation=organisation, paper=paper),
        audit=tuple(lines),
        last_hash=last_hash,
        paper=paper,
    )
