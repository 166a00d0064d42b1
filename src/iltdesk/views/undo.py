"""Undo and redo (QUndoStack) for roster actions, attendance marks and record edits.

Each action is done once through its service before its command is pushed; the command's
first `redo()` (which QUndoStack calls on push) therefore does nothing. Undo and redo then go
through services too, so they are transactions like any other write and announce their
changes the same way.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from PySide6.QtGui import QUndoCommand
from PySide6.QtWidgets import QWidget

from iltdesk.domain.rows import EnrollReport
from iltdesk.services import attendance
from iltdesk.services import enrollment
from iltdesk.services import roster_undo
from iltdesk.services.attendance import MarkSpec
from iltdesk.services.common import Outcome
from iltdesk.services.roster_undo import EnrollmentState
from iltdesk.views.context import AppContext
from iltdesk.views.errors import show_error

T = TypeVar("T")


class _ServiceCommand(QUndoCommand):
    def __init__(self, text: str, ctx: AppContext) -> None:
        super().__init__(text)
        self.ctx = ctx
        self._done_once = True  # the action already ran before the push

    def run(self, call: Callable[[], Outcome[object]]) -> None:
        try:
            self.ctx.apply(call())
        except Exception as error:  # shown; the command can no longer be replayed
            self.setObsolete(True)
            show_error(None, error)

    def redo(self) -> None:
        if self._done_once:
            self._done_once = False
            return
        self.do_redo()

    def do_redo(self) -> None:
        raise NotImplementedError


class RosterCommand(_ServiceCommand):
    """Any roster action: restores the recorded rosters before or after it."""

    def __init__(
        self,
        text: str,
        ctx: AppContext,
        session_ids: list[int],
        before: list[EnrollmentState],
        after: list[EnrollmentState],
    ) -> None:
        super().__init__(text, ctx)
        self.session_ids, self.before, self.after = session_ids, before, after

    def undo(self) -> None:
        self.run(
            lambda: roster_undo.restore_roster_states(self.ctx.db, self.session_ids, self.before)
        )

    def do_redo(self) -> None:
        self.run(
            lambda: roster_undo.restore_roster_states(self.ctx.db, self.session_ids, self.after)
        )


class MarksCommand(_ServiceCommand):
    """Attendance marks: records the previous marks back, or the new ones again."""

    def __init__(
        self,
        text: str,
        ctx: AppContext,
        session_id: int,
        before: list[MarkSpec],
        after: list[MarkSpec],
        threshold: int,
    ) -> None:
        super().__init__(text, ctx)
        self.session_id, self.before, self.after = session_id, before, after
        self.threshold = threshold

    def undo(self) -> None:
        self.run(
            lambda: attendance.record_marks(
                self.ctx.db, self.session_id, self.before, default_threshold=self.threshold
            )
        )

    def do_redo(self) -> None:
        self.run(
            lambda: attendance.record_marks(
                self.ctx.db, self.session_id, self.after, default_threshold=self.threshold
            )
        )


class EditCommand(_ServiceCommand):
    """An edit of one record: saves the previous values back, or the new ones again."""

    def __init__(
        self,
        text: str,
        ctx: AppContext,
        undo_call: Callable[[], Outcome[object]],
        redo_call: Callable[[], Outcome[object]],
    ) -> None:
        super().__init__(text, ctx)
        self.undo_call, self.redo_call = undo_call, redo_call

    def undo(self) -> None:
        self.run(self.undo_call)

    def do_redo(self) -> None:
        self.run(self.redo_call)


def roster_action(
    ctx: AppContext, text: str, session_ids: list[int], call: Callable[[], Outcome[T]]
) -> T:
    """Run a roster service call and make it undoable; raises what the call raises."""
    before = roster_undo.roster_states(ctx.db, session_ids)
    value = ctx.apply(call())
    after = roster_undo.roster_states(ctx.db, session_ids)
    ctx.undo_stack.push(RosterCommand(text, ctx, session_ids, before, after))
    return value


def ask_enrol_anyway(parent: QWidget | None, messages: list[str]) -> bool:
    """Whether to enrol learners booked elsewhere at the time (the one place tests patch)."""
    from PySide6.QtWidgets import QMessageBox

    from iltdesk.i18n import _

    answer = QMessageBox.question(
        parent, _("Clash"), "\n".join(messages) + "\n\n" + _("Enrol them anyway?")
    )
    return answer == QMessageBox.StandardButton.Yes


def enrol_learners(
    ctx: AppContext, parent: QWidget | None, session_id: int, learner_ids: list[int]
) -> str | None:
    """Enrol (undoably), ask once about any clashes, and say where everyone went."""
    from iltdesk.i18n import ngettext

    text = ngettext("Enrol learner", "Enrol {n} learners", len(learner_ids)).format(
        n=len(learner_ids)
    )

    def enrol(ids: list[int], allow_clash: bool) -> EnrollReport | None:
        return ctx.attempt(
            parent,
            lambda: roster_action(
                ctx,
                text,
                [session_id],
                lambda: enrollment.enroll_many(ctx.db, session_id, ids, allow_clash=allow_clash),
            ),
        )

    report = enrol(learner_ids, False)
    if report is None:
        return None
    lines = [report.summary()]
    if report.clashing and ask_enrol_anyway(parent, [m for _id, m in report.clashing]):
        again = enrol([learner_id for learner_id, _m in report.clashing], True)
        if again is not None:
            lines.append(again.summary())
    return " ".join(lines)
