"""The compliance matrix as a workbook and as a PDF an auditor can keep.

Learners down, requirements across, totals per requirement; the workbook has frozen headings
and, if asked, one sheet per department.
"""

from __future__ import annotations

import io
from datetime import datetime
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.styles import PatternFill
from openpyxl.utils import get_column_letter
from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable
from reportlab.platypus import Paragraph
from reportlab.platypus import Spacer
from reportlab.platypus import Table
from reportlab.platypus import TableStyle

from iltdesk import formatting
from iltdesk.documents.fonts import markup
from iltdesk.documents.fonts import register_fonts
from iltdesk.documents.pages import Cell
from iltdesk.documents.pages import pdf_document
from iltdesk.documents.workbook import HEAD_FILL
from iltdesk.documents.workbook import print_setup
from iltdesk.documents.workbook import put_text
from iltdesk.domain.compliance import RULE
from iltdesk.domain.compliance import ComplianceMatrix
from iltdesk.domain.compliance import MatrixLearner
from iltdesk.domain.compliance import cell_text
from iltdesk.domain.compliance import totals_line
from iltdesk.domain.enums import ComplianceState
from iltdesk.i18n import _

S = ComplianceState
# Light fills readable in print: green current, amber expiring, red overdue, grey the rest.
FILLS = {
    S.CURRENT: "D9F2E3",
    S.EXPIRING: "FFF1CC",
    S.OVERDUE: "F9D6D5",
    S.NEVER: "EEEEEE",
    S.EXEMPT: "E3E8F4",
    S.HIRE_DATE_MISSING: "EEEEEE",
}


def _sheet(
    book: Workbook, title: str, matrix: ComplianceMatrix, people: list[MatrixLearner]
) -> None:
    sheet = book.create_sheet(title[:31])
    headings = [_("Learner"), _("Email"), _("Department"), _("Manager")] + [
        r.name for r in matrix.requirements
    ]
    for column, text in enumerate(headings, start=1):
        cell = sheet.cell(row=1, column=column)
        put_text(cell, text)
        cell.font = Font(bold=True)
        cell.fill = HEAD_FILL
    sheet.freeze_panes = "B2"
    for row, person in enumerate(people, start=2):
        for column, text in enumerate(
            (person.name, person.email, person.department, person.manager), start=1
        ):
            put_text(sheet.cell(row=row, column=column), text)
        for index in range(len(matrix.requirements)):
            found = matrix.cell(index, person.id)
            target = sheet.cell(row=row, column=5 + index)
            put_text(target, cell_text(found))
            if found is not None:
                target.fill = PatternFill("solid", fgColor=FILLS[found.state])
    for column in range(1, len(headings) + 1):
        sheet.column_dimensions[get_column_letter(column)].width = 28 if column > 4 else 24
    print_setup(sheet, "1:1")


def compliance_workbook(
    matrix: ComplianceMatrix, generated: datetime, zone: str, *, by_department: bool = False
) -> bytes:
    """The matrix as a workbook: a summary, then one sheet (or one per department)."""
    book = Workbook()
    summary = book.active
    assert summary is not None
    summary.title = _("Summary")[:31]
    put_text(summary.cell(row=1, column=1), _("Compliance"))
    summary.cell(row=1, column=1).font = Font(bold=True, size=14)
    put_text(
        summary.cell(row=2, column=1),
        _("As of {date} · generated {when}").format(
            date=formatting.format_date(matrix.today),
            when=formatting.format_datetime(generated, zone),
        ),
    )
    for index in range(len(matrix.requirements)):
        put_text(summary.cell(row=4 + index, column=1), totals_line(matrix, index))
    put_text(summary.cell(row=6 + len(matrix.requirements), column=1), _(RULE))
    summary.column_dimensions["A"].width = 120
    people = list(matrix.learners)
    if by_department:
        departments = sorted({p.department for p in people}, key=str.casefold)
        for department in departments:
            _sheet(
                book,
                department or _("(no department)"),
                matrix,
                [p for p in people if p.department == department],
            )
    else:
        _sheet(book, _("Learners"), matrix, people)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def compliance_pdf(
    matrix: ComplianceMatrix, generated: datetime, zone: str, paper: str = "A4", title: str = ""
) -> bytes:
    """The matrix as a landscape PDF an auditor can keep."""
    regular, bold = register_fonts()
    body = ParagraphStyle("body", fontName=regular, fontSize=7.5, leading=9.5)
    head = ParagraphStyle("head", parent=body, fontName=bold)
    heading = ParagraphStyle("title", parent=body, fontName=bold, fontSize=14, leading=18)
    small = ParagraphStyle("small", parent=body, fontSize=7, textColor=colors.grey)
    buffer = io.BytesIO()
    document = pdf_document(
        buffer, paper, title or _("Compliance"), wide=True, side=10, top=10, bottom=10
    )
    story: list[Flowable] = [
        Paragraph(markup(title or _("Compliance")), heading),
        Paragraph(
            markup(
                _("As of {date} · generated {when}").format(
                    date=formatting.format_date(matrix.today),
                    when=formatting.format_datetime(generated, zone),
                )
            ),
            small,
        ),
        Spacer(0, 2 * mm),
    ]
    for index in range(len(matrix.requirements)):
        story.append(Paragraph(markup(totals_line(matrix, index)), body))
    story.append(Spacer(0, 3 * mm))
    header: list[Cell] = [
        Paragraph(markup(_("Learner")), head),
        Paragraph(markup(_("Department")), head),
    ]
    header += [Paragraph(markup(r.name), head) for r in matrix.requirements]
    rows: list[list[Cell]] = [header]
    style: list[Any] = [  # TableStyle commands (Any: the stubs keep their type private)
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LINEBELOW", (0, 0), (-1, 0), 0.8, colors.black),
        ("GRID", (0, 1), (-1, -1), 0.25, colors.HexColor("#CCCCCC")),
    ]
    for number, person in enumerate(matrix.learners, start=1):
        row: list[Cell] = [
            Paragraph(markup(f"{person.name}\n{person.email}".replace("\n", " · ")), body),
            Paragraph(markup(person.department), body),
        ]
        for index in range(len(matrix.requirements)):
            found = matrix.cell(index, person.id)
            row.append(Paragraph(markup(cell_text(found)), body))
            if found is not None:
                style.append(
                    (
                        "BACKGROUND",
                        (2 + index, number),
                        (2 + index, number),
                        colors.HexColor("#" + FILLS[found.state]),
                    )
                )
        rows.append(row)
    width = document.width
    first = width * 0.24
    second = width * 0.12
    rest = (width - first - second) / max(1, len(matrix.requirements))
    widths = [first, second] + [rest] * len(matrix.requirements)
    story.append(Table(rows, colWidths=widths, repeatRows=1, style=TableStyle(style)))
    story.append(Spacer(0, 3 * mm))
    story.append(Paragraph(markup(_(RULE)), small))
    document.build(story)
    return buffer.getvalue()
