"""Recurring sessions in the window: the editor's Repeat row, and the questions a series asks.

A new session can repeat: every week, every two weeks, every month on the same weekday ("the
first Monday"), every weekday, or any RFC 5545 rule typed in full; the row says how many
sessions that makes and when the last one is. Saving schedules them all or none. An occurrence
whose time does not exist that day (the clocks skip it) is asked about — skip that date? — and
one whose time happens twice asks which reading; nothing is moved silently. Saving an edit of a
session that has later sessions in its series asks whether the edit is for it alone or for it
and the later ones; the Session menu cancels a session and the later ones of its series.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from datetime import datetime
from datetime import time

from PySide6.QtWidgets import QComboBox
from PySide6.QtWidgets import QHBoxLayout
from PySide6.QtWidgets import QInputDialog
from PySide6.QtWidgets import QLabel
from PySide6.QtWidgets import QLineEdit
from PySide6.QtWidgets import QMessageBox
from PySide6.QtWidgets import QSpinBox
from PySide6.QtWidgets import QWidget

from iltdesk import formatting
from iltdesk.domain.recurrence import OccurrenceFoldError
from iltdesk.domain.recurrence import OccurrenceGapError
from iltdesk.domain.recurrence import RuleError
from iltdesk.domain.recurrence import occurrence_dates
from iltdesk.domain.rows import SessionRow
from iltdesk.domain.specs import SessionSpec
from iltdesk.i18n import _
from iltdesk.i18n import ngettext
from iltdesk.services import series
from iltdesk.services.common import Outcome
from iltdesk.views.context import AppContext
from iltdesk.views.modal import run_modal

NONE, WEEKLY, FORTNIGHTLY, MONTHLY, WEEKDAYS, CUSTOM = range(6)
WEEKDAY_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


def nth_weekday(day: date) -> int:
    """Which of its month's weekdays `day` is: 1…4, or -1 for the last one."""
    nth = (day.day - 1) // 7 + 1
    return -1 if nth == 5 else nth


def month_label(day: date) -> str:
    """The monthly choice's label for `day`: "Every month on the first Monday"."""
    weekday = formatting.format_weekday(day)
    labels = {
        1: _("Every month on the first {weekday}"),
        2: _("Every month on the second {weekday}"),
        3: _("Every month on the third {weekday}"),
        4: _("Every month on the fourth {weekday}"),
        -1: _("Every month on the last {weekday}"),
    }
    return labels[nth_weekday(day)].format(weekday=weekday)


class RepeatBox(QWidget):
    """The editor's Repeat row: a kind, how many times (or a typed rule), and what it makes."""

    def __init__(self, first_day: Callable[[], date | None], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.first_day = first_day
        self.kind = QComboBox()
        self.kind.setAccessibleName(_("Repeat"))
        for text in (
            _("Does not repeat"),
            _("Every week"),
            _("Every two weeks"),
            _("Every month on the same weekday"),
            _("Every weekday (Monday to Friday)"),
            _("Custom rule (RFC 5545)…"),
        ):
            self.kind.addItem(text)
        self.count = QSpinBox()
        self.count.setRange(2, series_limit())
        self.count.setValue(6)
        self.count.setSuffix(_(" times"))
        self.count.setAccessibleName(_("How many sessions"))
        self.custom = QLineEdit()
        self.custom.setPlaceholderText("FREQ=WEEKLY;BYDAY=TU,TH;COUNT=8")
        self.custom.setAccessibleName(_("Repeat rule"))
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.kind)
        row.addWidget(self.count)
        row.addWidget(self.custom, 1)
        row.addWidget(self.summary, 1)
        self.kind.currentIndexChanged.connect(self.refresh)
        self.count.valueChanged.connect(self.refresh)
        self.custom.textChanged.connect(self.refresh)
        self.refresh()

    def rule(self) -> str | None:
        """The RRULE the row describes (None: the session does not repeat)."""
        kind = self.kind.currentIndex()
        if kind == NONE:
            return None
        if kind == CUSTOM:
            return self.custom.text().strip() or None
        count = self.count.value()
        if kind == WEEKLY:
            return f"FREQ=WEEKLY;COUNT={count}"
        if kind == FORTNIGHTLY:
            return f"FREQ=WEEKLY;INTERVAL=2;COUNT={count}"
        if kind == WEEKDAYS:
            return f"FREQ=DAILY;BYDAY=MO,TU,WE,TH,FR;COUNT={count}"
        day = self.first_day() or date.today()
        return f"FREQ=MONTHLY;BYDAY={nth_weekday(day)}{WEEKDAY_CODES[day.weekday()]};COUNT={count}"

    def refresh(self, *_args: object) -> None:
        kind = self.kind.currentIndex()
        day = self.first_day()
        if day is not None:
            self.kind.setItemText(MONTHLY, month_label(day))
        self.count.setVisible(kind not in (NONE, CUSTOM))
        self.custom.setVisible(kind == CUSTOM)
        rule = self.rule()
        if rule is None or day is None:
            self.summary.setText("")
            return
        try:
            dates = occurrence_dates(rule, datetime.combine(day, time(12)))
        except RuleError as error:
            self.summary.setText(str(error))
            return
        self.summary.setText(
            ngettext("{n} session, {first}", "{n} sessions, {first} – {last}", len(dates)).format(
                n=len(dates),
                first=formatting.format_date(dates[0]),
                last=formatting.format_date(dates[-1]),
            )
        )


def series_limit() -> int:
    """The most sessions one series schedules."""
    from iltdesk.domain.recurrence import MAX_OCCURRENCES

    return MAX_OCCURRENCES


# --- questions (the one place tests patch each) ----------------------------------------------


def ask_skip_gap(parent: QWidget, error: OccurrenceGapError) -> bool:
    """Whether to leave out an occurrence whose time does not exist that day."""
    answer = QMessageBox.question(
        parent,
        _("A session falls in a clock change"),
        str(error) + "\n\n" + _("Leave that date out of the series?"),
    )
    return answer == QMessageBox.StandardButton.Yes


def ask_fold(parent: QWidget, error: OccurrenceFoldError) -> int | None:
    """Which reading of a time that happens twice an occurrence means (None: cancelled)."""
    first, second = error.choices
    options = [
        _("The first: {time}").format(time=formatting.format_datetime(first, str(first.tzinfo))),
        _("The second: {time}").format(time=formatting.format_datetime(second, str(second.tzinfo))),
    ]
    chosen, ok = QInputDialog.getItem(
        parent, _("Which time is meant?"), str(error), options, 0, False
    )
    return options.index(chosen) if ok and chosen in options else None


def ask_scope(parent: QWidget, later: int) -> bool | None:
    """Whether an edit is for the later sessions too (True), this one alone (False), or None.

    None: the coordinator cancelled.
    """
    box = QMessageBox(parent)
    box.setWindowTitle(_("Change the series?"))
    box.setText(
        ngettext(
            "This session has {n} later session in its series. Change it too?",
            "This session has {n} later sessions in its series. Change them too?",
            later,
        ).format(n=later)
    )
    both = box.addButton(_("This and later sessions"), QMessageBox.ButtonRole.YesRole)
    alone = box.addButton(_("Only this session"), QMessageBox.ButtonRole.NoRole)
    box.addButton(QMessageBox.StandardButton.Cancel)
    run_modal(box)
    clicked = box.clickedButton()
    return True if clicked is both else False if clicked is alone else None


# --- saving ----------------------------------------------------------------------------------


def create_series(
    parent: QWidget, ctx: AppContext, spec: SessionSpec, rule: str
) -> Outcome[list[SessionRow]] | None:
    """Schedule the series, asking about each date in a gap or a fold; None when cancelled."""
    skip: set[date] = set()
    folds: dict[date, int] = {}
    while True:
        try:
            series.plan_series(spec, rule, skip=skip, folds=folds)
        except OccurrenceGapError as error:
            if not ask_skip_gap(parent, error):
                return None
            skip.add(error.day)
            continue
        except OccurrenceFoldError as error:
            fold = ask_fold(parent, error)
            if fold is None:
                return None
            folds[error.day] = fold
            continue
        except RuleError as error:
            from iltdesk.views.errors import show_error

            show_error(parent, error)
            return None
        break
    return ctx.op(
        parent,
        lambda: series.create_series(
            ctx.db, spec, rule, allow_clashes=True, skip=skip, folds=folds
        ),
    )


def save_in_series(
    parent: QWidget,
    ctx: AppContext,
    spec: SessionSpec,
    repeat: RepeatBox | None,
    seen: SessionRow | None,
) -> SessionRow | bool:
    """The editor's save when a series is involved.

    Returns the saved (first) session, True when the coordinator cancelled or it failed (said
    already), or False when no series is involved and the editor saves as usual.
    """
    if seen is None and repeat is not None and (rule := repeat.rule()):
        made = create_series(parent, ctx, spec, rule)
        return made.value[0] if made is not None else True
    if seen is None or not (later := later_count(ctx, seen)):
        return False
    scope = ask_scope(parent, later)
    if scope is None:
        return True
    if not scope:
        return False
    changed = ctx.op(parent, lambda: series.update_later(ctx.db, seen.id, spec, allow_clashes=True))
    return changed.value[0] if changed is not None else True


def later_count(ctx: AppContext, row: SessionRow) -> int:
    """How many later sessions of its series an edit of `row` could also change."""
    if row.series_id is None:
        return 0
    return len(series.later_sessions(ctx.db, row.id)) - 1


def cancel_later(parent: QWidget, ctx: AppContext, row: SessionRow) -> bool:
    """Session › Cancel this and later sessions…: asks for the reason, then cancels them."""
    count = later_count(ctx, row) + 1
    reason, ok = QInputDialog.getText(
        parent,
        _("Cancel the series"),
        ngettext(
            "Why is this session cancelled? Learners read the reason.",
            "Why are these {n} sessions cancelled? Learners read the reason.",
            count,
        ).format(n=count),
    )
    if not ok:
        return False
    return ctx.op(parent, lambda: series.cancel_series(ctx.db, row.id, reason)) is not None
