"""`iltdesk --self-test`: prove this installation works, inside a packaged app too.

Each check exercises a piece a bundle can silently lose — migrations, fonts, time-zone data,
babel's locale data, the German catalog, Qt's plugins and translations, QtPdf — on a
temporary database, prints one line, and the exit status is 0 only if every check passed.
"""

from __future__ import annotations

import io
import os
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC
from datetime import date
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING
from typing import TextIO
from typing import TypeVar

if TYPE_CHECKING:
    from PySide6.QtGui import QGuiApplication

    from iltdesk.db.engine import Database
    from iltdesk.domain.rows import SessionRow


T = TypeVar("T")


def _given(value: T | None, missing: str) -> T:
    """`value`, set by an earlier check; `missing` says which check failed when it is not."""
    if value is None:
        raise RuntimeError(missing)
    return value


@dataclass
class _State:
    """What a check hands on to the later ones (each is set once its check has passed)."""

    folder: Path
    opened: Database | None = None
    enrolled: SessionRow | None = None  # a demo session with learners on it
    finished: SessionRow | None = None  # a completed demo session
    signin_pdf: bytes | None = None

    @property
    def db(self) -> Database:
        return _given(self.opened, "no database: its check failed")

    @property
    def session(self) -> SessionRow:
        return _given(self.enrolled, "no demo session: the demo data check failed")

    @property
    def completed(self) -> SessionRow:
        return _given(self.finished, "no completed demo session: the demo data check failed")

    @property
    def pdf(self) -> bytes:
        return _given(self.signin_pdf, "no sign-in sheet: its check failed")


Check = tuple[str, Callable[[_State], str]]


def _database(state: _State) -> str:
    from iltdesk.db.engine import database_url
    from iltdesk.db.migrate import HEAD_REVISION
    from iltdesk.db.migrate import schema_state
    from iltdesk.db.opening import open_database

    folder = state.folder
    db = open_database(database_url(folder / "selftest.sqlite3"), backup_dir=folder / "backups")
    state.opened = db
    with db.engine.connect() as connection:
        current = schema_state(connection).current
    if current != HEAD_REVISION:
        raise RuntimeError(f"schema at {current}, expected {HEAD_REVISION}")
    return f"migrated to {current}"


def _demo(state: _State) -> str:
    from iltdesk.services import scheduling
    from iltdesk.services.demo import DemoSize
    from iltdesk.services.demo import load_demo

    db = state.db
    load_demo(db, DemoSize(learners=60, sessions=6), today=date(2026, 11, 28))
    sessions = scheduling.list_sessions(db)
    state.enrolled = next(s for s in sessions if s.enrolled)
    state.finished = next(s for s in sessions if s.status.value == "completed")
    return f"{len(sessions)} sessions"


def _signin(state: _State) -> str:
    from iltdesk.documents.signin import build_signin_pdf
    from iltdesk.services import printing

    sheets = printing.signin_sheets(state.db, state.session.id, day=1)
    pdf = build_signin_pdf(sheets)
    if not pdf.startswith(b"%PDF"):
        raise RuntimeError("not a PDF")
    state.signin_pdf = pdf
    return f"{len(pdf) // 1024} KB"


def _certificate(state: _State) -> str:
    from iltdesk.documents.certificates import build_certificates_pdf
    from iltdesk.services import certificates

    db, session = state.db, state.completed
    certificates.issue_certificates(db, session.id)
    docs = certificates.certificate_docs(db, session.id)
    if not docs:
        raise RuntimeError("no completed learner to certify")
    pdf = build_certificates_pdf(docs[:1])
    if not pdf.startswith(b"%PDF"):
        raise RuntimeError("not a PDF")
    return f"{docs[0].code}"


def _workbook(state: _State) -> str:
    from openpyxl import load_workbook

    from iltdesk.documents.workbook import build_workbook
    from iltdesk.services import workbooks

    data = build_workbook(workbooks.attendance_workbook(state.db, [state.session.id]))
    book = load_workbook(io.BytesIO(data))
    return f"{len(book.sheetnames)} sheets"


def _import(state: _State) -> str:
    from openpyxl import Workbook

    from iltdesk.importers.reading import read_file
    from iltdesk.services import roster_import

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["E-mail Address", "Given Name", "Surname"])
    sheet.append(["zoe.muller@example.com", "Zoë", "Müller"])
    path = state.folder / "roster.xlsx"
    book.save(path)
    parsed = roster_import.prepare(state.db, read_file(path))
    plan = roster_import.plan_import(state.db, parsed)
    return f"{plan.counts.rows} row read with python-calamine"


def _pdf_render(state: _State) -> str:
    from PySide6.QtCore import QBuffer
    from PySide6.QtCore import QByteArray
    from PySide6.QtCore import QIODevice
    from PySide6.QtCore import QSize
    from PySide6.QtPdf import QPdfDocument

    _application()
    buffer = QBuffer()
    buffer.setData(QByteArray(state.pdf))
    buffer.open(QIODevice.OpenModeFlag.ReadOnly)
    document = QPdfDocument()
    document.load(buffer)
    if document.status() != QPdfDocument.Status.Ready or document.pageCount() < 1:
        raise RuntimeError(f"QtPdf could not load the sheet ({document.status()})")
    image = document.render(0, QSize(420, 594))
    dark = sum(
        1
        for x in range(0, image.width(), 6)
        for y in range(0, image.height(), 6)
        if image.pixelColor(x, y).lightness() < 128
    )
    if image.isNull() or dark == 0:
        raise RuntimeError("the rendered page is blank")
    return f"{document.pageCount()} page(s), rendered {image.width()}x{image.height()}"


def _qt_binding(_state: _State) -> str:
    """PySide6 keeps Python's reference counts: 6.12.0 on Python 3.11 did not.

    There every `emit()` gave back `True`, and every method returning nothing `None`, without
    the reference it owed; after some thousands of calls the interpreter aborted
    ("deallocating True"). Since Python 3.12 the two are immortal and nothing shows.
    """
    import PySide6
    from PySide6.QtCore import QObject
    from PySide6.QtCore import Signal

    class _Probe(QObject):
        fired = Signal()

    _application()
    probe = _Probe()
    calls = 1000
    true_before, none_before = sys.getrefcount(True), sys.getrefcount(None)
    for _ in range(calls):
        probe.fired.emit()
        probe.setObjectName("probe")
    lost_true = true_before - sys.getrefcount(True)
    lost_none = none_before - sys.getrefcount(None)
    if lost_true > calls // 2 or lost_none > calls // 2:
        raise RuntimeError(
            f"PySide6 {PySide6.__version__} drops references ({lost_true} to True, {lost_none}"
            f" to None in {calls} calls): a long session would crash; install PySide6 6.11"
        )
    return f"PySide6 {PySide6.__version__}, {calls} signals and calls, reference counts kept"


def _print_support(_state: _State) -> str:
    from PySide6.QtGui import QPageSize
    from PySide6.QtPrintSupport import QPrinter

    _application()
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
    return f"QPrinter ready ({printer.pageLayout().pageSize().name()})"


def _catalog(_state: _State) -> str:
    from iltdesk.i18n import load_translations

    german = load_translations("de").gettext("Sessions")
    if german != "Termine":
        raise RuntimeError(f"'Sessions' is {german!r} in German")
    return "Sessions → Termine"


def _qt_translations(_state: _State) -> str:
    from PySide6.QtCore import QLibraryInfo
    from PySide6.QtCore import QLocale
    from PySide6.QtCore import QTranslator

    _application()
    folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    translator = QTranslator()
    if not translator.load(QLocale("de"), "qtbase", "_", folder):
        raise RuntimeError(f"qtbase_de not found in {folder}")
    return "qtbase_de loaded"


def _fonts(_state: _State) -> str:
    from iltdesk.documents.fonts import FONTS
    from iltdesk.documents.fonts import register_fonts

    regular, bold = register_fonts()
    files = sorted(p.name for p in FONTS.glob("*.ttf"))
    if len(files) < 2:
        raise RuntimeError(f"fonts missing in {FONTS}")
    return f"{regular}, {bold} ({len(files)} files)"


def _zones(_state: _State) -> str:
    from zoneinfo import ZoneInfo
    from zoneinfo import available_timezones

    instant = datetime(2026, 10, 25, 12, tzinfo=UTC)
    berlin = instant.astimezone(ZoneInfo("Europe/Berlin"))
    chicago = instant.astimezone(ZoneInfo("America/Chicago"))
    if berlin.utcoffset() is None or berlin.hour != 13 or chicago.hour != 7:
        raise RuntimeError("wrong offsets")
    return f"{len(available_timezones())} zones"


def _postgres_driver(_state: _State) -> str:
    """Team mode's driver: psycopg and the libpq it brings (no server is contacted)."""
    import psycopg

    version = psycopg.pq.version()
    if version < 120000:
        raise RuntimeError(f"libpq {version} is older than 12")
    return f"psycopg {psycopg.__version__}, libpq {version // 10000}.{version % 10000}"


def _babel(_state: _State) -> str:
    from babel.dates import format_date

    text = format_date(date(2026, 3, 12), "full", locale="de_DE")
    if "März" not in text:
        raise RuntimeError(text)
    return text


def _mail(_state: _State) -> str:
    import email
    from email.policy import default

    import icalendar

    from iltdesk.mail.calendar import Invitation
    from iltdesk.mail.calendar import InviteDay
    from iltdesk.mail.calendar import build_invitation
    from iltdesk.mail.messages import CalendarPart
    from iltdesk.mail.messages import Sender
    from iltdesk.mail.messages import build_message

    day = InviteDay(datetime(2026, 3, 12, 9, tzinfo=UTC), datetime(2026, 3, 12, 17, tzinfo=UTC))
    ics = build_invitation(
        Invitation(
            "selftest@example.com",
            0,
            "REQUEST",
            "Self-test",
            "",
            "",
            "Europe/London",
            (day,),
            "a@example.com",
            "A",
            "b@example.com",
            "B",
        )
    )
    icalendar.Calendar.from_ical(ics)
    raw, _mid = build_message(
        sender=Sender("A", "a@example.com"),
        recipient_name="B",
        recipient="b@example.com",
        subject="Self-test",
        body="ok",
        calendar=CalendarPart(ics, "REQUEST"),
    )
    message = email.message_from_bytes(raw, policy=default)
    return f"message with {sum(1 for _p in message.walk())} parts"


def _reports(state: _State) -> str:
    from PySide6.QtCharts import QBarSet

    from iltdesk.documents.report_files import build_report_workbook
    from iltdesk.documents.report_pdf import build_report_pdf
    from iltdesk.domain.reporting import ReportFilters
    from iltdesk.domain.reporting import ReportName
    from iltdesk.services.reports import build_report

    now = datetime(2026, 11, 28, 12, tzinfo=UTC)
    table = build_report(state.db, ReportName.ATTENDANCE, ReportFilters(), now=now)
    pdf = build_report_pdf(table, now, "Europe/London")
    workbook = build_report_workbook(table, now, "Europe/London")
    bars = QBarSet("self-test")  # QtCharts, for the on-screen charts
    bars.append([1.0, 2.0])
    if not table.rows or not pdf.startswith(b"%PDF") or bars.count() != 2:
        raise RuntimeError("report, PDF or chart missing")
    return f"{len(table.rows)} rows, PDF {len(pdf) // 1024} KB, workbook {len(workbook) // 1024} KB"


CHECKS: tuple[Check, ...] = (
    ("database and migrations", _database),
    ("demo data", _demo),
    ("sign-in sheet", _signin),
    ("certificate", _certificate),
    ("attendance workbook", _workbook),
    ("roster import", _import),
    ("PDF rendering (QtPdf)", _pdf_render),
    ("print support", _print_support),
    ("Qt binding keeps reference counts", _qt_binding),
    ("German catalog", _catalog),
    ("Qt translations", _qt_translations),
    ("bundled fonts", _fonts),
    ("time-zone data", _zones),
    ("PostgreSQL driver (team mode)", _postgres_driver),
    ("babel locale data", _babel),
    ("email and invitations", _mail),
    ("reports and charts (QtCharts)", _reports),
)

_app: QGuiApplication | None = None  # kept: Qt ends when its application object goes


def _application() -> QGuiApplication:
    """A QGuiApplication for Qt checks (offscreen when no display is available)."""
    global _app
    from PySide6.QtGui import QGuiApplication

    if QGuiApplication.instance() is None:
        if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
            os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        _app = QGuiApplication(
            [sys.argv[0], "-platform", os.environ.get("QT_QPA_PLATFORM", "")]
            if os.environ.get("QT_QPA_PLATFORM")
            else [sys.argv[0]]
        )
    app = QGuiApplication.instance()
    if not isinstance(app, QGuiApplication):
        raise RuntimeError("a Qt application without a display is already running")
    return app


def run_self_test(out: TextIO | None = None) -> int:
    """Run every check, print one line each, return 0 only if all passed."""
    from iltdesk import __version__

    out = out or sys.stdout
    if sys.platform.startswith("linux") and not os.environ.get("DISPLAY"):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    print(
        f"ILT Desk {__version__} self-test ({sys.platform}, Python {sys.version.split()[0]})",
        file=out,
        flush=True,
    )
    failures = 0
    with tempfile.TemporaryDirectory(prefix="iltdesk-selftest-") as folder:
        previous_home = os.environ.get("ILTDESK_HOME")
        os.environ["ILTDESK_HOME"] = folder  # never touch the user's own folders
        state = _State(Path(folder))
        try:
            for name, check in CHECKS:
                start = time.perf_counter()
                try:
                    detail = check(state)
                except Exception as error:  # reported, counted, and the next check runs
                    failures += 1
                    reason = f"{type(error).__name__}: {error}"
                    print(f"FAIL  {name}: {reason}", file=out, flush=True)
                    if os.environ.get("ILTDESK_SELFTEST_VERBOSE"):
                        traceback.print_exc(file=out)
                    continue
                took = (time.perf_counter() - start) * 1000
                print(f"ok    {name}: {detail} ({took:.0f} ms)", file=out, flush=True)
        finally:
            if state.opened is not None:
                state.opened.close()
            if previous_home is None:
                os.environ.pop("ILTDESK_HOME", None)
            else:
                os.environ["ILTDESK_HOME"] = previous_home
    total = len(CHECKS)
    verdict = "all passed" if not failures else f"{failures} of {total} failed"
    print(f"{total - failures}/{total} checks passed: {verdict}", file=out, flush=True)
    return 0 if not failures else 1
