"""Every item model passes qtmodeltester; roster and attendance cell by cell."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import Qt

from iltdesk.domain.enums import AttendanceStatus
from iltdesk.domain.rows import AttendanceMarkRow
from iltdesk.models.attendance import AttendanceTableModel
from iltdesk.models.base import ROW_ROLE
from iltdesk.models.base import Column
from iltdesk.models.base import RowTableModel
from iltdesk.models.learners import PAGE_SIZE
from iltdesk.models.learners import LearnersTableModel
from iltdesk.models.tables import CoursesTableModel
from iltdesk.models.tables import InstructorsTableModel
from iltdesk.models.tables import RoomsTableModel
from iltdesk.models.tables import RosterTableModel
from iltdesk.models.tables import SessionsTableModel
from iltdesk.services import catalogue
from iltdesk.services import enrollment
from iltdesk.services import learners
from iltdesk.services import people
from iltdesk.services import scheduling
from iltdesk.services.demo import DemoSize
from iltdesk.services.demo import load_demo
from tests.fixtures.builders import day_spec
from tests.fixtures.builders import make_course
from tests.fixtures.builders import make_learner
from tests.fixtures.builders import make_session

D = Qt.ItemDataRole.DisplayRole
TODAY = date(2026, 11, 28)


@pytest.fixture
def demo(db):
    load_demo(db, DemoSize(learners=450, sessions=20), today=TODAY)
    return db


def _filled(model, rows):
    model.set_rows(rows)
    return model


def _history(db):
    from iltdesk.models.history import HistoryTableModel
    from iltdesk.services import audit

    course = catalogue.list_courses(db)[0]
    catalogue.set_course_archived(db, course.id, True)  # something the trail records
    return _filled(HistoryTableModel("Europe/London"), audit.history(db))


def _week(db):
    from iltdesk.models.dashboard import WeekTableModel

    model = WeekTableModel()
    model.today = TODAY
    return _filled(model, scheduling.list_sessions(db)[:8])


def _attention(db):
    from iltdesk.models.dashboard import AttentionListModel
    from iltdesk.services import dashboard

    return _filled(AttentionListModel(), dashboard.needs_attention(db))


def _compliance(db):
    from iltdesk.models.compliance import ComplianceTableModel
    from iltdesk.services import compliance

    model = ComplianceTableModel()
    model.set_matrix(compliance.matrix(db, TODAY))
    return model


def _due(db):
    from iltdesk.models.compliance import DueTableModel
    from iltdesk.services import compliance

    return _filled(DueTableModel(), compliance.due_rows(db, TODAY, 90))


def _register(db):
    from iltdesk.models.compliance import RegisterTableModel
    from iltdesk.services import register

    return _filled(RegisterTableModel(), register.register_rows(db, TODAY))


MODELS = {
    "courses": lambda db: _filled(CoursesTableModel(), catalogue.list_courses(db)),
    "sessions": lambda db: _filled(SessionsTableModel(), scheduling.list_sessions(db)),
    "instructors": lambda db: _filled(InstructorsTableModel(), people.list_instructors(db)),
    "rooms": lambda db: _filled(RoomsTableModel(), people.list_rooms(db)),
    "roster": lambda db: _filled(RosterTableModel(), enrollment.roster(db, 3)),
    "history": _history,
    "week": _week,
    "attention": _attention,
    "compliance": _compliance,
    "due": _due,
    "register": _register,
}


@pytest.mark.parametrize("name", MODELS)
def test_every_model_passes_the_model_tester(model_validator, demo, name):
    shown = model_validator(MODELS[name](demo))
    assert shown  # the demo gives every model rows to show
    assert all(len(row) == len(shown[0]) for row in shown)


def test_learners_model_pages_and_filters(qtmodeltester, demo):
    def source(text, limit, offset):
        return learners.search_learners(demo, text, limit=limit, offset=offset)

    model = LearnersTableModel(source)
    assert model.rowCount() == PAGE_SIZE
    assert model.canFetchMore()
    model.fetchMore()
    assert model.rowCount() == 2 * PAGE_SIZE
    model.fetchMore()
    assert model.rowCount() == 450
    assert not model.canFetchMore()
    qtmodeltester.check(model)
    model.set_filter("muller")
    assert model.rowCount() > 0
    assert all("Müller" in model.data(model.index(r, 0)) for r in range(model.rowCount()))
    qtmodeltester.check(model)


def test_roster_model_cells(db):
    session = make_session(db, capacity=1)
    enrollment.enroll_learner(db, session.id, make_learner(db, "Zoë", "Müller").id)
    enrollment.enroll_learner(db, session.id, make_learner(db, "Ann", "Abbot").id)
    model = RosterTableModel()
    model.set_rows(enrollment.roster(db, session.id))
    cells = [
        [model.data(model.index(r, c)) for c in range(3)] + [model.data(model.index(r, 3))]
        for r in range(model.rowCount())
    ]
    assert cells[0][0] == "Müller, Zoë"
    assert cells[0][3] == "Enrolled"
    assert cells[1][0] == "Abbot, Ann"
    assert cells[1][3] == "Waitlist #1"
    assert model.data(model.index(0, 0), ROW_ROLE).first_name == "Zoë"
    assert model.headerData(3, Qt.Orientation.Horizontal) == "Status"


def test_attendance_model_cells_and_completion(qtmodeltester, db):
    course = make_course(db, completion_threshold=80)
    days = (
        day_spec(date(2026, 2, 2), "09:00", "17:00", "Europe/London"),
        day_spec(date(2026, 2, 3), "09:00", "17:00", "Europe/London"),
    )
    session = make_session(db, course.id, days=days)
    for name in ("Brown", "Adams"):
        enrollment.enroll_learner(db, session.id, make_learner(db, "A", name).id)
    roster = enrollment.roster(db, session.id)
    model = AttendanceTableModel()
    model.load(roster, list(session.days), session.timezone, [], 80)
    qtmodeltester.check(model)
    assert model.columnCount() == 4
    assert model.headerData(1, Qt.Orientation.Horizontal).startswith("Day 1")
    assert model.data(model.index(0, 0)) == "Adams, A"
    eid = roster[0].enrollment_id
    d1, d2 = session.days
    model.set_mark(eid, d1.id, AttendanceMarkRow(eid, d1.id, AttendanceStatus.PRESENT, None, ""))
    assert model.data(model.index(0, 1)) == "P"
    assert model.data(model.index(0, 3)) == ""  # one day still open
    model.set_mark(eid, d2.id, AttendanceMarkRow(eid, d2.id, AttendanceStatus.LATE, 300, ""))
    assert model.data(model.index(0, 2)) == "L"
    assert model.data(model.index(0, 2), Qt.ItemDataRole.ToolTipRole) == "Late — 300 min"
    assert model.data(model.index(0, 3)) == "Completed"  # 780 / 960 = 81 %
    model.set_mark(eid, d2.id, AttendanceMarkRow(eid, d2.id, AttendanceStatus.ABSENT, None, ""))
    assert model.data(model.index(0, 3)) == "Incomplete"
    qtmodeltester.check(model)


def test_sorting_happens_in_the_model_and_keeps_selection(qtmodeltester, demo):
    from PySide6.QtCore import QPersistentModelIndex

    model = SessionsTableModel()
    model.set_rows(scheduling.list_sessions(demo))
    qtmodeltester.check(model)
    chosen = model.row_at(5)
    keep = QPersistentModelIndex(model.index(5, 1))
    model.sort(SessionsTableModel.SEATS, Qt.SortOrder.DescendingOrder)
    seats = [model.row_at(r).enrolled for r in range(model.rowCount())]
    assert seats == sorted(seats, reverse=True)
    assert model.data(model.index(keep.row(), 0), ROW_ROLE) is chosen
    model.sort(SessionsTableModel.WHEN)
    starts = [model.row_at(r).first_start for r in range(model.rowCount())]
    assert starts == sorted(starts)
    model.set_rows(list(reversed(model.rows())))  # a refresh keeps the chosen order
    assert [model.row_at(r).first_start for r in range(model.rowCount())] == starts
    qtmodeltester.check(model)


def test_week_model_texts_follow_a_replaced_or_reset_row(qtmodeltester, db):
    """The week's texts and bold "today" rows are worked out once per row, and again for a
    row that is replaced or a refresh that brings other rows (never shown stale)."""
    from dataclasses import replace

    from iltdesk.models.dashboard import WeekTableModel

    course = make_course(db, title="Ladder Safety")
    today = make_session(db, course.id, days=(day_spec(TODAY, "09:00", "12:00", "Europe/London"),))
    later = make_session(
        db, course.id, days=(day_spec(date(2026, 11, 30), "09:00", "12:00", "Europe/London"),)
    )
    model = WeekTableModel()
    model.today = TODAY
    model.set_rows([today, later])
    qtmodeltester.check(model)
    assert model.index(0, 1).data() == "Ladder Safety"
    assert model.index(0, 1).data(Qt.ItemDataRole.FontRole).bold()
    assert model.index(1, 1).data(Qt.ItemDataRole.FontRole) is None
    model.replace_row(0, replace(later, course_title="Scaffold Safety"))
    assert model.index(0, 1).data() == "Scaffold Safety"
    assert model.index(0, 1).data(Qt.ItemDataRole.FontRole) is None  # no longer today's
    model.set_rows([replace(today, course_title="Roof Safety")])
    assert model.index(0, 1).data() == "Roof Safety"
    assert model.index(0, 0).data(Qt.ItemDataRole.FontRole).bold()


def test_the_week_says_how_many_more_days_a_session_has(db):
    """ "(+1 days)" before: the count is in the singular where it is one."""
    from iltdesk.models.dashboard import WeekTableModel

    course = make_course(db)
    two, three = (
        make_session(
            db,
            course.id,
            days=tuple(
                day_spec(date(2026, 12, 1 + n), "09:00", "12:00", "Europe/London")
                for n in range(count)
            ),
        )
        for count in (2, 3)
    )
    model = WeekTableModel()
    model.set_rows([two, three])
    assert model.index(0, 0).data().endswith("GMT (+1 day)")
    assert model.index(1, 0).data().endswith("GMT (+2 days)")


def test_the_weeks_seats_say_who_is_waiting_in_german(db, german):
    """German conjugates: "1 wartet", "2 warten" ("1 warten" before)."""
    from dataclasses import replace

    from iltdesk.models.dashboard import WeekTableModel

    session = make_session(db)
    model = WeekTableModel()
    model.set_rows([replace(session, waitlisted=1), replace(session, waitlisted=2)])
    seats = [model.index(row, 3).data() for row in (0, 1)]
    assert seats == [
        f"0 von {session.capacity} · 1 wartet",
        f"0 von {session.capacity} · 2 warten",
    ]


class _Numbers(RowTableModel[tuple[int, str]]):
    columns = (Column(lambda: "Name", lambda r: r[1], sort=lambda r: r[0]),)


def test_a_big_table_sorts_on_a_worker_and_keeps_the_selection(qtmodeltester, monkeypatch):
    """Past BIG_TABLE rows a header click hands the sort to a worker: the rows stay put until
    it is done, Qt's second call for the same click starts no second sort, the selection
    follows its row, and a result for rows replaced meanwhile is dropped."""
    import threading

    from PySide6.QtCore import QPersistentModelIndex

    from iltdesk.models import base

    monkeypatch.setattr(base, "BIG_TABLE", 5)
    rows = [(n * 7 % 10, f"row {n * 7 % 10}") for n in range(10)]
    model = _Numbers()
    model.set_rows(rows)
    pending = []
    model.sort_off_thread(lambda work, done: pending.append((work, done)))
    chosen = QPersistentModelIndex(model.index(3, 0))
    assert chosen.data() == "row 1"

    model.sort(0, Qt.SortOrder.DescendingOrder)
    model.sort(0, Qt.SortOrder.DescendingOrder)  # Qt asks twice for one click
    assert len(pending) == 1
    assert [model.index(r, 0).data() for r in range(3)] == ["row 0", "row 7", "row 4"]
    work, done = pending.pop()
    result = []
    worker = threading.Thread(target=lambda: result.append(work()))
    worker.start()
    worker.join()
    done(result[0])
    assert [model.index(r, 0).data() for r in range(3)] == ["row 9", "row 8", "row 7"]
    assert chosen.row() == 8  # the selection moved with "row 1"
    assert chosen.data() == "row 1"
    qtmodeltester.check(model)

    # Two clicks whose sorts come back out of turn: the later click's order stands.
    model.sort(0, Qt.SortOrder.AscendingOrder)
    model.sort(0, Qt.SortOrder.DescendingOrder)
    (up_work, up_done), (down_work, down_done) = pending
    pending.clear()
    down_done(down_work())
    up_done(up_work())
    assert model.index(0, 0).data() == "row 9"
    # A row replaced while a sort is on its way: the sort's stale rows are not shown.
    model.sort(0, Qt.SortOrder.AscendingOrder)
    stale_work, stale_done = pending.pop()
    model.replace_row(0, (42, "row 42"))
    stale_done(stale_work())
    assert model.index(0, 0).data() == "row 42"

    model.sort(0, Qt.SortOrder.AscendingOrder)
    late_work, late_done = pending.pop()
    model.set_rows([(2, "new 2"), (1, "new 1")])  # a refresh before the sort came back
    late_done(late_work())
    assert [model.index(r, 0).data() for r in range(2)] == ["new 1", "new 2"]

    small = _Numbers()  # within BIG_TABLE rows: sorted at once, no worker
    small.sort_off_thread(lambda work, done: pending.append((work, done)))
    small.set_rows([(2, "b"), (1, "a")])
    small.sort(0, Qt.SortOrder.AscendingOrder)
    assert not pending
    assert small.index(0, 0).data() == "a"


def test_rows_handed_over_in_order_are_not_sorted_again(monkeypatch):
    model = _Numbers()
    model.sort(0, Qt.SortOrder.AscendingOrder)
    order = model.sort_order()
    rows = model.ordered([(3, "c"), (1, "a"), (2, "b")], order)  # as a worker would
    calls = []
    monkeypatch.setattr(model, "_sort_key", lambda column: calls.append(column))
    model.set_rows(rows, ordered_by=order)
    assert [model.index(r, 0).data() for r in range(3)] == ["a", "b", "c"]
    assert calls == []  # not sorted again on the GUI thread


def test_a_painted_table_asks_its_model_once_per_cell(qtbot):
    """Painting asked ~nine roles of each cell, one call into Python each; beside a worker
    running Python each call waited for the interpreter. Now one call a cell (`multiData`)."""
    import sys

    from PySide6.QtWidgets import QTableView

    calls = {"from Qt": 0, "within one call a cell": 0}

    class Counted(RowTableModel[tuple[int, str]]):
        columns = (
            Column(lambda: "Number", lambda row: str(row[0])),
            Column(lambda: "Name", lambda row: row[1]),
        )

        def data(self, index, role=Qt.ItemDataRole.DisplayRole):
            at_once = sys._getframe(1).f_code.co_name == "multiData"
            calls["within one call a cell" if at_once else "from Qt"] += 1
            return super().data(index, role)

    model = Counted()
    model.set_rows([(n, f"Learner {n}") for n in range(30)])
    view = QTableView()
    qtbot.addWidget(view)
    view.setModel(model)
    view.resize(400, 300)
    view.show()
    qtbot.waitExposed(view)
    calls.update({"from Qt": 0, "within one call a cell": 0})
    view.grab()  # paints the table as the screen would
    assert calls["from Qt"] == 0
    assert calls["within one call a cell"] >= 10 * 2 * 5  # 10 rows, 2 columns, several roles
