"""The outbox against a real SMTP server on 127.0.0.1 (aiosmtpd): exactly once, whatever happens."""

from __future__ import annotations

import email
import io
import os
import signal
import subprocess
import sys
from datetime import UTC
from datetime import date
from datetime import datetime
from datetime import timedelta
from email.policy import default

import icalendar
import pytest
from pypdf import PdfReader
from sqlalchemy import update

from iltdesk.db.entities import OutboxMessage
from iltdesk.domain.enums import DeliveryMode
from iltdesk.domain.enums import MessageKind
from iltdesk.domain.enums import OutboxStatus
from iltdesk.domain.specs import DaySpec
from iltdesk.errors import ValidationError
from iltdesk.mail.templates import Template
from iltdesk.mail.transport import SmtpTransport
from iltdesk.services import enrollment
from iltdesk.services import lifecycle
from iltdesk.services import outbox
from iltdesk.services import scheduling
from tests.fixtures.builders import completed_session
from tests.fixtures.builders import day_spec
from tests.fixtures.builders import make_course
from tests.fixtures.builders import make_learner
from tests.fixtures.builders import make_session
from tests.fixtures.smtp import Recorder
from tests.fixtures.smtp import start_server


@pytest.fixture
def server():
    running = start_server()
    yield running
    running.stop()


def configure(db, port, **more):
    values = {
        "mail.host": "127.0.0.1",
        "mail.port": str(port),
        "mail.security": "none",
        "mail.sender_address": "training@example.com",
        "mail.sender_name": "Training Team",
        **more,
    }
    return outbox.set_mail_settings(db, values).value


@pytest.fixture
def completed(db):
    return completed_session(db)


def queue_certificates(db, session_id, **kw):
    composed = outbox.compose(db, MessageKind.CERTIFICATE, session_id, **kw)
    return composed, outbox.queue(db, composed.drafts).value


def send(db, settings, password="", **kw):
    transport = SmtpTransport(settings.smtp, password)
    return outbox.send_queue(db, transport, settings.sender_address, backoff=(0.0,), **kw)


def test_starttls_login_and_valid_pdf_attachments(db, completed, tmp_path):
    tls = start_server(tls_dir=tmp_path, user="coord", password="s3cret")
    try:
        settings = configure(
            db,
            tls.port,
            **{"mail.security": "starttls", "mail.username": "coord", "mail.ca_file": tls.ca_file},
        )
        composed, ids = queue_certificates(db, completed.id)
        assert composed.label == "Forklift Safety — 12 Mar 2026"
        assert len(ids) == 3
        summary = send(db, settings, "s3cret")
        assert (summary.sent, summary.failed) == (3, 0)
        received = {r.recipients[0]: r.message for r in tls.recorder.received}
        assert set(received) == {"ann@example.com", "zoe@example.com", "bo@example.com"}
        zoe = received["zoe@example.com"]
        assert zoe["Subject"] == "Ihr Zertifikat: Forklift Safety"
        pdf = next(p for p in zoe.walk() if p.get_content_type() == "application/pdf")
        text = PdfReader(io.BytesIO(pdf.get_content())).pages[0].extract_text()
        assert "Zoë Müller" in text
        assert "Forklift Safety" in text
        assert all(r.status is OutboxStatus.SENT for r in outbox.list_outbox(db))
    finally:
        tls.stop()


def test_server_certificate_is_verified(db, completed, tmp_path):
    tls = start_server(tls_dir=tmp_path, user="coord", password="s3cret")
    try:
        settings = configure(
            db, tls.port, **{"mail.security": "starttls", "mail.username": "coord"}
        )
        queue_certificates(db, completed.id)
        summary = send(db, settings, "s3cret", max_wait=0)
        assert summary.sent == 0
        assert tls.recorder.received == []
        # A configuration problem pauses the whole batch with one sentence: nothing fails.
        assert "certificate" in summary.stopped_error
        rows = outbox.list_outbox(db)
        assert {r.status for r in rows} == {OutboxStatus.PENDING}
        assert {r.attempts for r in rows} == {0}
    finally:
        tls.stop()


def test_a_refused_recipient_fails_alone_and_the_batch_goes_on(db, completed, server, tmp_path):
    server.recorder.refuse.add("zoe@example.com")
    settings = configure(db, server.port)
    queue_certificates(db, completed.id)
    summary = send(db, settings)
    assert (summary.sent, summary.failed) == (2, 1)
    failed = outbox.list_outbox(db, [OutboxStatus.FAILED])
    assert failed[0].recipient == "zoe@example.com"
    assert "550" in failed[0].last_error
    exported = outbox.export_failed(db, tmp_path / "failed.csv")
    assert "zoe@example.com" in exported.read_text(encoding="utf-8-sig")


def test_421_is_retried_then_delivered_once(db, completed, server):
    server.recorder.fail_data = 1
    settings = configure(db, server.port)
    queue_certificates(db, completed.id)
    summary = send(db, settings)
    assert (summary.sent, summary.retried, summary.failed) == (3, 1, 0)
    ids = server.recorder.message_ids()
    assert len(ids) == len(set(ids)) == 3
    assert sorted(r.attempts for r in outbox.list_outbox(db)) == [1, 1, 2]


def test_535_pauses_the_batch_and_sends_nothing(db, completed, tmp_path):
    tls = start_server(tls_dir=tmp_path, user="coord", password="s3cret")
    try:
        settings = configure(
            db,
            tls.port,
            **{"mail.security": "starttls", "mail.username": "coord", "mail.ca_file": tls.ca_file},
        )
        queue_certificates(db, completed.id)
        summary = send(db, settings, "wrong")
        assert summary.auth_error
        assert "535" in summary.auth_error
        assert summary.sent == 0
        rows = outbox.list_outbox(db)
        assert {r.status for r in rows} == {OutboxStatus.PENDING}
        assert {r.attempts for r in rows} == {0}
        assert send(db, settings, "s3cret").sent == 3  # the user fixed the password
    finally:
        tls.stop()


def test_never_queued_twice_unless_resent(db, completed, server):
    configure(db, server.port)
    composed, _ids = queue_certificates(db, completed.id)
    again = outbox.compose(db, MessageKind.CERTIFICATE, completed.id)
    assert again.drafts == ()
    assert again.already_queued == 3
    assert outbox.queue(db, composed.drafts).value == []  # the same drafts again: nothing
    resent = outbox.compose(db, MessageKind.CERTIFICATE, completed.id, resend=True)
    assert len(resent.drafts) == 3
    assert all(d.dedupe_key.endswith(":resend-1") for d in resent.drafts)


def test_killed_sender_restarted_delivers_every_message_id_exactly_once(db, completed, tmp_path):
    box: dict = {}

    def kill_on_second(count):
        if count == 2:  # the server has the message; the sender dies before it hears "250"
            os.kill(box["pid"], signal.SIGKILL)
            box["process"].wait()

    running = start_server(recorder=Recorder(on_data=kill_on_second))
    try:
        configure(db, running.port)
        _composed, _ids = queue_certificates(db, completed.id)
        db_path = db.url.render_as_string(hide_password=False)
        db.close()
        command = [sys.executable, "-m", "iltdesk", "--db", db_path, "outbox", "send", "--yes"]
        env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
        process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        box.update(pid=process.pid, process=process)
        process.wait(timeout=60)
        assert process.returncode == -signal.SIGKILL
        restarted = subprocess.run(command, env=env, capture_output=True, text=True, timeout=60)
        assert restarted.returncode == 0, restarted.stderr
        assert "may have gone out" in restarted.stderr
        received = running.recorder.message_ids()
        assert len(received) == len(set(received)) == 3
    finally:
        running.stop()
    from iltdesk.db.engine import database_url
    from iltdesk.db.opening import open_database

    with open_database(database_url(db_path), backup_dir=tmp_path / "b2") as again:
        rows = {r.id: r for r in outbox.list_outbox(again)}
        stored = {r.message_id for r in rows.values()}
        assert stored == set(received)
        assert sorted(r.status.value for r in rows.values()) == ["sent", "sent", "uncertain"]


def test_drafts_transport_writes_eml_that_open_as_drafts(db, completed, tmp_path):
    folder = tmp_path / "drafts"
    settings = configure(db, 25, **{"mail.transport": "drafts", "mail.drafts_folder": str(folder)})
    queue_certificates(db, completed.id)
    summary = outbox.send_queue(db, outbox.make_transport(settings), settings.sender_address)
    assert summary.sent == 3
    files = sorted(folder.glob("*.eml"))
    assert len(files) == 3
    message = email.message_from_bytes(files[0].read_bytes(), policy=default)
    assert message["X-Unsent"] == "1"
    assert any(p.get_content_type() == "application/pdf" for p in message.walk())


def test_confirmation_for_a_virtual_session_and_its_update_and_cancellation(db, server):
    configure(db, server.port, **{"mail.backup_contact": "+44 20 7946 0000"})
    course = make_course(db, title="Remote Facilitation")
    days = (
        day_spec(date(2026, 10, 24), "09:00", "12:00", "Europe/London"),
        day_spec(date(2026, 10, 26), "09:00", "12:00", "Europe/London"),
    )
    session = make_session(db, course.id, days=days, mode=DeliveryMode.VIRTUAL)
    scheduling.update_session(
        db, session.id, _spec(session, meeting_link="https://meet.example.com/abc")
    )
    ann = make_learner(db, "Ann", "Lee", email="ann@example.com")
    enrollment.enroll_learner(db, session.id, ann.id)
    composed = outbox.compose(db, MessageKind.CONFIRMATION, session.id)
    (draft,) = composed.drafts
    assert "https://meet.example.com/abc" in draft.body
    assert "+44 20 7946 0000" in draft.body
    assert "camera" in draft.body
    outbox.queue(db, composed.drafts)
    changed = outbox.compose(db, MessageKind.CHANGED, session.id)
    outbox.queue(db, changed.drafts)
    with pytest.raises(ValidationError, match="not cancelled"):
        outbox.compose(db, MessageKind.CANCELLED, session.id)
    lifecycle.cancel_session(db, session.id, "The trainer is ill.")
    cancelled = outbox.compose(db, MessageKind.CANCELLED, session.id)
    (notice,) = cancelled.drafts
    assert "The trainer is ill." in notice.body
    outbox.queue(db, cancelled.drafts)
    settings = outbox.mail_settings(db)
    assert send(db, settings).sent == 3
    calendars = []
    for received in server.recorder.received:
        part = next(p for p in received.message.walk() if p.get_content_type() == "text/calendar")
        calendars.append(icalendar.Calendar.from_ical(part.get_content()))
    assert [str(c["METHOD"]) for c in calendars] == ["REQUEST", "REQUEST", "CANCEL"]
    assert [int(c.walk("VEVENT")[0]["SEQUENCE"]) for c in calendars] == [0, 1, 2]
    uids = {str(c.walk("VEVENT")[0]["UID"]) for c in calendars}
    assert len(uids) == 1
    hours = [e.decoded("DTSTART").astimezone(UTC).hour for e in calendars[0].walk("VEVENT")]
    assert hours == [8, 9]  # BST then GMT
    assert len(calendars[2].walk("VEVENT")) == 2  # the cancellation names both days


def test_dropping_a_day_cancels_its_calendar_entry_with_a_higher_sequence(db, server):
    configure(db, server.port)
    days = (
        day_spec(date(2027, 3, 4), "09:00", "17:00", "Europe/London"),
        day_spec(date(2027, 3, 5), "09:00", "17:00", "Europe/London"),
    )
    session = make_session(db, days=days)
    ann = make_learner(db, "Ann", "Lee", email="ann@example.com")
    enrollment.enroll_learner(db, session.id, ann.id)
    outbox.queue(db, outbox.compose(db, MessageKind.CONFIRMATION, session.id).drafts)
    scheduling.update_session(db, session.id, _spec(session, days=(DaySpec(*_times(days[0])),)))
    changed = outbox.compose(db, MessageKind.CHANGED, session.id)
    assert [d.kind for d in changed.drafts] == [MessageKind.CHANGED, MessageKind.DAYS_REMOVED]
    removal = changed.drafts[1]
    assert "no longer meets on Mar 5, 2027" in removal.body  # "en": the US formats
    outbox.queue(db, changed.drafts)
    assert send(db, outbox.mail_settings(db)).sent == 3
    calendars = []
    for received in server.recorder.received:
        part = next(p for p in received.message.walk() if p.get_content_type() == "text/calendar")
        calendars.append(icalendar.Calendar.from_ical(part.get_content()))
    invite, update, cancel = calendars
    day2_uid = str(invite.walk("VEVENT")[1]["UID"])
    assert [str(e["UID"]) for e in update.walk("VEVENT")] == [str(invite.walk("VEVENT")[0]["UID"])]
    assert str(cancel["METHOD"]) == "CANCEL"
    (cancelled_event,) = cancel.walk("VEVENT")
    assert str(cancelled_event["UID"]) == day2_uid
    assert int(cancelled_event["SEQUENCE"]) > int(update.walk("VEVENT")[0]["SEQUENCE"])
    assert cancelled_event.decoded("DTSTART") == invite.walk("VEVENT")[1].decoded("DTSTART")
    # Only the remaining day is live now: one invitation holder, one day to cancel later.
    assert outbox.invited_count(db, session.id) == 1
    lifecycle.cancel_session(db, session.id, "Venue closed")
    (notice,) = outbox.compose(db, MessageKind.CANCELLED, session.id).drafts
    assert notice.invited_days == 0


def _times(day):
    return day.start, day.end


def _spec(session, **changes):
    from dataclasses import replace

    from iltdesk.domain.specs import DaySpec
    from iltdesk.domain.specs import SessionSpec

    spec = SessionSpec(
        course_id=session.course_id,
        mode=session.mode,
        timezone=session.timezone,
        capacity=session.capacity,
        days=tuple(DaySpec(d.start, d.end) for d in session.days),
        room_id=session.room_id,
    )
    return replace(spec, **changes)


def test_reminders_only_when_switched_on_and_only_once(db, server):
    configure(db, server.port)
    start = datetime.now(UTC) + timedelta(days=1)
    local = start.astimezone().date()
    session = make_session(db, days=(day_spec(local, "09:00", "17:00", "UTC"),), zone="UTC")
    ann = make_learner(db, "Ann", "Lee", email="ann@example.com")
    enrollment.enroll_learner(db, session.id, ann.id)
    assert outbox.due_reminders(db) == []
    outbox.set_mail_settings(db, {"mail.reminders_enabled": "true", "mail.reminder_days": "3"})
    (due,) = outbox.due_reminders(db)
    assert due.drafts[0].subject.startswith("Reminder:")
    outbox.queue(db, due.drafts)
    assert outbox.due_reminders(db) == []


def test_settings_are_checked_and_templates_refuse_unknown_placeholders(db):
    with pytest.raises(ValidationError, match="1 to 65535"):
        outbox.set_mail_settings(db, {"mail.port": "0"})
    with pytest.raises(ValidationError, match="not a valid email"):
        outbox.set_mail_settings(db, {"mail.sender_address": "nobody"})
    with pytest.raises(ValidationError, match="Unknown setting"):
        outbox.get_config(db, "mail.colour")
    with pytest.raises(ValidationError, match="does not know"):
        outbox.save_template(db, MessageKind.REMINDER, "en", Template("{frist_name}", ""))
    outbox.save_template(db, MessageKind.REMINDER, "en", Template("Soon: {course}", "Hi"))
    assert outbox.get_template(db, MessageKind.REMINDER, "en").subject == "Soon: {course}"


def test_interrupted_rows_become_uncertain_and_are_not_resent(db, completed, server):
    settings = configure(db, server.port)
    _composed, ids = queue_certificates(db, completed.id)
    with db.transaction() as tx:
        tx.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == ids[0])
            .values(status=OutboxStatus.SENDING)
        )
    assert outbox.recover_interrupted(db).value == 1
    assert send(db, settings).sent == 2
    assert outbox.outbox_counts(db)[OutboxStatus.UNCERTAIN] == 1
    outbox.retry(db, [ids[0]])  # the user decided to send it again
    assert send(db, settings).sent == 1


def test_promoted_notice_goes_to_those_told_they_were_waiting(db, server):
    configure(db, server.port)
    session = make_session(db, capacity=1)
    first = make_learner(db, "Ann", "Lee", email="ann@example.com")
    waiting = make_learner(db, "Bo", "Chen", email="bo@example.com")
    place = enrollment.enroll_learner(db, session.id, first.id).value.row
    enrollment.enroll_learner(db, session.id, waiting.id)
    notice = outbox.compose(db, MessageKind.WAITLIST, session.id)
    assert [d.recipient for d in notice.drafts] == ["bo@example.com"]
    assert "number 1 on the waitlist" in notice.drafts[0].body
    outbox.queue(db, notice.drafts)
    assert outbox.compose(db, MessageKind.PROMOTED, session.id).drafts == ()
    enrollment.cancel_enrollment(db, place.enrollment_id, "ill")  # Bo takes the seat
    promoted = outbox.compose(db, MessageKind.PROMOTED, session.id)
    assert [d.recipient for d in promoted.drafts] == ["bo@example.com"]
    assert promoted.drafts[0].subject.startswith("A seat for you")


def test_invited_count_follows_confirmations(db, server):
    configure(db, server.port)
    session = make_session(db, capacity=3)
    for n in range(2):
        learner = make_learner(db, f"L{n}", "X", email=f"l{n}@example.com")
        enrollment.enroll_learner(db, session.id, learner.id)
    assert outbox.invited_count(db, session.id) == 0
    outbox.queue(db, outbox.compose(db, MessageKind.CONFIRMATION, session.id).drafts)
    assert outbox.invited_count(db, session.id) == 2


def test_resend_is_a_new_copy_with_its_own_message_id(db, completed, server):
    settings = configure(db, server.port)
    _composed, ids = queue_certificates(db, completed.id)
    send(db, settings)
    copies = outbox.resend(db, ids[:1]).value
    assert send(db, settings).sent == 1
    first, again = server.recorder.received[0], server.recorder.received[-1]
    assert first.recipients == again.recipients
    assert first.message_id != again.message_id
    assert again.message["Subject"] == first.message["Subject"]
    rows = {r.id: r for r in outbox.list_outbox(db)}
    assert rows[copies[0]].status is OutboxStatus.SENT
    assert outbox.resend(db, ids[:1]).value != copies  # a second resend: resend-2


def test_a_name_with_a_bcc_line_never_adds_a_recipient(db, server):
    settings = configure(db, server.port)
    session = make_session(db, capacity=3)
    evil = make_learner(
        db, "Ann\r\nBcc: thief@example.com", "Lee\nCc: x@example.com", email="ann@example.com"
    )
    enrollment.enroll_learner(db, session.id, evil.id)
    outbox.queue(db, outbox.compose(db, MessageKind.CONFIRMATION, session.id).drafts)
    assert send(db, settings).sent == 1
    (received,) = server.recorder.received
    assert received.recipients == ["ann@example.com"]
    assert received.message["Bcc"] is None
    assert received.message["Cc"] is None


@pytest.mark.parametrize(
    ("regional", "english", "german"),
    [("en_GB", "12 Mar 2026", "12.03.2026"), ("en_US", "Mar 12, 2026", "12.03.2026")],
)
def test_dates_follow_the_learner_language_in_the_organisation_format(
    db, completed, server, regional, english, german
):
    configure(db, server.port)
    composed = outbox.compose(
        db, MessageKind.CONFIRMATION, completed.id, fallback_language=regional
    )
    subjects = {d.recipient: d.subject for d in composed.drafts}
    assert subjects["ann@example.com"] == f"Confirmed: Forklift Safety — {english}"
    assert subjects["zoe@example.com"] == f"Bestätigt: Forklift Safety — {german}"
    body = next(d.body for d in composed.drafts if d.recipient == "zoe@example.com")
    assert "Wann: Do., 12. März 2026, 09:00–17:00 GMT" in body


def test_a_copy_can_itself_be_resent(db, completed, server):
    configure(db, server.port)
    _composed, ids = queue_certificates(db, completed.id)
    (copy,) = outbox.resend(db, ids[:1]).value
    (again,) = outbox.resend(db, [copy]).value
    keys = {r.id: r for r in outbox.list_outbox(db)}
    assert again not in (copy, ids[0])
    assert keys[again].status is OutboxStatus.PENDING
    resent = outbox.compose(db, MessageKind.CERTIFICATE, completed.id, resend=True)
    assert sorted(d.dedupe_key.rsplit(":", 1)[1] for d in resent.drafts) == [
        "resend-1",
        "resend-1",
        "resend-3",
    ]


def international_session(db):
    """Learners whose addresses are not all ASCII: a Unicode name part, a Unicode domain."""
    course = make_course(db, title="Forklift Safety")
    day = day_spec(date(2026, 3, 12), "09:00", "17:00", "Europe/London")
    session = make_session(db, course.id, days=(day,), capacity=5)
    for first, address in (
        ("Łukasz", "łukasz.schmidt@example.com"),
        ("Jörg", "joerg@bücher.example.com"),
        ("Ann", "ann@example.com"),
    ):
        learner = make_learner(db, first, "Lee", email=address)
        enrollment.enroll_learner(db, session.id, learner.id)
    composed = outbox.compose(db, MessageKind.REMINDER, session.id)
    return outbox.queue(db, composed.drafts).value


@pytest.mark.parametrize("offers_smtputf8", [True, False])
def test_unicode_addresses_go_out_or_fail_alone_with_a_sentence(db, offers_smtputf8):
    running = start_server(smtputf8=offers_smtputf8)
    try:
        settings = configure(db, running.port)
        international_session(db)
        summary = send(db, settings)  # no crash, nothing left "sending"
        received = {r.recipients[0]: r for r in running.recorder.received}
        # A Unicode domain travels as IDNA, in the envelope and the To header alike.
        assert received["joerg@xn--bcher-kva.example.com"].message["To"].addresses[0].domain == (
            "xn--bcher-kva.example.com"
        )
        assert "ann@example.com" in received
        statuses = {r.recipient: r.status for r in outbox.list_outbox(db)}
        if offers_smtputf8:
            assert (summary.sent, summary.failed) == (3, 0)
            lukasz = received["łukasz.schmidt@example.com"]
            # The header carries the address as it is (RFC 6532), not an encoded word.
            assert b"To: \xc5\x81ukasz Lee <\xc5\x82ukasz.schmidt@example.com>" in lukasz.data
            assert set(statuses.values()) == {OutboxStatus.SENT}
        else:
            assert (summary.sent, summary.failed) == (2, 1)
            assert statuses["łukasz.schmidt@example.com"] is OutboxStatus.FAILED
            (failed,) = outbox.list_outbox(db, [OutboxStatus.FAILED])
            assert failed.last_error.startswith(
                "The mail server does not accept łukasz.schmidt@example.com: an address with "
                "letters beyond plain ASCII before the @ needs SMTPUTF8"
            )
    finally:
        running.stop()
