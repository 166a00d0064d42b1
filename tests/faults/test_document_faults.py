"""Files we write: names checked by bytes before the first file, all or nothing."""

from __future__ import annotations

import pytest

from iltdesk.cli import run
from iltdesk.documents.files import NAME_BYTES
from iltdesk.documents.files import write_files
from iltdesk.errors import UserError
from tests.fixtures.builders import day_spec
from tests.fixtures.builders import make_course
from tests.fixtures.builders import make_learner
from tests.fixtures.builders import make_session


def test_f16_long_cjk_names_give_every_certificate_a_file(tmp_path):
    """Names are cut by bytes (not characters) and keep their code: 14 of 14 files written."""
    from datetime import date

    from iltdesk.db.engine import database_url
    from iltdesk.db.opening import open_database
    from iltdesk.domain.enums import AttendanceStatus
    from iltdesk.services import enrollment
    from iltdesk.services.attendance import MarkSpec
    from iltdesk.services.attendance import record_marks

    path = tmp_path / "cjk.sqlite3"
    with open_database(database_url(path)) as db:
        course = make_course(db, title="安全な運転のための基礎講座", completion_threshold=80)
        day = day_spec(date(2026, 3, 12), "09:00", "17:00", "Asia/Tokyo")
        session = make_session(db, course.id, days=(day,), capacity=20, zone="Asia/Tokyo")
        rows = [
            enrollment.enroll_learner(
                db, session.id, make_learner(db, "王" * 60 + str(n), "李" * 60).id
            ).value.row
            for n in range(14)
        ]
        marks = [
            MarkSpec(r.enrollment_id, session.days[0].id, AttendanceStatus.PRESENT, None)
            for r in rows
        ]
        record_marks(db, session.id, marks)
    out = tmp_path / "certificates"
    assert run(["--db", str(path), "print", "certificates", str(session.id), "-o", str(out)]) == 0
    files = sorted(out.iterdir())
    assert len(files) == 14
    assert all(len(f.name.encode("utf-8")) <= NAME_BYTES for f in files)
    assert len({f.name.rsplit(" - ", 1)[1] for f in files}) == 14  # each keeps its own code


@pytest.mark.parametrize(
    ("names", "says"),
    [
        (["a.pdf", "b.pdf", "a.pdf "[:-1]], "both be called"),
        (["ok.pdf", "CON.pdf"], "Windows reserves"),
        (["ok.pdf", "x" * 300 + ".pdf"], "longer than 255 bytes"),
    ],
)
def test_f31_a_set_of_files_that_cannot_all_be_written_writes_none(tmp_path, names, says):
    files = {name: b"%PDF-1.4\n" for name in names}
    if len(files) < len(names):  # a dict cannot hold the duplicate: check the list itself
        from iltdesk.documents.files import check_names

        with pytest.raises(UserError, match=says):
            check_names(names)
        return
    with pytest.raises(UserError, match=says):
        write_files(tmp_path / "out", files)
    assert not (tmp_path / "out").exists() or list((tmp_path / "out").iterdir()) == []
