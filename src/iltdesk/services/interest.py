"""A course's interest list: learners waiting for a date, offered seats when one is scheduled.

Learners join the list by hand, from the compliance due list, or by email from the command
line; they wait in the order they joined. When a session is scheduled, the coordinator offers
its seats to the list (one email each, through the outbox, confirmed first, never twice), ticks
the replies that accept, and enrols those in list order: seats first, then the waitlist. An
entry that ends (enrolled, or taken off) is closed with its reason, never deleted.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import select

from iltdesk.db.base import utcnow
from iltdesk.db.engine import Database
from iltdesk.db.entities import Course
from iltdesk.db.entities import InterestEntry
from iltdesk.db.entities import Learner
from iltdesk.db.entities import TrainingSession
from iltdesk.domain.changes import Changes
from iltdesk.domain.changes import Entity
from iltdesk.domain.rows import EnrollReport
from iltdesk.errors import NotFoundError
from iltdesk.errors import UnreadableFileError
from iltdesk.errors import ValidationError
from iltdesk.i18n import _
from iltdesk.services import naming
from iltdesk.services.common import Outcome


@dataclass(frozen=True)
class InterestRow:
    """One learner waiting for a date, in list order (`position` from 1)."""

    position: int
    entry_id: int
    learner_id: int
    name: str
    email: str
    department: str
    added_at: datetime
    note: str


def interest_list(db: Database, course_id: int) -> list[InterestRow]:
    """Who waits for a date of the course, first come first."""
    with db.reading() as tx:
        rows = tx.execute(
            select(
                InterestEntry.id,
                Learner.id,
                Learner.first_name,
                Learner.last_name,
                Learner.email,
                Learner.department,
                InterestEntry.added_at,
                InterestEntry.note,
            )
            .join(Learner, Learner.id == InterestEntry.learner_id)
            .where(InterestEntry.course_id == course_id, InterestEntry.closed_at.is_(None))
            .order_by(InterestEntry.added_at, InterestEntry.id)
        ).all()
    return [
        InterestRow(n, r[0], r[1], f"{r[2]} {r[3]}".strip(), r[4], r[5], r[6], r[7])
        for n, r in enumerate(rows, start=1)
    ]


def course_by_code(db: Database, code: str) -> tuple[int, str]:
    """The course with `code` (any case) and its label, or a sentence."""
    with db.reading() as tx:
        found = tx.execute(
            select(Course.id, Course.code, Course.title).where(Course.code.ilike(code.strip()))
        ).first()
    if found is None:
        raise NotFoundError(naming.no_course(db, code))
    return int(found[0]), f"{found[1]} {found[2]}"


def add_by_email(
    db: Database, course_id: int, emails: Sequence[str], note: str = ""
) -> Outcome[int]:
    """Put the learners with these emails on the list; a sentence names any unknown address."""
    from iltdesk.services.compliance_actions import add_to_interest

    wanted = [e.strip().lower() for e in emails if e.strip()]
    found = _learners_by_email(db, wanted)
    unknown = [e for e in wanted if e not in found]
    if unknown:
        raise ValidationError(
            _("No learner has the email address {email}.").format(email=", ".join(unknown))
        )
    return add_to_interest(db, course_id, [found[e] for e in wanted], note)


def _learners_by_email(db: Database, emails: Sequence[str]) -> dict[str, int]:
    """The learners (merged duplicates aside) with these lower-case emails, by email."""
    with db.reading() as tx:
        rows = tx.execute(
            select(Learner.email_key, Learner.id).where(
                Learner.email_key.in_(list(emails)), Learner.merged_into_id.is_(None)
            )
        ).all()
    return {str(email): int(learner_id) for email, learner_id in rows}


def remove(db: Database, course_id: int, learner_ids: Sequence[int], reason: str) -> Outcome[int]:
    """Take learners off the list (kept, closed with the reason)."""
    return _close(db, course_id, learner_ids, reason or _("Taken off the list"))


def _close(db: Database, course_id: int, learner_ids: Sequence[int], reason: str) -> Outcome[int]:
    with db.transaction() as tx:
        entries = tx.scalars(
            select(InterestEntry).where(
                InterestEntry.course_id == course_id,
                InterestEntry.learner_id.in_(list(learner_ids)),
                InterestEntry.closed_at.is_(None),
            )
        ).all()
        for entry in entries:
            entry.closed_at = utcnow()
            entry.closed_reason = reason
        return Outcome(len(entries), Changes.of(Entity.LEARNER, *learner_ids))


def enrol_from_list(
    db: Database, session_id: int, learner_ids: Sequence[int], *, allow_clash: bool = False
) -> Outcome[EnrollReport]:
    """Enrol those who accepted, in list order (seats, then the waitlist); their wait ends.

    Someone booked elsewhere at that time is not placed and stays on the list (in `clashing`).
    """
    from iltdesk.services import enrollment

    with db.reading() as tx:
        session = tx.get(TrainingSession, session_id)
        if session is None:
            raise NotFoundError(_("That session no longer exists."))
        course_id = session.course_id
    chosen = set(learner_ids)
    ordered = [r.learner_id for r in interest_list(db, course_id) if r.learner_id in chosen]
    ordered += [i for i in learner_ids if i not in set(ordered)]
    outcome = enrollment.enroll_many(db, session_id, ordered, allow_clash=allow_clash)
    report = outcome.value
    placed = [r.learner_id for r in (*report.enrolled, *report.waitlisted, *report.already)]
    closed = _close(db, course_id, placed, _("Enrolled in session {id}").format(id=session_id))
    return Outcome(report, outcome.changes | closed.changes)


@dataclass(frozen=True)
class InterestImport:
    """What a list of learners read from a file did: added, already waiting, unknown emails."""

    added: int
    already: int
    unknown: tuple[str, ...]


def import_list(db: Database, course_id: int, path: Path) -> Outcome[InterestImport]:
    """Put the learners of a file (xlsx or CSV, any layout with their emails) on the list.

    Emails are found in any cell (the heading does not matter); an address no learner has is
    named back, never created.
    """
    from iltdesk.importers.reading import read_file
    from iltdesk.services.compliance_actions import add_to_interest

    source = read_file(path)
    emails: list[str] = []
    for sheet in source.sheets:
        for row in sheet.rows:
            for cell in row:
                text = str(cell or "").strip().lower()
                if "@" in text and " " not in text and text not in emails:
                    emails.append(text)
    if not emails:
        raise UnreadableFileError(
            _("{name} holds no email addresses: there is nobody to put on the list.").format(
                name=path.name
            )
        )
    found = _learners_by_email(db, emails)
    known = [found[e] for e in emails if e in found]
    outcome = add_to_interest(db, course_id, known)
    return Outcome(
        InterestImport(
            outcome.value, len(known) - outcome.value, tuple(e for e in emails if e not in found)
        ),
        outcome.changes,
    )
