"""Queueing under a dedupe key, and the outbox as the user administers it."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC
from datetime import datetime
from pathlib import Path
from typing import Any
from typing import cast

from sqlalchemy import CursorResult
from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy import update

from iltdesk.db.base import utcnow
from iltdesk.db.engine import Database
from iltdesk.db.entities import OutboxContent
from iltdesk.db.entities import OutboxMessage
from iltdesk.domain.changes import Changes
from iltdesk.domain.changes import Entity
from iltdesk.domain.enums import OutboxStatus
from iltdesk.domain.rows import OutboxRow
from iltdesk.i18n import _
from iltdesk.services.common import Outcome
from iltdesk.services.common import audit
from iltdesk.services.common import get_or_fail
from iltdesk.services.outbox.compose import _resend_key
from iltdesk.services.outbox.context import Draft

# --- queueing -------------------------------------------------------------------------------


def queue(db: Database, drafts: Sequence[Draft]) -> Outcome[list[int]]:
    """Store drafts as pending rows (one transaction); keys already queued are skipped."""
    with db.transaction() as tx:
        taken = set(
            tx.scalars(
                select(OutboxMessage.dedupe_key).where(
                    OutboxMessage.dedupe_key.in_([d.dedupe_key for d in drafts])
                )
            )
        )
        rows = []
        contents: list[bytes] = []
        for draft in drafts:
            if draft.dedupe_key in taken:
                continue
            taken.add(draft.dedupe_key)
            row = OutboxMessage(
                dedupe_key=draft.dedupe_key,
                kind=draft.kind,
                session_id=draft.session_id,
                enrollment_id=draft.enrollment_id,
                recipient=draft.recipient,
                recipient_name=draft.recipient_name,
                subject=draft.subject,
                message_id=draft.message_id,
                status=OutboxStatus.PENDING,
                invited_days=draft.invited_days,
            )
            tx.add(row)
            rows.append(row)
            contents.append(draft.content)
        tx.flush()
        tx.add_all(
            OutboxContent(message_id=row.id, content=content)
            for row, content in zip(rows, contents, strict=True)
        )
        ids = [row.id for row in rows]
        if ids:
            audit(tx, "outbox", None, "queue", {"count": len(ids), "kind": drafts[0].kind.value})
        return Outcome(ids, Changes.of(Entity.OUTBOX, *ids))


# --- the outbox as the user sees it ---------------------------------------------------------


def _outbox_row(m: OutboxMessage) -> OutboxRow:
    return OutboxRow(
        m.id,
        m.kind,
        m.recipient,
        m.recipient_name,
        m.subject,
        m.status,
        m.attempts,
        m.last_error,
        m.created_at,
        m.sent_at,
        m.session_id,
        m.message_id,
    )


def list_outbox(
    db: Database, statuses: Sequence[OutboxStatus] | None = None, limit: int = 5000
) -> list[OutboxRow]:
    """Outbox messages, newest first, optionally of some statuses only."""
    with db.reading() as tx:
        query = select(OutboxMessage).order_by(OutboxMessage.id.desc()).limit(limit)
        if statuses:
            query = query.where(OutboxMessage.status.in_(statuses))
        return [_outbox_row(m) for m in tx.scalars(query)]


def outbox_counts(db: Database) -> dict[OutboxStatus, int]:
    """How many messages are in each status."""
    with db.reading() as tx:
        query = select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)
        return {status: int(n) for status, n in tx.execute(query)}


def message_content(db: Database, message_id: int) -> bytes:
    """A message exactly as stored (and as sent)."""
    with db.reading() as tx:
        row = get_or_fail(tx, OutboxContent, message_id, _("That message no longer exists."))
        return bytes(row.content)


def _set_status(
    db: Database,
    ids: Sequence[int],
    new: OutboxStatus,
    allowed: Sequence[OutboxStatus],
    action: str,
) -> Outcome[int]:
    with db.transaction() as tx:
        # An UPDATE's result is a CursorResult, which `Session.execute` is typed too wide for.
        result = cast(
            "CursorResult[Any]",
            tx.execute(
                update(OutboxMessage)
                .where(OutboxMessage.id.in_(ids), OutboxMessage.status.in_(allowed))
                .values(status=new, updated_at=utcnow(), next_attempt_at=None)
            ),
        )
        count = int(result.rowcount or 0)
        audit(tx, "outbox", None, action, {"ids": list(ids), "count": count})
        return Outcome(count, Changes.of(Entity.OUTBOX, *ids))


def retry(db: Database, ids: Sequence[int]) -> Outcome[int]:
    """Put failed (or uncertain, when the user decided to send again) messages back in line."""
    return _set_status(
        db, ids, OutboxStatus.PENDING, (OutboxStatus.FAILED, OutboxStatus.UNCERTAIN), "retry"
    )


def cancel(db: Database, ids: Sequence[int]) -> Outcome[int]:
    """Stop pending (or failed, or uncertain) messages from being sent."""
    return _set_status(
        db,
        ids,
        OutboxStatus.CANCELLED,
        (OutboxStatus.PENDING, OutboxStatus.FAILED, OutboxStatus.UNCERTAIN),
        "cancel",
    )


def mark_sent_by_user(db: Database, ids: Sequence[int]) -> Outcome[int]:
    """The user checked: these uncertain messages did go out."""
    return _set_status(db, ids, OutboxStatus.SENT, (OutboxStatus.UNCERTAIN,), "confirm_sent")


def resend(db: Database, ids: Sequence[int]) -> Outcome[list[int]]:
    """Queue a fresh copy of each message, the user's explicit choice to send it again.

    The copy gets a key of its own ("certificate:12:resend-1") and a new Message-ID, so the
    original keeps its record and the recipient's mail program sees a new message.
    """
    from email import message_from_bytes
    from email.policy import SMTP
    from email.utils import format_datetime
    from email.utils import make_msgid

    with db.transaction() as tx:
        originals = list(tx.scalars(select(OutboxMessage).where(OutboxMessage.id.in_(ids))))
        reserved: set[str] = set()
        new_ids = []
        for original in originals:
            key = _resend_key(tx, original.dedupe_key, reserved)
            content = tx.get(OutboxContent, original.id)
            assert content is not None
            message = message_from_bytes(content.content, policy=SMTP)
            domain = original.message_id.rstrip(">").rpartition("@")[2] or "iltdesk.invalid"
            message_id = make_msgid(idstring="iltdesk", domain=domain)
            message.replace_header("Message-ID", message_id)
            message.replace_header("Date", format_datetime(datetime.now(UTC)))
            copy = OutboxMessage(
                dedupe_key=key,
                kind=original.kind,
                session_id=original.session_id,
                enrollment_id=original.enrollment_id,
                recipient=original.recipient,
                recipient_name=original.recipient_name,
                subject=original.subject,
                message_id=message_id,
                status=OutboxStatus.PENDING,
            )
            tx.add(copy)
            tx.flush()
            tx.add(OutboxContent(message_id=copy.id, content=message.as_bytes()))
            new_ids.append(copy.id)
        audit(tx, "outbox", None, "resend", {"from": list(ids), "to": new_ids})
        return Outcome(new_ids, Changes.of(Entity.OUTBOX, *new_ids))


def export_failed(db: Database, path: Path) -> Path:
    """The failed messages as CSV (recipient, subject, error, attempts), written atomically."""
    from iltdesk.documents.csvfile import write_csv

    rows = list_outbox(db, [OutboxStatus.FAILED])
    return write_csv(
        path,
        [_("Recipient"), _("Name"), _("Subject"), _("Error"), _("Attempts")],
        ([r.recipient, r.recipient_name, r.subject, r.last_error, r.attempts] for r in rows),
    )


def recover_interrupted(db: Database) -> Outcome[int]:
    """Rows left in "sending" by a crash or a kill become "uncertain" (never resent silently)."""
    with db.transaction() as tx:
        ids = list(
            tx.scalars(select(OutboxMessage.id).where(OutboxMessage.status == OutboxStatus.SENDING))
        )
        if ids:
            tx.execute(
                update(OutboxMessage)
                .where(OutboxMessage.id.in_(ids))
                .values(
                    status=OutboxStatus.UNCERTAIN,
                    updated_at=utcnow(),
                    last_error=_(
                        "The app stopped while this message was being sent; it may have gone out."
                    ),
                )
            )
            audit(tx, "outbox", None, "uncertain", {"ids": ids})
        return Outcome(len(ids), Changes.of(Entity.OUTBOX, *ids))
