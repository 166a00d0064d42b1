"""The session editor's questions, each the one place tests patch (through the editor)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QMessageBox
from PySide6.QtWidgets import QWidget

from iltdesk.domain.localtime import AmbiguousTimeError
from iltdesk.domain.localtime import WallTime
from iltdesk.domain.localtime import reading_label
from iltdesk.domain.localtime import to_instant
from iltdesk.domain.rows import RoomRow
from iltdesk.errors import UserError
from iltdesk.i18n import _
from iltdesk.views.modal import run_modal

if TYPE_CHECKING:
    from iltdesk.views.day_row import DayRow


def ask_fold(parent: QWidget | None, error: AmbiguousTimeError) -> int | None:
    """Which of two readings of a time is meant: 0 (first), 1 (second), None (cancelled)."""
    first, second = error.choices
    box = QMessageBox(parent)
    box.setWindowTitle(_("This time happens twice"))
    box.setIcon(QMessageBox.Icon.Question)
    box.setText(str(error))
    first_button = box.addButton(
        _("{reading} (first)").format(reading=reading_label(first)),
        QMessageBox.ButtonRole.AcceptRole,
    )
    second_button = box.addButton(
        _("{reading} (an hour later)").format(reading=reading_label(second)),
        QMessageBox.ButtonRole.AcceptRole,
    )
    box.addButton(QMessageBox.StandardButton.Cancel)
    run_modal(box)
    if box.clickedButton() is first_button:
        return 0
    if box.clickedButton() is second_button:
        return 1
    return None


def settle_folds(parent: QWidget | None, rows: Sequence[DayRow], zone: str) -> bool:
    """Ask about every typed time that happens twice; False when the person cancelled."""
    for row in rows:
        for field, reading in ((row.start, row.start_reading), (row.end, row.end_reading)):
            value, day = field.value(), row.date.value()
            if value is None or day is None or reading.fold is not None:
                continue
            try:
                to_instant(WallTime(day, value), zone)
            except AmbiguousTimeError as error:
                chosen = ask_fold(parent, error)
                if chosen is None:
                    return False
                reading.fold = chosen
            except UserError:
                continue
    return True


def ask_use_room_zone(parent: QWidget | None, room: RoomRow, current: str) -> bool:
    """Ask whether to use the room's zone when it differs from the session's."""
    answer = QMessageBox.question(
        parent,
        _("Time zone of the room"),
        _(
            "{room} is in {room_zone}; this session is set to {zone}. Use {room_zone}? The "
            "times stay as typed, as the room's clocks read them."
        ).format(room=room.name, room_zone=room.timezone, zone=current),
    )
    return answer == QMessageBox.StandardButton.Yes
