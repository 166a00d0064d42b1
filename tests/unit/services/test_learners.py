"""The learner directory: validation, uniqueness and forgiving search."""

from __future__ import annotations

import pytest
from sqlalchemy import event

from iltdesk.domain.specs import LearnerSpec
from iltdesk.errors import ValidationError
from iltdesk.services import learners
from tests.fixtures.builders import make_learner


def test_email_is_unique_case_insensitively(db):
    make_learner(db, "Ann", "Lee", email="Ann.Lee@Example.com")
    with pytest.raises(ValidationError, match="already has the email"):
        make_learner(db, "Ann", "Lee", email="ann.lee@example.COM")


def test_employee_id_is_unique_when_present(db):
    make_learner(db, employee_id="007")
    make_learner(db)  # no ID: fine, twice
    make_learner(db)
    with pytest.raises(ValidationError, match="employee ID 007"):
        make_learner(db, employee_id="007")


def test_bad_email_and_missing_name_are_refused(db):
    with pytest.raises(ValidationError, match="not a valid email"):
        learners.create_learner(db, LearnerSpec("Ann", "Lee", "ann@@example"))
    with pytest.raises(ValidationError, match="first or last name"):
        learners.create_learner(db, LearnerSpec(" ", "", "x@example.com"))


def test_search_is_forgiving(db):
    make_learner(db, "Zoë", "Müller")
    make_learner(db, "Siobhán", "O’Brien")
    make_learner(db, "Sven", "Jensen", email="sven.j@example.com")
    names = lambda q: [r.last_name for r in learners.search_learners(db, q)]  # noqa: E731
    assert names("muller") == ["Müller"]
    assert names("MÜL") == ["Müller"]
    assert names("o'brien") == ["O’Brien"]
    assert names("zoe mull") == ["Müller"]
    assert names("sven.j@") == ["Jensen"]
    assert names("s") == ["Jensen", "O’Brien"]  # first names starting with s, sorted by last
    assert learners.count_learners(db, "s") == 2


def test_search_pages_in_sql(db):
    for n in range(25):
        make_learner(db, "Page", f"P{n:02d}")
    first = learners.search_learners(db, "page", limit=10)
    second = learners.search_learners(db, "page", limit=10, offset=10)
    assert [r.last_name for r in first] == [f"P{n:02d}" for n in range(10)]
    assert [r.last_name for r in second] == [f"P{n:02d}" for n in range(10, 20)]


@pytest.mark.sqlite_only  # the plan SQLite chooses; PostgreSQL's: bench/bench_server.py
def test_a_one_letter_search_walks_the_names_in_order(db):
    # "m" starts thousands of names: reading them all through the key indexes and sorting
    # them took 12 ms per keystroke on 50,000 learners; walking the name index stops at 200.
    for last in ["Mills", "Adams", "Moore", "Brown"]:
        make_learner(db, "Ann", last)
    sent = []

    def capture(_conn, _cursor, statement, parameters, *_args):
        sent.append((statement, parameters))

    event.listen(db.engine, "before_cursor_execute", capture)
    try:
        found = learners.search_learners(db, "m")
    finally:
        event.remove(db.engine, "before_cursor_execute", capture)
    assert [r.last_name for r in found] == ["Mills", "Moore"]
    statement, parameters = next(s for s in sent if "FROM learners" in s[0])
    with db.engine.connect() as conn:
        plan = " ".join(
            str(row[-1])
            for row in conn.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters)
        )
    assert "ix_learners_sort_key" in plan
    assert "TEMP B-TREE" not in plan


def test_update_learner_records_what_changed(db):
    learner = make_learner(db, "Ann", "Lee")
    spec = LearnerSpec("Ann", "Lee-Smith", learner.email, department="Finance")
    updated = learners.update_learner(db, learner.id, spec).value
    assert updated.last_name == "Lee-Smith"
    assert updated.department == "Finance"
    assert [r.id for r in learners.search_learners(db, "lee smith")] == [learner.id]


def test_history_and_merge_keep_everything(db):
    from datetime import date

    from iltdesk.services import enrollment
    from tests.fixtures.builders import day_spec
    from tests.fixtures.builders import make_course
    from tests.fixtures.builders import make_session

    course = make_course(db)
    a = make_session(
        db, course.id, days=(day_spec(date(2026, 1, 5), "09:00", "10:00", "UTC"),), zone="UTC"
    )
    b = make_session(
        db, course.id, days=(day_spec(date(2026, 2, 5), "09:00", "10:00", "UTC"),), zone="UTC"
    )
    keep = make_learner(db, "Zoë", "Müller", email="zoe@example.com")
    dup = make_learner(
        db, "Zoe", "Muller", email="z.muller@example.com", employee_id="042", department="Finance"
    )
    enrollment.enroll_learner(db, a.id, keep.id)
    enrollment.enroll_learner(db, b.id, dup.id)
    merged = learners.merge_learners(db, keep.id, dup.id).value
    assert merged.employee_id == "042"
    assert merged.department == "Finance"
    history = learners.learner_history(db, keep.id)
    assert [h.session_id for h in history] == [b.id, a.id]  # newest first
    assert [r.id for r in learners.search_learners(db, "muller")] == [keep.id]
    with pytest.raises(ValidationError, match="already merged"):
        learners.merge_learners(db, keep.id, dup.id)
    # The duplicate's email is free again.
    make_learner(db, "New", "Person", email="z.muller@example.com")


def test_merge_refuses_two_places_on_one_session(db):
    from iltdesk.services import enrollment
    from tests.fixtures.builders import make_session

    session = make_session(db)
    a, b = make_learner(db), make_learner(db)
    enrollment.enroll_learner(db, session.id, a.id)
    enrollment.enroll_learner(db, session.id, b.id)
    with pytest.raises(ValidationError, match="same session"):
        learners.merge_learners(db, a.id, b.id)


def test_merge_moves_requirement_lists_exemptions_and_interest(db):
    """The duplicate's compliance records stayed on the merged-away record (hidden): the kept
    learner lost their place on an explicit requirement's list, their exemption (shown
    overdue instead) and their place on an interest list."""
    from datetime import date

    from iltdesk.domain.compliance import RequirementSpec
    from iltdesk.domain.enums import ComplianceState
    from iltdesk.services import compliance
    from iltdesk.services import compliance_actions
    from iltdesk.services import interest
    from iltdesk.services import requirements
    from tests.fixtures.builders import make_course

    course = make_course(db)
    listed = requirements.create_requirement(
        db, RequirementSpec("Ladder licence", (course.id,), within_days=0, explicit=True)
    ).value
    both_listed = requirements.create_requirement(
        db, RequirementSpec("Harness check", (course.id,), within_days=0, explicit=True)
    ).value
    keep = make_learner(db, "Zoë", "Müller", email="zoe@example.com")
    dup = make_learner(db, "Zoe", "Muller", email="z.muller@example.com")
    requirements.set_members(db, listed.id, [dup.id], date(2026, 1, 10))
    requirements.set_members(db, both_listed.id, [keep.id], date(2026, 3, 1))
    requirements.set_members(db, both_listed.id, [dup.id], date(2026, 2, 1))
    requirements.exempt(db, listed.id, dup.id, "Works from home", "Maria")
    compliance_actions.add_to_interest(db, course.id, [dup.id], note="asked in January")
    compliance_actions.add_to_interest(db, course.id, [keep.id])

    learners.merge_learners(db, keep.id, dup.id)

    def members(requirement_id: int) -> list[tuple[int, date]]:
        return [(m[0], m[3]) for m in requirements.list_members(db, requirement_id)]

    assert members(listed.id) == [(keep.id, date(2026, 1, 10))]
    assert members(both_listed.id) == [(keep.id, date(2026, 2, 1))]  # the earlier date
    found = compliance.matrix(db, date(2026, 12, 2), requirement_ids=[listed.id])
    assert [p.id for p in found.learners] == [keep.id]
    assert found.cell(0, keep.id).state is ComplianceState.EXEMPT
    waiting = interest.interest_list(db, course.id)
    assert [(w.learner_id, w.note) for w in waiting] == [(keep.id, "asked in January")]
    # The audit entry names what moved: the duplicate's wait, not the kept learner's own.
    import json

    from sqlalchemy import select

    from iltdesk.db.entities import AuditEntry

    with db.reading() as tx:
        detail = tx.scalar(select(AuditEntry.detail).where(AuditEntry.action == "merge"))
    assert json.loads(detail)["interest"] == [waiting[0].entry_id]
