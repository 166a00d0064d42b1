"""Warm-up after start: what the first visit of each screen would do on the GUI thread.

Python imports of the screens opened later and SQLAlchemy's first compilation of their
queries cost 50-150 ms each (bench_gui measured the first visit of Courses at 160 ms and the
first session window at 190 ms). Done once on a worker thread while the coordinator reads the
home screen, the first visits stay under the 50 ms a click can take. Nothing here writes.
"""

from __future__ import annotations

import importlib
from datetime import UTC
from datetime import datetime

from iltdesk.collector import keep_long_lived
from iltdesk.tasks.runner import Progress
from iltdesk.views.context import AppContext

# Modules each screen imports on its first visit (pure Python: safe to import off the GUI
# thread; no widget is created here).
SCREEN_MODULES = (
    "iltdesk.views.catalogue_views",
    "iltdesk.views.reports_view",
    "iltdesk.views.report_chart",
    "iltdesk.views.compliance_view",
    "iltdesk.views.outbox_page",
    "iltdesk.views.session_detail",
    "iltdesk.views.attendance_grid",
    "iltdesk.views.session_documents",
    "iltdesk.views.session_evidence",
    "iltdesk.views.history_panel",
    "iltdesk.views.cost_lines",
    "iltdesk.views.materials",
    "iltdesk.views.dialogs.session_editor",
    "iltdesk.views.dialogs.import_wizard",  # a roster from HR: 26 ms of imports on first use
    "iltdesk.views.dialogs.course_editor",  # with its agenda's pilots: ~30 ms on first open
    "iltdesk.views.pilot_panel",
)


def warm_up(ctx: AppContext, progress: Progress) -> None:
    """Import the screens and run one of each of their reads, so caches are warm."""
    db = ctx.db
    from iltdesk import formatting
    from iltdesk.services import audit
    from iltdesk.services import catalogue
    from iltdesk.services import costs
    from iltdesk.services import learners
    from iltdesk.services import people
    from iltdesk.services import scheduling
    from iltdesk.services.pilots import pilot_reviews
    from iltdesk.services.session_window import read_session_window

    total = len(SCREEN_MODULES) + 1
    for done, name in enumerate(SCREEN_MODULES):
        progress.report(done, total)
        importlib.import_module(name)
    catalogue.list_courses(db, include_archived=True)
    people.list_rooms(db)
    people.list_instructors(db)
    learners.search_learners(db, "", limit=1)
    learners.search_learners(db, "mu", limit=1)
    learners.count_learners(db, "mu")
    now = datetime.now(UTC)
    # Babel reads its locale data on the first date it formats (~17 ms; the session window's).
    formatting.format_span(now, now, "UTC")
    upcoming = scheduling.list_sessions(db, ends_after=now, limit=1) or scheduling.list_sessions(
        db, limit=1
    )
    for session in upcoming:
        read_session_window(db, session.id)
        catalogue.list_materials(db, session.course_id)
        costs.session_costs(db, session.id)
        audit.history(db, session_id=session.id, limit=1)
        # The course editor's reads (its first opening compiled them: ~30 ms more).
        costs.course_costs(db, session.course_id)
        audit.history(db, course_id=session.course_id, limit=1)
        pilot_reviews(db, session.course_id)
    keep_long_lived()  # modules, classes and compiled statements: out of later collections
    progress.report(total, total)
