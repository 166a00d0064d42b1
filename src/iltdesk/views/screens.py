"""The main window's screens: their keys, names, icons, shortcuts, and how each is built.

Screens are built when first shown, so start-up builds (and queries) only the first one. The
View menu lists them with Ctrl+1…Ctrl+9 (and Ctrl+R for Reports).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QSize
from PySide6.QtWidgets import QListWidget
from PySide6.QtWidgets import QWidget

from iltdesk.i18n import N_
from iltdesk.views.context import AppContext


@dataclass(frozen=True)
class Screen:
    """One screen of the main window."""

    key: str
    label: str  # untranslated; shown through _()
    build: Callable[[AppContext], QWidget]
    extra_shortcut: str = ""


def _home(ctx: AppContext) -> QWidget:
    from iltdesk.views.dashboard import DashboardPage

    return DashboardPage(ctx)


def _sessions(ctx: AppContext) -> QWidget:
    from iltdesk.views.sessions_view import SessionsPage

    return SessionsPage(ctx)


def _instructors(ctx: AppContext) -> QWidget:
    from iltdesk.views.instructors_view import InstructorsPage

    return InstructorsPage(ctx)


def _catalogue(name: str) -> Callable[[AppContext], QWidget]:
    def build(ctx: AppContext) -> QWidget:
        from iltdesk.views import catalogue_views

        page: QWidget = getattr(catalogue_views, name)(ctx)
        return page

    return build


def _reports(ctx: AppContext) -> QWidget:
    from iltdesk.views.reports_view import ReportsPage

    return ReportsPage(ctx)


def _compliance(ctx: AppContext) -> QWidget:
    from iltdesk.views.compliance_view import CompliancePage

    return CompliancePage(ctx)


def _outbox(ctx: AppContext) -> QWidget:
    from iltdesk.views.outbox_page import OutboxPage

    page: QWidget = OutboxPage(ctx)
    return page


SCREENS: tuple[Screen, ...] = (
    Screen("home", N_("Home"), _home),
    Screen("sessions", N_("Sessions"), _sessions),
    Screen("courses", N_("Courses"), _catalogue("CoursesPage")),
    Screen("learners", N_("Learners"), _catalogue("LearnersPage")),
    Screen("instructors", N_("Instructors"), _instructors),
    Screen("rooms", N_("Rooms"), _catalogue("RoomsPage")),
    Screen("reports", N_("Reports"), _reports, extra_shortcut="Ctrl+R"),
    Screen("compliance", N_("Compliance"), _compliance),
    Screen("outbox", N_("Outbox"), _outbox),
)
KEYS: tuple[str, ...] = tuple(screen.key for screen in SCREENS)


def shortcut(index: int) -> str:
    """Ctrl+1 for the first screen, Ctrl+2 for the second, and so on."""
    return f"Ctrl+{index + 1}"


class Sidebar(QListWidget):
    """The list of screens, as wide as its longest name (within its minimum and maximum).

    A list's own size hint is 256 px whatever it holds: wider than the sidebar's maximum, so
    the splitter left the difference as an empty strip beside it.
    """

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        hint = super().sizeHint()
        metrics = self.fontMetrics()
        text = max(
            (metrics.horizontalAdvance(self.item(i).text()) for i in range(self.count())), default=0
        )
        # The icon, the gaps beside and after it, the item's spacing and the frame.
        wanted = text + self.iconSize().width() + 3 * metrics.averageCharWidth()
        wanted += 2 * (self.spacing() + self.frameWidth())
        return QSize(max(self.minimumWidth(), min(wanted, self.maximumWidth())), hint.height())
