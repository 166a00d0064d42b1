"""A session's life: planned → confirmed → running → completed, or cancelled; who may do what when.

The stored status is what a coordinator decided (planned, confirmed, completed, cancelled);
*running* and *ended* are phases read off the clock (a confirmed session whose first day has
started is running; once its last day is over it has ended and waits to be completed). Every
status change goes through `check_transition`, which says in a sentence why a move is refused.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from iltdesk import formatting
from iltdesk.domain.enums import SessionStatus
from iltdesk.errors import ValidationError
from iltdesk.i18n import N_
from iltdesk.i18n import _

S = SessionStatus

# The moves a coordinator can make; completing and cancelling carry their consequences in
# `services/lifecycle.py`.
ALLOWED: dict[SessionStatus, frozenset[SessionStatus]] = {
    S.PLANNED: frozenset({S.CONFIRMED, S.COMPLETED, S.CANCELLED}),
    S.CONFIRMED: frozenset({S.PLANNED, S.COMPLETED, S.CANCELLED}),
    S.COMPLETED: frozenset({S.CONFIRMED}),  # unlocking, with a reason
    S.CANCELLED: frozenset(),
}


class SessionPhase(StrEnum):
    """Where a session stands, status and clock together (for lists and the dashboard)."""

    PLANNED = "planned"
    CONFIRMED = "confirmed"
    RUNNING = "running"
    ENDED = "ended"  # every day is over; attendance to finish and complete
    COMPLETED = "completed"
    CANCELLED = "cancelled"

    def label(self) -> str:
        return _(_PHASE_LABELS[self])

    def hint(self) -> str:
        """What the phase asks of the coordinator, for tooltips."""
        if self is SessionPhase.ENDED:
            return _("Every day is over: finish the attendance and complete the session.")
        if self is SessionPhase.RUNNING:
            return _("The session has begun: take attendance.")
        return ""


_PHASE_LABELS = {
    SessionPhase.PLANNED: N_("Planned"),
    SessionPhase.CONFIRMED: N_("Confirmed"),
    SessionPhase.RUNNING: N_("Running"),
    SessionPhase.ENDED: N_("Ended"),
    SessionPhase.COMPLETED: N_("Completed"),
    SessionPhase.CANCELLED: N_("Cancelled"),
}


def phase(
    status: SessionStatus, first_start: datetime | None, last_end: datetime | None, now: datetime
) -> SessionPhase:
    """The phase of a session with `status` and these days, at `now`."""
    if status is S.CANCELLED:
        return SessionPhase.CANCELLED
    if status is S.COMPLETED:
        return SessionPhase.COMPLETED
    if last_end is not None and last_end <= now:
        return SessionPhase.ENDED
    if first_start is not None and first_start <= now:
        return SessionPhase.RUNNING
    return SessionPhase.CONFIRMED if status is S.CONFIRMED else SessionPhase.PLANNED


def closed_reason(status: SessionStatus) -> str | None:
    """Why a session in `status` cannot be edited, or None when it can."""
    if status is S.CANCELLED:
        return _(
            "This session is cancelled and cannot be changed. Duplicate it to schedule it again."
        )
    if status is S.COMPLETED:
        return _("This session is completed and locked. Unlock it before changing it.")
    return None


def can_become(status: SessionStatus, target: SessionStatus) -> bool:
    """Whether the status itself allows the move (the clock may still refuse it)."""
    return target in ALLOWED[status]


def check_transition(
    status: SessionStatus,
    target: SessionStatus,
    *,
    first_start: datetime | None,
    last_end: datetime | None,
    now: datetime,
    timezone: str = "UTC",
    reason: str = "",
) -> None:
    """Raise `ValidationError` with a sentence when `status` may not become `target` now.

    Completing before the last day has ended needs a reason (recorded early); unlocking a
    completed session needs a reason; a session that has started cannot go back to planned.
    """
    if status is target:
        raise ValidationError(
            _("This session is already {status}.").format(status=status.label().lower())
        )
    if not can_become(status, target):
        if status is S.CANCELLED:
            raise ValidationError(
                _("This session is cancelled; schedule a new one (Duplicate) instead.")
            )
        if status is S.COMPLETED and target is S.CANCELLED:
            raise ValidationError(
                _("A completed session cannot be cancelled. Unlock it first if it must change.")
            )
        raise ValidationError(
            _("A {status} session cannot become {target}.").format(
                status=status.label().lower(), target=target.label().lower()
            )
        )
    if target is S.COMPLETED and (last_end is None or last_end > now) and not reason.strip():
        raise ValidationError(
            _(
                "This session has not ended yet (its last day ends {end}). Complete it after "
                "that, or record it early and say why."
            ).format(end=formatting.format_datetime(last_end, timezone) if last_end else "?")
        )
    if status is S.COMPLETED and not reason.strip():
        raise ValidationError(_("Say why the completed session is being unlocked."))
    if target is S.PLANNED and first_start is not None and first_start <= now:
        raise ValidationError(_("This session has already started; it cannot go back to planned."))
