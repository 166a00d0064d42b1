"""The shared builders every list and dialog uses: tables and the standard buttons."""

from __future__ import annotations

from PySide6.QtCore import QStringListModel
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractItemView
from PySide6.QtWidgets import QDialog
from PySide6.QtWidgets import QDialogButtonBox
from PySide6.QtWidgets import QHeaderView

from iltdesk.views.widgets import MANY
from iltdesk.views.widgets import OK_CANCEL
from iltdesk.views.widgets import SAVE_CANCEL
from iltdesk.views.widgets import button_box
from iltdesk.views.widgets import make_table


def test_a_table_selects_whole_rows_and_names_itself_for_screen_readers(qtbot):
    model = QStringListModel(["Ada", "Grace", "Linus"])
    view = make_table(model, "Learners")
    qtbot.addWidget(view)

    assert view.model() is model
    assert view.accessibleName() == "Learners"
    assert view.selectionBehavior() == QAbstractItemView.SelectionBehavior.SelectRows
    assert view.selectionMode() == QAbstractItemView.SelectionMode.SingleSelection
    assert view.editTriggers() == QAbstractItemView.EditTrigger.NoEditTriggers
    assert view.verticalHeader().isHidden()
    assert view.horizontalHeader().stretchLastSection()
    assert view.horizontalHeader().sectionResizeMode(0) == QHeaderView.ResizeMode.Interactive


def test_a_table_can_select_several_rows_and_fit_its_columns(qtbot):
    model = QStringListModel(["Ada", "Grace", "Linus"])
    view = make_table(model, "Learners", selection=MANY, fit=True)
    qtbot.addWidget(view)
    view.show()

    view.selectRow(0)
    qtbot.mouseClick(
        view.viewport(),
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.ControlModifier,
        view.visualRect(model.index(2, 0)).center(),
    )

    assert [i.row() for i in view.selectionModel().selectedRows()] == [0, 2]
    assert view.horizontalHeader().sectionResizeMode(0) == QHeaderView.ResizeMode.ResizeToContents


def test_the_buttons_accept_through_the_dialogs_own_step_and_cancel_rejects(qtbot):
    saved = []
    dialog = QDialog()
    qtbot.addWidget(dialog)
    buttons = button_box(dialog, SAVE_CANCEL, lambda: saved.append(True))

    buttons.button(QDialogButtonBox.StandardButton.Save).click()
    assert saved == [True]
    assert dialog.result() == QDialog.DialogCode.Rejected  # saving decides when to close

    with qtbot.waitSignal(dialog.rejected, timeout=1000):
        buttons.button(QDialogButtonBox.StandardButton.Cancel).click()
    assert saved == [True]


def test_without_a_step_of_its_own_ok_accepts_the_dialog(qtbot):
    dialog = QDialog()
    qtbot.addWidget(dialog)
    buttons = button_box(dialog, OK_CANCEL)

    with qtbot.waitSignal(dialog.accepted, timeout=1000):
        buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    assert dialog.result() == QDialog.DialogCode.Accepted


def test_fitted_columns_are_as_wide_as_qt_would_make_them_but_measure_only_the_widest(qtbot):
    """Qt's own sizing asked the delegate about every cell of 40 rows (a call into Python
    each, 10-15 ms a roster); only the widest few texts of a column go through it now."""
    from iltdesk.models.base import Column
    from iltdesk.models.base import RowTableModel
    from iltdesk.views.widgets import MEASURED_ROWS
    from iltdesk.views.widgets import fit_columns

    asked = []

    class Learners(RowTableModel[tuple[int, str, str]]):
        columns = (
            Column(lambda: "No.", lambda row: str(row[0]), align_right=True),
            Column(lambda: "Name", lambda row: row[1]),
            Column(lambda: "A header wider than its cells", lambda row: row[2]),
            Column(lambda: "Notes", lambda row: row[2]),
        )

        def multiData(self, index, span):  # noqa: N802 - Qt's name
            asked.append((index.row(), index.column()))
            super().multiData(index, span)

    rows = [(n, f"Learner {n}", "ok") for n in range(60)]
    rows[25] = (25, "Maximiliane Wolkenstein-Trostburg", "ok")  # the widest name, mid-list
    rows[50] = (50, "Wider still, but past the rows measured", "ok")
    model = Learners()
    model.set_rows(rows)
    views = []
    for _ in range(2):
        view = make_table(model, "Learners")
        qtbot.addWidget(view)
        view.resize(700, 300)
        views.append(view)
    ours, qts = views

    asked.clear()
    fit_columns(ours)
    measured = len(asked)
    qts.horizontalHeader().setResizeContentsPrecision(MEASURED_ROWS)
    qts.resizeColumnsToContents()

    widths = [[view.columnWidth(c) for c in range(3)] for view in views]  # the 4th stretches
    assert widths[0] == widths[1]
    assert widths[0][1] > qts.fontMetrics().horizontalAdvance("Maximiliane Wolkenstein-Trostburg")
    assert widths[0][2] >= qts.horizontalHeader().sectionSizeHint(2)
    assert measured <= 3 * 3  # the three widest of three columns; before: 40 rows, 160 calls


def test_work_after_the_first_paint_waits_for_it(qtbot):
    """A new window's reading started in its constructor slowed its first paint (the
    register held the GUI 36-42 ms that way, 27-32 ms after)."""
    from PySide6.QtCore import QEvent
    from PySide6.QtCore import QObject

    from iltdesk.views.widgets import after_first_paint

    window = QDialog()
    qtbot.addWidget(window)
    events: list[str] = []

    class Painted(QObject):
        def eventFilter(self, watched, event):  # noqa: N802 - Qt's name
            if event.type() == QEvent.Type.Paint:
                events.append("paint")
            return False

    spy = Painted()
    window.installEventFilter(spy)
    after_first_paint(window, lambda: events.append("work"), latest_ms=10_000)
    qtbot.wait(100)
    assert events == []  # not shown, not painted: nothing yet
    window.show()
    qtbot.waitUntil(lambda: "work" in events, timeout=2_000)
    assert events.index("paint") < events.index("work")
    qtbot.wait(100)
    assert events.count("work") == 1


def test_work_for_a_window_never_shown_runs_all_the_same(qtbot):
    from iltdesk.views.widgets import after_first_paint

    window = QDialog()
    qtbot.addWidget(window)
    done: list[bool] = []
    after_first_paint(window, lambda: done.append(True), latest_ms=50)
    qtbot.waitUntil(lambda: done == [True], timeout=2_000)


def test_a_screens_stretched_column_keeps_room_when_the_others_are_wide(qtbot):
    """The Outbox at 1,100 px: recipients, times and errors fitted to their texts left the
    subjects a 25 px sliver; the widest columns now give way (their texts end in "…")."""
    from iltdesk.models.base import Column
    from iltdesk.models.base import RowTableModel
    from iltdesk.views.widgets import TablePage

    class Messages(RowTableModel[tuple[str, str, str, str]]):
        columns = (
            Column(lambda: "Status", lambda row: row[0]),
            Column(lambda: "Recipient", lambda row: row[1]),
            Column(lambda: "Subject", lambda row: row[2]),
            Column(lambda: "Last error", lambda row: row[3]),
        )

    model = Messages()
    model.set_rows(
        [
            (
                "Failed",
                f"someone.with.a.long.name.{n}@example-corporation.com",
                "Confirmed",
                "5" * 99,
            )
            for n in range(30)
        ]
    )
    page = TablePage("Nothing")
    qtbot.addWidget(page)
    page.table.setModel(model)
    page.resize(600, 400)
    page.show()
    qtbot.waitExposed(page)
    page.fit_columns(2)
    qtbot.wait(20)
    header = page.table.horizontalHeader()
    least = 12 * page.table.fontMetrics().averageCharWidth()
    assert header.length() <= page.table.viewport().width()  # no sideways scrolling
    assert header.sectionSize(2) >= least  # the subjects stay readable
    assert header.sectionSize(0) < header.sectionSize(1)  # the narrow one kept whole
    assert header.sectionSize(1) == header.sectionSize(3)  # the two widest share the cut
