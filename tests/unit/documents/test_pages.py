"""The paper every PDF is set on, and the properties each one carries."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader
from reportlab.lib.pagesizes import A4
from reportlab.lib.pagesizes import LETTER
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph
from reportlab.platypus import Spacer

from iltdesk.documents.pages import page_size
from iltdesk.documents.pages import pdf_document


@pytest.mark.parametrize(
    ("paper", "wide", "expected"),
    [
        ("A4", False, A4),
        ("Letter", False, LETTER),
        ("letter", True, (LETTER[1], LETTER[0])),
        ("A4", True, (A4[1], A4[0])),
        ("", False, A4),  # an unset paper setting prints on A4
    ],
)
def test_the_paper_setting_chooses_the_page(paper, wide, expected):
    assert page_size(paper, wide) == pytest.approx(expected)


def test_a_document_carries_its_title_margins_and_maker():
    target = io.BytesIO()
    document = pdf_document(target, "Letter", "Attendance", wide=True, side=10, bottom=14)
    assert (document.leftMargin, document.rightMargin) == pytest.approx((10 * mm, 10 * mm))
    assert (document.topMargin, document.bottomMargin) == pytest.approx((12 * mm, 14 * mm))
    document.build([Spacer(1, 10), Paragraph("Hello")])

    reader = PdfReader(io.BytesIO(target.getvalue()))
    box = reader.pages[0].mediabox
    assert (float(box.width), float(box.height)) == pytest.approx((LETTER[1], LETTER[0]))
    meta = reader.metadata
    assert meta.title == "Attendance"
    assert meta.author == "ILT Desk"  # no organisation given
    assert meta.creator == "ILT Desk"


def test_the_organisation_is_the_author_when_given():
    target = io.BytesIO()
    pdf_document(target, "A4", "Sign-in", author="Acme Training").build([Paragraph("x")])
    assert PdfReader(io.BytesIO(target.getvalue())).metadata.author == "Acme Training"
