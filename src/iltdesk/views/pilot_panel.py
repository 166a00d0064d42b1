"""The course's pilots beside its agenda in the course editor.

When each pilot ran, what learners said overall, and the debrief of what to change.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel
from PySide6.QtWidgets import QPlainTextEdit
from PySide6.QtWidgets import QSplitter
from PySide6.QtWidgets import QVBoxLayout
from PySide6.QtWidgets import QWidget

from iltdesk import formatting
from iltdesk.i18n import _
from iltdesk.i18n import ngettext
from iltdesk.services.pilots import PilotReview
from iltdesk.services.pilots import pilot_reviews
from iltdesk.views.context import AppContext


def review_text(reviews: list[PilotReview]) -> str:
    """The pilots as the panel lists them."""
    parts = []
    for review in reviews:
        when = (
            formatting.format_datetime(review.first_start, review.timezone)
            if review.first_start
            else "—"
        )
        score = (
            ngettext(
                "overall {score} from {n} response",
                "overall {score} from {n} responses",
                review.responses,
            ).format(score=formatting.format_score(review.overall), n=review.responses)
            if review.overall is not None
            else _("no feedback yet")
        )
        parts.append(
            _("Pilot of {when} — {score}").format(when=when, score=score)
            + "\n"
            + (review.debrief or _("(no debrief yet)"))
        )
    return "\n\n".join(parts)


def with_pilots(agenda: QWidget, ctx: AppContext, course_id: int | None) -> QWidget:
    """`agenda` alone, or beside the course's pilots when it has any."""
    reviews = pilot_reviews(ctx.db, course_id) if course_id is not None else []
    if not reviews:
        return agenda
    panel = QWidget()
    layout = QVBoxLayout(panel)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.addWidget(QLabel("<b>" + _("Pilots") + "</b>"))
    text = QPlainTextEdit(review_text(reviews))
    text.setReadOnly(True)
    text.setAccessibleName(_("Pilots"))
    text.setObjectName("pilots")
    layout.addWidget(text)
    splitter = QSplitter(Qt.Orientation.Horizontal)
    splitter.addWidget(agenda)
    splitter.addWidget(panel)
    splitter.setStretchFactor(0, 3)
    splitter.setStretchFactor(1, 2)
    return splitter
