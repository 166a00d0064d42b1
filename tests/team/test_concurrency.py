"""Two coordinators at once, as two real processes meeting at a barrier, round after round.

Each scenario runs 20 rounds. Nothing may end over capacity, with two learners on one waitlist
place, or with one coordinator's change silently overwriting the other's; the loser of a race
gets a sentence (a `UserError`), never "Something went wrong".
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import func
from sqlalchemy import select

from iltdesk.db.entities import Enrollment
from iltdesk.domain.enums import SEAT_HOLDING
from iltdesk.domain.enums import AttendanceStatus
from iltdesk.domain.enums import EnrollmentStatus
from iltdesk.services import attendance
from iltdesk.services import catalogue
from iltdesk.services import enrollment
from iltdesk.services.attendance import MarkSpec
from tests.fixtures.builders import make_course
from tests.fixtures.builders import make_learner
from tests.fixtures.builders import make_session

pytestmark = [pytest.mark.postgres_only, pytest.mark.slow]

ROUNDS = 20


def _course_spec(row: Any, **changes: Any) -> Any:
    from dataclasses import replace

    return replace(catalogue.spec_for_row(row), **changes)


def _enrol(db: Any, who: int, job: Any) -> Any:
    session_id, learners = job
    return enrollment.enroll_learner(db, session_id, learners[who]).value.row.waitlist_position


def _edit_course(db: Any, who: int, job: Any) -> Any:
    seen = catalogue.get_course(db, job)  # the form opens, before the barrier
    change = {"title": "Renamed by A"} if who == 0 else {"description": "Described by B"}
    return seen, _course_spec(seen, **change)


def _mark(db: Any, who: int, job: Any) -> Any:
    session_id, enrollment_id, day_id, seen = job
    status = AttendanceStatus.PRESENT if who == 0 else AttendanceStatus.ABSENT
    attendance.record_marks(
        db, session_id, [MarkSpec(enrollment_id, day_id, status, seen_version=seen)]
    )
    return status.value


def _worker(url: str, scenario: str, jobs: list[Any], barrier: Any, results: Any, who: int) -> None:
    from iltdesk.db.engine import database_url
    from iltdesk.db.opening import open_database
    from iltdesk.errors import UserError

    db = open_database(database_url(url), startup_backup=False)
    db.actor = f"coordinator-{who}"
    try:
        for number, job in enumerate(jobs):
            prepared = None
            if scenario == "course":
                prepared = _edit_course(db, who, job)
            barrier.wait(timeout=60)
            try:
                if scenario == "course":
                    assert prepared is not None
                    seen, spec = prepared
                    catalogue.update_course(db, job, spec, seen=seen)
                    value: Any = "saved"
                else:
                    value = SCENARIOS[scenario](db, who, job)
                results.put((number, who, "ok", value))
            except UserError as error:
                results.put((number, who, type(error).__name__, str(error)))
            except Exception as error:  # a bug: what the user would see as "Something went wrong"
                results.put((number, who, "BUG", repr(error)))
    finally:
        db.close()


SCENARIOS: dict[str, Callable[[Any, int, Any], Any]] = {"enrol": _enrol, "mark": _mark}


def _race(url: str, scenario: str, jobs: list[Any]) -> dict[int, dict[int, tuple[str, Any]]]:
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(2)
    results = context.Queue()
    workers = [
        context.Process(target=_worker, args=(url, scenario, jobs, barrier, results, who))
        for who in (0, 1)
    ]
    for worker in workers:
        worker.start()
    outcome: dict[int, dict[int, tuple[str, Any]]] = {}
    for _ in range(2 * len(jobs)):
        number, who, kind, value = results.get(timeout=120)
        outcome.setdefault(number, {})[who] = (kind, value)
    for worker in workers:
        worker.join(timeout=60)
        assert worker.exitcode == 0
    return outcome


def _url(db: Any) -> str:
    return str(db.url.render_as_string(hide_password=False))


def test_two_coordinators_taking_the_last_seat_never_overbook(db):
    jobs = []
    for _ in range(ROUNDS):
        session = make_session(db, capacity=2)
        enrollment.enroll_learner(db, session.id, make_learner(db).id)
        jobs.append((session.id, (make_learner(db).id, make_learner(db).id)))
    outcome = _race(_url(db), "enrol", jobs)
    for number, (session_id, _learners) in enumerate(jobs):
        kinds = sorted(kind for kind, _value in outcome[number].values())
        assert kinds == ["ok", "ok"], outcome[number]
        positions = sorted((v for _k, v in outcome[number].values()), key=lambda p: p or 0)
        assert positions == [None, 1]  # one seat taken, one first on the waitlist
        with db.transaction() as tx:
            seated = tx.scalar(
                select(func.count()).where(
                    Enrollment.session_id == session_id, Enrollment.status.in_(SEAT_HOLDING)
                )
            )
        assert seated == 2


def test_two_joining_a_full_session_get_different_waitlist_places(db):
    jobs = []
    for _ in range(ROUNDS):
        session = make_session(db, capacity=1)
        enrollment.enroll_learner(db, session.id, make_learner(db).id)
        jobs.append((session.id, (make_learner(db).id, make_learner(db).id)))
    outcome = _race(_url(db), "enrol", jobs)
    for number, (session_id, _learners) in enumerate(jobs):
        assert sorted(v for _k, v in outcome[number].values()) == [1, 2]
        with db.transaction() as tx:
            places = tx.scalars(
                select(Enrollment.waitlist_position).where(
                    Enrollment.session_id == session_id,
                    Enrollment.status == EnrollmentStatus.WAITLISTED,
                )
            ).all()
        assert sorted(places) == [1, 2]


def test_a_stale_course_edit_is_refused_never_silently_overwritten(db):
    jobs = [make_course(db, title=f"Original {n}").id for n in range(ROUNDS)]
    outcome = _race(_url(db), "course", jobs)
    for number, course_id in enumerate(jobs):
        results = outcome[number]
        kinds = sorted(kind for kind, _value in results.values())
        assert kinds == ["StaleEditError", "ok"], results
        loser = next(v for k, v in results.values() if k == "StaleEditError")
        assert "since you opened it" in loser
        stored = catalogue.get_course(db, course_id)
        # Whoever won, the other's field was not written over with what it saw.
        if results[0][0] == "ok":
            assert (stored.title, stored.description) == ("Renamed by A", "")
        else:
            assert stored.title == f"Original {number}"
            assert stored.description == "Described by B"


def _one_learner_sessions(db: Any) -> list[tuple[int, int, int]]:
    cells = []
    for _ in range(ROUNDS):
        session = make_session(db)
        placed = enrollment.enroll_learner(db, session.id, make_learner(db).id).value.row
        cells.append((session.id, placed.enrollment_id, session.days[0].id))
    return cells


def test_two_first_marks_on_one_cell_give_one_mark_and_one_sentence(db):
    cells = _one_learner_sessions(db)
    outcome = _race(_url(db), "mark", [(*cell, 0) for cell in cells])
    for number, (session_id, _enrollment_id, _day_id) in enumerate(cells):
        results = outcome[number]
        kinds = sorted(kind for kind, _value in results.values())
        assert kinds == ["StaleEditError", "ok"], results
        winner = next(v for k, v in results.values() if k == "ok")
        marks = attendance.marks_for_session(db, session_id)
        assert [m.status.value for m in marks] == [winner]


def test_a_stale_attendance_mark_is_refused(db):
    cells = _one_learner_sessions(db)
    jobs = []
    for session_id, enrollment_id, day_id in cells:
        attendance.record_marks(
            db, session_id, [MarkSpec(enrollment_id, day_id, AttendanceStatus.LATE)]
        )
        seen = attendance.marks_for_session(db, session_id)[0].version
        jobs.append((session_id, enrollment_id, day_id, seen))
    outcome = _race(_url(db), "mark", jobs)
    for number, (session_id, *_rest) in enumerate(jobs):
        results = outcome[number]
        kinds = sorted(kind for kind, _value in results.values())
        assert kinds == ["StaleEditError", "ok"], results
        winner = next(v for k, v in results.values() if k == "ok")
        assert [m.status.value for m in attendance.marks_for_session(db, session_id)] == [winner]
