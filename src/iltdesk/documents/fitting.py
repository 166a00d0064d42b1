"""Text that stays inside its box: wrap first, then shrink, on every document.

A name of 200 characters must neither run into the next cell nor lose its end: it wraps onto
more lines, and when the lines no longer fit the box's height the font gets smaller, down to a
floor that is still readable on paper. Only below that floor does the box itself grow (a table
row gets taller), which callers allow by using the height the paragraph reports.
"""

from __future__ import annotations

from reportlab.lib.enums import TA_CENTER
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Paragraph

from iltdesk.documents.fonts import markup

LEADING = 1.2  # line height as a multiple of the font size


def fitted_paragraph(
    text: str,
    font: str,
    width: float,
    height: float,
    largest: float,
    smallest: float,
    *,
    centred: bool = False,
    max_lines: int | None = None,
) -> tuple[Paragraph, float]:
    """`text` at the largest size (`largest` down to `smallest`) that fits the box.

    The wrapped lines must fit `width` × `height` (and `max_lines`, when given). Returns the
    paragraph with the height it needs — more than `height` only when even `smallest` does not
    fit.
    """
    size = largest
    while True:
        style = ParagraphStyle(
            "fitted",
            fontName=font,
            fontSize=size,
            leading=size * LEADING,
            alignment=TA_CENTER if centred else TA_LEFT,
            splitLongWords=True,
        )
        paragraph = Paragraph(markup(text), style)
        _width, needed = paragraph.wrap(width, 100_000)
        lines = len(getattr(paragraph, "blPara").lines)  # noqa: B009 - reportlab sets it in wrap
        fits = needed <= height and (max_lines is None or lines <= max_lines)
        if fits or size <= smallest:
            return paragraph, needed
        size = max(smallest, size - 0.5)
