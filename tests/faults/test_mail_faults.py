"""Mail faults against a real SMTP server: exactly once, paused not failed, sentences."""

from __future__ import annotations

import csv
import os
import stat

import pytest

from iltdesk.cli import run
from iltdesk.domain.enums import MessageKind
from iltdesk.domain.enums import OutboxStatus
from iltdesk.mail.transport import SmtpTransport
from iltdesk.services import outbox
from iltdesk.services.outbox import retry_delay
from tests.fixtures.builders import completed_session
from tests.fixtures.smtp import configure
from tests.fixtures.smtp import free_port
from tests.fixtures.smtp import start_server


@pytest.fixture
def server():
    running = start_server()
    yield running
    running.stop()


@pytest.fixture
def queued(db):
    session = completed_session(db)
    composed = outbox.compose(db, MessageKind.CERTIFICATE, session.id)
    ids = outbox.queue(db, composed.drafts).value
    assert len(ids) == 3
    return ids


def send(db, **more):
    settings = outbox.mail_settings(db)
    return outbox.send_queue(
        db, SmtpTransport(settings.smtp), settings.sender_address, backoff=(0.0,), **more
    )


def statuses(db):
    return [r.status for r in outbox.list_outbox(db)]


def test_f11_starttls_on_a_server_without_it_pauses_the_batch(db, server, queued):
    configure(db, server.port, **{"mail.security": "starttls"})
    summary = send(db)
    assert summary.sent == 0
    assert "does not offer" in summary.stopped_error
    assert "Mail settings" in summary.stopped_error
    assert statuses(db) == [OutboxStatus.PENDING] * 3  # nothing failed, nothing counted
    assert {r.attempts for r in outbox.list_outbox(db)} == {0}
    assert server.recorder.received == []


def test_f11_ssl_on_a_plain_port_pauses_the_batch(db, server, queued):
    configure(db, server.port, **{"mail.security": "ssl"})
    summary = send(db)
    assert "secure connection to the mail server failed" in summary.stopped_error
    assert statuses(db) == [OutboxStatus.PENDING] * 3


def test_f12_an_unreachable_server_leaves_rows_waiting_and_the_cli_says_so(
    db, db_url, queued, capsys
):
    configure(db, free_port())  # nobody listens there
    summary = send(db)
    assert "could not be reached" in summary.stopped_error
    assert statuses(db) == [OutboxStatus.PENDING] * 3
    db.close()
    assert run(["--db", db_url, "outbox", "send", "--yes"]) == 5
    err = capsys.readouterr().err
    assert "could not be reached" in err
    assert "every message still waits" in err


def test_f13_a_connection_lost_after_data_is_uncertain_and_never_resent(db, server, queued):
    configure(db, server.port)
    server.recorder.drop_after_data = 1
    summary = send(db)
    assert summary.uncertain == 1
    assert summary.sent == 2
    rows = outbox.list_outbox(db)
    uncertain = [r for r in rows if r.status is OutboxStatus.UNCERTAIN]
    assert len(uncertain) == 1
    assert "may have been delivered" in uncertain[0].last_error
    # Every Message-ID arrived exactly once, the uncertain one included.
    ids = server.recorder.message_ids()
    assert len(ids) == len(set(ids)) == 3
    again = send(db)  # a later run does not touch the uncertain row
    assert (again.sent, again.uncertain) == (0, 0)
    assert len(server.recorder.message_ids()) == 3


def test_f23_a_message_too_large_names_its_size_and_the_way_round(db, server, queued):
    configure(db, server.port)
    server.recorder.too_large = True
    summary = send(db)
    assert summary.failed == 3
    error = outbox.list_outbox(db, [OutboxStatus.FAILED])[0].last_error
    assert "too large" in error
    assert "KB" in error
    assert "Send a link to the file instead" in error


def test_f24_retries_back_off_with_jitter():
    backoff = (2.0, 10.0, 60.0)
    assert retry_delay(1, backoff, lambda: 0.0) == 1.0
    assert retry_delay(1, backoff, lambda: 1.0) == 3.0
    assert retry_delay(3, backoff, lambda: 0.5) == 60.0
    assert retry_delay(9, backoff, lambda: 0.5) == 60.0
    import random

    spread = {round(retry_delay(2, backoff, random.random), 3) for _ in range(20)}
    assert len(spread) > 10  # not one instant for every client
    assert all(5.0 <= d <= 15.0 for d in spread)


def test_f10_the_failed_outbox_export_lets_no_formula_through(db, server, queued, tmp_path):
    configure(db, server.port)
    server.recorder.refuse.update({"ann@example.com", "zoe@example.com", "bo@example.com"})
    from sqlalchemy import update

    from iltdesk.db.entities import OutboxMessage

    hostile = ['=HYPERLINK("http://x","y")', "-2+3", "@SUM(1)", "+1", "\tTab", "\rCR"]
    send(db)
    with db.transaction() as tx:
        for n, message_id in enumerate(queued):
            values = {"recipient_name": hostile[n], "subject": hostile[n + 3]}
            tx.execute(update(OutboxMessage).where(OutboxMessage.id == message_id).values(values))
    path = outbox.export_failed(db, tmp_path / "failed.csv")
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    cells = [cell for row in rows[1:] for cell in row]
    for cell in cells:
        assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), cell
    assert '\'=HYPERLINK("http://x","y")' in cells
    assert "'-2+3" in cells


def test_f22_exports_are_written_with_the_users_normal_permissions(db, tmp_path):
    from iltdesk.documents.files import NORMAL_MODE
    from iltdesk.documents.files import write_atomic

    path = write_atomic(tmp_path / "export.csv", b"a,b\n")
    assert stat.S_IMODE(path.stat().st_mode) == NORMAL_MODE
    os.chmod(path, 0o640)
    write_atomic(path, b"a,b,c\n")  # a replaced file keeps the permissions it had
    assert stat.S_IMODE(path.stat().st_mode) == 0o640


def test_f14_a_day_removed_from_a_session_is_cancelled_in_the_calendar(db):
    """The removal notice carries METHOD:CANCEL for the dropped day's own UID, a later SEQUENCE."""
    import email as email_lib
    from dataclasses import replace
    from datetime import date
    from email.policy import default

    import icalendar

    from iltdesk.domain.specs import DaySpec
    from iltdesk.services import enrollment
    from iltdesk.services import scheduling
    from tests.fixtures.builders import day_spec
    from tests.fixtures.builders import make_learner
    from tests.fixtures.builders import make_session

    configure(db, free_port())
    days = (
        day_spec(date(2027, 3, 4), "09:00", "17:00", "Europe/London"),
        day_spec(date(2027, 3, 5), "09:00", "17:00", "Europe/London"),
    )
    session = make_session(db, days=days)
    ann = make_learner(db, "Ann", "Lee", email="ann@example.com")
    enrollment.enroll_learner(db, session.id, ann.id)
    (invite,) = outbox.compose(db, MessageKind.CONFIRMATION, session.id).drafts
    outbox.queue(db, (invite,))
    spec = replace(scheduling.spec_for_row(session), days=(DaySpec(days[0].start, days[0].end),))
    scheduling.update_session(db, session.id, spec)
    drafts = outbox.compose(db, MessageKind.CHANGED, session.id).drafts
    assert [d.kind for d in drafts] == [MessageKind.CHANGED, MessageKind.DAYS_REMOVED]

    def calendar(draft):
        message = email_lib.message_from_bytes(draft.content, policy=default)
        part = next(p for p in message.walk() if p.get_content_type() == "text/calendar")
        return icalendar.Calendar.from_ical(part.get_content())

    sent_days = calendar(invite).walk("VEVENT")
    cancel = calendar(drafts[1])
    assert str(cancel["METHOD"]) == "CANCEL"
    (event,) = cancel.walk("VEVENT")
    assert str(event["UID"]) == str(sent_days[1]["UID"])
    assert int(event["SEQUENCE"]) > int(sent_days[1]["SEQUENCE"])
