"""Acting on the due list: enrol in a session, add to the interest list, remind by email.

Reminders go through the outbox like every message (confirmed first, sent exactly once): one
message per learner and requirement, and one summary per manager listing their people, not a
message per learner.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date

from sqlalchemy import select

from iltdesk import formatting
from iltdesk.db.base import utcnow
from iltdesk.db.engine import Database
from iltdesk.db.entities import InterestEntry
from iltdesk.domain.changes import Changes
from iltdesk.domain.changes import Entity
from iltdesk.domain.compliance import DueItem
from iltdesk.domain.enums import ComplianceState
from iltdesk.domain.enums import MessageKind
from iltdesk.mail.messages import build_message
from iltdesk.mail.templates import render
from iltdesk.services.common import Outcome
from iltdesk.services.outbox import Composed
from iltdesk.services.outbox import Draft
from iltdesk.services.outbox import get_template
from iltdesk.services.outbox import mail_settings


def add_to_interest(
    db: Database, course_id: int, learner_ids: Sequence[int], note: str = ""
) -> Outcome[int]:
    """Put learners on the course's interest list (those already waiting stay as they are)."""
    with db.transaction() as tx:
        waiting = set(
            tx.scalars(
                select(InterestEntry.learner_id).where(
                    InterestEntry.course_id == course_id, InterestEntry.closed_at.is_(None)
                )
            )
        )
        added = 0
        for learner_id in dict.fromkeys(learner_ids):
            if learner_id in waiting:
                continue
            tx.add(InterestEntry(course_id=course_id, learner_id=learner_id, note=note))
            added += 1
        tx.flush()
        return Outcome(added, Changes.of(Entity.LEARNER, *learner_ids))


def close_interest(db: Database, course_id: int, learner_id: int, reason: str) -> Outcome[None]:
    """Take a learner off a course's interest list, with the reason."""
    with db.transaction() as tx:
        for entry in tx.scalars(
            select(InterestEntry).where(
                InterestEntry.course_id == course_id,
                InterestEntry.learner_id == learner_id,
                InterestEntry.closed_at.is_(None),
            )
        ):
            entry.closed_at = utcnow()
            entry.closed_reason = reason
        return Outcome(None, Changes.of(Entity.LEARNER, learner_id))


def _first_name(full: str) -> str:
    return full.split()[0] if full.split() else full


def compose_reminders(
    db: Database,
    items: Sequence[DueItem],
    today: date,
    *,
    learners: bool = True,
    managers: bool = True,
    language: str = "en",
    organisation: str = "",
) -> Composed:
    """Drafts: each learner about each requirement, and each manager about their people."""
    settings = mail_settings(db)
    drafts: list[Draft] = []
    day = today.isoformat()
    if learners:
        template = get_template(db, MessageKind.REQUIREMENT_DUE, language)
        for item in items:
            due = formatting.format_date(item.on, locale=language) if item.on else ""
            overdue = item.state is ComplianceState.OVERDUE
            subject, body = render(
                template,
                {
                    "first_name": _first_name(item.learner_name),
                    "full_name": item.learner_name,
                    "requirement": item.requirement,
                    "course": item.requirement,
                    "due_date": due,
                    "reason": _overdue_note(language) if overdue else "",
                    "organisation": organisation,
                },
            )
            content, message_id = build_message(
                sender=settings.sender,
                recipient_name=item.learner_name,
                recipient=item.email,
                subject=subject,
                body=body,
            )
            drafts.append(
                Draft(
                    f"due:{item.requirement_id}:{item.learner_id}:{day}",
                    MessageKind.REQUIREMENT_DUE,
                    None,
                    None,
                    item.email,
                    item.learner_name,
                    subject,
                    body,
                    content,
                    message_id,
                )
            )
    if managers:
        template = get_template(db, MessageKind.MANAGER_SUMMARY, language)
        by_manager: dict[tuple[str, str], list[DueItem]] = defaultdict(list)
        for item in items:
            if item.manager_email:
                by_manager[(item.manager_email.lower(), item.manager)].append(item)
        for (manager_email, manager), theirs in sorted(by_manager.items()):
            people = "\n".join(
                f"- {i.learner_name}: {i.requirement}, {i.state.label()} "
                f"{formatting.format_date(i.on, locale=language) if i.on else ''}".rstrip()
                for i in sorted(theirs, key=lambda i: (i.learner_name, i.requirement))
            )
            subject, body = render(
                template,
                {
                    "first_name": _first_name(manager) or manager_email,
                    "full_name": manager,
                    "people": people,
                    "organisation": organisation,
                },
            )
            content, message_id = build_message(
                sender=settings.sender,
                recipient_name=manager,
                recipient=manager_email,
                subject=subject,
                body=body,
            )
            drafts.append(
                Draft(
                    f"due-manager:{manager_email}:{day}",
                    MessageKind.MANAGER_SUMMARY,
                    None,
                    None,
                    manager_email,
                    manager,
                    subject,
                    body,
                    content,
                    message_id,
                )
            )
    return Composed(tuple(drafts), 0, "")


def _overdue_note(language: str) -> str:
    from iltdesk.i18n import load_translations

    return load_translations(language).gettext("It is already overdue. ")
