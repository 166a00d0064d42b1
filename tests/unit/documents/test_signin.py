"""Sign-in sheets read back from the PDF: complete, escaped, wrapped, fonts embedded."""

from __future__ import annotations

import io
from datetime import UTC
from datetime import date
from datetime import datetime

import pytest
from pypdf import PdfReader

from iltdesk.documents.files import write_atomic
from iltdesk.documents.pages import page_size
from iltdesk.documents.signin import build_signin_pdf
from iltdesk.domain.enums import InstructorRole
from iltdesk.domain.printing import SignInColumn
from iltdesk.domain.printing import SignInOptions
from iltdesk.errors import UserError
from iltdesk.errors import ValidationError
from iltdesk.services import enrollment
from iltdesk.services import printing
from tests.fixtures.builders import day_spec
from tests.fixtures.builders import make_course
from tests.fixtures.builders import make_instructor
from tests.fixtures.builders import make_learner
from tests.fixtures.builders import make_room
from tests.fixtures.builders import make_session

NOW = datetime(2026, 3, 10, 8, 0, tzinfo=UTC)


def text_of(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


@pytest.fixture
def two_day_session(db):
    course = make_course(db, title="Forklift Safety")
    trainer = make_instructor(db, "Maria Rossi", courses=(course.id,))
    room = make_room(db, name="Training Room A")
    days = (
        day_spec(date(2026, 3, 12), "09:00", "17:00", "Europe/London"),
        day_spec(date(2026, 3, 13), "09:00", "12:30", "Europe/London"),
    )
    session = make_session(
        db,
        course.id,
        days=days,
        room_id=room.id,
        capacity=30,
        instructors=((trainer.id, InstructorRole.LEAD),),
    )
    names = [
        ("Zoë", "Müller"),
        ("Siobhán", "O’Brien"),
        ("Ana", "<b>Bold</b> & Co"),
        ("Γιώργος", "Παπαδόπουλος"),
        ("Дмитрий", "Иванов"),
    ]
    for first, last in names:
        enrollment.enroll_learner(db, session.id, make_learner(db, first, last).id)
    return session


def test_one_sheet_per_day_with_everything_a_room_needs(db, two_day_session):
    sheets = printing.signin_sheets(db, two_day_session.id, organisation="Acme Ltd", now=NOW)
    assert [s.day_number for s in sheets] == [1, 2]
    pages = [" ".join(p.split()) for p in text_of(build_signin_pdf(sheets))]
    assert len(pages) == 2
    first, second = pages
    for page in pages:
        assert "Forklift Safety" in page
        assert "Training Room A" in page
        assert "Maria Rossi (Lead)" in page
        assert "Acme Ltd" in page
        for name in (
            "Müller, Zoë",
            "O’Brien, Siobhán",
            "<b>Bold</b> & Co, Ana",
            "Παπαδόπουλος, Γιώργος",
            "Иванов, Дмитрий",
        ):
            assert name in page
        assert "Page 1 of 1" in page
    assert "Day 1 of 2" in first
    assert "Thursday, 12 March 2026" in first
    assert "09:00–17:00 GMT" in first
    assert "Day 2 of 2" in second
    assert "09:00–12:30 GMT" in second
    # Sorted by last name.
    assert first.index("Müller") < first.index("O’Brien") < first.index("Иванов")


def test_one_day_only_and_bad_day(db, two_day_session):
    [sheet] = printing.signin_sheets(db, two_day_session.id, day=2, now=NOW)
    assert sheet.day_number == 2
    with pytest.raises(ValidationError, match="choose a day from 1 to 2"):
        printing.signin_sheets(db, two_day_session.id, day=3)


def test_fonts_are_embedded(db, two_day_session):
    pdf = build_signin_pdf(printing.signin_sheets(db, two_day_session.id, now=NOW))
    reader = PdfReader(io.BytesIO(pdf))
    fonts = reader.pages[0]["/Resources"]["/Font"]
    for ref in fonts.values():
        font = ref.get_object()
        descendant = (
            font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font else font
        )
        descriptor = descendant["/FontDescriptor"].get_object()
        assert "/FontFile2" in descriptor, font["/BaseFont"]


def test_a_300_character_name_stays_inside_the_page(db):
    session = make_session(db)
    long_name = "Wolfeschlegelsteinhausenbergerdorff" * 9  # 315 characters, no spaces
    enrollment.enroll_learner(db, session.id, make_learner(db, "Hubert", long_name[:300]).id)
    sheets = printing.signin_sheets(db, session.id, now=NOW)
    pdf = build_signin_pdf(sheets)
    page = PdfReader(io.BytesIO(pdf)).pages[0]
    width = float(page.mediabox.width)
    positions = []
    page.extract_text(visitor_text=lambda text, cm, tm, *_: positions.append((tm[4], text)))
    assert positions
    assert all(0 <= x < width for x, _text in positions)
    joined = "".join(t for _x, t in positions).replace("\n", "")
    assert long_name[:300] in joined  # wrapped, not cut


def test_empty_roster_prints_blank_rows_and_custom_columns(db):
    session = make_session(db)
    options = SignInOptions(
        columns=(SignInColumn.NAME, SignInColumn.EMPLOYEE_ID, SignInColumn.SIGNATURE),
        custom_headings=("Funder ref", "Badge"),
        blank_rows=3,
        landscape=True,
    )
    printing.save_signin_options(db, session.id, options)
    [sheet] = printing.signin_sheets(db, session.id, paper="Letter", now=NOW)
    assert sheet.options == options  # remembered for the session
    pdf = build_signin_pdf([sheet])
    reader = PdfReader(io.BytesIO(pdf))
    box = reader.pages[0].mediabox
    assert (float(box.width), float(box.height)) == pytest.approx(page_size("Letter", True))
    text = reader.pages[0].extract_text()
    assert "Funder ref" in text
    assert "Badge" in text
    assert "Employee" in text
    everything = "\n".join(p.extract_text() for p in reader.pages)
    assert "\n15\n" in everything  # at least 15 numbered blank rows on an empty roster
    other = make_session(db)
    assert printing.signin_options(db, other.id) == options  # the new default


def test_options_are_validated(db):
    session = make_session(db)
    with pytest.raises(ValidationError, match="at least one column"):
        printing.save_signin_options(db, session.id, SignInOptions(columns=()))
    with pytest.raises(ValidationError, match="at most 3"):
        printing.save_signin_options(
            db, session.id, SignInOptions(custom_headings=("a", "b", "c", "d"))
        )


def test_atomic_write_into_a_read_only_folder_leaves_nothing(tmp_path):
    folder = tmp_path / "locked"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        import os

        if os.access(folder, os.W_OK):  # running as root: permissions do not bind
            target = folder / "missing-dir" / "out.pdf"
        else:
            target = folder / "out.pdf"
        with pytest.raises(UserError, match="Could not write"):
            write_atomic(target, b"%PDF")
        assert list(folder.rglob("*")) == []
    finally:
        folder.chmod(0o700)


def test_atomic_write_replaces_whole_files(tmp_path):
    target = tmp_path / "sheet.pdf"
    target.write_bytes(b"old")
    write_atomic(target, b"new contents")
    assert target.read_bytes() == b"new contents"
    assert [p.name for p in tmp_path.iterdir()] == ["sheet.pdf"]


def test_todays_sheets_for_every_room_session_in_its_own_zone(db):
    course = make_course(db)
    room = make_room(db)
    # 23:30 UTC on 11 March is already 12 March in Tokyo, still 11 March in New York.
    now = datetime(2026, 3, 11, 23, 30, tzinfo=UTC)
    tokyo = make_session(
        db,
        course.id,
        zone="Asia/Tokyo",
        room_id=room.id,
        days=(day_spec(date(2026, 3, 12), "09:00", "17:00", "Asia/Tokyo"),),
    )
    make_session(
        db,
        course.id,
        zone="America/New_York",
        days=(day_spec(date(2026, 3, 12), "09:00", "17:00", "America/New_York"),),
    )
    from iltdesk.domain.enums import DeliveryMode

    make_session(
        db,
        course.id,
        zone="Asia/Tokyo",
        mode=DeliveryMode.VIRTUAL,
        days=(day_spec(date(2026, 3, 12), "13:00", "15:00", "Asia/Tokyo"),),
    )
    sheets = printing.todays_signin_sheets(db, now=now)
    assert [s.course_title for s in sheets] == [tokyo.course_title]
    assert "JST" in sheets[0].time_label


def test_cjk_names_render_with_cid_fonts_and_extract(db):
    session = make_session(db)
    for first, last in [("小明", "王"), ("花子", "山田"), ("민준", "김")]:
        enrollment.enroll_learner(db, session.id, make_learner(db, first, last).id)
    pdf = build_signin_pdf(printing.signin_sheets(db, session.id, now=NOW))
    reader = PdfReader(io.BytesIO(pdf))
    text = reader.pages[0].extract_text()
    for name in ("王, 小明", "山田, 花子", "김, 민준"):
        assert name in text
    fonts = {
        ref.get_object()["/BaseFont"] for ref in reader.pages[0]["/Resources"]["/Font"].values()
    }
    assert {"/STSong-Light", "/HeiseiKakuGo-W5", "/HYGothic-Medium"} & {
        f.split("-UniGB")[0].split("-UniJIS")[0].split("-UniKS")[0] for f in fonts
    }


def test_right_to_left_names_are_a_documented_limit(db):
    """Hebrew and Arabic print in logical order, unshaped (see documents/fonts.py)."""
    session = make_session(db)
    enrollment.enroll_learner(db, session.id, make_learner(db, "דוד", "כהן").id)
    text = (
        PdfReader(io.BytesIO(build_signin_pdf(printing.signin_sheets(db, session.id, now=NOW))))
        .pages[0]
        .extract_text()
    )
    # The letters are there (DejaVu has them) but drawn left to right in logical order, which
    # a reader sees mirrored: extraction tools that apply bidi show "דוד ,ןהכ".
    assert set("כהןדוד") <= set(text)
    assert "כהן, דוד" not in text


LONG_NAMES = [
    ("Maximiliana Alexandra-Josephine", "Featherstonehaugh-Wolfeschlegelsteinhausen"),
    ("Hubert Blaine", ("Wolfeschlegelsteinhausenbergerdorff" * 6)[:200]),
    ("Αλέξανδρος Κωνσταντίνος", "Παπαδόπουλος-Χατζηγεωργίου"),
    ("Александра Владимировна", "Константинопольская-Преображенская"),
    ("小明", "王" * 60),
    ("Zoë", "Ødegård-Łukasiewicz-Ñúñez-Çelik-Ştefănescu"),
]


@pytest.mark.parametrize("landscape", [False, True])
def test_every_cell_keeps_its_text_inside_even_for_200_character_names(db, landscape):
    """Long names in many scripts wrap, then shrink; no glyph crosses a cell's rules."""
    from tests.fixtures.pdf_layout import table_cells

    session = make_session(db)
    long_department = "Research and Development, Advanced Materials Division, Northern Hemisphere"
    for first, last in LONG_NAMES:
        learner = make_learner(db, first, last, department=long_department)
        enrollment.enroll_learner(db, session.id, learner.id)
    options = SignInOptions(
        columns=(SignInColumn.NAME, SignInColumn.DEPARTMENT, SignInColumn.SIGNATURE),
        landscape=landscape,
    )
    printing.save_signin_options(db, session.id, options)
    pdf = build_signin_pdf(printing.signin_sheets(db, session.id, now=NOW))
    rows = table_cells(pdf)  # asserts that no character crosses a rule
    names = ["".join(r[1].text.split()) for r in rows[1:]]
    for first, last in LONG_NAMES:
        whole = "".join(f"{last}, {first}".split())
        assert whole in names, whole  # wrapped, never cut
    departments = ["".join(r[2].text.split()) for r in rows[1:7]]
    assert departments == [long_department.replace(" ", "")] * 6, departments


def test_a_room_with_its_own_paper_prints_on_it(db):
    from iltdesk.domain.specs import RoomSpec
    from iltdesk.services import people

    room = people.save_room(
        db,
        RoomSpec(
            "Chicago — Learning Lab", capacity=14, timezone="America/Chicago", paper_size="Letter"
        ),
    ).value
    session = make_session(db, room_id=room.id, zone="America/Chicago")
    sheets = printing.signin_sheets(db, session.id, paper="A4", now=NOW)
    assert sheets[0].paper == "Letter"
    page = PdfReader(io.BytesIO(build_signin_pdf(sheets))).pages[0]
    assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == (612, 792)
