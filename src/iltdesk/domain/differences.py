"""What changed in a record between two readings: the lines of "changed since you opened it".

A stale save (another coordinator saved the record after this one opened it) is refused with
these differences, one (label, as opened, as stored now) triple per edited field.
"""

from __future__ import annotations

from collections.abc import Mapping
from collections.abc import Sequence

from iltdesk import formatting
from iltdesk.domain.rows import CourseRow
from iltdesk.domain.rows import LearnerRow
from iltdesk.domain.rows import SessionRow
from iltdesk.i18n import N_
from iltdesk.i18n import _

Difference = tuple[str, str, str]

# The fields each editor changes, with their labels.
COURSE_EDITED = {
    "code": N_("Code"),
    "title": N_("Title"),
    "description": N_("Description"),
    "objectives": N_("Objectives"),
    "default_minutes": N_("Duration"),
    "delivery_format": N_("Format"),
    "certificate_validity_months": N_("Certificate validity"),
    "currency": N_("Currency"),
    "prework": N_("Pre-work"),
    "prework_link": N_("Pre-work link"),
    "completion_threshold": N_("Completion threshold"),
}
LEARNER_EDITED = {
    "first_name": N_("First name"),
    "last_name": N_("Last name"),
    "email": N_("Email"),
    "employee_id": N_("Employee ID"),
    "department": N_("Department"),
    "manager_name": N_("Manager"),
    "manager_email": N_("Manager's email"),
    "location": N_("Location"),
    "job_title": N_("Job title"),
    "preferred_language": N_("Preferred language"),
    "hire_date": N_("Hire date"),
}
SESSION_EDITED = {
    "cohort": N_("Cohort"),
    "mode": N_("Mode"),
    "room_name": N_("Room"),
    "meeting_link": N_("Meeting link"),
    "survey_link": N_("Survey link"),
    "pilot": N_("Pilot"),
    "go_no_go": N_("Go/no-go date"),
    "timezone": N_("Time zone"),
    "capacity": N_("Capacity"),
    "min_size": N_("Minimum size"),
    "notes": N_("Notes"),
}


def shown(value: object) -> str:
    """A field's value as the differences show it (an enum by its value, a list joined)."""
    if isinstance(value, tuple):
        return "; ".join(str(v) for v in value)
    return "" if value is None else str(getattr(value, "value", value))


def field_differences(seen: object, now: object, fields: Mapping[str, str]) -> list[Difference]:
    """(label, as seen, as now) for each of `fields` that differs between the two readings."""
    return [
        (_(label), shown(getattr(seen, name)), shown(getattr(now, name)))
        for name, label in fields.items()
        if getattr(seen, name) != getattr(now, name)
    ]


def course_differences(seen: CourseRow, now: CourseRow) -> list[Difference]:
    """What the course editor's fields show differently."""
    return field_differences(seen, now, COURSE_EDITED)


def learner_differences(seen: LearnerRow, now: LearnerRow) -> list[Difference]:
    """What the learner form's fields show differently."""
    return field_differences(seen, now, LEARNER_EDITED)


def session_differences(seen: SessionRow, now: SessionRow) -> list[Difference]:
    """The edited fields, the days (shown in the venue's zone) and the instructors."""
    found = field_differences(seen, now, SESSION_EDITED)

    def days(row: SessionRow) -> str:
        return "; ".join(formatting.format_datetime(d.start, row.timezone) for d in row.days)

    if [(d.start, d.end) for d in seen.days] != [(d.start, d.end) for d in now.days]:
        found.append((_("Days and times"), days(seen), days(now)))
    if seen.instructors != now.instructors:
        before = ", ".join(i.name for i in seen.instructors)
        found.append((_("Instructors"), before, ", ".join(i.name for i in now.instructors)))
    return found


def stale_message(who: str, when: str, differences: Sequence[Difference]) -> str:
    """“Changed by {who} at {when} since you opened it. Now: …” (`when` already formatted)."""
    message = _("Changed by {who} at {time} since you opened it.").format(who=who, time=when)
    if differences:
        message += " " + _("Now: {changes}.").format(
            changes="; ".join(
                _("{field} “{now}” (you saw “{seen}”)").format(field=f, now=now, seen=seen)
                for f, seen, now in differences
            )
        )
    return message
