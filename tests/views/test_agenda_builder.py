"""The course editor's agenda: clock times, total and warnings follow the items."""

from __future__ import annotations

from dataclasses import replace

from iltdesk.domain.enums import ActivityType
from iltdesk.domain.specs import AgendaItemSpec
from iltdesk.views.agenda_builder import CLOCK
from iltdesk.views.agenda_builder import AgendaBuilder


def _items(n: int) -> list[AgendaItemSpec]:
    return [AgendaItemSpec(f"Item {i + 1}", 20, ActivityType.DISCUSSION) for i in range(n)]


def test_a_course_agenda_shows_each_items_clock_time_and_the_total(qtbot):
    builder = AgendaBuilder()
    qtbot.addWidget(builder)
    builder.show()
    builder.set_items(_items(4))

    clocks = [builder.table.item(row, CLOCK).text() for row in range(4)]
    assert clocks == ["0:00", "0:20", "0:40", "1:00"]
    assert builder.total.text() == "4 items · 1 h 20 min"
    assert [i.title for i in builder.items()] == ["Item 1", "Item 2", "Item 3", "Item 4"]

    builder.add_item(AgendaItemSpec("Wrap-up", 10, ActivityType.DISCUSSION))
    assert builder.table.item(4, CLOCK).text() == "1:20"
    assert builder.total.text() == "5 items · 1 h 30 min"


def test_loading_a_long_agenda_works_its_times_out_once(qtbot, monkeypatch):
    """Opening a course recomputed every clock time and warning after each of its items: n
    passes over n rows, on the GUI thread as the editor opens. Now once."""
    builder = AgendaBuilder()
    qtbot.addWidget(builder)
    builder.show()
    passes = []
    original = AgendaBuilder.refresh
    monkeypatch.setattr(AgendaBuilder, "refresh", lambda self: (passes.append(1), original(self)))

    builder.set_items(_items(40))

    assert len(passes) == 1
    assert builder.table.item(39, CLOCK).text() == "13:00"


def test_each_item_keeps_its_objective_as_the_objectives_change(qtbot):
    from iltdesk.views.agenda_builder import OBJECTIVE

    builder = AgendaBuilder()
    qtbot.addWidget(builder)
    builder.show()
    builder.set_objectives(("Greet", "Listen", "Close"))
    builder.set_items(
        [
            AgendaItemSpec("Welcome", 10, ActivityType.DISCUSSION, 0),
            AgendaItemSpec("Role play", 30, ActivityType.EXERCISE, 2),
            AgendaItemSpec("Break", 15, ActivityType.BREAK),
        ]
    )
    combo = builder.table.cellWidget(1, OBJECTIVE)
    assert [combo.itemText(i) for i in range(combo.count())] == [
        "(none)",
        "1. Greet",
        "2. Listen",
        "3. Close",
    ]
    assert [i.objective_index for i in builder.items()] == [0, 2, None]

    builder.set_objectives(("Greet the customer", "Listen", "Close", "Follow up"))
    assert [i.objective_index for i in builder.items()] == [0, 2, None]
    assert combo.itemText(1) == "1. Greet the customer"

    builder.set_objectives(("Greet",))  # the third objective is gone: its item has none
    assert [i.objective_index for i in builder.items()] == [0, None, None]
    assert [i.activity for i in builder.items()] == [
        ActivityType.DISCUSSION,
        ActivityType.EXERCISE,
        ActivityType.BREAK,
    ]


def test_each_warning_takes_one_line_cut_to_the_width_and_whole_in_the_tooltip(qtbot):
    """Wrapped, two long warnings filled the three-line band and cut the rest off mid-line."""
    builder = AgendaBuilder()
    qtbot.addWidget(builder)
    builder.resize(600, 400)
    builder.show()
    builder.set_items(
        [
            AgendaItemSpec("A very long lecture on a subject", 40, ActivityType.PRESENTATION),
            AgendaItemSpec("Break", 10, ActivityType.BREAK),
            AgendaItemSpec("Another long lecture on a subject", 40, ActivityType.PRESENTATION),
        ]
    )

    shown = builder.warnings.text().split("\n")
    full = builder.warnings.toolTip().split("\n")
    assert len(shown) == len(full) == 2
    width = builder.warnings.contentsRect().width()
    metrics = builder.warnings.fontMetrics()
    assert all(metrics.horizontalAdvance(line) <= width for line in shown)
    assert shown[0].endswith("…")
    assert ("⚠ " + full[0]).startswith(shown[0][:-1])
    assert "A very long lecture" in full[0]

    builder.resize(1600, 400)  # room for the whole text: nothing is cut
    qtbot.waitUntil(lambda: builder.warnings.text().split("\n") == ["⚠ " + w for w in full])


def test_a_hidden_agenda_builds_its_rows_when_first_shown(qtbot):
    """The course editor opens on its Details tab: building three editors for every agenda
    item held it ~10 ms. A builder not showing keeps the items and builds the rows when shown."""
    builder = AgendaBuilder()
    qtbot.addWidget(builder)
    builder.set_objectives(("Greet", "Listen"))
    items = [
        AgendaItemSpec("Welcome", 10, ActivityType.DISCUSSION, 0, "Name cards on the tables"),
        AgendaItemSpec("Role play", 30, ActivityType.EXERCISE, 1),
    ]
    builder.set_items(items)
    assert builder.table.rowCount() == 0  # nothing built yet
    assert builder.items() == items  # what saving reads, unbuilt
    assert builder.total.text() == "2 items · 0 h 40 min"
    builder.set_objectives(("Greet",))  # the second objective is gone
    assert [i.objective_index for i in builder.items()] == [0, None]

    builder.show()
    assert builder.table.rowCount() == 2
    assert [builder.table.item(r, CLOCK).text() for r in range(2)] == ["0:00", "0:10"]
    assert builder.items() == [items[0], replace(items[1], objective_index=None)]


def test_an_items_facilitator_notes_survive_the_builder(qtbot):
    """The builder dropped each item's facilitator notes (set by import or the command line,
    printed in the guide): saving the course from its editor wiped them all."""
    builder = AgendaBuilder()
    qtbot.addWidget(builder)
    builder.show()
    builder.set_items(
        [
            AgendaItemSpec("Welcome", 10, ActivityType.DISCUSSION, None, "Name cards"),
            AgendaItemSpec("Demo", 20, ActivityType.DEMONSTRATION, None, "Bring the ladder"),
        ]
    )
    builder.table.setCurrentCell(1, 0)
    builder.move_current(-1)
    builder.table.item(0, 0).setText("Ladder demo")
    assert [(i.title, i.facilitator_notes) for i in builder.items()] == [
        ("Ladder demo", "Bring the ladder"),
        ("Welcome", "Name cards"),
    ]
