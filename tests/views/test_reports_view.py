"""The Reports screen and the home dashboard, driven as a coordinator would."""

from __future__ import annotations

import threading
from datetime import UTC
from datetime import date
from datetime import datetime
from datetime import timedelta

import pytest
from openpyxl import load_workbook
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHeaderView

from iltdesk.domain.attention import AttentionKind
from iltdesk.domain.attention import Target
from iltdesk.domain.enums import AttendanceStatus
from iltdesk.domain.enums import MessageKind
from iltdesk.domain.reporting import GroupBy
from iltdesk.domain.reporting import ReportFilters
from iltdesk.domain.reporting import ReportName
from iltdesk.models.dashboard import AttentionListModel
from iltdesk.models.dashboard import WeekTableModel
from iltdesk.models.reports import ReportTableModel
from iltdesk.services import certificates
from iltdesk.services import enrollment
from iltdesk.services import lifecycle
from iltdesk.services import outbox
from iltdesk.services.attendance import MarkSpec
from iltdesk.services.attendance import record_marks
from iltdesk.services.reports import build_report
from iltdesk.views.main_window import MainWindow
from tests.fixtures import report_org
from tests.fixtures.builders import day_spec
from tests.fixtures.builders import make_course
from tests.fixtures.builders import make_learner
from tests.fixtures.builders import make_room
from tests.fixtures.builders import make_session
from tests.fixtures.report_org import NOW
from tests.fixtures.ui import open_session_window
from tests.fixtures.ui import window_shown


def wait_for_tasks(qtbot, page):
    qtbot.waitUntil(lambda: page.tasks.wait_for_done(50) or True, timeout=5000)
    page.tasks.wait_for_done()
    qtbot.wait(20)


@pytest.fixture
def org(db):
    return report_org.build(db)


def test_report_models_pass_the_model_tester(qtmodeltester, db, org):
    table = build_report(db, ReportName.ATTENDANCE, ReportFilters(*report_org.YEAR), now=NOW)
    model = ReportTableModel()
    model.set_table(table)
    qtmodeltester.check(model)
    assert model.rowCount() == len(table.rows) + 1  # the totals pinned last
    model.sort(table.column("enrolled"), Qt.SortOrder.DescendingOrder)
    assert model.index(0, 0).data() == "FS-101"
    assert model.index(model.rowCount() - 1, 0).data() == "Total"
    model.show_only([1])
    qtmodeltester.check(model)
    assert model.rowCount() == 2
    week = WeekTableModel()
    from iltdesk.services import scheduling

    week.set_rows(scheduling.list_sessions(db))
    qtmodeltester.check(week)
    attention = AttentionListModel()
    from iltdesk.services import dashboard

    attention.set_rows(dashboard.needs_attention(db, now=NOW))
    qtmodeltester.check(attention)


def test_reports_screen_shows_filters_charts_and_exports(qtbot, ctx, org, tmp_path, monkeypatch):
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    with qtbot.waitActive(window):
        window.show()
        window.activateWindow()
    qtbot.keyClick(window, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)
    page = window.pages["reports"]
    assert window.stack.currentWidget() is page
    page.start.edit.setText("2026-01-01")
    page.end.edit.setText("2026-05-31")
    assert page.period.currentData() == "custom"  # typing a date makes the period custom
    page.refresh()
    wait_for_tasks(qtbot, page)
    qtbot.waitUntil(lambda: bool(page.current and page.current.rows), timeout=5000)
    table = page.current
    assert table.name is ReportName.ATTENDANCE
    codes = [page.model.index(r, 0).data() for r in range(page.model.rowCount())]
    assert codes == ["DP-110", "FS-101", "Total"]
    places = table.column("enrolled")
    assert page.model.index(2, places).data() == "9"
    assert "Completed: attended at least" in page.definitions.text()
    # The chart's bars are the table's rows: clicking one shows the rows behind it.
    assert page.chart.data is not None
    assert [c for c, _cur in page.chart.data.categories] == ["DP-110", "FS-101"]
    page.chart.bar_clicked.emit(page.chart.rows_of_bar(1))
    assert [page.model.index(r, 0).data() for r in range(page.model.rowCount())] == [
        "FS-101",
        "Total",
    ]
    assert page.show_all_button.isVisibleTo(page)
    qtbot.mouseClick(page.show_all_button, Qt.MouseButton.LeftButton)
    assert page.model.rowCount() == 3
    # Group by department.
    page.group.setCurrentIndex(page.group.findData(GroupBy.DEPARTMENT))
    page.refresh()
    wait_for_tasks(qtbot, page)
    qtbot.waitUntil(lambda: page.current.group_by is GroupBy.DEPARTMENT, timeout=5000)
    departments = {page.model.index(r, 0).data() for r in range(page.model.rowCount())}
    assert {"Sales", "Operations", "(no department)", "Total"} <= departments
    # Export through the menu's action (the save dialog answers with a path).
    target = tmp_path / "attendance.xlsx"
    from PySide6.QtWidgets import QFileDialog

    from iltdesk.documents import report_files
    from iltdesk.documents import report_pdf
    from iltdesk.views.dialogs import document_preview
    from tests.fixtures.ui import threads_calling

    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    written_on = threads_calling(monkeypatch, report_files, "build_report_workbook")
    page.export_actions["xlsx"].trigger()
    qtbot.waitUntil(lambda: "Written to" in page.state.text(), timeout=10_000)
    assert written_on
    assert threading.main_thread() not in written_on  # openpyxl, off the GUI thread
    sheet = load_workbook(target)["Report"]
    values = [row[0].value for row in sheet.iter_rows()]
    assert "Sales" in values
    assert "Total" in values
    # Print: the PDF is drawn off the GUI thread, then previewed.
    drawn_on = threads_calling(monkeypatch, report_pdf, "build_report_pdf")
    previewed = []
    monkeypatch.setattr(document_preview, "show_pdf", lambda *args: previewed.append(args))
    qtbot.mouseClick(page.print_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(previewed), timeout=10_000)
    assert previewed[0][2].startswith(b"%PDF")
    assert threading.main_thread() not in drawn_on


def test_refreshing_now_takes_the_place_of_a_changes_pending_refresh(
    qtbot, ctx, org, tmp_path, monkeypatch
):
    """A filter change refreshes 150 ms later; refreshing at once computes it only once, so a
    late second result cannot replace what the screen said since ("Written to …")."""
    from iltdesk.services import reports as reports_service
    from iltdesk.views import reports_view

    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.show()
    window.show_screen("reports")
    page = window.pages["reports"]
    wait_for_tasks(qtbot, page)
    qtbot.waitUntil(lambda: page.current is not None, timeout=5000)
    computed = []
    build = reports_service.build_report

    def counting(*args, **kwargs):
        computed.append(args[1])
        return build(*args, **kwargs)

    monkeypatch.setattr(reports_view.reports, "build_report", counting)
    page.group.setCurrentIndex(page.group.findData(GroupBy.DEPARTMENT))  # starts the timer
    page.refresh()
    wait_for_tasks(qtbot, page)
    qtbot.waitUntil(lambda: page.current.group_by is GroupBy.DEPARTMENT, timeout=5000)
    page.state.setText("Written to attendance.xlsx.")
    qtbot.wait(400)  # well past the change's 150 ms
    wait_for_tasks(qtbot, page)
    assert len(computed) == 1
    assert page.state.text() == "Written to attendance.xlsx."


def test_transcript_from_the_learners_screen(qtbot, ctx, org):
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    learners = window.show_screen("learners")
    learners.search.setText("ann@example.com")
    learners.apply_filter()
    learners.table.selectRow(0)
    qtbot.mouseClick(learners.transcript_button, Qt.MouseButton.LeftButton)
    page = window.pages["reports"]
    assert window.stack.currentWidget() is page
    assert page.report_name() is ReportName.TRANSCRIPT
    page.period.setCurrentIndex(page.period.findData("all-time"))
    page.refresh()
    wait_for_tasks(qtbot, page)
    qtbot.waitUntil(
        lambda: page.current is not None and page.current.name is ReportName.TRANSCRIPT,
        timeout=5000,
    )
    assert "ann@example.com" in page.summary.text()
    assert page.model.rowCount() == 5  # four sessions and the totals


def test_cost_lines_in_the_session_window_feed_the_cost_report(qtbot, ctx, org):
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    dialog = open_session_window(qtbot, window, org.sessions["S3"])
    panel = dialog.costs
    assert panel.editor.table.rowCount() == 1  # the platform licence
    row = panel.editor.add_line()
    panel.editor.table.cellWidget(row, 2).setText("1.234,50")
    assert panel.save_button.isEnabled()
    assert panel.save()
    assert "1,284.50" in panel.editor.summary.text()  # 50 + 1,234.50
    panel.editor.table.cellWidget(row, 2).setText("lots")
    assert not panel.save()
    assert "not an amount of money" in panel.error.text()


def test_dashboard_items_come_and_go_with_their_cause(qtbot, ctx):
    """Attendance missing → all marked → completed without certificates → issued → emailed."""
    course = make_course(ctx.db, title="Ladder Safety")
    yesterday = datetime.now(UTC).date() - timedelta(days=2)
    session = make_session(
        ctx.db,
        course.id,
        days=(day_spec(yesterday, "09:00", "12:00", "Europe/London"),),
        capacity=3,
    )
    ann = make_learner(ctx.db, "Ann", "Lee", email="ann@example.com")
    place = enrollment.enroll_learner(ctx.db, session.id, ann.id).value.row.enrollment_id
    ctx.prefs.set("default_timezone", "Europe/London")
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    home = window.pages["home"]
    assert window.stack.currentWidget() is home  # the first screen

    def kinds():
        home.refresh()
        wait_for_tasks(qtbot, home)
        qtbot.wait(50)
        return [i.kind for i in home.items() if i.target_id in (session.id, None)]

    assert AttentionKind.ATTENDANCE in kinds()
    assert window.nav.item(0).text().startswith("Home (")
    # The link opens the session on its attendance grid.
    home.attention.setCurrentIndex(home.attention_model.index(0, 0))
    home.open_attention()
    qtbot.waitUntil(lambda: window_shown(window, session.id))
    dialog = window.sessions.detail(session.id)
    assert dialog.tabs.currentIndex() == 1
    dialog.close()
    ctx.apply(
        record_marks(
            ctx.db, session.id, [MarkSpec(place, session.days[0].id, AttendanceStatus.PRESENT)]
        )
    )
    assert kinds() == [AttentionKind.NOT_COMPLETED]
    ctx.apply(lifecycle.complete_session(ctx.db, session.id))
    assert kinds() == [AttentionKind.CERTIFICATES]
    assert "without a certificate" in home.items()[0].text
    ctx.apply(certificates.issue_certificates(ctx.db, session.id))
    assert kinds() == [AttentionKind.CERTIFICATES]
    assert "not emailed yet" in home.items()[0].text
    outbox.queue(ctx.db, outbox.compose(ctx.db, MessageKind.CERTIFICATE, session.id).drafts)
    ctx.announce(outbox_changes())
    assert kinds() == []
    assert home.all_clear.isVisibleTo(home)
    assert window.nav.item(0).text() == "Home"


def test_the_home_screen_reads_once_when_refreshed_while_a_change_waits(qtbot, ctx, monkeypatch):
    """A change refreshes the home screen 300 ms later; refreshing at once takes its place."""
    from iltdesk.domain.changes import Changes
    from iltdesk.domain.changes import Entity
    from iltdesk.services import dashboard

    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.show()
    home = window.pages["home"]
    qtbot.waitUntil(lambda: "(" in home.attention_box.title(), timeout=5000)  # first reading
    home.tasks.wait_for_done()
    read = []
    overview = dashboard.overview

    def counting(*args, **kwargs):
        read.append(True)
        return overview(*args, **kwargs)

    monkeypatch.setattr(dashboard, "overview", counting)
    ctx.announce(Changes.of(Entity.SESSION, 1))  # starts the 300 ms wait
    home.refresh()
    qtbot.wait(600)  # well past the change's 300 ms
    home.tasks.wait_for_done()
    assert read == [True]


def test_dashboard_keeps_every_column_and_sentence_in_view_on_a_small_screen(qtbot, ctx):
    """Made wide, then narrowed to a small laptop's width: no column off to the right, and
    every wrapped line of every item still shown (its height follows the new width)."""
    today = datetime.now(UTC).date()
    room = make_room(ctx.db, name="Manchester — Training Suite 3 (second floor)")
    for n in range(3):
        course = make_course(ctx.db, title=f"Managing Difficult Conversations at Work {n}")
        make_session(
            ctx.db,
            course.id,
            days=(day_spec(today, f"{9 + n:02d}:00", f"{10 + n:02d}:00", "Europe/London"),),
            room_id=room.id,
            allow_clashes=True,
        )
        make_session(  # not started yet and nobody enrolled: an item for each
            ctx.db,
            course.id,
            days=(day_spec(today + timedelta(days=20), "09:00", "17:00", "Europe/London"),),
        )
    ctx.prefs.set("default_timezone", "Europe/London")
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    home = window.pages["home"]
    window.resize(1900, 1000)
    window.show()
    wait_for_tasks(qtbot, home)
    qtbot.waitUntil(lambda: home.week_model.rowCount() == 3 and bool(home.items()))
    window.resize(1024, 700)
    qtbot.waitUntil(lambda: window.width() == 1024)
    qtbot.wait(50)
    week = home.week
    assert week.horizontalHeader().length() <= week.viewport().width()  # "Where" is in view
    two_lines = 2 * week.fontMetrics().lineSpacing()
    for row in range(home.week_model.rowCount()):
        assert week.rowHeight(row) >= two_lines  # the day over its times
        course = home.week_model.index(row, 1)
        assert course.data(Qt.ItemDataRole.ToolTipRole) == course.data()  # whole, if cut short
    for row in range(home.attention_model.rowCount()):
        assert home.attention.rowHeight(row) >= home.attention.sizeHintForRow(row), row
    assert home.attention.alternatingRowColors()  # where one wrapped item ends, the next starts


def test_the_weeks_columns_fit_their_texts_without_asking_every_cell(qtbot, ctx, monkeypatch):
    """Sized by Qt as the rows arrived, the week's table asked its model about every role of
    every cell (8 ms of a busy week's first paint); its columns are as wide now."""
    today = datetime.now(UTC).date()
    for n in range(6):
        course = make_course(ctx.db, title=f"Course {'with a long title ' * (n % 3)}{n}")
        make_session(
            ctx.db,
            course.id,
            days=tuple(
                day_spec(today + timedelta(days=d), "09:00", "17:00", "Europe/London")
                for d in range(1 + n % 2)
            ),
            allow_clashes=True,
        )
    ctx.prefs.set("default_timezone", "Europe/London")
    asked = []
    data = WeekTableModel.data

    def counting(self, index, role=Qt.ItemDataRole.DisplayRole):
        asked.append(role)
        return data(self, index, role)

    monkeypatch.setattr(WeekTableModel, "data", counting)
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    home = window.pages["home"]
    arrived = home._arrived
    asked_on_arrival = []

    def arriving(generation, found):
        asked.clear()
        arrived(generation, found)  # the rows set, the table shown and laid out
        asked_on_arrival.append(len(asked))

    home._arrived = arriving
    window.resize(1400, 800)
    window.show()
    qtbot.waitUntil(lambda: home.week_model.rowCount() == 6)
    # Three columns fitted: each row's text, then the widest three cells through the delegate
    # (before: every role of every cell, twice: 288 questions).
    assert asked_on_arrival[0] <= 3 * 6 + 3 * 3 * 10
    fitted = [home.week.columnWidth(c) for c in (0, 2, 3)]
    home.week.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    assert [home.week.columnWidth(c) for c in (0, 2, 3)] == fitted  # as Qt would size them


def outbox_changes():
    from iltdesk.domain.changes import Changes
    from iltdesk.domain.changes import Entity

    return Changes.of(Entity.OUTBOX, 0)


def test_dashboard_targets_open_the_place_to_fix(qtbot, ctx, org):
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    assert window.open_target(Target.OUTBOX, None) is window.pages["outbox"]
    sessions = window.open_target(Target.COURSE_SESSIONS, org.forklift)
    assert sessions.course.currentData() == org.forklift
    assert window.open_target(Target.CERTIFICATES, org.sessions["S1"]) is None  # reading
    qtbot.waitUntil(lambda: window_shown(window, org.sessions["S1"]))
    dialog = window.sessions.detail(org.sessions["S1"])
    assert "Email › Certificates" in dialog.email_note.text()
    # Asked again, the open window comes forward and is pointed at the place to fix.
    dialog.email_note.clear()
    window.open_target(Target.ATTENDANCE, org.sessions["S1"])
    assert dialog.tabs.currentIndex() == 1


def test_view_menu_shortcuts(qtbot, ctx):
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    shortcuts = {
        a.text(): [k.toString() for k in a.shortcuts()] for a in window.screen_actions.values()
    }
    assert shortcuts["Home"] == ["Ctrl+1"]
    assert shortcuts["Reports"] == ["Ctrl+7", "Ctrl+R"]
    window.screen_actions["outbox"].trigger()
    assert window.stack.currentWidget() is window.pages["outbox"]
    window.screen_actions["home"].trigger()
    assert window.stack.currentWidget() is window.pages["home"]


def test_reports_screen_in_german_has_no_untranslated_labels(qtbot, ctx, org, german):
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    page = window.show_screen("reports")
    titles = [page.list.item(i).text() for i in range(page.list.count())]
    assert titles[0] == "Anwesenheit und Abschluss"
    assert date  # the module's imports stay used


def test_the_first_screen_is_read_while_the_window_is_built(qtbot, db, tmp_path, monkeypatch):
    """As `iltdesk` starts (`app.run_gui`): the home screen's reading is under way before the
    window is built, and the home screen shows it, without reading again, once wired up."""
    from iltdesk import app
    from iltdesk.services import dashboard
    from iltdesk.settings import Preferences
    from iltdesk.views import main_window

    course = make_course(db, title="Ladder Safety")
    today = datetime.now(UTC).date()
    make_session(db, course.id, days=(day_spec(today, "09:00", "12:00", "Europe/London"),))
    prefs = Preferences(tmp_path / "prefs.json")
    prefs.set("default_timezone", "Europe/London")
    events: list[str] = []
    overview, build = dashboard.overview, main_window.MainWindow.__init__

    def reading(*args, **kwargs):
        events.append("read")
        return overview(*args, **kwargs)

    def building(self, ctx):
        events.append("window")
        build(self, ctx)

    monkeypatch.setattr(dashboard, "overview", reading)
    monkeypatch.setattr(main_window.MainWindow, "__init__", building)
    first = app.start_first_reading(db, prefs)
    assert first.wait(5)  # read before the window exists
    window = app.open_window(db, prefs, first)
    qtbot.addWidget(window)
    home = window.pages["home"]
    qtbot.waitUntil(lambda: home.week_model.rowCount() == 1, timeout=5000)
    assert events == ["read", "window"]  # the home screen took it over
    assert window.ctx.first_reading is None  # once: the next refresh reads afresh
    assert "Ladder Safety" in home.week_model.index(0, 1).data()
    assert window.nav.item(0).text().startswith("Home")  # its count reached the sidebar
    home.refresh()
    qtbot.waitUntil(lambda: events.count("read") == 2, timeout=5000)


def test_the_course_editor_works_out_cost_per_learner_off_the_gui_thread(
    qtbot, ctx, org, monkeypatch
):
    """The Costs tab says what a place cost over the last 12 months, from the cost report: the
    report's first run held the window 76 ms on 2,000 sessions when the dialog opened; on a
    worker while the dialog was built, it held the interpreter ~60 ms. Now it runs when the
    tab is first shown."""
    from iltdesk.services import catalogue
    from iltdesk.services import reports
    from iltdesk.views.dialogs.course_editor import CourseEditorDialog
    from tests.fixtures.ui import threads_calling

    course = next(c for c in catalogue.list_courses(ctx.db) if c.code == "FS-101")
    built_on = threads_calling(monkeypatch, reports, "build_report")
    dialog = CourseEditorDialog(None, ctx, course)
    qtbot.addWidget(dialog)
    label = dialog.cost_per_learner
    qtbot.wait(50)
    assert built_on == []  # nothing worked out for a tab not looked at
    dialog.tabs.setCurrentWidget(dialog.costs_page)
    qtbot.waitUntil(lambda: label.text().startswith("Cost per learner"), timeout=10_000)
    assert "(7 places)" in label.text()
    assert built_on
    assert threading.main_thread() not in built_on


def test_a_chart_of_many_bars_names_every_bar(qtbot):
    """Slanted at 40 degrees, the first and last of twelve course codes reached past the
    chart's edge and Qt left them out: CS-210 and SL-220 were unnamed on the Reports screen."""
    from PySide6.QtWidgets import QGraphicsItem

    from iltdesk.domain.reporting import ChartData
    from iltdesk.domain.reporting import ChartSeries
    from iltdesk.domain.reporting import ColumnKind
    from iltdesk.views.report_chart import ReportChart

    codes = ["CS-210", *(f"XY-{n}" for n in range(211, 221)), "SL-220"]
    values = tuple(float(10 + n) for n in range(12))
    chart = ReportChart()
    qtbot.addWidget(chart)
    chart.resize(690, 190)  # as on the Reports screen at 1,100 px, the legend beside it
    chart.set_data(
        ChartData(
            ColumnKind.TEXT,
            tuple((code, "") for code in codes),
            tuple(
                ChartSeries(key, key.title(), values)
                for key in ("places", "present", "completed", "no-shows")
            ),
            tuple((n,) for n in range(12)),
        )
    )
    chart.show()
    qtbot.waitExposed(chart)
    qtbot.wait(50)
    # QtCharts draws each axis label as an item of its own (a type PySide cannot name): those
    # under the plot are the bars' names.
    bottom = chart.chart.plotArea().bottom()
    names = [
        item
        for item in chart.view.scene().items()
        if type(item) is QGraphicsItem
        and item.isVisible()
        and item.sceneBoundingRect().top() >= bottom - 1
    ]
    assert len(names) == len(codes)  # before: the first (and on the screen the last) left out
