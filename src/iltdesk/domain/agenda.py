"""Agenda rules: the running clock, and warnings a good facilitator guide avoids."""

from __future__ import annotations

from dataclasses import dataclass

from iltdesk.domain.enums import ActivityType
from iltdesk.domain.enums import DeliveryFormat
from iltdesk.domain.specs import AgendaItemSpec
from iltdesk.i18n import _
from iltdesk.i18n import ngettext

PASSIVE = frozenset({ActivityType.PRESENTATION, ActivityType.DEMONSTRATION})
INTERACTIVE = frozenset(
    {ActivityType.DISCUSSION, ActivityType.EXERCISE, ActivityType.ROLE_PLAY, ActivityType.POLL}
)
# The longest stretch of presentation before learners need to do something: every 10–15
# minutes in a room, 10–12 online, where attention drifts sooner.
MAX_PASSIVE_MINUTES = {
    DeliveryFormat.IN_PERSON: 15,
    DeliveryFormat.BLENDED: 15,
    DeliveryFormat.VIRTUAL: 12,
}


@dataclass(frozen=True)
class AgendaWarning:
    """Something odd about an agenda's timing, said in a sentence."""

    message: str
    item_positions: tuple[int, ...] = ()  # the items concerned (0-based)


def offsets(items: list[AgendaItemSpec]) -> list[int]:
    """Minutes from the start at which each item begins."""
    result, clock = [], 0
    for item in items:
        result.append(clock)
        clock += max(0, item.minutes)
    return result


def agenda_warnings(
    items: list[AgendaItemSpec],
    objectives: tuple[str, ...],
    delivery_format: DeliveryFormat = DeliveryFormat.IN_PERSON,
) -> list[AgendaWarning]:
    """Passive stretches too long without an interaction point; objectives with no activity.

    A stretch is consecutive presentation/demonstration items; a discussion, exercise,
    role-play or poll ends it, and so does a break or an assessment (the room has moved on).
    Too long is over 15 minutes in person, over 12 in a virtual course.
    """
    warnings: list[AgendaWarning] = []
    run: list[int] = []
    run_minutes = 0
    limit = MAX_PASSIVE_MINUTES[delivery_format]

    def close_run() -> None:
        nonlocal run, run_minutes
        if run_minutes > limit:
            titles = ", ".join(f"“{items[i].title}”" for i in run)
            message = (
                _(
                    "{minutes} minutes of presentation without an interaction point "
                    "({titles}). Online, add a discussion, exercise, role-play or poll at "
                    "least every {limit} minutes."
                )
                if delivery_format is DeliveryFormat.VIRTUAL
                else _(
                    "{minutes} minutes of presentation without an interaction point "
                    "({titles}). Add a discussion, exercise, role-play or poll."
                )
            )
            warnings.append(
                AgendaWarning(
                    message.format(minutes=run_minutes, titles=titles, limit=limit), tuple(run)
                )
            )
        run, run_minutes = [], 0

    for position, item in enumerate(items):
        if item.activity in PASSIVE:
            run.append(position)
            run_minutes += item.minutes
        else:
            close_run()
    close_run()
    covered = {i.objective_index for i in items if i.objective_index is not None}
    for index, objective in enumerate(objectives):
        if index not in covered:
            warnings.append(
                AgendaWarning(
                    _("Objective {n} (“{text}”) has no activity in the agenda.").format(
                        n=index + 1, text=objective
                    )
                )
            )
    return warnings


def total_label(items: list[AgendaItemSpec]) -> str:
    """An agenda's total time in words (“7 h 30 min”)."""
    minutes = sum(max(0, i.minutes) for i in items)
    hours, rest = divmod(minutes, 60)
    return (
        ngettext("{n} item", "{n} items", len(items)).format(n=len(items))
        + " · "
        + _("{hours} h {minutes:02d} min").format(hours=hours, minutes=rest)
    )
