"""Paper: the page a document is set on, and the template every flowing PDF starts from."""

from __future__ import annotations

from collections.abc import Sequence
from typing import BinaryIO

from reportlab.lib.pagesizes import A4
from reportlab.lib.pagesizes import LETTER
from reportlab.lib.pagesizes import landscape
from reportlab.lib.units import mm
from reportlab.platypus import Flowable
from reportlab.platypus import SimpleDocTemplate

CREATOR = "ILT Desk"
# What one cell of a reportlab Table holds: text, a flowable (a Paragraph), several, or nothing.
Cell = str | Flowable | Sequence[Flowable] | None


def page_size(paper: str, wide: bool = False) -> tuple[float, float]:
    """A4, or US Letter where the paper setting says "letter"; turned sideways when `wide`."""
    size = LETTER if paper.casefold() == "letter" else A4
    return landscape(size) if wide else size


def pdf_document(
    target: BinaryIO,
    paper: str,
    title: str,
    *,
    wide: bool = False,
    side: float = 12,
    top: float = 12,
    bottom: float = 12,
    author: str = "",
) -> SimpleDocTemplate:
    """A document on `paper` written to `target`; margins in millimetres (`side`: left and right).

    `title` and `author` go into the PDF's properties, ILT Desk as the creator (and as the
    author when none is given).
    """
    return SimpleDocTemplate(
        target,
        pagesize=page_size(paper, wide),
        leftMargin=side * mm,
        rightMargin=side * mm,
        topMargin=top * mm,
        bottomMargin=bottom * mm,
        title=title,
        author=author or CREATOR,
        creator=CREATOR,
    )
