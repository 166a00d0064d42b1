"""Opening a session's window: read off the GUI thread, shown once, hidden tabs sized later."""

from __future__ import annotations

import threading

from sqlalchemy import event

from iltdesk.services import enrollment
from iltdesk.views.main_window import MainWindow
from iltdesk.views.session_detail import SessionDetailDialog
from iltdesk.views.widgets import fit_columns
from tests.fixtures.builders import make_learner
from tests.fixtures.builders import make_session
from tests.fixtures.ui import open_session_window


def test_the_window_opens_once_what_it_shows_is_read_off_the_gui_thread(qtbot, ctx):
    """Opening the busiest session read its session, roster, course, marks and agenda on the
    GUI thread (~15 ms of SQL of the 80-100 ms the window held the screen)."""
    session = make_session(ctx.db, capacity=3)
    for name in ("Adams", "Brown"):
        learner = make_learner(ctx.db, "L", name)
        enrollment.enroll_learner(ctx.db, session.id, learner.id)
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.show_screen("sessions")
    qtbot.waitUntil(lambda: not window.sessions.is_reading(), timeout=10_000)
    gui = threading.get_ident()
    on_gui: list[str] = []

    def note(_conn, _cursor, statement, *_args):
        if threading.get_ident() == gui:
            on_gui.append(statement)

    event.listen(ctx.db.engine, "before_cursor_execute", note)
    try:
        pointed: list[SessionDetailDialog] = []
        window.sessions.open_session(session.id)
        # A second click while it reads (a dashboard link, say): no second window, but the
        # one window is pointed as the second click asked.
        window.sessions.open_session(session.id, then=pointed.append)
        assert window.sessions.detail(session.id) is None  # not until it is read
        detail = open_session_window(qtbot, window, session.id)
        qtbot.wait(50)  # had the second click opened a window too, it would be in by now
    finally:
        event.remove(ctx.db.engine, "before_cursor_execute", note)
    assert on_gui == []
    assert detail.isVisible()
    assert [r.last_name for r in detail.roster_model.rows()] == ["Adams", "Brown"]
    windows = [w for w in window.findChildren(SessionDetailDialog) if w.isVisible()]
    assert windows == [detail]
    assert pointed == [detail]
    # Opened again, the same window comes forward, with what it should point at.
    window.sessions.open_session(session.id, then=pointed.append)
    assert pointed == [detail, detail]


def test_a_hidden_tab_sizes_its_columns_when_first_shown(qtbot, ctx):
    """The attendance grid and the agenda measured their cells while hidden, at every load."""
    session = make_session(ctx.db, capacity=3)
    learner = make_learner(ctx.db, "Maximiliane", "Wolkenstein-Trostburg")
    enrollment.enroll_learner(ctx.db, session.id, learner.id)
    detail = SessionDetailDialog(None, ctx, session.id)
    qtbot.addWidget(detail)
    detail.show()
    grid = detail.attendance.grid
    header = grid.horizontalHeader()
    assert grid.columnWidth(0) == header.defaultSectionSize()  # not measured while hidden
    detail.tabs.setCurrentIndex(1)
    fitted = grid.columnWidth(0)
    assert fitted > grid.fontMetrics().horizontalAdvance("Wolkenstein-Trostburg")
    fit_columns(grid)
    assert grid.columnWidth(0) == fitted  # as fitting it now would make it


def test_the_window_is_painted_as_it_settles_not_again_and_again(qtbot, ctx):
    """Qt delivered the new window's polish and layout requests after its first paint, then
    laid it out and painted it again, and again: three paints of the whole window."""
    from PySide6.QtCore import QEvent
    from PySide6.QtCore import QObject
    from PySide6.QtWidgets import QApplication

    session = make_session(ctx.db, capacity=3)
    learner = make_learner(ctx.db, "Ann", "Lee")
    enrollment.enroll_learner(ctx.db, session.id, learner.id)
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    paints: list[str] = []

    class Watch(QObject):
        def eventFilter(self, watched, event):  # noqa: N802 - Qt's name
            if event.type() == QEvent.Type.Paint and isinstance(watched, SessionDetailDialog):
                paints.append(watched.windowTitle())
            return False

    watch = Watch()
    QApplication.instance().installEventFilter(watch)
    try:
        detail = open_session_window(qtbot, window, session.id)
        qtbot.waitExposed(detail)
        qtbot.wait(200)
    finally:
        QApplication.instance().removeEventFilter(watch)
    assert 1 <= len(paints) <= 2


def test_the_menu_buttons_draw_their_arrows_alike(qtbot, ctx):
    """Documents was a tool button: its arrow was squeezed into the bottom corner against the
    text. It is made as Session and Email beside it are; read from the pixels, each arrow
    stands apart from its text, centred on the button's height."""
    from PySide6.QtWidgets import QAbstractButton

    session = make_session(ctx.db)
    detail = SessionDetailDialog(None, ctx, session.id)
    qtbot.addWidget(detail)
    detail.show()
    arrows = {}
    for button in detail.findChildren(QAbstractButton):
        if getattr(button, "menu", lambda: None)() is None:
            continue
        image = button.grab().toImage()
        rows = range(3, image.height() - 3)

        def ink(x: int, image=image, rows=rows) -> list[int]:
            return [y for y in rows if image.pixelColor(x, y).lightness() < 110]

        columns = [x for x in range(3, image.width() - 3) if ink(x)]
        end = start = columns[-1]
        while start - 1 in columns:
            start -= 1
        gap = start - max((x for x in columns if x < start), default=start)
        ys = [y for x in range(start, end + 1) for y in ink(x)]
        middle = (min(ys) + max(ys)) / 2
        arrows[button.text().replace("&", "")] = (gap, abs(middle - image.height() / 2))
    assert set(arrows) >= {"Session", "Email", "Documents"}
    assert all(gap >= 3 and off_centre <= 3 for gap, off_centre in arrows.values()), arrows
