"""The whole window: navigation, first run, language, and change relay."""

from __future__ import annotations

from datetime import date
from datetime import timedelta

from PySide6.QtCore import QDate
from PySide6.QtCore import Qt

from iltdesk.services import scheduling
from iltdesk.services.demo import DemoSize
from iltdesk.services.demo import load_demo
from iltdesk.views.main_window import MainWindow
from tests.fixtures.ui import sessions_read


def test_first_run_offers_demo_data(qtbot, ctx, monkeypatch):
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    sessions_read(qtbot, window.sessions)
    assert window.sessions.stack.currentWidget() is window.sessions.empty
    assert "No sessions yet" in window.sessions.empty.text()

    from iltdesk.views import first_run

    monkeypatch.setattr(first_run, "ask_load_demo", lambda parent: True)
    first_run.offer_demo_if_empty(window)  # loaded off the GUI thread
    qtbot.waitUntil(lambda: window.courses.model.rowCount() == 12, timeout=20000)
    assert scheduling.list_sessions(ctx.db)
    window.sessions.when.setCurrentIndex(2)  # all
    sessions_read(qtbot, window.sessions)
    assert window.sessions.model.rowCount() == 360  # two and a half years of history
    assert window.sessions.stack.currentWidget() is window.sessions.table
    assert window.courses.model.rowCount() == 12  # refreshed through the change relay


def test_navigation_and_learner_search(qtbot, ctx):
    load_demo(ctx.db, DemoSize(learners=500, sessions=10), today=date(2026, 11, 28))
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.find_action.trigger()
    assert window.stack.currentWidget() is window.learners
    qtbot.keyClicks(window.learners.search, "muller")
    qtbot.waitUntil(lambda: window.learners.model.filter_text == "muller", timeout=2000)
    model = window.learners.model
    assert model.rowCount() > 0
    assert all("Müller" in model.data(model.index(r, 0)) for r in range(model.rowCount()))
    # The count follows from a worker; a stale count never overwrites a newer one.
    from iltdesk.services import learners as learner_service

    expected = f"{learner_service.count_learners(ctx.db, 'muller')} learners"
    qtbot.waitUntil(lambda: window.learners.count.text() == expected, timeout=5000)
    window.learners.table.selectRow(0)
    assert window.learners.history.rowCount() >= 0
    # Every screen in the sidebar has its icon (a missing file gives an empty one).
    assert all(not window.nav.item(i).icon().isNull() for i in range(window.nav.count()))


def test_window_in_german(qtbot, ctx, german):
    load_demo(ctx.db, DemoSize(learners=100, sessions=6), today=date(2026, 11, 28))
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    assert [window.nav.item(i).text().split(" (")[0] for i in range(window.nav.count())] == [
        "Übersicht",
        "Termine",
        "Kurse",
        "Teilnehmende",
        "Trainer",
        "Räume",
        "Berichte",
        "Pflichtschulungen",
        "Postausgang",
    ]
    assert window.menuBar().actions()[0].text() == "&Datei"
    window.sessions.when.setCurrentIndex(2)
    sessions_read(qtbot, window.sessions)
    first = window.sessions.model.index(0, 0).data()
    assert "." in first.split(",")[0]  # German date like "31.08.2026" or "1. Sept."
    model = window.sessions.model
    assert model.headerData(0, Qt.Orientation.Horizontal) == "Wann"


def test_a_small_laptop_screen_in_german_wastes_no_width(qtbot, ctx, german):
    """At 1,100 px the sidebar left a 36 px empty strip beside it (a list's size hint is
    256 px, its maximum 220) and the Courses toolbar squeezed the filter box to ~30 px."""
    from iltdesk.views.main_window import window_settings

    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.resize(1100, 700)
    window.show()
    window.show_screen("courses")
    qtbot.waitUntil(lambda: window.courses.isVisible())
    nav = window.nav
    assert window.splitter.sizes()[0] == nav.width()  # no strip beside the sidebar
    widest = max(nav.fontMetrics().horizontalAdvance(nav.item(i).text()) for i in range(9))
    assert nav.viewport().width() > widest + nav.iconSize().width()  # "Pflichtschulungen"
    page = window.courses
    assert page.filter.width() >= 12 * page.filter.fontMetrics().averageCharWidth()
    # The course's other settings: behind "More", and in the table's context menu.
    more = [a.text() for a in page.more_button.menu().actions()]
    assert more == ["Feedback-&Fragen…", "&Interessentenliste…", "Train-the-&Trainer…"]
    assert page.table.contextMenuPolicy() == Qt.ContextMenuPolicy.ActionsContextMenu
    assert [a.text() for a in page.table.actions()][1:] == more
    # A width kept by an older version is brought back within the sidebar's maximum.
    window.close()
    settings = window_settings()
    window.splitter.setSizes([300, 800])
    settings.setValue("window/splitter", window.splitter.saveState())
    settings.sync()
    again = MainWindow(ctx)
    qtbot.addWidget(again)
    assert again.splitter.sizes()[0] <= again.nav.maximumWidth()


def test_every_screen_fits_a_small_laptop_window_in_german(qtbot, ctx, german):
    """The Sessions, Compliance and Outbox screens' rows of filters and buttons held the
    window at least 1,133, 1,452 and 1,273 px wide in German: past a 1,100 px screen's edge."""
    from PySide6.QtWidgets import QLineEdit

    load_demo(ctx.db, DemoSize(learners=100, sessions=6), today=date(2026, 11, 28))
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.resize(1100, 700)
    window.show()
    for key in ("sessions", "courses", "learners", "instructors", "rooms", "reports"):
        window.show_screen(key)
    window.show_screen("compliance")
    window.show_screen("outbox")
    qtbot.wait(100)
    assert window.minimumSizeHint().width() <= 1100
    assert window.width() == 1100
    for key in ("sessions", "courses"):
        page = window.show_screen(key)
        boxes = [e for e in page.findChildren(QLineEdit) if e.placeholderText() == "Filtern…"]
        assert boxes[0].minimumWidth() >= 12 * boxes[0].fontMetrics().averageCharWidth()


def test_print_document_holds_the_visible_rows(qtbot, ctx):
    from iltdesk.views.file_actions import table_document

    load_demo(ctx.db, DemoSize(learners=100, sessions=6), today=date(2026, 11, 28))
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.show_screen("courses")
    window.courses.filter.setText("forklift")
    document = table_document(window.courses.table.model(), "Courses")
    text = document.toPlainText()
    assert "Forklift Safety" in text
    assert "Code" in text
    assert "First Aid" not in text
    assert window.print_action.shortcut().toString() != ""


def test_session_filters_course_and_text_and_calendar(qtbot, ctx):
    load_demo(ctx.db, DemoSize(learners=300, sessions=20), today=date(2026, 11, 28))
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    page = window.sessions
    page.when.setCurrentIndex(page.when.findData("all"))
    sessions_read(qtbot, page)
    assert page.model.rowCount() == 20
    assert page.course.count() == 1  # not filled until the list is opened
    page.course.ensure_filled()
    assert page.course.count() == 13
    course_id = page.course.itemData(1)
    page.course.setCurrentIndex(1)
    sessions_read(qtbot, page)
    assert {page.model.row_at(r).course_id for r in range(page.model.rowCount())} == {course_id}
    page.course.setCurrentIndex(0)
    sessions_read(qtbot, page)
    page.text.setText("virtual")
    assert 0 < page.model.rowCount() < 20
    page.text.clear()
    page.view_mode.setCurrentIndex(page.view_mode.findData("month"))
    assert page.stack.currentWidget() is page.month
    first = page.model.row_at(0)
    start = first.days[0].start
    from PySide6.QtCore import QDate

    page.month.calendar.setSelectedDate(QDate(start.year, start.month, start.day))
    texts = [page.month.day_list.item(i).text() for i in range(page.month.day_list.count())]
    assert any(first.course_code in t for t in texts)
    page.view_mode.setCurrentIndex(page.view_mode.findData("week"))
    page.week.show_week(start.date() - timedelta(days=start.weekday()))
    cells = [
        page.week.table.item(r, c) for r in range(page.week.table.rowCount()) for c in range(7)
    ]
    assert any(cell is not None and first.course_code in cell.text() for cell in cells)


def test_archive_and_undo_on_the_courses_screen(qtbot, ctx):
    load_demo(ctx.db, DemoSize(learners=50, sessions=4), today=date(2026, 11, 28))
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.show_screen("courses")
    page = window.courses
    assert page.model.rowCount() == 12
    page.table.selectRow(0)
    qtbot.mouseClick(page.archive_button, Qt.MouseButton.LeftButton)
    assert page.model.rowCount() == 11
    ctx.undo_stack.undo()
    assert page.model.rowCount() == 12


def test_merge_duplicate_learners_from_the_learners_screen(qtbot, ctx, monkeypatch):
    from iltdesk.services import learners
    from iltdesk.views.dialogs.learner_picker import LearnerPickerDialog
    from tests.fixtures.builders import make_learner

    keep = make_learner(ctx.db, "Zoë", "Müller", email="zoe@example.com")
    duplicate = make_learner(ctx.db, "Zoe", "Muller", email="zoe.m@example.com")
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.show_screen("learners")
    page = window.learners
    rows = [page.model.row_at(r).id for r in range(page.model.rowCount())]
    page.table.selectRow(rows.index(keep.id))
    monkeypatch.setattr(
        LearnerPickerDialog, "ask", classmethod(lambda cls, parent, c: [duplicate.id])
    )
    from PySide6.QtWidgets import QMessageBox

    monkeypatch.setattr(
        QMessageBox, "question", staticmethod(lambda *a, **k: QMessageBox.StandardButton.Yes)
    )
    page.merge_selected()
    assert [r.id for r in learners.search_learners(ctx.db)] == [keep.id]
    assert page.model.rowCount() == 1


def test_about_names_version_data_folder_and_licence():
    from iltdesk.views.help_menu import about_text

    text = about_text("1.2.3", "/home/ann/.local/share/ILT Desk", "/tmp/x.sqlite3")
    assert "ILT Desk 1.2.3" in text
    assert "Data folder: /home/ann/.local/share/ILT Desk" in text
    assert "GNU General Public License" in text


def test_the_month_calendar_writes_session_titles_into_its_cells(qtbot, ctx):
    from datetime import date

    from iltdesk.services import scheduling
    from iltdesk.views.calendar_view import MonthView
    from tests.fixtures.builders import day_spec
    from tests.fixtures.builders import make_course
    from tests.fixtures.builders import make_session

    course = make_course(ctx.db, code="FS-101", title="Forklift Safety")
    day = date(2027, 3, 9)
    for start in ("09:00", "13:00"):
        make_session(
            ctx.db,
            course.id,
            days=(day_spec(day, start, "12:30" if start == "09:00" else "17:00", "Europe/London"),),
        )
    view = MonthView()
    qtbot.addWidget(view)
    view.set_sessions(scheduling.list_sessions(ctx.db))
    assert view.calendar.cell_lines(day) == ["FS-101 Forklift Safety", "FS-101 Forklift Safety"]
    assert view.calendar.cell_lines(date(2027, 3, 10)) == []
    view.resize(900, 600)
    assert not view.grab().isNull()  # paints the cells without error
    # Only the month shown is marked (marking every date of 2,000 sessions took 34-38 ms);
    # turning the page marks the next.
    make_session(
        ctx.db, course.id, days=(day_spec(date(2027, 6, 2), "09:00", "17:00", "Europe/London"),)
    )

    def tooltip(day: date) -> str:
        return view.calendar.dateTextFormat(QDate(day.year, day.month, day.day)).toolTip()

    view.calendar.setCurrentPage(2027, 3)
    view.set_sessions(scheduling.list_sessions(ctx.db))
    assert "FS-101" in tooltip(day)
    assert tooltip(date(2027, 6, 2)) == ""
    view.calendar.setCurrentPage(2027, 6)
    assert "FS-101" in tooltip(date(2027, 6, 2))
    assert tooltip(day) == ""


def test_help_has_the_user_guide_and_the_keyboard_shortcuts(qtbot, ctx):
    from iltdesk.views.main_window import MainWindow

    window = MainWindow(ctx)
    qtbot.addWidget(window)
    guide = window.help.show_guide()
    qtbot.addWidget(guide)
    assert "Sessions" in guide.browser.toPlainText()
    assert window.help.guide_action.shortcut().toString() == "F1"
    shortcuts = window.help.show_shortcuts()
    qtbot.addWidget(shortcuts)
    rows = {
        shortcuts.table.item(r, 1).text(): shortcuts.table.item(r, 0).text()
        for r in range(shortcuts.table.rowCount())
    }
    assert rows["New session"] == "Ctrl+N"
    assert rows["Import roster"] == "Ctrl+I"
    assert rows["Edit"] == "Ctrl+E"  # the sessions list's own action
    assert any(text.startswith("Attendance grid") for text in rows)


def test_the_guide_is_the_readmes_using_the_app_section():
    from pathlib import Path

    from iltdesk.views.dialogs.help import guide_text

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Using the app", 1)[1].split("\n## ", 1)[0]
    body = section.split("\n", 3)[3].strip()  # after the line pointing to Help › User guide
    assert guide_text("en").split("\n", 2)[2].strip() == body
    assert guide_text("de").startswith("# ILT Desk — Benutzerhandbuch")
    assert guide_text("xx") == guide_text("en")


def test_the_learner_count_follows_the_filter_past_the_first_page(qtbot, ctx):
    # The first page holds 200: a filter matching more is counted off the GUI thread, one
    # matching fewer is counted from the page itself.
    from iltdesk.views.catalogue_views import LearnersPage
    from tests.fixtures.builders import make_learner

    for n in range(230):
        make_learner(ctx.db, "Sam", f"Stone{n:03}")
    make_learner(ctx.db, "Ann", "Adams")
    page = LearnersPage(ctx)
    qtbot.addWidget(page)
    qtbot.waitUntil(lambda: page.count.text() == "231 learners", timeout=5000)
    for text, expected in [("s", "230 learners"), ("ad", "1 learner"), ("zz", "0 learners")]:
        page.search.setText(text)
        page.apply_filter()
        qtbot.waitUntil(lambda expected=expected: page.count.text() == expected, timeout=5000)
    assert page.stack.currentWidget() is page.table  # "no learners yet" only when there are none


def test_a_modal_dialog_is_deleted_once_answered(qtbot, ctx, monkeypatch):
    """Courses › Edit five times: each editor is deleted once closed. Made with the window as
    parent and run with exec(), they stayed alive, hidden, until the window closed (a day of
    editing kept hundreds, and every full collection walked them)."""
    from PySide6.QtWidgets import QDialog

    from iltdesk.services import catalogue
    from iltdesk.views.dialogs.course_editor import CourseEditorDialog
    from tests.fixtures.builders import make_course

    course = make_course(ctx.db, title="Ladder Safety")
    row = next(c for c in catalogue.list_courses(ctx.db) if c.id == course.id)
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    monkeypatch.setattr(CourseEditorDialog, "exec", lambda self: QDialog.DialogCode.Rejected)
    for _ in range(5):
        assert CourseEditorDialog.ask(window, ctx, row) is None
    qtbot.waitUntil(lambda: not window.findChildren(CourseEditorDialog), timeout=5000)


def test_a_screens_first_reads_start_once_it_is_built(qtbot, ctx, monkeypatch):
    """The Reports screen started its two reads while it was still being built; the workers
    running Python slowed its building and first paint (each call into Python waits for them)."""
    from iltdesk.tasks import runner

    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.show()
    window.tasks.wait_for_done()
    qtbot.wait(20)
    pool = runner._thread_pool()
    started: list[object] = []
    real_start = pool.start
    monkeypatch.setattr(pool, "start", lambda job: (started.append(job), real_start(job)))

    window.show_screen("reports")
    while_built = len(started)
    qtbot.waitUntil(lambda: len(started) == 2, timeout=5000)  # the filters, the report
    page = window.pages["reports"]
    qtbot.waitUntil(lambda: page.current is not None, timeout=10_000)
    assert while_built == 0
