"""The facilitator guide reads back with objectives, clock times per day and materials."""

from __future__ import annotations

import io
from datetime import UTC
from datetime import date
from datetime import datetime

from pypdf import PdfReader

from iltdesk.documents.guide import build_guide_pdf
from iltdesk.domain.enums import ActivityType
from iltdesk.domain.enums import Audience
from iltdesk.domain.enums import MaterialKind
from iltdesk.domain.specs import AgendaItemSpec
from iltdesk.services import catalogue
from iltdesk.services import printing
from iltdesk.services.material_store import MaterialStore
from tests.fixtures.builders import day_spec
from tests.fixtures.builders import make_course
from tests.fixtures.builders import make_session


def test_guide_lays_the_agenda_on_each_day(db, tmp_path):
    course = make_course(db, title="First Aid", objectives=("Assess a scene", "Give CPR"))
    catalogue.set_agenda(
        db,
        course.id,
        [
            AgendaItemSpec("Welcome", 20, ActivityType.DISCUSSION, 0, "Name tents & <coffee>"),
            AgendaItemSpec("CPR practice", 40, ActivityType.EXERCISE, 1),
        ],
    )
    source = tmp_path / "slides.pptx"
    source.write_bytes(b"deck")
    catalogue.add_material(
        db,
        MaterialStore(tmp_path / "m"),
        course.id,
        source,
        "Slides",
        MaterialKind.SLIDES,
        Audience.FACILITATOR,
    )
    days = (
        day_spec(date(2026, 3, 26), "09:00", "12:00", "Europe/London"),
        day_spec(date(2026, 3, 30), "09:00", "12:00", "Europe/London"),
    )  # BST from 29th
    session = make_session(db, course.id, days=days)
    guide = printing.facilitator_guide(
        db, session.id, organisation="Acme", now=datetime(2026, 3, 1, tzinfo=UTC)
    )
    text = " ".join(
        " ".join(p.extract_text().split())
        for p in PdfReader(io.BytesIO(build_guide_pdf(guide))).pages
    )
    assert "Assess a scene" in text
    assert "Give CPR" in text
    assert "Day 1 · Thursday, 26 March 2026 · 09:00–12:00 GMT" in text
    assert "Day 2 · Monday, 30 March 2026 · 09:00–12:00 BST" in text
    assert text.count("09:20–10:00") == 2  # the clock runs per day, in local time
    assert "Time (GMT)" in text  # each day's table names the clock its times are on
    assert "Time (BST)" in text
    assert "Name tents & <coffee>" in text
    assert "Slides — Slides — slides.pptx (v1)" in text
    assert "0 enrolled" in text


def test_a_block_across_a_clock_change_says_its_own_zone(db):
    course = make_course(db, title="Night Shift Safety")
    catalogue.set_agenda(
        db,
        course.id,
        [
            AgendaItemSpec("Welcome", 60, ActivityType.PRESENTATION, None),
            AgendaItemSpec("Walk-round", 60, ActivityType.DEMONSTRATION, None),
        ],
    )
    # The night the clocks in London go forward: 00:30 GMT is followed by 02:30 BST.
    days = (day_spec(date(2027, 3, 28), "00:30", "03:30", "Europe/London"),)
    session = make_session(db, course.id, days=days)
    guide = printing.facilitator_guide(
        db, session.id, organisation="Acme", now=datetime(2027, 3, 1, tzinfo=UTC)
    )
    assert guide.days[0].zone == "GMT"
    assert [i.clock for i in guide.days[0].items] == ["00:30 GMT–02:30 BST", "02:30–03:30 BST"]
