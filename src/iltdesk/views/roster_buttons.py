"""The session window's roster buttons: walk-in, cancel a place, move, promote.

A mixin of `SessionDetailDialog` (which provides the attributes declared here).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING
from typing import cast

from PySide6.QtWidgets import QInputDialog
from PySide6.QtWidgets import QLabel
from PySide6.QtWidgets import QMessageBox
from PySide6.QtWidgets import QWidget

from iltdesk.domain.enums import SessionStatus
from iltdesk.domain.rows import EnrollResult
from iltdesk.domain.rows import RosterRow
from iltdesk.domain.rows import SessionRow
from iltdesk.errors import OverCapacityError
from iltdesk.i18n import _
from iltdesk.i18n import ngettext
from iltdesk.services import enrollment
from iltdesk.services import scheduling
from iltdesk.views.dialogs.walk_in import WalkInDialog
from iltdesk.views.errors import show_error
from iltdesk.views.undo import roster_action
from iltdesk.views.widgets import session_choice_label

if TYPE_CHECKING:
    from iltdesk.views.context import AppContext


def ask_over_capacity(parent: QWidget | None, full: OverCapacityError) -> bool:
    """Whether to seat a walk-in in a full session (the one place tests patch)."""
    answer = QMessageBox.question(
        parent,
        _("The session is full"),
        _("The room holds {capacity} — add as number {next} anyway?").format(
            capacity=full.capacity, next=full.taken + 1
        )
        + "\n\n"
        + str(full),
    )
    return answer == QMessageBox.StandardButton.Yes


class RosterButtons:
    """Carries out the roster's buttons for one session's window."""

    ctx: AppContext
    session_id: int
    row: SessionRow
    report: QLabel

    # The window's own: the chosen learner, and running an undoable roster action.
    selected: Callable[[], RosterRow | None]
    _roster: Callable[..., None]

    def _window(self) -> QWidget:
        """The window this mixin is part of, as Qt's calls want it."""
        return cast("QWidget", self)

    def walk_in(self) -> None:
        spec = WalkInDialog.ask(self._window())
        if spec is None:
            return
        result: EnrollResult | None
        try:
            result = roster_action(
                self.ctx,
                _("Walk-in"),
                [self.session_id],
                lambda: enrollment.walk_in(self.ctx.db, self.session_id, spec),
            )
        except OverCapacityError as full:
            if not ask_over_capacity(self._window(), full):
                self.report.setText(_("The walk-in was not added: the session is full."))
                return
            result = self.ctx.attempt(
                self._window(),
                lambda: roster_action(
                    self.ctx,
                    _("Walk-in"),
                    [self.session_id],
                    lambda: enrollment.walk_in(
                        self.ctx.db, self.session_id, spec, allow_over_capacity=True
                    ),
                ),
            )
        except Exception as error:  # a UserError's sentence, or a logged bug
            show_error(self._window(), error)
            return
        if result is not None:
            row = result.row
            self.report.setText(
                ngettext(
                    "{name} joined as a walk-in ({taken} of {capacity} seat taken).",
                    "{name} joined as a walk-in ({taken} of {capacity} seats taken).",
                    self.row.capacity,
                ).format(
                    name=f"{row.first_name} {row.last_name}".strip(),
                    taken=self.row.enrolled,
                    capacity=self.row.capacity,
                )
            )

    def cancel_selected(self) -> None:
        chosen = self.selected()
        if chosen is None:
            return
        reason, ok = QInputDialog.getText(
            self._window(),
            _("Cancel place"),
            _("Why is {learner} cancelling?").format(
                learner=f"{chosen.first_name} {chosen.last_name}"
            ),
        )
        if ok:
            self._roster(
                _("Cancel place"),
                lambda: enrollment.cancel_enrollment(self.ctx.db, chosen.enrollment_id, reason),
            )

    def move_selected(self) -> None:
        chosen = self.selected()
        if chosen is None:
            return
        others = [
            s
            for s in scheduling.list_sessions(self.ctx.db, course_id=self.row.course_id)
            if s.id != self.session_id
            and s.status in (SessionStatus.PLANNED, SessionStatus.CONFIRMED)
        ]
        if not others:
            QMessageBox.information(
                self._window(),
                _("Move"),
                _("There is no other open session of this course to move to. Schedule one first."),
            )
            return
        labels = [session_choice_label(s) for s in others]
        label, ok = QInputDialog.getItem(
            self._window(), _("Move"), _("Move to which session?"), labels, 0, False
        )
        if not ok:
            return
        target = others[labels.index(label)]
        self._roster(
            _("Move learner"),
            lambda: enrollment.move_learner(
                self.ctx.db,
                chosen.enrollment_id,
                target.id,
                waitlist_if_full=True,
                allow_clash=True,
            ),
            [self.session_id, target.id],
        )

    def promote_selected(self) -> None:
        chosen = self.selected()
        if chosen is not None:
            self._roster(
                _("Promote from waitlist"),
                lambda: enrollment.promote(self.ctx.db, chosen.enrollment_id),
            )
