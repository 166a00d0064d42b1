"""Train-the-trainer: co-facilitations and an observation counted, then the trainee qualifies."""

from __future__ import annotations

from datetime import date

import pytest

from iltdesk.domain.enums import InstructorRole
from iltdesk.errors import ValidationError
from iltdesk.services import lifecycle
from iltdesk.services import people
from iltdesk.services import train_the_trainer
from tests.fixtures.builders import day_spec
from tests.fixtures.builders import make_course
from tests.fixtures.builders import make_instructor
from tests.fixtures.builders import make_session

ZONE = "Europe/London"


def held(db, course_id, day, *instructors):
    return make_session(
        db,
        course_id,
        days=(day_spec(day, "09:00", "12:00", ZONE),),
        zone=ZONE,
        instructors=instructors,
    )


def test_a_trainee_counts_towards_qualifying(db):
    course = make_course(db, code="CO-101", title="Coaching Basics")
    rosa = make_instructor(db, "Rosa Díaz", courses=(course.id,))
    tess = make_instructor(db, "Tess Trainee")
    lead = (rosa.id, InstructorRole.LEAD)
    held(db, course.id, date(2026, 3, 2), lead, (tess.id, InstructorRole.OBSERVER))
    held(db, course.id, date(2026, 4, 6), lead, (tess.id, InstructorRole.CO_FACILITATOR))
    upcoming = held(db, course.id, date(2027, 5, 3), lead, (tess.id, InstructorRole.CO_FACILITATOR))
    cancelled = held(
        db, course.id, date(2026, 5, 4), lead, (tess.id, InstructorRole.CO_FACILITATOR)
    )
    lifecycle.cancel_session(db, cancelled.id, "Room flooded")
    (progress,) = train_the_trainer.progress(db, tess.id)
    assert (progress.course, progress.co_facilitated, progress.observed) == (
        "CO-101 Coaching Basics",
        1,
        1,
    )
    assert not progress.ready  # two co-facilitations by default; the upcoming one not yet
    assert upcoming.id
    train_the_trainer.set_requirement(db, course.id, 1, 1)
    (progress,) = train_the_trainer.progress(db, tess.id)
    assert progress.ready
    train_the_trainer.qualify(db, tess.id, course.id, on=date(2026, 4, 7))
    assert train_the_trainer.progress(db, tess.id) == []
    assert course.id in people.get_instructor(db, tess.id).qualified_course_ids
    with pytest.raises(ValidationError):
        train_the_trainer.set_requirement(db, course.id, 0, 0)


def test_an_observer_is_not_warned_about_qualification(db):
    from iltdesk.services import scheduling

    course = make_course(db)
    rosa = make_instructor(db, "Rosa Díaz", courses=(course.id,))
    tess = make_instructor(db, "Tess Trainee")
    session = held(
        db,
        course.id,
        date(2027, 5, 3),
        (rosa.id, InstructorRole.LEAD),
        (tess.id, InstructorRole.OBSERVER),
    )
    with db.reading() as tx:
        from iltdesk.services.clashes import qualification_warnings

        spec = scheduling.spec_for_row(scheduling.get_session(db, session.id))
        assert qualification_warnings(tx, spec) == []
