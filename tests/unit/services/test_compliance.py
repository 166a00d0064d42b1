"""Requirements and states over time: current → expiring → overdue on the right days."""

from __future__ import annotations

import gc
from datetime import UTC
from datetime import date
from datetime import datetime

import pytest
import time_machine

from iltdesk.domain.compliance import RequirementSpec
from iltdesk.domain.compliance import due_item
from iltdesk.domain.enums import AttendanceStatus
from iltdesk.domain.enums import ComplianceState
from iltdesk.domain.enums import RequirementAnchor
from iltdesk.errors import ValidationError
from iltdesk.services import certificates
from iltdesk.services import compliance
from iltdesk.services import enrollment
from iltdesk.services import learners
from iltdesk.services import requirements
from iltdesk.services.attendance import MarkSpec
from iltdesk.services.attendance import record_marks
from tests.fixtures.builders import day_spec
from tests.fixtures.builders import make_course
from tests.fixtures.builders import make_learner
from tests.fixtures.builders import make_session

S = ComplianceState


def complete(db, course_id, learner_id, day: date, zone="Europe/London"):
    session = make_session(
        db, course_id, days=(day_spec(day, "09:00", "17:00", zone),), zone=zone, capacity=5
    )
    place = enrollment.enroll_learner(db, session.id, learner_id).value.row.enrollment_id
    record_marks(db, session.id, [MarkSpec(place, session.days[0].id, AttendanceStatus.PRESENT)])
    return session


def state_on(db, requirement_id, learner_id, when: datetime, zone="Europe/London"):
    with time_machine.travel(when, tick=False):
        today = compliance.today_in(zone)
        found = compliance.matrix(db, today)
    index = [r.id for r in found.requirements].index(requirement_id)
    cell = found.cell(index, learner_id)
    return (cell.state, cell.on) if cell else None


@pytest.fixture
def forklift(db):
    course = make_course(db, code="FS-101", title="Forklift Safety")
    requirement = requirements.create_requirement(
        db, RequirementSpec("Forklift licence", (course.id,), recurrence_months=12)
    ).value
    return course, requirement


def test_a_certificate_moves_from_current_to_expiring_to_overdue(db, forklift):
    course, requirement = forklift
    ann = make_learner(db, "Ann", "Lee")
    complete(db, course.id, ann.id, date(2026, 3, 12))
    until = date(2027, 3, 12)
    assert state_on(db, requirement.id, ann.id, datetime(2026, 12, 1, 12, tzinfo=UTC)) == (
        S.CURRENT,
        until,
    )
    # The 60-day window opens on 11 January.
    assert (
        state_on(db, requirement.id, ann.id, datetime(2027, 1, 10, 12, tzinfo=UTC))[0] is S.CURRENT
    )
    assert (
        state_on(db, requirement.id, ann.id, datetime(2027, 1, 11, 12, tzinfo=UTC))[0] is S.EXPIRING
    )
    assert (
        state_on(db, requirement.id, ann.id, datetime(2027, 3, 12, 12, tzinfo=UTC))[0] is S.EXPIRING
    )
    assert state_on(db, requirement.id, ann.id, datetime(2027, 3, 13, 12, tzinfo=UTC)) == (
        S.OVERDUE,
        until,
    )


def test_the_day_changes_at_the_organisations_midnight(db, forklift):
    course, requirement = forklift
    ann = make_learner(db, "Ann", "Lee")
    complete(db, course.id, ann.id, date(2026, 3, 12))
    late_evening = datetime(2027, 3, 12, 23, 30, tzinfo=UTC)  # 00:30 on the 13th in Berlin
    assert state_on(db, requirement.id, ann.id, late_evening, "Europe/London")[0] is S.EXPIRING
    assert state_on(db, requirement.id, ann.id, late_evening, "Europe/Berlin")[0] is S.OVERDUE


def test_equivalent_courses_count_and_a_newer_completion_supersedes(db, forklift):
    course, requirement = forklift
    refresher = make_course(db, code="FS-102", title="Forklift Refresher")
    requirements.update_requirement(
        db,
        requirement.id,
        RequirementSpec("Forklift licence", (course.id, refresher.id), recurrence_months=12),
    )
    bo = make_learner(db, "Bo", "Chen")
    complete(db, course.id, bo.id, date(2025, 5, 2))
    complete(db, refresher.id, bo.id, date(2026, 4, 20))
    assert state_on(db, requirement.id, bo.id, datetime(2026, 12, 1, tzinfo=UTC)) == (
        S.CURRENT,
        date(2027, 4, 20),
    )


def test_a_revoked_certificate_stops_counting(db, forklift):
    course, requirement = forklift
    cy = make_learner(db, "Cy", "Doe")
    session = complete(db, course.id, cy.id, date(2026, 6, 1))
    from iltdesk.services import lifecycle

    lifecycle.complete_session(db, session.id)
    (issued,) = certificates.issue_certificates(db, session.id).value
    certificates.revoke_certificate(db, issued.code, "Issued by mistake")
    # Without the certificate the course no longer counts: due from when Cy became eligible
    # (entered the directory, today), and overdue the day after.
    joined = datetime.now(UTC)
    assert state_on(db, requirement.id, cy.id, joined)[0] is S.NEVER
    tomorrow = datetime.fromordinal(joined.toordinal() + 1).replace(hour=12, tzinfo=UTC)
    assert state_on(db, requirement.id, cy.id, tomorrow)[0] is S.OVERDUE


def test_within_days_of_hire_and_a_missing_hire_date(db):
    course = make_course(db, code="DP-110", title="Data Protection")
    requirement = requirements.create_requirement(
        db,
        RequirementSpec(
            "Data protection for new starters",
            (course.id,),
            within_days=30,
            anchor=RequirementAnchor.HIRE,
        ),
    ).value
    hired = make_learner(db, "Dee", "New")
    learners.set_hire_date(db, hired.id, date(2026, 11, 1))
    unknown = make_learner(db, "Eve", "Unknown")
    assert state_on(db, requirement.id, hired.id, datetime(2026, 11, 20, tzinfo=UTC)) == (
        S.NEVER,
        date(2026, 12, 1),
    )
    assert state_on(db, requirement.id, hired.id, datetime(2026, 12, 2, tzinfo=UTC)) == (
        S.OVERDUE,
        date(2026, 12, 1),
    )
    assert state_on(db, requirement.id, unknown.id, datetime(2026, 12, 2, tzinfo=UTC)) == (
        S.HIRE_DATE_MISSING,
        None,
    )


def test_a_requirement_met_once_is_current_for_good_and_says_when(db):
    from iltdesk.documents.compliance import cell_text

    course = make_course(db, code="ON-001", title="Induction")
    requirement = requirements.create_requirement(
        db, RequirementSpec("Induction", (course.id,), within_days=30)
    ).value
    ann = make_learner(db, "Ann", "Once")
    complete(db, course.id, ann.id, date(2026, 3, 12))
    with time_machine.travel(datetime(2036, 1, 1, tzinfo=UTC), tick=False):
        found = compliance.matrix(db, compliance.today_in("Europe/London"))
    cell = found.cell([r.id for r in found.requirements].index(requirement.id), ann.id)
    assert cell is not None
    assert (cell.state, cell.on, cell.lasting) == (S.CURRENT, date(2026, 3, 12), True)
    assert cell_text(cell) == "Completed 12 Mar 2026"  # not "Current until" a past day


def test_a_start_date_keeps_history_from_making_everyone_overdue(db):
    course = make_course(db, code="IS-105", title="Security Awareness")
    requirement = requirements.create_requirement(
        db,
        RequirementSpec(
            "Security awareness", (course.id,), within_days=30, starts_on=date(2027, 1, 15)
        ),
    ).value
    old_hand = make_learner(db, "Fay", "Old")  # in the directory before the requirement starts
    assert state_on(db, requirement.id, old_hand.id, datetime(2027, 1, 20, tzinfo=UTC)) == (
        S.NEVER,
        date(2027, 2, 14),  # 30 days after the start, not after joining
    )


def test_scope_exemptions_and_the_due_list(db, forklift):
    course, requirement = forklift
    sales = make_learner(db, "Gus", "Sales", department="Sales")
    ops = make_learner(db, "Hal", "Ops", department="Operations")
    scoped = requirements.create_requirement(
        db, RequirementSpec("Sales induction", (course.id,), within_days=0, department="Sales")
    ).value
    with time_machine.travel(datetime(2026, 12, 2, tzinfo=UTC), tick=False):
        today = compliance.today_in("Europe/London")
        found = compliance.matrix(db, today, requirement_ids=[scoped.id])
    assert [p.id for p in found.learners] == [sales.id]  # Hal is not in Sales
    # Its rows are plain tuples, which the cyclic collector stops walking (50,000
    # MatrixLearner instances were walked by each full pass while the screen was worked out).
    gc.collect()
    gc.collect()
    assert not any(gc.is_tracked(row) for row in found.learner_rows)
    with pytest.raises(ValidationError, match="Say why"):
        requirements.exempt(db, requirement.id, ops.id, "  ", "Maria")
    requirements.exempt(db, requirement.id, ops.id, "Does not drive", "Maria")
    assert state_on(db, requirement.id, ops.id, datetime(2026, 12, 2, tzinfo=UTC))[0] is S.EXEMPT
    due = compliance.due(db, date(2026, 12, 2), 30)
    assert {(d.learner_id, d.requirement) for d in due} >= {(sales.id, "Forklift licence")}
    # The screen's rows say the same, as plain tuples the cyclic collector stops walking
    # (200,000 class instances made each full collection hold the window up to 100 ms).
    rows = compliance.due_rows(db, date(2026, 12, 2), 30)
    assert [due_item(r) for r in rows] == due
    # Two passes: one may look at a row before the tuple of course ids it holds.
    gc.collect()
    gc.collect()
    assert rows
    assert not any(gc.is_tracked(r) for r in rows)
    assert all(d.learner_id != ops.id or d.requirement != "Forklift licence" for d in due)
    assert found.totals[0] == {S.NEVER: 1}  # Gus joined today: due today, not yet overdue


def test_an_archived_course_is_named_and_history_still_counts(db, forklift):
    course, requirement = forklift
    ann = make_learner(db, "Ann", "Lee")
    complete(db, course.id, ann.id, date(2026, 3, 12))
    from iltdesk.services.catalogue import set_course_archived

    set_course_archived(db, course.id, True)
    found = compliance.matrix(db, date(2026, 12, 2))
    row = found.requirements[0]
    assert row.archived_courses == ("FS-101",)
    assert "FS-101 is archived" in row.warning()
    assert "still count" in row.warning()
    assert found.cell(0, ann.id).state is S.CURRENT
    spare = make_course(db, code="FS-102", title="Forklift Refresher")
    with pytest.raises(ValidationError, match="FS-101 is archived: restore it"):
        requirements.create_requirement(db, RequirementSpec("Again", (course.id,)))
    # Keeping it on an existing requirement is fine; an active equivalent clears the alarm.
    updated = requirements.update_requirement(
        db, requirement.id, RequirementSpec("Forklift licence", (course.id, spare.id), 12)
    ).value
    assert "other courses still meet" in updated.warning()


@pytest.mark.parametrize(
    "narrow",
    [{}, {"department": "Ops"}, {"manager": "Mo"}, {"location": "Leeds"}, {"manager": "Kim"}],
)
def test_the_screen_reads_once_what_the_matrix_and_due_list_read_apart(db, forklift, narrow):
    # The compliance screen read every learner's facts twice (~400 ms each on 50,000).
    course, _requirement = forklift
    people = [
        make_learner(db, "Ann", department="Ops", manager_name="Mo", location="Leeds"),
        make_learner(db, "Bo", department="Ops", manager_name="Kim", location="York"),
        make_learner(db, "Cy", department="Sales", manager_name="Mo", location="York"),
    ]
    complete(db, course.id, people[0].id, date(2025, 11, 20))  # expiring by December
    today = date(2026, 11, 28)
    found, due = compliance.matrix_and_due(db, today, 30, **narrow)
    assert found == compliance.matrix(db, today, **narrow)
    assert due == compliance.due_rows(db, today, 30, department=narrow.get("department"))
    assert due
