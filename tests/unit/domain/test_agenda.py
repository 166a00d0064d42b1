from iltdesk.domain.agenda import agenda_warnings
from iltdesk.domain.agenda import offsets
from iltdesk.domain.agenda import total_label
from iltdesk.domain.enums import ActivityType as A
from iltdesk.domain.specs import AgendaItemSpec


def item(title, minutes, activity, objective=None):
    return AgendaItemSpec(title, minutes, activity, objective)


def test_sixteen_passive_minutes_warn_and_a_poll_fixes_it():
    items = [item("Welcome", 10, A.PRESENTATION, 0), item("Demo", 6, A.DEMONSTRATION, 0)]
    warnings = agenda_warnings(items, ("Know it",))
    assert len(warnings) == 1
    assert "16 minutes of presentation" in warnings[0].message
    assert warnings[0].item_positions == (0, 1)
    items.insert(1, item("Quick poll", 2, A.POLL, 0))
    assert agenda_warnings(items, ("Know it",)) == []


def test_exactly_fifteen_minutes_is_fine():
    assert agenda_warnings([item("Talk", 15, A.PRESENTATION)], ()) == []


def test_objective_without_activity_warns():
    warnings = agenda_warnings([item("Practice", 30, A.EXERCISE, 0)], ("Do", "Explain"))
    assert [w.message for w in warnings] == [
        "Objective 2 (“Explain”) has no activity in the agenda."
    ]


def test_clock_and_total():
    items = [item("A", 20, A.DISCUSSION), item("B", 45, A.EXERCISE), item("C", 15, A.BREAK)]
    assert offsets(items) == [0, 20, 65]
    assert total_label(items) == "3 items · 1 h 20 min"


def test_online_courses_need_an_interaction_point_sooner():
    from iltdesk.domain.enums import DeliveryFormat

    talk = [item("Talk", 13, A.PRESENTATION)]
    assert agenda_warnings(talk, ()) == []  # 13 minutes in a room is fine
    online = agenda_warnings(talk, (), DeliveryFormat.VIRTUAL)
    assert len(online) == 1
    assert "at least every 12 minutes" in online[0].message
    assert agenda_warnings([item("Talk", 12, A.PRESENTATION)], (), DeliveryFormat.VIRTUAL) == []
