"""The send loop: one row claimed, delivered and marked at a time, with backoff."""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from datetime import timedelta
from typing import cast

from sqlalchemy import Table
from sqlalchemy import bindparam
from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy import update

from iltdesk.db.base import utcnow
from iltdesk.db.engine import Database
from iltdesk.db.entities import OutboxContent
from iltdesk.db.entities import OutboxMessage
from iltdesk.db.fastpath import HotConnection
from iltdesk.db.fastpath import Prepared
from iltdesk.db.fastpath import hot_connection
from iltdesk.domain.enums import OutboxStatus
from iltdesk.domain.jsontypes import JsonObject
from iltdesk.errors import UserError
from iltdesk.i18n import _
from iltdesk.mail.transport import BATCH_KINDS
from iltdesk.mail.transport import SendError
from iltdesk.mail.transport import Transport
from iltdesk.services.outbox.constants import BACKOFF_SECONDS
from iltdesk.services.outbox.constants import MAX_ATTEMPTS
from iltdesk.services.outbox.constants import Report
from iltdesk.services.outbox.settings import MailSettings

# --- sending --------------------------------------------------------------------------------


@dataclass
class SendSummary:
    """What a send run did: sent, failed, uncertain, paused, and why."""

    sent: int = 0
    failed: int = 0
    retried: int = 0
    uncertain: int = 0  # lost after being handed over: may have gone out, not sent again
    waiting: int = 0  # still pending (backing off, or paused) when the run ended
    auth_error: str = ""  # set when the server refused the credentials: the batch paused
    stopped_error: str = ""  # set when nothing could be sent (unreachable, TLS): paused

    @property
    def all_sent(self) -> bool:
        """Whether nothing is left: no failure, nothing waiting, nothing uncertain."""
        return not (self.failed or self.waiting or self.uncertain or self.paused)

    @property
    def paused(self) -> str:
        return self.auth_error or self.stopped_error


def retry_delay(attempts: int, backoff: Sequence[float], jitter: Callable[[], float]) -> float:
    """The wait before retry `attempts` + 1: the backoff step, spread by ±50 % at random.

    The spread keeps many clients (or many rows refused by one busy server) from coming back
    at the same instant.
    """
    if not backoff:
        return 0.0
    step = backoff[min(attempts - 1, len(backoff) - 1)]
    return step * (0.5 + jitter())


_MESSAGES = cast(Table, OutboxMessage.__table__)
_CONTENTS = cast(Table, OutboxContent.__table__)
# Built once: the send loop runs these for every message, and building a statement costs
# more than SQLite takes to run it.
_CLOSE_ATTEMPT = (
    update(_MESSAGES)
    .where(_MESSAGES.c.id == bindparam("b_message_id"))
    .values(
        status=bindparam("b_status"),
        attempts=bindparam("b_attempts"),
        last_error=bindparam("b_last_error"),
        next_attempt_at=bindparam("b_next_attempt_at"),
        sent_at=bindparam("b_sent_at"),
        updated_at=bindparam("b_now"),
    )
)
_NEXT_DUE = (
    select(_MESSAGES.c.id, _CONTENTS.c.content, _MESSAGES.c.recipient, _MESSAGES.c.attempts)
    .join(_CONTENTS, _CONTENTS.c.message_id == _MESSAGES.c.id)
    .where(
        _MESSAGES.c.status == OutboxStatus.PENDING,
        _MESSAGES.c.next_attempt_at.is_(None) | (_MESSAGES.c.next_attempt_at <= bindparam("b_now")),
    )
    .order_by(_MESSAGES.c.id)
    .limit(1)
)
# Claiming one chosen message by its id: a send of the messages just queued (the common case)
# names hundreds of ids, and an IN list of them in every claim cost more than the send itself.
_DUE_BY_ID = (
    select(_MESSAGES.c.id, _CONTENTS.c.content, _MESSAGES.c.recipient, _MESSAGES.c.attempts)
    .join(_CONTENTS, _CONTENTS.c.message_id == _MESSAGES.c.id)
    .where(
        _MESSAGES.c.id == bindparam("b_message_id"),
        _MESSAGES.c.status == OutboxStatus.PENDING,
        _MESSAGES.c.next_attempt_at.is_(None) | (_MESSAGES.c.next_attempt_at <= bindparam("b_now")),
    )
)
_MARK_SENDING = (
    update(_MESSAGES)
    .where(_MESSAGES.c.id == bindparam("b_message_id"))
    .values(
        status=OutboxStatus.SENDING, attempts=bindparam("b_attempts"), updated_at=bindparam("b_now")
    )
)


def _closing(
    message_id: int,
    status: OutboxStatus,
    attempts: int,
    last_error: str = "",
    next_attempt_at: datetime | None = None,
    sent_at: datetime | None = None,
) -> JsonObject:
    return {
        "b_message_id": message_id,
        "b_status": status,
        "b_attempts": attempts,
        "b_last_error": last_error,
        "b_next_attempt_at": next_attempt_at,
        "b_sent_at": sent_at,
    }


class _Statements:
    """The send loop's statements, compiled once for the database in use."""

    def __init__(self, db: Database) -> None:
        self.close_attempt = Prepared(_CLOSE_ATTEMPT, db)
        self.next_due = Prepared(_NEXT_DUE, db)
        self.due_by_id = Prepared(_DUE_BY_ID, db)
        self.mark_sending = Prepared(_MARK_SENDING, db)


def _step(
    hot: HotConnection,
    statements: _Statements,
    finished: JsonObject | None,
    candidates: list[int] | None,
    *,
    claim: bool = True,
) -> tuple[int, bytes, str, int] | None:
    """Close the last attempt and claim the next due message, in one small transaction.

    Claiming marks the row "sending" before a byte goes out, so a crash mid-send leaves it
    visibly uncertain rather than silently pending. With `candidates` (the chosen ids, in
    order) the first one still pending and due is claimed by its id; ids no longer pending are
    dropped from the list, those backing off stay for later.
    """
    now = utcnow()
    with hot.step():
        if finished is not None:
            hot.execute(statements.close_attempt, {**finished, "b_now": now})
        if not claim:
            return None
        row = None
        if candidates is None:
            row = hot.execute(statements.next_due, {"b_now": now}).fetchone()
        else:
            for position, message_id in enumerate(candidates):
                row = hot.execute(
                    statements.due_by_id, {"b_message_id": message_id, "b_now": now}
                ).fetchone()
                if row is not None:
                    del candidates[position]
                    break
        if row is None:
            return None
        message_id, content, recipient, attempts = row
        hot.execute(
            statements.mark_sending,
            {"b_message_id": message_id, "b_attempts": attempts + 1, "b_now": now},
        )
        return message_id, bytes(content), recipient, attempts + 1


def _next_due(db: Database, only: set[int] | None) -> datetime | None:
    with db.transaction() as tx:
        query = select(func.min(OutboxMessage.next_attempt_at)).where(
            OutboxMessage.status == OutboxStatus.PENDING
        )
        if only is not None:
            query = query.where(OutboxMessage.id.in_(only))
        found = tx.scalar(query)
        return found if isinstance(found, datetime) else None


def _pending_ids(db: Database, only: set[int] | None) -> list[int]:
    with db.transaction() as tx:
        query = select(OutboxMessage.id).where(OutboxMessage.status == OutboxStatus.PENDING)
        if only is not None:
            query = query.where(OutboxMessage.id.in_(only))
        return list(tx.scalars(query))


def send_queue(  # noqa: PLR0913 - options after `*`, each with its default
    db: Database,
    transport: Transport,
    sender_address: str,
    *,
    rate_per_minute: int = 0,
    only: Sequence[int] | None = None,
    report: Report | None = None,
    sleep: Callable[[float], None] = time.sleep,
    backoff: Sequence[float] = BACKOFF_SECONDS,
    max_attempts: int = MAX_ATTEMPTS,
    max_wait: float = 120.0,
    jitter: Callable[[], float] = random.random,
) -> SendSummary:
    """Send pending messages one by one until none is due; see the module docstring.

    A transient failure puts the row back with a growing delay (it is retried in this run if
    the delay is under `max_wait`, else by a later run); a refused recipient fails that row
    only; refused credentials stop the batch with `auth_error` set. `report` may raise to
    cancel between messages.
    """
    chosen = set(only) if only is not None else None
    summary = SendSummary()
    pending = _pending_ids(db, chosen)
    total = len(pending)
    candidates = sorted(pending) if chosen is not None else None
    interval = 60.0 / rate_per_minute if rate_per_minute > 0 else 0.0
    last_sent = 0.0
    done = 0
    finished: JsonObject | None = None
    statements = _Statements(db)
    with hot_connection(db) as hot:
        try:
            while True:
                if report is not None:
                    report(
                        done, total, _("Sending {done} of {total}…").format(done=done, total=total)
                    )
                claimed = _step(hot, statements, finished, candidates)
                finished = None
                if claimed is None:
                    if candidates is not None:
                        candidates = sorted(set(candidates) & set(_pending_ids(db, chosen)))
                    due = _next_due(db, chosen)
                    if due is None:
                        break
                    wait = (due - utcnow()).total_seconds()
                    if wait > max_wait:
                        break
                    sleep(max(0.0, wait))
                    continue
                message_id, content, recipient, attempts = claimed
                if interval:
                    gap = time.monotonic() - last_sent
                    if gap < interval:
                        sleep(interval - gap)
                try:
                    transport.send(content, sender_address, recipient)
                except SendError as error:
                    finished, stop = _after_failure(
                        error,
                        message_id,
                        attempts,
                        summary,
                        candidates,
                        max_attempts,
                        backoff,
                        jitter,
                    )
                    if stop:
                        break
                    if finished["b_status"] is not OutboxStatus.PENDING:
                        done += 1
                    continue
                finished = _closing(message_id, OutboxStatus.SENT, attempts, sent_at=utcnow())
                last_sent = time.monotonic()
                summary.sent += 1
                done += 1
        finally:
            if finished is not None:
                _step(hot, statements, finished, None, claim=False)
            transport.close()
    summary.waiting = len(_pending_ids(db, chosen))
    if report is not None and not summary.auth_error:
        report(done, total, "")
    return summary


def _after_failure(
    error: SendError,
    message_id: int,
    attempts: int,
    summary: SendSummary,
    candidates: list[int] | None,
    max_attempts: int,
    backoff: Sequence[float],
    jitter: Callable[[], float],
) -> tuple[JsonObject, bool]:
    """How a failed attempt closes, and whether the batch stops (see the module docstring)."""
    if error.kind in BATCH_KINDS:
        # Nothing can go out until the user acts: every row stays waiting, and this attempt
        # does not count against the message.
        if error.kind == "auth":
            summary.auth_error = error.message
        else:
            summary.stopped_error = error.message
        closing = _closing(message_id, OutboxStatus.PENDING, max(0, attempts - 1), error.message)
        return closing, True
    if error.kind == "uncertain":
        summary.uncertain += 1
        return _closing(message_id, OutboxStatus.UNCERTAIN, attempts, error.message), False
    if error.kind == "transient" and attempts < max_attempts:
        retry_at = utcnow() + timedelta(seconds=retry_delay(attempts, backoff, jitter))
        if candidates is not None:
            candidates.append(message_id)  # again, once its delay is over
        summary.retried += 1
        closing = _closing(message_id, OutboxStatus.PENDING, attempts, error.message, retry_at)
        return closing, False
    summary.failed += 1
    return _closing(message_id, OutboxStatus.FAILED, attempts, error.message), False


def ensure_can_send(settings: MailSettings) -> None:
    """Refuse with a sentence when the settings cannot send (no server, no sender)."""
    problem = settings.problem()
    if problem is not None:
        raise UserError(problem)
