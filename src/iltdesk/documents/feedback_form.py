"""The printed feedback form: the session's details, tick boxes per statement, room to write.

One page per copy (one per learner with a seat), so the coordinator prints once and hands out.
The boxes are drawn, not typed characters, so they print the same in every viewer; each rated
statement has the numbers 1–5 above its boxes (0–10 for "would you recommend").
"""

from __future__ import annotations

import io

from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable
from reportlab.platypus import KeepTogether
from reportlab.platypus import PageBreak
from reportlab.platypus import Paragraph
from reportlab.platypus import Spacer
from reportlab.platypus import Table
from reportlab.platypus import TableStyle

from iltdesk.documents.fonts import markup
from iltdesk.documents.fonts import register_fonts
from iltdesk.documents.pages import Cell
from iltdesk.documents.pages import pdf_document
from iltdesk.domain.feedback import QuestionKind
from iltdesk.domain.printing import FeedbackSheet
from iltdesk.i18n import _

BOX = 4.6 * mm
GREY = colors.HexColor("#777777")


class TickBox(Flowable):
    """An empty square to tick."""

    def __init__(self, size: float = BOX) -> None:
        super().__init__()
        self.size = size

    def wrap(self, *_args: float) -> tuple[float, float]:
        return self.size, self.size

    def draw(self) -> None:
        self.canv.setLineWidth(0.8)
        self.canv.rect(0, 0, self.size, self.size, stroke=1, fill=0)


def build_feedback_form_pdf(sheet: FeedbackSheet) -> bytes:
    """The form as a PDF, `sheet.copies` pages (at least one)."""
    regular, bold = register_fonts()
    body = ParagraphStyle("body", fontName=regular, fontSize=10.5, leading=13.5)
    small = ParagraphStyle("small", parent=body, fontSize=8.5, leading=10.5, textColor=GREY)
    centred = ParagraphStyle("centred", parent=body, fontSize=9, leading=11, alignment=1)
    title = ParagraphStyle("h1", parent=body, fontName=bold, fontSize=16, leading=20)
    heading = ParagraphStyle("h2", parent=body, fontName=bold, fontSize=11, leading=14)
    buffer = io.BytesIO()
    document = pdf_document(
        buffer,
        sheet.paper,
        _("Feedback — {course}").format(course=sheet.course_title),
        side=16,
        top=14,
        bottom=12,
    )
    width = document.width
    story: list[Flowable] = []
    for copy in range(max(1, sheet.copies)):
        if copy:
            story.append(PageBreak())
        story.extend(_page(sheet, width, body, small, centred, title, heading, regular))
    document.build(story)
    return buffer.getvalue()


def _page(
    sheet: FeedbackSheet,
    width: float,
    body: ParagraphStyle,
    small: ParagraphStyle,
    centred: ParagraphStyle,
    title: ParagraphStyle,
    heading: ParagraphStyle,
    regular: str,
) -> list[Flowable]:
    story: list[Flowable] = []
    if sheet.organisation:
        story.append(Paragraph(markup(sheet.organisation), small))
    story.append(Paragraph(markup(_("Feedback on your training")), small))
    story.append(Paragraph(markup(f"{sheet.course_code} {sheet.course_title}".strip()), title))
    facts = [
        (_("When"), "<br/>".join(markup(line) for line in sheet.when) or "—"),
        (_("Where"), markup(sheet.place or "—")),
        (_("Instructors"), markup(", ".join(sheet.instructors) or "—")),
    ]
    story.append(
        Table(
            [[Paragraph(markup(k), heading), Paragraph(v, body)] for k, v in facts],
            colWidths=[34 * mm, width - 34 * mm],
            style=TableStyle(
                [
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
                    ("TOPPADDING", (0, 0), (-1, -1), 1),
                ]
            ),
        )
    )
    story.append(Spacer(0, 3 * mm))
    rated = [(w, k) for w, k in sheet.questions if k == QuestionKind.SCALE.value]
    if rated:
        story.append(
            Paragraph(
                markup(
                    _("Tick one box for each statement: 1 = strongly disagree, 5 = strongly agree.")
                ),
                body,
            )
        )
        story.append(Spacer(0, 1.5 * mm))
        box_column = 11 * mm
        header: list[Cell] = [Paragraph("", body)]
        header += [Paragraph(str(n), centred) for n in range(1, 6)]
        rows: list[list[Cell]] = [header]
        rows += [[Paragraph(markup(w), body)] + [TickBox() for _n in range(5)] for w, _k in rated]
        story.append(
            Table(
                rows,
                colWidths=[width - 5 * box_column] + [box_column] * 5,
                style=TableStyle(
                    [
                        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                        ("ALIGN", (1, 0), (-1, -1), "CENTER"),
                        ("LINEBELOW", (0, 1), (-1, -1), 0.4, colors.HexColor("#CCCCCC")),
                        ("TOPPADDING", (0, 1), (-1, -1), 5),
                        ("BOTTOMPADDING", (0, 1), (-1, -1), 5),
                    ]
                ),
            )
        )
    for wording, kind in sheet.questions:
        if kind == QuestionKind.RECOMMEND.value:
            story.append(Spacer(0, 4 * mm))
            story.append(_recommend(wording, width, body, small, centred))
    for wording, kind in sheet.questions:
        if kind == QuestionKind.TEXT.value:
            story.append(Spacer(0, 4 * mm))
            story.append(_lines(wording, width, body, regular))
    story.append(Spacer(0, 5 * mm))
    story.append(
        Table(
            [[Paragraph(markup(_("Name (optional)")), body), ""]],
            colWidths=[35 * mm, width - 35 * mm],
            style=TableStyle([("LINEBELOW", (1, 0), (1, 0), 0.6, colors.black)]),
        )
    )
    story.append(Spacer(0, 2 * mm))
    story.append(Paragraph(markup(_("Thank you for your feedback.")), small))
    story.append(Paragraph(markup(sheet.printed_label), small))
    return story


def _recommend(
    wording: str,
    width: float,
    body: ParagraphStyle,
    small: ParagraphStyle,
    centred: ParagraphStyle,
) -> KeepTogether:
    cell = width / 11
    right = ParagraphStyle("right", parent=small, alignment=2)
    numbers = [Paragraph(str(n), centred) for n in range(11)]
    boxes = [TickBox() for _n in range(11)]
    # Each label spans five boxes (the left from 0, the right up to 10).
    ends: list[Cell] = [Paragraph(markup(_("Not at all likely")), small)] + [""] * 10
    ends[6] = Paragraph(markup(_("Extremely likely")), right)
    table = Table(
        [numbers, boxes, ends],
        colWidths=[cell] * 11,
        style=TableStyle(
            [
                ("ALIGN", (0, 0), (-1, 1), "CENTER"),
                ("SPAN", (0, 2), (4, 2)),
                ("SPAN", (6, 2), (10, 2)),
            ]
        ),
    )
    return KeepTogether([Paragraph(markup(wording), body), table])


def _lines(wording: str, width: float, body: ParagraphStyle, regular: str) -> KeepTogether:
    ruled = Table(
        [[""], [""], [""]],
        colWidths=[width],
        rowHeights=[8 * mm] * 3,
        style=TableStyle(
            [
                ("LINEBELOW", (0, 0), (-1, -1), 0.4, colors.HexColor("#999999")),
                ("FONTNAME", (0, 0), (-1, -1), regular),
            ]
        ),
    )
    return KeepTogether([Paragraph(markup(wording), body), ruled])
