"""Documents against the bare libraries doing the same work (issue 4 targets: within 1.5x).

- 500 certificates in one PDF vs reportlab drawing the same strings in the same fonts;
- a 200-learner sign-in sheet vs reportlab drawing the same table of strings;
- the attendance workbook for 100 sessions x 40 learners vs openpyxl writing the same cells.
"""

from __future__ import annotations

import io
import random
from datetime import date
from datetime import datetime
from datetime import timedelta

from common import report
from common import timed
from openpyxl import Workbook
from reportlab.graphics import renderPDF
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib.pagesizes import A4
from reportlab.lib.pagesizes import landscape
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from iltdesk.documents.certificates import build_certificates_pdf
from iltdesk.documents.fonts import register_fonts
from iltdesk.documents.signin import build_signin_pdf
from iltdesk.documents.workbook import build_workbook
from iltdesk.domain.printing import AttendanceRecord
from iltdesk.domain.printing import AttendanceWorkbook
from iltdesk.domain.printing import CertificateDoc
from iltdesk.domain.printing import GridSheet
from iltdesk.domain.printing import SignInPerson
from iltdesk.domain.printing import SignInSheet

rng = random.Random(7)
FIRST = ["Anna", "Zoë", "Łukasz", "Siobhán", "Mateo", "Ngozi", "Dmitri", "Chloé"]
LAST = ["Müller", "O’Brien", "García", "Nguyen", "Kowalski", "Ivanova", "Dubois", "Rossi"]


def certificates(n: int) -> list[CertificateDoc]:
    return [
        CertificateDoc(
            code=f"ABCD-EFGH-{i:04d}",
            learner_name=f"{rng.choice(FIRST)} {rng.choice(LAST)}",
            course_title="Forklift Safety and Warehouse Traffic Management",
            completed_label="12 March 2026",
            hours_label="7.5 hours",
            instructor="Maria Rossi",
            expires_label="12 March 2029",
            verify_text=f"ABCD-EFGH-{i:04d}",
            organisation="Acme Training Ltd",
        )
        for i in range(n)
    ]


def raw_certificates(docs: list[CertificateDoc], with_qr: bool = True) -> bytes:
    regular, bold = register_fonts()
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=landscape(A4))
    width, _h = landscape(A4)
    for doc in docs:
        canvas.setFont(regular, 12)
        canvas.drawCentredString(width / 2, 170 * mm, doc.organisation)
        canvas.setFont(bold, 28)
        canvas.drawCentredString(width / 2, 155 * mm, "Certificate of completion")
        canvas.setFont(bold, 40)
        canvas.drawCentredString(width / 2, 125 * mm, doc.learner_name)
        canvas.setFont(bold, 22)
        canvas.drawCentredString(width / 2, 100 * mm, doc.course_title)
        canvas.setFont(regular, 12)
        canvas.drawCentredString(
            width / 2, 85 * mm, f"on {doc.completed_label} · {doc.hours_label}"
        )
        canvas.drawString(28 * mm, 30 * mm, doc.instructor)
        canvas.drawRightString(width - 28 * mm, 20 * mm, doc.code)
        if not with_qr:
            canvas.showPage()
            continue
        # The same frame and QR code, the way reportlab's own widget draws one.
        canvas.rect(10 * mm, 10 * mm, width - 20 * mm, 190 * mm)
        widget = QrCodeWidget(doc.verify_text)
        drawing = Drawing(30 * mm, 30 * mm)
        widget.barWidth = widget.barHeight = 30 * mm
        drawing.add(widget)
        renderPDF.draw(drawing, canvas, width - 58 * mm, 22 * mm)
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def sheet(n: int) -> SignInSheet:
    people = tuple(
        SignInPerson(
            rng.choice(LAST),
            rng.choice(FIRST),
            f"E{i:06d}",
            "Operations",
            f"p{i}@example.com",
            "Analyst",
        )
        for i in range(n)
    )
    return SignInSheet(
        "Acme",
        "Forklift Safety",
        "FS-101",
        "2026-01",
        1,
        1,
        "Thursday, 12 March 2026",
        "09:00–17:00 GMT",
        "Training Room A — 1 Bishopsgate",
        ("Maria Rossi (Lead)",),
        tuple(sorted(people, key=lambda p: p.last_name)),
        "Printed today",
    )


def raw_signin(data: SignInSheet) -> bytes:
    """The same page content with canvas calls: header, numbered rows of names and
    departments, the grid lines of six columns and alternating row shading."""
    regular, bold = register_fonts()
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4)
    columns = [15, 27, 75, 115, 155, 175, 195]
    y = 0.0
    rows = list(data.people) + [None] * 5
    for index, person in enumerate(rows):
        if index % 22 == 0:
            if index:
                canvas.showPage()
            canvas.setFont(bold, 15)
            canvas.drawString(15 * mm, 280 * mm, data.course_title)
            canvas.setFont(regular, 11)
            canvas.drawString(15 * mm, 272 * mm, f"{data.date_label} · {data.time_label}")
            canvas.drawString(15 * mm, 266 * mm, data.place)
            canvas.drawString(15 * mm, 260 * mm, "; ".join(data.instructors))
            for x, heading in zip(
                columns,
                ["#", "Name", "Department", "Signature", "Time in", "Time out"],
                strict=False,
            ):
                canvas.drawString(x * mm + 1, 252 * mm, heading)
            canvas.drawString(15 * mm, 9 * mm, data.printed_label)
            canvas.drawRightString(195 * mm, 9 * mm, f"Page {index // 22 + 1}")
            y = 240 * mm
        if index % 2:
            canvas.setFillGray(0.97)
            canvas.rect(15 * mm, y - 4 * mm, 180 * mm, 10 * mm, stroke=0, fill=1)
            canvas.setFillGray(0)
        canvas.drawString(16 * mm, y, str(index + 1))
        if person is not None:
            canvas.drawString(28 * mm, y, f"{person.last_name}, {person.first_name}")
            canvas.drawString(76 * mm, y, person.department)
        for x in columns:
            canvas.line(x * mm, y - 4 * mm, x * mm, y + 6 * mm)
        canvas.line(15 * mm, y - 4 * mm, 195 * mm, y - 4 * mm)
        y -= 10 * mm
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def workbook_data(sessions: int, learners: int) -> AttendanceWorkbook:
    records, grids = [], []
    for s in range(sessions):
        day = date(2026, 1, 5) + timedelta(days=s)
        start = datetime(day.year, day.month, day.day, 9)
        people = [
            (s * 1000 + i, f"{rng.choice(LAST)}, {rng.choice(FIRST)}", f"E{i:05d}")
            for i in range(learners)
        ]
        for _enrollment_id, name, employee in people:
            records.append(
                AttendanceRecord(
                    s,
                    f"FS-101 #{s}",
                    "Forklift Safety",
                    day,
                    start,
                    start + timedelta(hours=8),
                    "Europe/London (GMT)",
                    480,
                    name,
                    employee,
                    "Operations",
                    "Present",
                    480,
                    "Maria Rossi",
                    "Room A",
                )
            )
        grids.append(
            GridSheet(
                s,
                f"FS-101 #{s}",
                "Forklift Safety",
                (s,),
                (day.isoformat(),),
                tuple(people),
                {(p[0], s): "Present" for p in people},
            )
        )
    labels = ("Present", "Late", "Left early", "Absent", "Excused")
    return AttendanceWorkbook(tuple(records), tuple(grids), labels, labels[:3])


def raw_workbook(data: AttendanceWorkbook) -> bytes:
    book = Workbook()
    flat = book.active
    assert flat is not None
    for r in data.records:
        flat.append(
            [
                r.session_label,
                r.course,
                r.day,
                r.start,
                r.end,
                r.duration_minutes,
                r.learner,
                r.employee_id,
                r.department,
                r.status,
                r.minutes_attended,
                r.instructors,
                r.location,
            ]
        )
    for grid in data.grids:
        sheet = book.create_sheet(grid.title)
        for enrollment_id, name, employee in grid.learners:
            sheet.append([enrollment_id, name, employee, "Present"])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def main() -> None:
    register_fonts()
    docs = certificates(500)
    ours = timed(lambda: build_certificates_pdf(docs), repeat=3, warmup=1)
    raw = timed(lambda: raw_certificates(docs), repeat=3, warmup=1)
    strings_only = timed(lambda: raw_certificates(docs, with_qr=False), repeat=3, warmup=1)
    report(
        "certificates_500",
        ours,
        raw,
        1.5,
        pages=500,
        strings_only_ms=round(strings_only * 1000, 1),
        note="baseline: the same strings, frame and QR code drawn with bare reportlab",
    )
    data = sheet(200)
    ours = timed(lambda: build_signin_pdf([data]), repeat=5, warmup=1)
    raw = timed(lambda: raw_signin(data), repeat=5, warmup=1)
    report(
        "signin_sheet_200_learners",
        ours,
        raw,
        1.5,
        note="baseline: the same strings, grid lines and row shading drawn with canvas calls",
    )
    book = workbook_data(100, 40)
    ours = timed(lambda: build_workbook(book), repeat=3, warmup=1)
    raw = timed(lambda: raw_workbook(book), repeat=3, warmup=1)
    report("attendance_workbook_100x40", ours, raw, 1.5, rows=len(book.records))


if __name__ == "__main__":
    main()
