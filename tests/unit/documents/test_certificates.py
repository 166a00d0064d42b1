"""Certificates: issuing rules, revocation and re-issue, and the PDFs read back."""

from __future__ import annotations

import io
import re
import zipfile
from datetime import date

import pytest
from pypdf import PdfReader

from iltdesk.documents.certificates import build_certificates_pdf
from iltdesk.documents.certificates import certificate_files
from iltdesk.documents.certificates import zip_files
from iltdesk.documents.files import safe_file_name
from iltdesk.domain.enums import AttendanceStatus
from iltdesk.domain.enums import InstructorRole
from iltdesk.domain.printing import CertificateDesign
from iltdesk.errors import ValidationError
from iltdesk.services import attendance
from iltdesk.services import certificates
from iltdesk.services import enrollment
from iltdesk.services.attendance import MarkSpec
from tests.fixtures.builders import day_spec
from tests.fixtures.builders import make_course
from tests.fixtures.builders import make_instructor
from tests.fixtures.builders import make_learner
from tests.fixtures.builders import make_session

CODE = re.compile(r"^[A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{4}$")
LONG = "Wolfeschlegelsteinhausenbergerdorff " * 9  # 315 characters


@pytest.fixture
def completed(db):
    course = make_course(
        db,
        title="Forklift Safety and Warehouse Traffic Management for "
        "Supervisors and Team Leaders in Busy Distribution Centres",
        certificate_validity_months=36,
    )
    trainer = make_instructor(db, "Maria Rossi", courses=(course.id,))
    session = make_session(
        db,
        course.id,
        instructors=((trainer.id, InstructorRole.LEAD),),
        days=(day_spec(date(2026, 1, 30), "09:00", "16:30", "Europe/Berlin"),),
        zone="Europe/Berlin",
        capacity=10,
    )
    people = [
        make_learner(db, "Zoë", "Müller", preferred_language="de"),
        make_learner(db, "Ana", "<b>Bold</b> & Co"),
        make_learner(db, "Γιώργος", "Παπαδόπουλος"),
        make_learner(db, "Hubert", LONG.strip()[:300]),
        make_learner(db, "Absent", "Person"),
    ]
    rows = [enrollment.enroll_learner(db, session.id, p.id).value.row for p in people]
    day = session.days[0]
    marks = [MarkSpec(r.enrollment_id, day.id, AttendanceStatus.PRESENT) for r in rows[:4]]
    marks.append(MarkSpec(rows[4].enrollment_id, day.id, AttendanceStatus.ABSENT))
    attendance.record_marks(db, session.id, marks)
    return session


def test_issue_only_for_completed_and_only_once(db, completed):
    issued = certificates.issue_certificates(db, completed.id).value
    assert len(issued) == 4
    assert all(CODE.match(c.code) for c in issued)
    assert len({c.code for c in issued}) == 4
    assert certificates.issue_certificates(db, completed.id).value == []
    expiry = issued[0].expires_at
    assert expiry is not None
    assert (expiry.year, expiry.month, expiry.day) == (2029, 1, 30)


def test_revoke_and_reissue_keep_the_trail(db, completed):
    first = certificates.issue_certificates(db, completed.id).value[0]
    with pytest.raises(ValidationError, match="Say why"):
        certificates.revoke_certificate(db, first.code, " ")
    new = certificates.reissue_certificate(db, first.code, "Name corrected").value
    assert new.code != first.code
    assert new.replaces_id == first.id
    codes = {c.code for c in certificates.session_certificates(db, completed.id)}
    assert new.code in codes
    assert first.code not in codes
    with pytest.raises(ValidationError, match="already revoked"):
        certificates.revoke_certificate(db, first.code, "again")
    revoked = certificates.revoke_certificate(db, new.code, "Fraud").value
    assert revoked.revoke_reason == "Fraud"
    # A learner whose certificate was revoked gets a new one on the next issue.
    assert len(certificates.issue_certificates(db, completed.id).value) == 1


@pytest.mark.parametrize("design", list(CertificateDesign))
def test_pdf_text_codes_and_fonts(db, completed, design):
    certificates.issue_certificates(db, completed.id)
    docs = certificates.certificate_docs(
        db,
        completed.id,
        organisation="Acme Ltd",
        verify_pattern="https://verify.example/{code}",
        fallback_language="en_GB",
    )
    pdf = build_certificates_pdf(docs, design)
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 4
    texts = [" ".join(p.extract_text().split()) for p in reader.pages]
    everything = " ".join(texts)
    for doc in docs:
        assert doc.code in everything
    assert "Zoë Müller" in everything
    assert "Ana <b>Bold</b> & Co" in everything
    assert "Γιώργος Παπαδόπουλος" in everything
    assert "30. Januar 2026" in everything  # Zoë's certificate is dated in German
    assert "Teilnahmezertifikat" in everything  # ... and worded in German
    assert "Certificate of completion" in everything  # the others in English
    assert "30 January 2026" in everything
    assert "Maria Rossi" in everything
    assert "Acme Ltd" in everything
    fonts = reader.pages[0]["/Resources"]["/Font"]
    for ref in fonts.values():
        assert "/FontDescriptor" in ref.get_object()  # TrueType, embedded (no base-14)


def test_long_names_shrink_and_stay_inside_the_page(db, completed):
    certificates.issue_certificates(db, completed.id)
    docs = [
        d
        for d in certificates.certificate_docs(db, completed.id)
        if d.learner_name.startswith("Hubert")
    ]
    page = PdfReader(io.BytesIO(build_certificates_pdf(docs))).pages[0]
    width = float(page.mediabox.width)
    spans = []

    def visit(text, cm, tm, font, size):
        if text.strip():
            spans.append((tm[4], text, size))

    page.extract_text(visitor_text=visit)
    assert all(0 <= x < width for x, _t, _s in spans)
    title_lines = [t for _x, t, s in spans if "Forklift" in t or "Centres" in t]
    assert 1 <= len(title_lines) <= 2


def test_per_learner_files_and_zip(db, completed):
    certificates.issue_certificates(db, completed.id)
    docs = certificates.certificate_docs(db, completed.id)
    files = certificate_files(docs)
    assert len(files) == 4
    assert all("/" not in name and "<" not in name and name.endswith(".pdf") for name in files)
    archive = zipfile.ZipFile(io.BytesIO(zip_files(files)))
    assert sorted(archive.namelist()) == sorted(files)
    first = archive.read(archive.namelist()[0])
    assert len(PdfReader(io.BytesIO(first)).pages) == 1


def test_safe_file_names():
    assert safe_file_name('A/B: "C" <d>?') == "A_B_ _C_ _d__"
    assert safe_file_name("   ") == "file"
    assert len(safe_file_name("x" * 500)) == 120
    assert safe_file_name("CON") == "_CON"
    long_cjk = safe_file_name("王" * 300, suffix=" - K7QX-M2PD-9WRT.pdf")
    assert long_cjk.endswith(" - K7QX-M2PD-9WRT.pdf")  # the code that keeps names apart stays
    assert len(long_cjk.encode("utf-8")) <= 120  # cut by bytes, not characters
    assert "\ufffd" not in long_cjk


@pytest.mark.parametrize("design", list(CertificateDesign))
@pytest.mark.parametrize(
    "name",
    [
        ("Maximiliana Alexandra-Josephine Featherstonehaugh-Wolfeschlegelsteinhausen " * 3)[:200],
        "Αλέξανδρος Κωνσταντίνος Παπαδόπουλος-Χατζηγεωργίου " * 3,
        "王" * 80,
        "Zoë Ødegård-Łukasiewicz",
    ],
)
def test_any_name_is_printed_whole_inside_the_frame(name, design):
    """200-character and many-script names wrap and shrink; nothing leaves the frame."""
    from iltdesk.domain.printing import CertificateDoc
    from tests.fixtures.pdf_layout import chars_outside
    from tests.fixtures.pdf_layout import page_text

    doc = CertificateDoc(
        code="K7QX-M2PD-9WRT",
        learner_name=name.strip(),
        course_title="Forklift Safety for Warehouse and Distribution Centres " * 3,
        completed_label="12 March 2026",
        hours_label="7.5 hours",
        instructor="Maria Rossi",
        expires_label="12 March 2028",
        verify_text="K7QX-M2PD-9WRT",
    )
    pdf = build_certificates_pdf([doc], design)
    reader = PdfReader(io.BytesIO(pdf))
    width, height = float(reader.pages[0].mediabox.width), float(reader.pages[0].mediabox.height)
    margin = 14 * 72 / 25.4  # inside the printed frame
    assert chars_outside(pdf, {0: (margin, margin, width - margin, height - margin)}) == []
    text = "".join(page_text(pdf).split())
    assert "".join(name.split()) in text  # wrapped, never cut
