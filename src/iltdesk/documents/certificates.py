"""Certificates in three designs (classic border, modern, minimal), landscape.

The learner's name is shrunk until it fits on one line; the course title wraps to at most two
lines; the verification code is printed and drawn as a QR code (the code itself, or a link
built from a pattern). Per-learner files get safe, unique names, or go into one ZIP.
"""

from __future__ import annotations

import contextlib
import io
import zipfile
from collections.abc import Callable
from collections.abc import Sequence

from reportlab.graphics.barcode import qrencoder
from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Paragraph

from iltdesk.documents.files import safe_file_name
from iltdesk.documents.fitting import fitted_paragraph
from iltdesk.documents.fonts import printable
from iltdesk.documents.fonts import register_fonts
from iltdesk.documents.pages import CREATOR
from iltdesk.documents.pages import page_size
from iltdesk.domain.printing import CertificateDesign
from iltdesk.domain.printing import CertificateDoc
from iltdesk.i18n import _
from iltdesk.i18n import load_translations

NAME_MAX, NAME_MIN = 40.0, 12.0
TITLE_MAX, TITLE_MIN = 24.0, 11.0
ACCENT = colors.HexColor("#2F6F9F")


def fit_font_size(text: str, font: str, room: float, largest: float, smallest: float) -> float:
    """The largest size from `largest` down to `smallest` at which `text` fits in `room`."""
    size = largest
    while size > smallest and stringWidth(text, font, size) > room:
        size -= 0.5
    return size


def _name_paragraph(name: str, font: str, room: float) -> tuple[Paragraph, float]:
    """The learner's name, never cut.

    One line down to half size; else wrapped (three lines at most before it shrinks further).
    """
    one_line, height = fitted_paragraph(
        name, font, room, NAME_MAX * 1.3, NAME_MAX, NAME_MAX / 2, centred=True, max_lines=1
    )
    lines = one_line.blPara.lines  # type: ignore[attr-defined]  # set by wrap(); unstubbed
    if height <= NAME_MAX * 1.3 and len(lines) == 1:
        return one_line, height
    return fitted_paragraph(
        name, font, room, 3 * NAME_MAX / 2 * 1.2, NAME_MAX / 2, NAME_MIN, centred=True
    )


def _frame(canvas: Canvas, design: CertificateDesign, width: float, height: float) -> None:
    if design is CertificateDesign.CLASSIC:
        canvas.setStrokeColor(ACCENT)
        canvas.setLineWidth(3)
        canvas.rect(10 * mm, 10 * mm, width - 20 * mm, height - 20 * mm)
        canvas.setLineWidth(0.8)
        canvas.rect(14 * mm, 14 * mm, width - 28 * mm, height - 28 * mm)
    elif design is CertificateDesign.MODERN:
        canvas.setFillColor(ACCENT)
        canvas.rect(0, 0, 22 * mm, height, stroke=0, fill=1)
        canvas.setFillColor(colors.HexColor("#E8EEF3"))
        canvas.rect(22 * mm, height - 8 * mm, width - 22 * mm, 8 * mm, stroke=0, fill=1)
    else:
        canvas.setStrokeColor(colors.HexColor("#BBBBBB"))
        canvas.setLineWidth(0.5)
        canvas.line(30 * mm, 24 * mm, width - 30 * mm, 24 * mm)
    canvas.setFillColor(colors.black)


def _draw(
    canvas: Canvas, doc: CertificateDoc, design: CertificateDesign, fonts: tuple[str, str]
) -> None:
    regular, bold = fonts
    # The certificate speaks the learner's language (its date already does).
    tr = load_translations(doc.language.split("_")[0]).gettext
    width, height = canvas._pagesize  # type: ignore[attr-defined]  # reportlab's, unstubbed
    _frame(canvas, design, width, height)
    left = 34 * mm if design is CertificateDesign.MODERN else 28 * mm
    right = width - 28 * mm
    centre = (left + right) / 2
    room = right - left
    y = height - 32 * mm
    if doc.logo is not None and doc.logo.exists():
        try:
            canvas.drawImage(
                str(doc.logo),
                centre - 20 * mm,
                y - 6 * mm,
                width=40 * mm,
                height=16 * mm,
                preserveAspectRatio=True,
                anchor="c",
                mask="auto",
            )
            y -= 16 * mm
        except OSError:
            pass
    if doc.organisation:
        canvas.setFont(regular, 12)
        canvas.drawCentredString(centre, y, printable(doc.organisation))
        y -= 12 * mm
    canvas.setFont(bold, 28)
    canvas.setFillColor(ACCENT)
    canvas.drawCentredString(centre, y, tr("Certificate of completion"))
    canvas.setFillColor(colors.black)
    y -= 14 * mm
    canvas.setFont(regular, 13)
    canvas.drawCentredString(centre, y, tr("This certifies that"))
    y -= 16 * mm
    # The name on one line when it fits at a readable size, else wrapped onto up to three
    # lines, then smaller — never cut.
    name, name_height = _name_paragraph(doc.learner_name, bold, room)
    name.drawOn(canvas, left, y - name_height + NAME_MAX * 0.8)
    y -= name_height + 6 * mm
    canvas.setFont(regular, 13)
    canvas.drawCentredString(centre, y, tr("has completed"))
    y -= 6 * mm
    title, title_height = fitted_paragraph(
        doc.course_title, bold, room, 2 * TITLE_MAX * 1.2, TITLE_MAX, TITLE_MIN, centred=True
    )
    title.drawOn(canvas, left, y - title_height)
    y -= title_height + 10 * mm
    canvas.setFont(regular, 12)
    details = tr("on {date} · {hours}").format(date=doc.completed_label, hours=doc.hours_label)
    canvas.setFont(regular, fit_font_size(details, regular, room, 12, 8))
    canvas.drawCentredString(centre, y, printable(details))
    if doc.expires_label:
        y -= 6.5 * mm
        canvas.drawCentredString(centre, y, tr("Valid until {date}").format(date=doc.expires_label))
    # Instructor, with an optional signature image above the line.
    base = 34 * mm
    if doc.signature is not None and doc.signature.exists():
        with contextlib.suppress(OSError):
            canvas.drawImage(
                str(doc.signature),
                left,
                base + 1 * mm,
                width=50 * mm,
                height=15 * mm,
                preserveAspectRatio=True,
                anchor="sw",
                mask="auto",
            )
    if doc.instructor:
        canvas.setStrokeColor(colors.HexColor("#777777"))
        canvas.line(left, base, left + 70 * mm, base)
        canvas.setFont(regular, 11)
        canvas.drawString(left, base - 5 * mm, printable(doc.instructor))
        canvas.setFont(regular, 9)
        canvas.drawString(left, base - 9.5 * mm, tr("Instructor"))
    # Verification: the code printed and as a QR code.
    qr_size = 30 * mm
    draw_qr(canvas, doc.verify_text, right - qr_size, base - 12 * mm, qr_size)
    canvas.setFont(regular, 9)
    canvas.drawRightString(
        right, base - 16 * mm, tr("Verification code: {code}").format(code=doc.code)
    )


class _FixedMaskQR(qrencoder.QRCode):
    """A QR encoder that skips the search for the "best" of eight masks.

    Any mask gives a valid code; the search (scoring all eight in pure Python) was most of the
    time spent on a certificate page.
    """

    def getBestMaskPattern(self) -> int:  # noqa: N802 - the encoder's own name
        return 0


def draw_qr(canvas: Canvas, text: str, x: float, y: float, size: float) -> None:
    """A QR code drawn as one filled path of horizontal runs (renderPDF would add Helvetica)."""
    qr = _FixedMaskQR(None, qrencoder.QRErrorCorrectLevel.M)
    qr.addData(text)
    qr.make()
    count = len(qr.modules)
    border = 2
    cell = size / (count + 2 * border)
    path = canvas.beginPath()
    for row, modules in enumerate(qr.modules):
        top = y + size - (row + border + 1) * cell
        column = 0
        while column < count:
            if modules[column]:
                start = column
                while column < count and modules[column]:
                    column += 1
                path.rect(x + (start + border) * cell, top, (column - start) * cell, cell)
            else:
                column += 1
    canvas.setFillColor(colors.black)
    canvas.drawPath(path, stroke=0, fill=1)


def build_certificates_pdf(
    docs: Sequence[CertificateDoc],
    design: CertificateDesign = CertificateDesign.CLASSIC,
    paper: str = "A4",
    step: Callable[[int, int], None] | None = None,
) -> bytes:
    """All certificates in one PDF, one page each (for printing).

    `step(done, total)` after each page: a task reports progress (and learns of a cancel).
    """
    if not docs:
        raise ValueError("no certificates to print")
    fonts = register_fonts()
    size = page_size(paper, wide=True)
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=size, initialFontName=fonts[0], initialFontSize=12)  # type: ignore[arg-type]  # stubs say float
    canvas.setTitle(_("Certificates — {course}").format(course=docs[0].course_title))
    canvas.setAuthor(docs[0].organisation or CREATOR)
    canvas.setCreator(CREATOR)
    for number, doc in enumerate(docs, start=1):
        _draw(canvas, doc, design, fonts)
        canvas.showPage()
        if step is not None:
            step(number, len(docs))
    canvas.save()
    return buffer.getvalue()


def certificate_files(
    docs: Sequence[CertificateDoc],
    design: CertificateDesign = CertificateDesign.CLASSIC,
    paper: str = "A4",
    step: Callable[[int, int], None] | None = None,
) -> dict[str, bytes]:
    """One PDF per learner, keyed by a safe unique file name (the code keeps them apart).

    The name is cut by bytes before its code, so even a very long name keeps the code that
    makes it unique.
    """
    files: dict[str, bytes] = {}
    for number, doc in enumerate(docs, start=1):
        files[certificate_file_name(doc)] = build_certificates_pdf([doc], design, paper)
        if step is not None:
            step(number, len(docs))
    return files


def certificate_file_name(doc: CertificateDoc) -> str:
    """A safe, unique file name for one learner's certificate."""
    return safe_file_name(f"{doc.learner_name} - {doc.course_title}", suffix=f" - {doc.code}.pdf")


def zip_files(files: dict[str, bytes]) -> bytes:
    """The files in one ZIP archive, in name order."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()
