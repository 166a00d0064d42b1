"""How the session commands print a session (text or JSON), one or a series."""

from __future__ import annotations

import json

from iltdesk import formatting
from iltdesk.cli.common import EXIT_OK
from iltdesk.domain.localtime import zone
from iltdesk.domain.rows import SessionRow
from iltdesk.i18n import _
from iltdesk.i18n import ngettext


def session_json(row: SessionRow) -> dict[str, object]:
    """A session as `sessions --json` prints it (the command-line contract)."""
    return {
        "id": row.id,
        "course_code": row.course_code,
        "course_title": row.course_title,
        "cohort": row.cohort,
        "first_start": row.first_start.isoformat() if row.first_start else None,
        "first_start_local": (
            row.first_start.astimezone(zone(row.timezone)).isoformat() if row.first_start else None
        ),
        "timezone": row.timezone,
        "days": len(row.days),
        "mode": row.mode.value,
        "status": row.status.value,
        "enrolled": row.enrolled,
        "waitlisted": row.waitlisted,
        "capacity": row.capacity,
        "room": row.room_name or None,
        "meeting_link": row.meeting_link or None,
        "survey_link": row.survey_link or None,
        "series_id": row.series_id,
        "min_size": row.min_size,
        "go_no_go": row.go_no_go.isoformat() if row.go_no_go else None,
        "pilot": row.pilot,
        "instructors": [{"name": i.name, "role": i.role.value} for i in row.instructors],
        "day_times": [
            {
                "start": d.start.isoformat(),
                "end": d.end.isoformat(),
                "start_local": d.start.astimezone(zone(row.timezone)).isoformat(),
                "end_local": d.end.astimezone(zone(row.timezone)).isoformat(),
            }
            for d in row.days
        ],
    }


def print_session(row: SessionRow, as_json: bool, sentence: str) -> None:
    """One session: a sentence and its days, or its JSON object."""
    if as_json:
        print(json.dumps(session_json(row), ensure_ascii=False, indent=2))
        return
    print(sentence)
    for number, day in enumerate(row.days, start=1):
        print(
            _("Day {n}: {when}").format(
                n=number, when=formatting.format_span(day.start, day.end, row.timezone)
            )
        )


def print_series(rows: list[SessionRow], as_json: bool) -> int:
    """A series: one line per session, or a JSON list with one object per session."""
    if as_json:
        print(json.dumps([session_json(r) for r in rows], ensure_ascii=False, indent=2))
        return EXIT_OK
    print(
        ngettext(
            "A series of {n} session scheduled:", "A series of {n} sessions scheduled:", len(rows)
        ).format(n=len(rows))
    )
    for row in rows:
        first = row.days[0]
        print(f"  {row.id}: {formatting.format_span(first.start, first.end, row.timezone)}")
    return EXIT_OK
