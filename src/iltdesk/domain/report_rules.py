"""The definitions printed under each report: what its numbers count, in the reader's language.

Kept apart from the report shapes in `reporting` so a wording change touches one small module;
each is marked for translation here and translated where it is shown.
"""

from __future__ import annotations

from iltdesk.domain.reporting import LATE_CANCELLATION_HOURS
from iltdesk.i18n import N_
from iltdesk.i18n import _

PERIOD_RULE = N_(
    "Period: sessions are in the period when their first day's date, as the venue's calendar "
    "shows it, falls inside it."
)
PLACE_RULE = N_(
    "Places: learners holding a seat on a session that took place (not cancelled, last day "
    "ended). Waitlisted, cancelled and moved learners hold none."
)
ATTENDED_RULE = N_("Attended: marked present, late or left early on at least one day.")
COMPLETED_RULE = N_(
    "Completed: attended at least the course's completion threshold (80%, unless the course "
    "sets another) of the scheduled minutes, decided once every day is marked. Completion "
    "rate = completed / places."
)
NO_SHOW_RULE = N_(
    "No-show: every day marked, nothing attended and no day excused. No-show rate = no-shows "
    "/ places."
)
LATE_CANCEL_RULE = N_(
    "Late cancellation: a place cancelled less than {hours} hours before the session started "
    "(or after). Rate = late cancellations / (places + late cancellations)."
)
HOURS_RULE = N_(
    "Hours: the time between each day's start and end instants, so a day across a clock "
    "change is an hour shorter or longer. A learner's hours count present days whole and the "
    "minutes recorded for late and left-early marks, in the period of the session's first "
    "day; an instructor's delivered hours count in the month of each day."
)
INSTRUCTOR_RULE = N_(
    "Instructors: the lead and co-facilitators; a session with two counts for both (in the "
    "totals too, as on a payroll sheet). Backup "
    "instructors are not counted. Delivered: days that have ended, of sessions not cancelled; "
    "learners taught: those who attended, once per session, in the month of the session's "
    "first day."
)
FEES_RULE = N_(
    "Fees: instructor-fee cost lines naming the instructor, in the month of the session's "
    "first day."
)
DEPARTMENT_RULE = N_(
    "Department and location: the learner's as recorded now, not when they attended."
)
COST_RULE = N_(
    "Cost of a session: per-session lines, plus per-day lines × days, plus per-learner lines "
    "× places; sessions that took place only. Per learner = cost / places; per completion = "
    "cost / completed."
)
CURRENCY_RULE = N_(
    "Amounts in different currencies are never added: rows are per currency unless a report "
    "currency with a rate for every currency is set (Budgets and rates…)."
)
DEPARTMENT_SHARE_RULE = N_(
    "By department, each session's cost is shared by its places: a department carries the "
    "share of its learners."
)
BUDGET_RULE = N_(
    "Budgets are per calendar year: they are compared when the period lies within one year."
)
FILL_RULE = N_(
    "Fill = places / capacity, over sessions not cancelled; waitlist: learners waiting now; "
    "cancelled for low numbers: cancellations whose cause was too few learners."
)
HEADCOUNT_RULE = N_(
    "Headcount: learners in the directory (merged duplicates excluded). Hours per head = "
    "hours / headcount."
)
FEEDBACK_RULE = N_(
    "Feedback: responses to the course's feedback form (typed from paper or imported from a "
    "survey tool), of sessions that took place. Response rate = responses / learners who "
    "attended. Scores are averages of 1–5 answers; net promoter score = % answering 9–10 "
    "minus % answering 0–6 to the would-recommend question. An instructor's score is the "
    "average answer to the question about the instructor, over the sessions they taught."
)
FEEDBACK_SCORE_RULE = N_(
    "Feedback score: the average answer (1–5) to the feedback form's question about the "
    "instructor, from the sessions they taught whose first day is in the month."
)
NO_SHOW_LIST_RULE = N_(
    "Learners with at least {count} no-shows and late cancellations together in the period."
)


def late_cancel_rule() -> str:
    """How the reports define a late cancellation, in words."""
    return _(LATE_CANCEL_RULE).format(hours=LATE_CANCELLATION_HOURS)


def no_show_list_rule(count: int) -> str:
    """Who the no-show report lists, in words."""
    return _(NO_SHOW_LIST_RULE).format(count=count)
