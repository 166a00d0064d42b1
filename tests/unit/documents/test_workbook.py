"""Attendance workbooks read back with openpyxl; a filled grid round-trips into attendance."""

from __future__ import annotations

from datetime import date
from datetime import datetime

import pytest
from openpyxl import load_workbook

from iltdesk.documents.files import write_atomic
from iltdesk.documents.workbook import GRID_MARKER
from iltdesk.documents.workbook import build_workbook
from iltdesk.documents.workbook import read_returned_grids
from iltdesk.domain.enums import AttendanceStatus
from iltdesk.domain.enums import EnrollmentStatus
from iltdesk.errors import UserError
from iltdesk.services import attendance
from iltdesk.services import enrollment
from iltdesk.services import workbooks
from iltdesk.services.attendance import MarkSpec
from tests.fixtures.builders import day_spec
from tests.fixtures.builders import make_course
from tests.fixtures.builders import make_learner
from tests.fixtures.builders import make_session


@pytest.fixture
def session(db):
    course = make_course(db, title="Excel for Analysts")
    days = (
        day_spec(date(2026, 5, 4), "09:00", "17:00", "Europe/Berlin"),
        day_spec(date(2026, 5, 5), "09:00", "12:00", "Europe/Berlin"),
    )
    row = make_session(db, course.id, days=days, zone="Europe/Berlin")
    for first, last, dept in [
        ("Ann", "Adams", "Finance"),
        ("Bob", '=HYPERLINK("x")', "IT"),
        ("Cleo", "+Plus", "@Ops"),
    ]:
        enrollment.enroll_learner(db, row.id, make_learner(db, first, last, department=dept).id)
    ann = next(r for r in enrollment.roster(db, row.id) if r.last_name == "Adams")
    attendance.record_marks(
        db, row.id, [MarkSpec(ann.enrollment_id, row.days[0].id, AttendanceStatus.PRESENT)]
    )
    return row


def export(db, tmp_path, session_ids):
    path = tmp_path / "attendance.xlsx"
    write_atomic(path, build_workbook(workbooks.attendance_workbook(db, session_ids)))
    return path


def flat_rows(book):
    flat = book["Attendance"]
    headings = [c.value for c in flat[1]]
    return [
        dict(zip(headings, r, strict=True)) for r in flat.iter_rows(min_row=2, values_only=True)
    ]


def test_flat_sheet_types_filter_and_no_formulas(db, tmp_path, session):
    book = load_workbook(export(db, tmp_path, [session.id]))
    flat = book["Attendance"]
    assert flat.freeze_panes == "A2"
    # The filter spans the hidden id columns, so sorting by it moves them with their rows.
    assert flat.auto_filter.ref == "A1:R7"
    assert flat.column_dimensions["Q"].hidden
    assert flat.column_dimensions["R"].hidden
    assert [c.value for c in flat[1]][:7] == [
        "Session",
        "Course",
        "Date",
        "Start",
        "End",
        "Time zone",
        "Duration (min)",
    ]
    rows = flat_rows(book)
    assert len(rows) == 6  # 3 learners × 2 days
    first = next(r for r in rows if r["Learner"] == "Adams, Ann")
    assert isinstance(first["Date"], datetime | date)
    assert isinstance(first["Start"], datetime)
    assert first["Start"].hour == 9  # local start
    assert first["Time zone"] == "Europe/Berlin (CEST)"
    assert first["Duration (min)"] == 480  # minutes as a number
    assert first["Status"] == "Present"
    assert first["Minutes attended"] == 480
    for row in flat.iter_rows(min_row=2):
        for cell in row:
            assert cell.data_type != "f", cell.coordinate
    names = {r["Learner"] for r in rows}
    assert '=HYPERLINK("x"), Bob' in names
    assert "+Plus, Cleo" in names


def test_minutes_are_the_minutes_the_completion_rule_counted(db, tmp_path, session):
    from iltdesk.services import certificates

    ann = next(r for r in enrollment.roster(db, session.id) if r.last_name == "Adams")
    late = MarkSpec(ann.enrollment_id, session.days[1].id, AttendanceStatus.LATE)  # no minutes
    assert attendance.record_marks(db, session.id, [late]).value[ann.enrollment_id] is (
        EnrollmentStatus.COMPLETED
    )
    issued = certificates.issue_certificates(db, session.id).value
    rows = [
        r
        for r in flat_rows(load_workbook(export(db, tmp_path, [session.id])))
        if r["Learner"] == "Adams, Ann"
    ]
    assert [r["Minutes attended"] for r in rows] == [480, 180]  # late counts, as for completion
    assert {r["Completion"] for r in rows} == {"Completed"}
    assert {r["Certificate"] for r in rows} == {issued[0].code}


def test_workbook_prints_one_page_wide_landscape_with_repeated_headings(db, tmp_path, session):
    book = load_workbook(export(db, tmp_path, [session.id]))
    for sheet in book.worksheets:
        if sheet.sheet_state == "veryHidden":  # the marks as exported: never shown or printed
            continue
        assert sheet.page_setup.fitToWidth == 1
        assert sheet.page_setup.fitToHeight == 0
        assert sheet.sheet_properties.pageSetUpPr.fitToPage is True
        assert sheet.print_title_rows
    flat = book["Attendance"]
    assert flat.page_setup.orientation == "landscape"
    assert flat.print_title_rows == "$1:$1"
    for cell in flat[1]:
        if flat.column_dimensions[cell.column_letter].hidden:
            continue
        width = flat.column_dimensions[cell.column_letter].width
        assert width >= len(cell.value), cell.value
    # The grid prints its learners and days; its title, too long for those columns, prints
    # whole in the page header, and the session id it keeps is not shown.
    grid = next(s for s in book.worksheets if s["A1"].value == GRID_MARKER)
    assert grid.print_area == f"'{grid.title}'!$B$3:$E$6"
    assert grid.oddHeader.left.text == grid["C1"].value
    assert grid["C1"].value == (
        "Excel for Analysts · 4 May 2026, 09:00–17:00 CEST; 5 May 2026, 09:00–12:00 CEST"
    )
    assert grid["B1"].number_format == ";;;"


def test_summary_formulas_reference_the_attendance_sheet(db, tmp_path, session):
    book = load_workbook(export(db, tmp_path, [session.id]))
    summary = book["Summary"]
    assert summary["B2"].value == "=COUNTIFS(Attendance!$A$2:$A$7,A2)"
    assert summary["C2"].value.startswith(
        '=COUNTIFS(Attendance!$A$2:$A$7,A2,Attendance!$K$2:$K$7,"Present")'
    )
    assert summary["D2"].value == "=IF(B2=0,0,C2/B2)"
    departments = [summary.cell(row=r, column=1).value for r in range(5, 8)]
    assert departments == ["@Ops", "Finance", "IT"]
    assert summary.cell(row=5, column=1).data_type == "s"


def test_grid_has_drop_downs_and_round_trips(db, tmp_path, session):
    path = export(db, tmp_path, [session.id])
    book = load_workbook(path)
    grid = next(s for s in book.worksheets if s["A1"].value == GRID_MARKER)
    assert grid.data_validations.dataValidation[0].formula1 == (
        '"Present,Late,Left early,Absent,Excused"'
    )
    row_of = {grid.cell(row=r, column=2).value: r for r in range(4, 7)}
    ann, bob, cleo = row_of["Adams, Ann"], row_of['=HYPERLINK("x"), Bob'], row_of["+Plus, Cleo"]
    assert grid.cell(row=ann, column=4).value == "Present"
    # The trainer fills in the rest, adds a stranger and types something odd.
    grid.cell(row=ann, column=5, value="Late")
    grid.cell(row=bob, column=4, value="absent")
    grid.cell(row=bob, column=5, value="Anwesend")  # German label
    grid.cell(row=cleo, column=4, value="P")
    grid.cell(row=cleo, column=5, value="Maybe")
    grid["A7"] = 999999
    grid["B7"] = "Stranger, Sam"
    grid["D7"] = "Present"
    grid["F4"] = "Present"  # a column with no day
    book.save(path)

    plan = workbooks.plan_attendance_import(db, read_returned_grids(path))
    assert plan.unchanged == 1  # D4 already Present
    changed = {(c.learner, c.new) for c in plan.changes}
    assert changed == {
        ("Adams, Ann", "Late"),
        ('=HYPERLINK("x"), Bob', "Absent"),
        ('=HYPERLINK("x"), Bob', "Present"),
        ("+Plus, Cleo", "Present"),
    }
    problems = " ".join(plan.problems)
    assert "“Maybe” is not an attendance status" in problems
    assert "Stranger, Sam is not on this session's roster" in problems
    assert "a day this session does not have" in problems
    workbooks.apply_attendance_import(db, plan)
    roster = {r.last_name: r for r in enrollment.roster(db, session.id)}
    assert roster["Adams"].status is EnrollmentStatus.COMPLETED
    marks = attendance.marks_for_session(db, session.id)
    assert len(marks) == 5
    # Importing the same workbook again changes nothing.
    again = workbooks.plan_attendance_import(db, read_returned_grids(path))
    assert again.changes == ()
    assert again.unchanged == 5


def test_unreadable_files_get_a_sentence(tmp_path):
    junk = tmp_path / "notes.xlsx"
    junk.write_text("not a workbook")
    with pytest.raises(UserError, match="not an Excel workbook"):
        read_returned_grids(junk)
    with pytest.raises(UserError, match="does not exist"):
        read_returned_grids(tmp_path / "missing.xlsx")
    from openpyxl import Workbook

    plain = tmp_path / "plain.xlsx"
    Workbook().save(plain)
    with pytest.raises(UserError, match="no attendance grid"):
        read_returned_grids(plain)


def grid_of(book):
    return next(s for s in book.worksheets if s["A1"].value == GRID_MARKER)


def rows_by_learner(grid):
    return {grid.cell(row=r, column=2).value: r for r in range(4, grid.max_row + 1)}


def test_workbook_opens_on_the_grid_with_one_tab_selected(db, tmp_path, session):
    book = load_workbook(export(db, tmp_path, [session.id]))
    assert book.active is grid_of(book)
    assert [s.title for s in book.worksheets if s.sheet_view.tabSelected] == [book.active.title]
    kept = [s for s in book.worksheets if s.sheet_state != "visible"]
    assert [s.sheet_state for s in kept] == ["veryHidden"]


def test_a_mark_changed_in_the_app_after_the_export_is_not_overwritten(db, tmp_path, session):
    path = export(db, tmp_path, [session.id])  # Ann's first day exported as Present
    ann, bob = (
        next(r for r in enrollment.roster(db, session.id) if r.last_name == name)
        for name in ("Adams", '=HYPERLINK("x")')
    )
    first = session.days[0].id
    attendance.record_marks(db, session.id, [MarkSpec(ann.enrollment_id, first, "absent")])
    book = load_workbook(path)
    grid = grid_of(book)
    row_of = rows_by_learner(grid)
    grid.cell(row=row_of['=HYPERLINK("x"), Bob'], column=4, value="Present")  # Ann's untouched
    book.save(path)

    plan = workbooks.plan_attendance_import(db, read_returned_grids(path))
    assert [(c.enrollment_id, c.new) for c in plan.changes] == [(bob.enrollment_id, "Present")]
    assert len(plan.problems) == 1
    assert (
        "Adams, Ann was marked Absent in ILT Desk after this workbook was exported"
        in (plan.problems[0])
    )
    assert "older “Present” was left out" in plan.problems[0]

    # Both changed, differently: the app's mark stands and the workbook's is named.
    grid.cell(row=row_of["Adams, Ann"], column=4, value="Late")
    book.save(path)
    plan = workbooks.plan_attendance_import(db, read_returned_grids(path))
    assert [c.enrollment_id for c in plan.changes] == [bob.enrollment_id]
    assert "“Late” in the workbook; left as Absent" in " ".join(plan.problems)


def test_a_status_typed_on_the_sorted_flat_sheet_is_read_back(db, tmp_path, session):
    path = export(db, tmp_path, [session.id])
    book = load_workbook(path)
    flat = book["Attendance"]
    # The trainer sorts the sheet (last row first) and types on it rather than on the grid.
    rows = [[c.value for c in row] for row in flat.iter_rows(min_row=2)]
    for index, values in enumerate(reversed(rows), start=2):
        for column, value in enumerate(values, start=1):
            flat.cell(row=index, column=column).value = value  # value=None would not clear
    cleo_second = next(
        r
        for r in range(2, flat.max_row + 1)
        if flat.cell(row=r, column=8).value == "+Plus, Cleo"
        and flat.cell(row=r, column=18).value == session.days[1].id
    )
    flat.cell(row=cleo_second, column=11, value="late")
    book.save(path)

    plan = workbooks.plan_attendance_import(db, read_returned_grids(path))
    assert [(c.learner, c.day_label, c.new) for c in plan.changes] == [
        ("+Plus, Cleo", "5 May 2026", "Late")
    ]
    assert plan.unchanged == 1  # Ann's Present, on both sheets, counted once
    assert plan.problems == ()

    # The grid says otherwise for the same learner and day: neither is taken.
    grid = grid_of(book)
    cleo = rows_by_learner(grid)["+Plus, Cleo"]
    grid.cell(row=cleo, column=5, value="Absent")
    book.save(path)
    plan = workbooks.plan_attendance_import(db, read_returned_grids(path))
    assert plan.changes == ()
    (problem,) = plan.problems
    assert problem.startswith("sheet “Attendance”, row 4: +Plus, Cleo is “late” here and ")
    assert f"“Absent” on sheet “{grid.title}”, row {cleo}; left out" in problem
