"""How the session editor shows clashes and notes: one coloured line each, or all clear."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from iltdesk.domain.rows import Clash
from iltdesk.i18n import _
from iltdesk.views.widgets import ERROR_COLOUR

WARNING, CLEAR = "#b9770e", "#1e8449"  # beside ERROR_COLOUR, for refusals


def refused_html(sentence: str) -> str:
    """A sentence saying why the session cannot be saved as it stands."""
    return f"<span style='color:{ERROR_COLOUR}'>✖ {escape(sentence)}</span>"


def clashes_html(notes: Sequence[str], clashes: Sequence[Clash]) -> str:
    """Notes (warnings), then each clash (a warning or a refusal); "No clashes." unless refused.

    A warning (no room booked yet, an instructor not yet qualified) is not a clash: the line
    saying there is none stays under it.
    """
    lines = [f"<span style='color:{WARNING}'>⚠ {escape(note)}</span>" for note in notes]
    for clash in clashes:
        colour, mark = (WARNING, "⚠") if clash.is_warning else (ERROR_COLOUR, "✖")
        lines.append(f"<span style='color:{colour}'>{mark} {escape(clash.message)}</span>")
    if all(clash.is_warning for clash in clashes):
        lines.append(f"<span style='color:{CLEAR}'>✔ " + escape(_("No clashes.")) + "</span>")
    return "<br>".join(lines)


def clash_label(line_spacing: int) -> QLabel:
    """The label the lines go to, with room for a few from the start.

    The buttons below it then do not jump as warnings come and go.
    """
    label = QLabel()
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.RichText)
    label.setObjectName("clashes")
    label.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
    label.setMinimumHeight(4 * line_spacing)
    return label
