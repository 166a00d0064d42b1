"""A report as a PDF, drawn from its `ReportTable`.

Title, the filters used, when it was made (with its zone), the chart as vectors
(reportlab.graphics), the table with its totals, notes and definitions, and page numbers.
"""

from __future__ import annotations

import io
from datetime import datetime
from typing import Any

from reportlab.graphics.charts.barcharts import HorizontalBarChart
from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable
from reportlab.platypus import KeepTogether
from reportlab.platypus import Paragraph
from reportlab.platypus import Spacer
from reportlab.platypus import Table
from reportlab.platypus import TableStyle

from iltdesk import formatting
from iltdesk.documents.fonts import markup
from iltdesk.documents.fonts import register_fonts
from iltdesk.documents.pages import Cell
from iltdesk.documents.pages import pdf_document
from iltdesk.documents.report_files import generated_line
from iltdesk.domain.reporting import ChartData
from iltdesk.domain.reporting import ReportTable
from iltdesk.domain.reporting import chart_data
from iltdesk.i18n import _

# Bars in the palette the screen uses (colour-blind safe, Okabe–Ito).
SERIES_COLOURS = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00")


class _NumberedCanvas(Canvas):
    """Writes "Page 2 of 5" on every page once the number of pages is known."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:  # Any: passed on to Canvas as is
        super().__init__(*args, **kwargs)
        self._pages: list[dict[str, Any]] = []  # Any: the canvas's own state, saved per page

    def showPage(self) -> None:  # noqa: N802 - reportlab's name
        self._pages.append(dict(self.__dict__))
        self._startPage()  # type: ignore[attr-defined]  # reportlab's own, untyped in its stubs

    def _pages_width(self) -> float:
        width: float = self.__dict__["_pagesize"][0]
        return width

    def save(self) -> None:
        total = len(self._pages)
        for state in self._pages:
            self.__dict__.update(state)
            regular, _bold = register_fonts()
            self.setFont(regular, 8)
            self.setFillColor(colors.grey)
            text = _("Page {page} of {pages}").format(page=self.getPageNumber(), pages=total)
            self.drawRightString(self._pages_width() - 12 * mm, 8 * mm, text)
            super().showPage()
        super().save()


def build_report_pdf(
    table: ReportTable, generated: datetime, zone: str, paper: str = "A4"
) -> bytes:
    """A report as a PDF: heading, chart, table with totals, page numbers."""
    regular, bold = register_fonts()
    body = ParagraphStyle("body", fontName=regular, fontSize=9, leading=11.5)
    small = ParagraphStyle(
        "small", parent=body, fontSize=7.5, leading=9.5, textColor=colors.HexColor("#444444")
    )
    title = ParagraphStyle("title", parent=body, fontName=bold, fontSize=16, leading=20)
    cell = ParagraphStyle("cell", parent=body, fontSize=8, leading=10)
    number = ParagraphStyle("number", parent=cell, alignment=2)
    head = ParagraphStyle("head", parent=cell, fontName=bold)
    head_number = ParagraphStyle("head-number", parent=head, alignment=2)
    buffer = io.BytesIO()
    document = pdf_document(buffer, paper, table.title, wide=True, bottom=14)
    story: list[Flowable] = [Paragraph(markup(table.title), title)]
    if table.subject:
        story.append(Paragraph(markup(table.subject), body))
    facts = [f"{label}: {value}" for label, value in table.filter_labels]
    facts.append(generated_line(generated, zone))
    story.append(Paragraph(markup(" · ".join(facts)), small))
    story.append(Spacer(0, 4 * mm))
    data = chart_data(table)
    if data is not None:
        story.append(
            _chart(data, document.width, regular, bool(table.chart and table.chart.horizontal))
        )
        if data.left_out:
            story.append(
                Paragraph(
                    markup(
                        _("The chart shows the {n} largest; {more} more are in the table.").format(
                            n=len(data.categories), more=data.left_out
                        )
                    ),
                    small,
                )
            )
        story.append(Spacer(0, 4 * mm))
    if table.rows:
        story.append(_table(table, document.width, (cell, number, head, head_number)))
    else:
        story.append(Paragraph(markup(table.empty_message), body))
    for note in table.notes:
        story.append(Spacer(0, 2 * mm))
        story.append(Paragraph(markup(note), body))
    story.append(Spacer(0, 4 * mm))
    story.append(
        KeepTogether(
            [
                Paragraph(markup(_("Definitions")), head),
                *(Paragraph(markup(text), small) for text in table.definitions),
            ]
        )
    )
    document.build(story, canvasmaker=_NumberedCanvas)
    return buffer.getvalue()


def _table(table: ReportTable, width: float, styles: tuple[ParagraphStyle, ...]) -> Table:
    cell, number, head, head_number = styles
    numeric = [c.numeric for c in table.columns]
    rows: list[list[Cell]] = [
        [
            Paragraph(markup(c.label), head_number if numeric[i] else head)
            for i, c in enumerate(table.columns)
        ]
    ]
    for values in table.rows:
        rows.append(
            [
                Paragraph(
                    markup(formatting.format_report_value(c.kind.value, v)),
                    number if numeric[i] else cell,
                )
                for i, (c, v) in enumerate(zip(table.columns, values, strict=True))
            ]
        )
    totals: list[Cell] = [Paragraph(markup(_("Total")), head)]
    for index, column in enumerate(table.columns[1:], start=1):
        value = table.totals.get(column.key)
        text = (
            formatting.format_report_value(column.kind.value, value)
            if column.key in table.totals
            else ""
        )
        totals.append(Paragraph(markup(text), head_number if numeric[index] else head))
    rows.append(totals)
    texts = [[c.label] for c in table.columns]
    for values in [*table.rows[:300], tuple(table.totals.get(c.key) for c in table.columns)]:
        for index, (column, value) in enumerate(zip(table.columns, values, strict=True)):
            texts[index].append(formatting.format_report_value(column.kind.value, value))
    widths = column_widths(texts, numeric, width, cell.fontName, head.fontName, cell.fontSize)
    style = TableStyle(
        [
            ("LINEBELOW", (0, 0), (-1, 0), 0.8, colors.black),
            ("LINEABOVE", (0, -1), (-1, -1), 0.8, colors.black),
            ("ROWBACKGROUNDS", (0, 1), (-1, -2), [colors.white, colors.HexColor("#F3F6F9")]),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("TOPPADDING", (0, 0), (-1, -1), 2),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
        ]
    )
    return Table(rows, colWidths=widths, repeatRows=1, style=style)


PADDING = 14  # points: the table's cell padding (6 + 6) and a little air


def column_widths(
    texts: list[list[str]], numeric: list[bool], width: float, font: str, bold: str, size: float
) -> list[float]:
    """Widths that keep numbers and heading words whole, giving text columns the rest.

    Each column needs at least its longest word (headings wrap between words, never inside
    one); numeric columns get their longest value whole. What is left is shared by the text
    columns in proportion to their longest text.
    """
    least, natural = [], []
    for column, values in enumerate(texts):
        heading, cells = values[0], values[1:]
        words = [stringWidth(w, bold, size) for w in heading.split()] or [0.0]
        longest_cell = max((stringWidth(c, font, size) for c in cells), default=0.0)
        if numeric[column]:  # measured in bold: the totals row is bold
            longest_cell = max((stringWidth(c, bold, size) for c in cells), default=0.0)
            need = max(max(words), longest_cell) + PADDING
            least.append(need)
            natural.append(need)
        else:
            cell_words = [stringWidth(w, font, size) for c in cells for w in c.split()]
            least.append(max(max(words), max(cell_words, default=0.0)) + PADDING)
            natural.append(max(stringWidth(heading, bold, size), longest_cell) + PADDING)
    spare = width - sum(least)
    if spare <= 0:
        scale = width / sum(least)
        return [w * scale for w in least]
    wants = [
        n - m if not numeric[i] else 0.0
        for i, (n, m) in enumerate(zip(natural, least, strict=True))
    ]
    if sum(wants) <= spare:
        # Everything fits on one line: text columns get the slack in proportion to their size.
        extra = spare - sum(wants)
        text_total = sum(natural[i] for i in range(len(texts)) if not numeric[i]) or 1.0
        return [
            natural[i] + (extra * natural[i] / text_total if not numeric[i] else 0.0)
            for i in range(len(texts))
        ]
    share = spare / sum(wants)
    return [least[i] + wants[i] * share for i in range(len(texts))]


def _short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _chart(data: ChartData, width: float, font: str, horizontal: bool) -> Drawing:
    count = len(data.categories)
    height = max(55 * mm, min(120 * mm, count * 4.2 * mm + 20 * mm)) if horizontal else 75 * mm
    drawing = Drawing(width, height)
    # Any: the charts' attributes (bars, valueAxis, categoryAxis…) are not in the stubs.
    chart: Any = HorizontalBarChart() if horizontal else VerticalBarChart()
    label_room = 55 * mm if horizontal else 0
    chart.x, chart.y = 14 * mm + label_room, 14 * mm if not horizontal else 8 * mm
    chart.width = width * 0.72 - label_room
    chart.height = height - (24 * mm if not horizontal else 14 * mm)
    # Horizontal bars are drawn from the bottom up: reversed, the first row reads first.
    order = list(reversed(range(count))) if horizontal else list(range(count))
    chart.data = [[series.values[i] for i in order] for series in data.series]
    names = [
        _short(formatting.format_chart_label(data, i), 40 if horizontal else 22) for i in order
    ]
    chart.categoryAxis.categoryNames = names
    chart.categoryAxis.labels.fontName = font
    chart.categoryAxis.labels.fontSize = 6.5
    if not horizontal and count > 6:
        chart.categoryAxis.labels.angle = 35
        chart.categoryAxis.labels.boxAnchor = "ne"
        # Room below for the slanted labels: the longest one's width, along the slant.
        drop = max(stringWidth(n, font, 6.5) for n in names) * 0.58 + 4 * mm
        chart.y = drop
        chart.height = height - drop - 6 * mm
    chart.valueAxis.labels.fontName = font
    chart.valueAxis.labels.fontSize = 7
    chart.valueAxis.valueMin = 0
    chart.valueAxis.labelTextFormat = lambda value: formatting.format_number(value)
    for index in range(len(data.series)):
        chart.bars[index].fillColor = colors.HexColor(SERIES_COLOURS[index % len(SERIES_COLOURS)])
        chart.bars[index].strokeColor = None
    drawing.add(chart)
    legend: Any = Legend()  # Any: as the chart's, its attributes are not in the stubs
    legend.x, legend.y = width * 0.76, height - 6 * mm
    legend.fontName = font
    legend.fontSize = 8
    legend.alignment = "right"
    legend.colorNamePairs = [
        (colors.HexColor(SERIES_COLOURS[i % len(SERIES_COLOURS)]), series.label)
        for i, series in enumerate(data.series)
    ]
    drawing.add(legend)
    return drawing
