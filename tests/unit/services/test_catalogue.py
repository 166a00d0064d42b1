"""Courses, objectives, agenda, materials, rooms and instructors."""

from __future__ import annotations

from dataclasses import replace

import pytest

from iltdesk.domain.enums import ActivityType
from iltdesk.domain.enums import Audience
from iltdesk.domain.enums import MaterialKind
from iltdesk.domain.specs import AgendaItemSpec
from iltdesk.domain.specs import CourseSpec
from iltdesk.domain.specs import InstructorSpec
from iltdesk.domain.specs import RoomSpec
from iltdesk.errors import UserError
from iltdesk.errors import ValidationError
from iltdesk.services import catalogue
from iltdesk.services import people
from iltdesk.services.material_store import MaterialStore
from tests.fixtures.builders import make_course


def test_create_edit_archive_and_search_courses(db):
    spec = CourseSpec(
        "FS-101",
        "Forklift Safety",
        objectives=("Inspect", "Operate"),
        currency="gbp",
    )
    course = catalogue.create_course(db, spec).value
    assert course.objectives == ("Inspect", "Operate")
    assert course.currency == "GBP"
    with pytest.raises(ValidationError, match="already uses the code FS-101"):
        catalogue.create_course(db, CourseSpec("FS-101", "Another"))
    edited = catalogue.update_course(
        db,
        course.id,
        CourseSpec(
            "FS-101",
            "Forklift Safety (Counterbalance)",
            objectives=("Inspect", "Operate", "Respond"),
        ),
    ).value
    assert edited.objectives == ("Inspect", "Operate", "Respond")
    assert [c.code for c in catalogue.list_courses(db, "counterbal")] == ["FS-101"]
    assert [c.code for c in catalogue.list_courses(db, "fs-1")] == ["FS-101"]
    catalogue.set_course_archived(db, course.id, True)
    assert catalogue.list_courses(db) == []
    assert len(catalogue.list_courses(db, include_archived=True)) == 1


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("code", " ", "code"),
        ("title", "", "title"),
        ("default_minutes", 0, "duration"),
        ("completion_threshold", 120, "percentage"),
        ("certificate_validity_months", 0, "month"),
    ],
)
def test_course_validation_messages(db, field, value, message):
    values = {"code": "X-1", "title": "X", field: value}
    with pytest.raises(ValidationError, match=message):
        catalogue.create_course(db, CourseSpec(**values))


def test_agenda_is_ordered_and_links_objectives(db):
    course = make_course(db, objectives=("First", "Second"))
    items = [
        AgendaItemSpec("Intro", 15, ActivityType.PRESENTATION, objective_index=0),
        AgendaItemSpec("Practice", 45, ActivityType.EXERCISE, objective_index=1),
        AgendaItemSpec("Break", 15, ActivityType.BREAK),
    ]
    rows = catalogue.set_agenda(db, course.id, items).value
    assert [(r.position, r.title, r.objective_index) for r in rows] == [
        (0, "Intro", 0),
        (1, "Practice", 1),
        (2, "Break", None),
    ]
    assert catalogue.get_agenda(db, course.id) == rows
    with pytest.raises(ValidationError, match="at least one minute"):
        catalogue.set_agenda(db, course.id, [AgendaItemSpec("Zero", 0, ActivityType.POLL)])
    with pytest.raises(ValidationError, match="objective that does not exist"):
        catalogue.set_agenda(db, course.id, [AgendaItemSpec("X", 5, ActivityType.POLL, 7)])
    assert len(catalogue.get_agenda(db, course.id)) == 3  # failed edits changed nothing


def test_materials_are_stored_by_content_and_versioned(db, tmp_path):
    store = MaterialStore(tmp_path / "materials")
    course = make_course(db)
    source = tmp_path / "guide.pdf"
    source.write_bytes(b"%PDF-1.4 version one")
    added = catalogue.add_material(
        db,
        store,
        course.id,
        source,
        "Facilitator guide",
        MaterialKind.FACILITATOR_GUIDE,
        Audience.FACILITATOR,
    ).value
    assert store.path_for(added.sha256).read_bytes() == b"%PDF-1.4 version one"
    source.write_bytes(b"%PDF-1.4 version two")
    replaced = catalogue.replace_material(db, store, added.id, source).value
    assert replaced.version == 2
    assert replaced.sha256 != added.sha256
    assert store.path_for(added.sha256).exists()  # the old version stays for the history
    catalogue.remove_material(db, added.id)
    assert catalogue.list_materials(db, course.id) == []


def test_unreadable_material_gives_a_sentence(db, tmp_path):
    course = make_course(db)
    with pytest.raises(UserError, match="could not be read"):
        catalogue.add_material(
            db,
            MaterialStore(tmp_path),
            course.id,
            tmp_path / "missing.pptx",
            "Slides",
            MaterialKind.SLIDES,
            Audience.FACILITATOR,
        )


def test_rooms_and_instructors(db):
    room = people.save_room(db, RoomSpec("Suite 3", "40 Spring Gardens", 16)).value
    with pytest.raises(ValidationError, match="already a room"):
        people.save_room(db, RoomSpec("Suite 3"))
    people.save_room(db, RoomSpec("Suite 3", capacity=18), room.id)
    assert [r.capacity for r in people.list_rooms(db)] == [18]
    course = make_course(db)
    trainer = people.save_instructor(
        db, InstructorSpec("Jürgen Weiß", qualified_course_ids=frozenset({course.id}))
    ).value
    assert trainer.qualified_course_ids == {course.id}
    assert [i.name for i in people.list_instructors(db, "jurgen weiss")] == ["Jürgen Weiß"]
    people.save_instructor(db, InstructorSpec("Jürgen Weiß"), trainer.id)
    assert people.get_instructor(db, trainer.id).qualified_course_ids == frozenset()


def test_instructor_load_counts_upcoming_sessions_and_this_months_hours(db):
    from datetime import UTC
    from datetime import date
    from datetime import datetime

    from iltdesk.domain.enums import InstructorRole
    from tests.fixtures.builders import day_spec
    from tests.fixtures.builders import make_instructor
    from tests.fixtures.builders import make_session

    course = make_course(db)
    trainer = make_instructor(db, courses=(course.id,))
    lead = ((trainer.id, InstructorRole.LEAD),)
    make_session(
        db,
        course.id,
        zone="UTC",
        instructors=lead,
        days=(
            day_spec(date(2026, 3, 2), "09:00", "12:00", "UTC"),
            day_spec(date(2026, 3, 3), "09:00", "11:00", "UTC"),
        ),
    )
    make_session(
        db,
        course.id,
        zone="UTC",
        instructors=lead,
        days=(day_spec(date(2026, 4, 2), "09:00", "12:00", "UTC"),),
    )
    load = people.instructor_load(db, trainer.id, now=datetime(2026, 3, 2, 12, tzinfo=UTC))
    # 2 March is over at noon: 3 hours taught; 3 March still to come: 2 hours scheduled.
    assert load.minutes_taught == 180
    assert load.minutes_scheduled == 120
    assert len(load.upcoming) == 2


def test_a_course_is_saved_with_its_agenda_and_costs_or_not_at_all(db):
    """The course editor's Save: one transaction for details, agenda and default costs."""
    from decimal import Decimal

    from iltdesk.domain.costs import CostLineSpec
    from iltdesk.domain.enums import CostBasis
    from iltdesk.domain.enums import CostCategory
    from iltdesk.services import costs

    course = make_course(db, title="Forklift Safety")
    spec = replace(catalogue.spec_for_row(course), title="Forklift Safety (2027)")
    agenda = [AgendaItemSpec("Welcome", 15, ActivityType.PRESENTATION, None)]
    room = CostLineSpec(CostCategory.ROOM, CostBasis.PER_SESSION, Decimal("300"), "EUR")
    odd = CostLineSpec(CostCategory.ROOM, CostBasis.PER_SESSION, Decimal("300"), "EUR", "", 1)
    with pytest.raises(ValidationError, match="Only an instructor fee"):
        catalogue.save_course(db, course.id, spec, agenda, [room, odd], seen=course)
    assert catalogue.get_course(db, course.id).title == "Forklift Safety"
    assert catalogue.get_agenda(db, course.id) == []
    assert costs.course_costs(db, course.id) == []
    saved = catalogue.save_course(db, course.id, spec, agenda, [room], seen=course)
    assert saved.value.title == "Forklift Safety (2027)"
    assert [i.title for i in catalogue.get_agenda(db, course.id)] == ["Welcome"]
    assert [line.amount for line in costs.course_costs(db, course.id)] == [Decimal("300.00")]
    new = catalogue.save_course(
        db, None, replace(spec, code="FS-102", title="Forklift Refresher"), agenda, [room]
    ).value
    assert [i.title for i in catalogue.get_agenda(db, new.id)] == ["Welcome"]
