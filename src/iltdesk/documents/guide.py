"""The facilitator guide for one session.

Objectives, the agenda with clock times for each day, activity types and notes, a materials
checklist, the place and the roster count.
"""

from __future__ import annotations

import io
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable
from reportlab.platypus import KeepTogether
from reportlab.platypus import ListFlowable
from reportlab.platypus import ListItem
from reportlab.platypus import Paragraph
from reportlab.platypus import Spacer
from reportlab.platypus import Table
from reportlab.platypus import TableStyle

from iltdesk.documents.fonts import register_fonts
from iltdesk.documents.pages import pdf_document
from iltdesk.domain.printing import FacilitatorGuide
from iltdesk.i18n import _


def build_guide_pdf(guide: FacilitatorGuide) -> bytes:
    """The facilitator guide as a PDF: each day's agenda on the clock."""
    regular, bold = register_fonts()
    body = ParagraphStyle("body", fontName=regular, fontSize=10.5, leading=13.5)
    small = ParagraphStyle("small", parent=body, fontSize=9.5, leading=12)
    heading = ParagraphStyle(
        "h2", parent=body, fontName=bold, fontSize=13, leading=17, spaceBefore=8, spaceAfter=4
    )
    title = ParagraphStyle("h1", parent=body, fontName=bold, fontSize=18, leading=22)
    cell_head = ParagraphStyle("th", parent=small, fontName=bold)
    buffer = io.BytesIO()
    document = pdf_document(
        buffer,
        guide.paper,
        _("Facilitator guide — {course}").format(course=guide.course_title),
        side=18,
        top=16,
        bottom=16,
    )
    story: list[Flowable] = []
    if guide.organisation:
        story.append(Paragraph(escape(guide.organisation), small))
    story.append(Paragraph(escape(_("Facilitator guide")), small))
    story.append(
        Paragraph(
            escape(guide.course_title + (f" · {guide.cohort}" if guide.cohort else "")), title
        )
    )
    story.append(Spacer(0, 3 * mm))
    facts = [
        (_("Where"), guide.place),
        (_("Instructors"), ", ".join(guide.instructors) or "—"),
        (_("Learners"), guide.roster_count),
    ]
    story.append(
        Table(
            [[Paragraph(escape(k), cell_head), Paragraph(escape(v), small)] for k, v in facts],
            colWidths=[30 * mm, document.width - 30 * mm],
            style=TableStyle(
                [("VALIGN", (0, 0), (-1, -1), "TOP"), ("FONTNAME", (0, 0), (-1, -1), regular)]
            ),
        )
    )
    story.append(Paragraph(escape(_("Learning objectives")), heading))
    # Any: reportlab's stubs take a ListItem neither as a Flowable nor in ListFlowable.
    objectives: list[Any] = [
        ListItem(Paragraph(escape(text), body), value=i + 1)
        for i, text in enumerate(guide.objectives)
    ] or [ListItem(Paragraph("—", body))]
    story.append(
        ListFlowable(
            objectives,
            bulletType="1",
            bulletFontName=regular,
            bulletFontSize=10.5,
        )
    )
    widths = [27 * mm, 58 * mm, 12 * mm, 31 * mm]
    widths.append(document.width - sum(widths))
    for day in guide.days:
        rows = [
            [
                Paragraph(escape(h), cell_head)
                for h in (
                    _("Time ({zone})").format(zone=day.zone) if day.zone else _("Time"),
                    _("Item"),
                    _("Min"),
                    _("Activity"),
                    _("Objective and notes"),
                )
            ]
        ]
        for item in day.items:
            notes = escape(item.objective)
            if item.notes:
                notes += ("<br/>" if notes else "") + escape(item.notes)
            rows.append(
                [
                    Paragraph(escape(item.clock), small),
                    Paragraph(escape(item.title), small),
                    Paragraph(str(item.minutes), small),
                    Paragraph(escape(item.activity), small),
                    Paragraph(notes, small),
                ]
            )
        table = Table(rows, colWidths=widths, repeatRows=1)
        table.setStyle(
            TableStyle(
                [
                    ("FONTNAME", (0, 0), (-1, -1), regular),
                    ("GRID", (0, 0), (-1, -1), 0.5, colors.HexColor("#999999")),
                    ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#E6EEF5")),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ]
            )
        )
        story.append(KeepTogether([Paragraph(escape(day.heading), heading)]))
        story.append(table)
    if guide.readiness:
        story.append(Paragraph(escape(_("Ready to go live")), heading))
        # Any: reportlab's stubs take a ListItem neither as a Flowable nor in ListFlowable.
        checks: list[Any] = [
            ListItem(Paragraph(escape(label), body), value="☑" if done else "☐")
            for label, done in guide.readiness
        ]
        story.append(
            ListFlowable(
                checks,
                bulletType="bullet",
                start="☐",
                bulletFontName=regular,
            )
        )
    if guide.pilot_notes:
        story.append(Paragraph(escape(_("Changes from the pilots")), heading))
        for label, note in guide.pilot_notes:
            story.append(Paragraph(f"<b>{escape(label)}</b>", small))
            story.append(Paragraph(escape(note).replace("\n", "<br/>"), body))
    story.append(Paragraph(escape(_("Materials checklist")), heading))
    if guide.materials:
        # Any: reportlab's stubs take a ListItem neither as a Flowable nor in ListFlowable.
        checklist: list[Any] = [
            ListItem(Paragraph(escape(m), body), value="☐") for m in guide.materials
        ]
        story.append(
            ListFlowable(
                checklist,
                bulletType="bullet",
                start="☐",
                bulletFontName=regular,
            )
        )
    else:
        story.append(Paragraph(escape(_("No materials are attached to this course.")), body))
    story.append(Spacer(0, 6 * mm))
    story.append(Paragraph(escape(guide.printed_label), small))
    document.build(story)
    return buffer.getvalue()
