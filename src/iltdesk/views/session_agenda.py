"""A session window's Agenda tab: the agenda on the first day's clock, and a checklist.

For an online session the tab also holds the "Ready to go live" checklist.
"""

from __future__ import annotations

from datetime import timedelta

from PySide6.QtWidgets import QAbstractItemView
from PySide6.QtWidgets import QCheckBox
from PySide6.QtWidgets import QGroupBox
from PySide6.QtWidgets import QTableWidget
from PySide6.QtWidgets import QTableWidgetItem
from PySide6.QtWidgets import QVBoxLayout
from PySide6.QtWidgets import QWidget

from iltdesk import formatting
from iltdesk.domain.enums import DeliveryMode
from iltdesk.domain.rows import AgendaItemRow
from iltdesk.domain.rows import SessionRow
from iltdesk.i18n import _
from iltdesk.services import readiness
from iltdesk.services.readiness import ReadinessItem
from iltdesk.views.context import AppContext
from iltdesk.views.widgets import fit_columns_when_shown


class SessionAgendaTab(QWidget):
    """The agenda table with clock times, under the readiness checklist when online."""

    def __init__(self, ctx: AppContext, session_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.table = QTableWidget(0, 3)
        self.table.setHorizontalHeaderLabels([_("Time"), _("Item"), _("Activity")])
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setStretchLastSection(True)
        # A virtual session's readiness checks, ticked here and printed in the guide.
        self.readiness = ReadinessBox(ctx, session_id)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.readiness)
        layout.addWidget(self.table, 1)

    def load(
        self, row: SessionRow, items: list[AgendaItemRow], checks: list[ReadinessItem]
    ) -> None:
        """The course's agenda laid on the first day's clock; the checklist as ticked."""
        self.table.setRowCount(len(items))
        start = row.days[0].start if row.days else None
        # The venue's clock, its zone in the header (and on a time past a clock change).
        zone = formatting.zone_label(start, row.timezone) if start else ""
        header = _("Time ({zone})").format(zone=zone) if zone else _("Time")
        self.table.setHorizontalHeaderItem(0, QTableWidgetItem(header))
        clock = timedelta()
        for i, item in enumerate(items):
            when = ""
            if start is not None:
                at = start + clock
                when = formatting.format_time(at, row.timezone)
                if formatting.zone_label(at, row.timezone) != zone:
                    when += " " + formatting.zone_label(at, row.timezone)
            self.table.setItem(i, 0, QTableWidgetItem(when))
            self.table.setItem(i, 1, QTableWidgetItem(item.title))
            minutes = _("{minutes} min").format(minutes=item.minutes)
            self.table.setItem(i, 2, QTableWidgetItem(f"{item.activity.label()} · {minutes}"))
            clock += timedelta(minutes=item.minutes)
        fit_columns_when_shown(self.table)
        self.readiness.load(row.mode, checks)


class ReadinessBox(QGroupBox):
    """A tick box per check, kept as it is ticked; hidden for a session in a room."""

    def __init__(self, ctx: AppContext, session_id: int, parent: QWidget | None = None) -> None:
        super().__init__(_("Ready to go live"), parent)
        self.ctx, self.session_id = ctx, session_id
        layout = QVBoxLayout(self)
        self.checks: dict[str, QCheckBox] = {}
        for key, label in readiness.CHECKS:
            box = QCheckBox(_(label))
            box.toggled.connect(lambda done, key=key: self._ready(key, done))
            self.checks[key] = box
            layout.addWidget(box)

    def load(self, mode: DeliveryMode, checks: list[ReadinessItem]) -> None:
        """Show what is ticked now (for an online session; hidden otherwise)."""
        self.setVisible(mode is not DeliveryMode.IN_PERSON)
        for item in checks:
            box = self.checks[item.key]
            box.blockSignals(True)
            box.setChecked(item.done)
            box.blockSignals(False)

    def _ready(self, key: str, done: bool) -> None:
        self.ctx.op(self, lambda: readiness.set_ready(self.ctx.db, self.session_id, key, done))
