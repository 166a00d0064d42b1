"""Sign-in sheets: one per session day, readable and complete, with room to sign.

Every page carries the course, date, time with its zone, place and instructors; the table's
header row repeats; names wrap instead of running off the page; the footer says "Page X of Y"
(per day) and when it was printed. User text is escaped before reportlab sees it.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable
from reportlab.platypus import LongTable
from reportlab.platypus import PageBreak
from reportlab.platypus import Paragraph
from reportlab.platypus import Spacer
from reportlab.platypus import TableStyle

from iltdesk.documents.fitting import fitted_paragraph
from iltdesk.documents.fonts import cjk_font
from iltdesk.documents.fonts import font_for
from iltdesk.documents.fonts import markup
from iltdesk.documents.fonts import printable
from iltdesk.documents.fonts import register_fonts
from iltdesk.documents.pages import Cell
from iltdesk.documents.pages import pdf_document
from iltdesk.domain.printing import SignInColumn
from iltdesk.domain.printing import SignInPerson
from iltdesk.domain.printing import SignInSheet
from iltdesk.i18n import _

BODY_SIZE = 11
SMALLEST = 7.5  # the smallest size a cell's text shrinks to before its row grows
ROW_HEIGHT = 10 * mm  # room for a signature
CELL_PADDING = 3  # points, top and bottom, as in the table style
SIDE_PADDING = 4  # points, left and right
MIN_BLANK_ROWS_WHEN_EMPTY = 15
# An empty flowable list: reportlab draws nothing for it, where "" still costs a text object
# per cell (most cells of a sign-in sheet are empty boxes to write in).
EMPTY: tuple[()] = ()
# Relative widths; the name and signature take the room they need.
WEIGHTS = {
    SignInColumn.NAME: 3.0,
    SignInColumn.EMPLOYEE_ID: 1.3,
    SignInColumn.DEPARTMENT: 2.1,
    SignInColumn.EMAIL: 2.6,
    SignInColumn.JOB_TITLE: 1.8,
    SignInColumn.SIGNATURE: 2.6,
    SignInColumn.TIME_IN: 1.4,
    SignInColumn.TIME_OUT: 1.4,
    SignInColumn.INITIALS: 1.0,
    SignInColumn.PREWORK: 1.7,
}
CUSTOM_WEIGHT = 1.6


class _SheetMarker(Flowable):
    """Invisible: tells the canvas which sheet the following pages belong to."""

    def __init__(self, index: int) -> None:
        super().__init__()
        self.index = index

    def wrap(self, *_args: float) -> tuple[float, float]:
        return 0, 0

    def draw(self) -> None:
        self.canv._iltdesk_sheet = self.index  # type: ignore[attr-defined]  # our mark on it


def _numbered_canvas(sheets: Sequence[SignInSheet], fonts: tuple[str, str]) -> type[Canvas]:
    """A canvas that holds pages back until the end so footers can say "Page X of Y"."""

    class NumberedCanvas(Canvas):
        def __init__(self, *args: Any, **kwargs: Any) -> None:  # Any: on to Canvas
            # Start pages in our font, so no unembedded Helvetica is referenced at all.
            kwargs["initialFontName"] = kwargs.get("initialFontName") or fonts[0]
            kwargs["initialFontSize"] = kwargs.get("initialFontSize") or BODY_SIZE
            super().__init__(*args, **kwargs)
            self._pages: list[dict[str, Any]] = []  # Any: the canvas's own state
            self._iltdesk_sheet = 0

        def showPage(self) -> None:  # noqa: N802 - reportlab's name
            state = dict(self.__dict__)
            state["_iltdesk_page_sheet"] = self._iltdesk_sheet
            self._pages.append(state)
            self._startPage()  # type: ignore[attr-defined]  # reportlab's own page reset

        def save(self) -> None:
            totals: dict[int, int] = {}
            for page in self._pages:
                totals[page["_iltdesk_page_sheet"]] = totals.get(page["_iltdesk_page_sheet"], 0) + 1
            seen: dict[int, int] = {}
            for page in self._pages:
                sheet_index = page["_iltdesk_page_sheet"]
                seen[sheet_index] = seen.get(sheet_index, 0) + 1
                self.__dict__.update(page)
                _draw_header_and_footer(
                    self, sheets[sheet_index], seen[sheet_index], totals[sheet_index], fonts
                )
                super().showPage()
            super().save()

    return NumberedCanvas


def _draw_header_and_footer(
    canvas: Canvas, sheet: SignInSheet, page: int, pages: int, fonts: tuple[str, str]
) -> None:
    regular, bold = fonts
    width, height = canvas._pagesize  # type: ignore[attr-defined]  # reportlab's, unstubbed
    left, right, top = 15 * mm, width - 15 * mm, height - 12 * mm
    x = left
    if sheet.logo is not None and sheet.logo.exists():
        try:
            canvas.drawImage(
                str(sheet.logo),
                left,
                top - 14 * mm,
                width=28 * mm,
                height=14 * mm,
                preserveAspectRatio=True,
                anchor="sw",
                mask="auto",
            )
            x = left + 32 * mm
        except OSError:
            x = left
    canvas.setFillColor(colors.HexColor("#555555"))
    canvas.setFont(regular, 9)
    if sheet.organisation:
        canvas.drawString(x, top - 3 * mm, printable(sheet.organisation))
    canvas.setFillColor(colors.black)
    title = sheet.course_title + (f" · {sheet.cohort}" if sheet.cohort else "")
    _draw_fitted(canvas, title, bold, 15, x, top - 9.5 * mm, right - x)
    when = _("Day {n} of {count}").format(n=sheet.day_number, count=sheet.day_count)
    when += f" · {sheet.date_label} · {sheet.time_label}"
    _draw_fitted(canvas, when, bold, 11.5, left, top - 17 * mm, right - left)
    _draw_fitted(canvas, sheet.place, regular, 10.5, left, top - 22.5 * mm, right - left)
    if sheet.instructors:
        teachers = _("Instructors: {names}").format(names=", ".join(sheet.instructors))
        _draw_fitted(canvas, teachers, regular, 10.5, left, top - 27.5 * mm, right - left)
    canvas.setStrokeColor(colors.HexColor("#999999"))
    canvas.line(left, top - 30 * mm, right, top - 30 * mm)
    canvas.setFont(regular, 9)
    canvas.setFillColor(colors.HexColor("#555555"))
    canvas.drawString(left, 9 * mm, sheet.printed_label)
    canvas.drawCentredString(width / 2, 9 * mm, sheet.course_code)
    canvas.drawRightString(
        right, 9 * mm, _("Page {page} of {pages}").format(page=page, pages=pages)
    )
    canvas.setFillColor(colors.black)


def _draw_fitted(
    canvas: Canvas, text: str, font: str, size: float, x: float, y: float, room: float
) -> None:
    """One header line inside `room` points.

    Smaller type first (down to 70 %); only then shortened with an ellipsis.
    """
    text = printable(text)
    face = font_for(text, font)
    smallest = size * 0.7
    while size > smallest and canvas.stringWidth(text, face, size) > room:
        size -= 0.25
    if canvas.stringWidth(text, face, size) > room:
        while text and canvas.stringWidth(text + "…", face, size) > room:
            text = text[:-1]
        text += "…"
    canvas.setFont(face, size)
    canvas.drawString(x, y, text)


def _cell(sheet_person: SignInPerson | None, column: SignInColumn) -> str:
    if sheet_person is None:
        return ""
    values = {
        SignInColumn.NAME: f"{sheet_person.last_name}, {sheet_person.first_name}".strip(", "),
        SignInColumn.EMPLOYEE_ID: sheet_person.employee_id,
        SignInColumn.DEPARTMENT: sheet_person.department,
        SignInColumn.EMAIL: sheet_person.email,
        SignInColumn.JOB_TITLE: sheet_person.job_title,
        SignInColumn.PREWORK: "✓" if sheet_person.prework_done else "",
    }
    return values.get(column, "")


def _table(sheet: SignInSheet, frame_width: float, fonts: tuple[str, str]) -> LongTable:
    regular, bold = fonts
    # splitLongWords (on by default) breaks a name longer than its cell instead of overflowing.
    cell_style = ParagraphStyle(
        "cell",
        fontName=regular,
        fontSize=BODY_SIZE,
        leading=BODY_SIZE * 1.2,
        alignment=TA_LEFT,
        splitLongWords=True,
    )
    head_style = ParagraphStyle(
        "head", parent=cell_style, fontName=bold, fontSize=10, leading=12, splitLongWords=False
    )
    options = sheet.options
    headings = [c.label() for c in options.columns] + list(options.custom_headings)
    weights = [WEIGHTS[c] for c in options.columns] + [CUSTOM_WEIGHT] * len(options.custom_headings)
    number_width = 12 * mm
    unit = (frame_width - number_width) / sum(weights)
    widths = [number_width] + [w * unit for w in weights]
    # Headings that fit stay plain strings (bold via the table style); long ones wrap.
    header_room = [w - 2 * SIDE_PADDING for w in widths]
    data: list[list[Cell]] = [
        [
            h
            if stringWidth(h, bold, 10) <= room and cjk_font(h) is None
            else Paragraph(markup(h), head_style)
            for h, room in zip(["#", *headings], header_room, strict=True)
        ]
    ]
    blank = options.blank_rows
    if not sheet.people:
        blank = max(blank, MIN_BLANK_ROWS_WHEN_EMPTY)
    people: list[SignInPerson | None] = [*sheet.people, *[None] * blank]
    # The width a cell's text wraps to: the column minus the cell's side padding.
    room = [w - 2 * SIDE_PADDING for w in widths[1 : 1 + len(options.columns)]]
    inner = ROW_HEIGHT - 2 * CELL_PADDING
    heights: list[float | None] = [None]
    for number, person in enumerate(people, start=1):
        row: list[Cell] = [str(number)]
        needed = inner
        for column, space in zip(options.columns, room, strict=True):
            text = printable(_cell(person, column))
            # Plain strings are drawn far faster than paragraphs; only text that must wrap
            # (or needs a CJK font) becomes a paragraph, at the size that fits the cell.
            if not text:
                row.append(EMPTY)
                continue
            if stringWidth(text, regular, BODY_SIZE) <= space and cjk_font(text) is None:
                row.append(text)
                continue
            paragraph, height = fitted_paragraph(text, regular, space, inner, BODY_SIZE, SMALLEST)
            needed = max(needed, height)
            row.append(paragraph)
        row += [EMPTY] * len(options.custom_headings)
        data.append(row)
        # A row grows only when its text does not fit even at the smallest size.
        heights.append(max(ROW_HEIGHT, needed + 2 * CELL_PADDING))
    table = LongTable(data, colWidths=widths, repeatRows=1, rowHeights=heights)
    table.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), regular),  # plain cells too: no unembedded Helvetica
                ("FONTSIZE", (0, 0), (-1, -1), BODY_SIZE),
                ("FONTNAME", (0, 0), (-1, 0), bold),
                ("FONTSIZE", (0, 0), (-1, 0), 10),
                ("GRID", (0, 0), (-1, -1), 0.6, colors.HexColor("#777777")),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#E6EEF5")),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, colors.HexColor("#F7F7F7")]),
                ("TOPPADDING", (0, 0), (-1, -1), CELL_PADDING),
                ("BOTTOMPADDING", (0, 0), (-1, -1), CELL_PADDING),
                ("LEFTPADDING", (0, 0), (-1, -1), SIDE_PADDING),
                ("RIGHTPADDING", (0, 0), (-1, -1), SIDE_PADDING),
            ]
        )
    )
    return table


def build_signin_pdf(sheets: Sequence[SignInSheet]) -> bytes:
    """All `sheets` in one PDF, each starting on a new page."""
    if not sheets:
        raise ValueError("no sheets to print")
    fonts = register_fonts()
    first = sheets[0]
    buffer = io.BytesIO()
    document = pdf_document(
        buffer,
        first.paper,
        _("Sign-in sheet — {course}").format(course=first.course_title),
        wide=first.options.landscape,
        side=15,
        top=46,
        bottom=16,
        author=first.organisation,
    )
    story: list[Flowable] = []
    for index, sheet in enumerate(sheets):
        if index:
            story.append(PageBreak())
        story.append(_SheetMarker(index))
        story.append(Spacer(0, 1 * mm))
        story.append(_table(sheet, document.width, fonts))
    document.build(story, canvasmaker=_numbered_canvas(sheets, fonts))
    return buffer.getvalue()
