"""A requirement's explicit list of learners: added by hand, imported like a roster, removed."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout
from PySide6.QtWidgets import QLabel
from PySide6.QtWidgets import QListWidget
from PySide6.QtWidgets import QListWidgetItem
from PySide6.QtWidgets import QPushButton
from PySide6.QtWidgets import QVBoxLayout
from PySide6.QtWidgets import QWidget

from iltdesk import formatting
from iltdesk.domain.compliance import RequirementRow
from iltdesk.i18n import _
from iltdesk.i18n import ngettext
from iltdesk.services import compliance
from iltdesk.services import requirements
from iltdesk.views.context import AppContext


class MemberList(QWidget):
    """The listed learners of the requirement `show` was last given, with their buttons."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.requirement: RequirementRow | None = None
        self.list = QListWidget()
        self.list.setAccessibleName(_("Listed learners"))
        self.list.setSelectionMode(QListWidget.SelectionMode.ExtendedSelection)
        self.add_button = QPushButton(_("&Add learners…"))
        self.add_button.clicked.connect(self.add)
        self.import_button = QPushButton(_("&Import list…"))
        self.import_button.clicked.connect(self.import_list)
        self.remove_button = QPushButton(_("Re&move"))
        self.remove_button.clicked.connect(self.remove_selected)
        buttons = QHBoxLayout()
        for button in (self.add_button, self.import_button, self.remove_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        self.note = QLabel()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.list)
        layout.addLayout(buttons)
        layout.addWidget(self.note)

    def scope_changed(self, matching: bool) -> None:
        """Usable only for a saved requirement that lists its learners."""
        self.setEnabled(not matching)
        saved = self.requirement is not None and self.requirement.explicit
        for button in (self.add_button, self.import_button, self.remove_button):
            button.setEnabled(saved)
        self.note.setText(
            "" if saved or matching else _("Save the requirement, then add its learners.")
        )

    def show_requirement(self, requirement: RequirementRow | None) -> None:
        """List `requirement`'s learners (nothing for a new one or one matching attributes)."""
        self.requirement = requirement
        self.reload()

    def reload(self) -> None:
        self.list.clear()
        if self.requirement is None or not self.requirement.explicit:
            return
        for learner_id, name, email, since in requirements.list_members(
            self.ctx.db, self.requirement.id
        ):
            item = QListWidgetItem(
                _("{name} <{email}> · since {date}").format(
                    name=name, email=email, date=formatting.format_date(since)
                )
            )
            item.setData(Qt.ItemDataRole.UserRole, learner_id)
            self.list.addItem(item)
        count = self.list.count()
        self.note.setText(
            ngettext("{n} learner on the list.", "{n} learners on the list.", count).format(n=count)
            if count
            else _("Nobody on the list yet: add learners or import a list.")
        )

    def add(self) -> None:
        """Pick learners and put them on the list."""
        from iltdesk.views.dialogs.learner_picker import LearnerPickerDialog

        if self.requirement is None:
            return
        chosen = LearnerPickerDialog.ask(self, self.ctx, ok_text=_("&Add"))
        if chosen:
            self._add(chosen)

    def _add(self, learner_ids: list[int]) -> None:
        if self.requirement is None:
            return
        requirement_id = self.requirement.id
        zone = str(self.ctx.prefs.get("default_timezone"))
        outcome = self.ctx.op(
            self,
            lambda: requirements.set_members(
                self.ctx.db, requirement_id, learner_ids, compliance.today_in(zone)
            ),
        )
        if outcome is not None:
            self.reload()

    def import_list(self) -> None:
        """Read the list from a workbook through the import wizard."""
        from iltdesk.domain.imports import ImportResult
        from iltdesk.views.dialogs.import_wizard import open_import_wizard

        if self.requirement is None:
            return
        wizard = open_import_wizard(self.ctx, self, list_name=self.requirement.name)

        def imported(result: ImportResult) -> None:
            if result.learner_ids:
                self._add(list(result.learner_ids))

        wizard.imported.connect(imported)

    def remove_selected(self) -> None:
        """Take the selected learners off the list."""
        if self.requirement is None:
            return
        ids = [int(i.data(Qt.ItemDataRole.UserRole)) for i in self.list.selectedItems()]
        if not ids:
            return
        requirement_id = self.requirement.id
        outcome = self.ctx.op(
            self, lambda: requirements.remove_members(self.ctx.db, requirement_id, ids)
        )
        if outcome is not None:
            self.reload()
