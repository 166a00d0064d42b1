"""The session editor's instructors: one row per person, each with a role."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox
from PySide6.QtWidgets import QGridLayout
from PySide6.QtWidgets import QWidget

from iltdesk.domain.enums import InstructorRole
from iltdesk.domain.rows import InstructorRow
from iltdesk.i18n import archived_label


class InstructorRows(QWidget):
    """Who teaches and in which role; `changed` whenever a row is added or altered."""

    changed = Signal()

    def __init__(self, bench: Sequence[InstructorRow], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.bench = list(bench)
        self.grid = QGridLayout(self)
        self.grid.setContentsMargins(0, 0, 0, 0)
        self.rows: list[tuple[QComboBox, QComboBox]] = []

    def add(
        self, instructor_id: int | None, role: InstructorRole | None = None, name: str = ""
    ) -> None:
        """A row for `instructor_id` (the first on the bench if None); the first leads.

        `name`: the instructor's, for one not on the bench (archived, yet on this session).
        """
        if role is None:
            role = InstructorRole.LEAD if not self.rows else InstructorRole.CO_FACILITATOR
        who = QComboBox()
        for instructor in self.bench:
            who.addItem(instructor.name, instructor.id)
        if instructor_id is not None:
            if who.findData(instructor_id) < 0 and name:
                who.addItem(archived_label(name), instructor_id)
            who.setCurrentIndex(max(0, who.findData(instructor_id)))
        what = QComboBox()
        for r in InstructorRole:
            what.addItem(r.label(), r)
        what.setCurrentIndex(what.findData(role))
        index = len(self.rows)
        self.grid.addWidget(who, index, 0)
        self.grid.addWidget(what, index, 1)
        who.currentIndexChanged.connect(self.changed)
        what.currentIndexChanged.connect(self.changed)
        self.rows.append((who, what))
        self.changed.emit()

    def clear(self) -> None:
        """Remove every row."""
        for who, what in self.rows:
            for widget in (who, what):
                self.grid.removeWidget(widget)
                widget.deleteLater()
        self.rows.clear()

    def values(self) -> tuple[tuple[int, InstructorRole], ...]:
        """(instructor id, role) of each row that names someone."""
        # Qt hands item data back as plain text: the role is made an enum again here.
        return tuple(
            (int(who.currentData()), InstructorRole(what.currentData()))
            for who, what in self.rows
            if who.count()
        )
