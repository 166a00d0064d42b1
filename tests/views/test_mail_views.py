"""Email from the app: confirm, send, pause for a password, and the outbox screen."""

from __future__ import annotations

import pytest

from iltdesk import credentials
from iltdesk.domain.enums import MessageKind
from iltdesk.domain.enums import OutboxStatus
from iltdesk.models.outbox import OutboxTableModel
from iltdesk.services import outbox
from iltdesk.views import mail
from iltdesk.views.dialogs import document_preview
from iltdesk.views.dialogs.mail_settings import MailSettingsDialog
from iltdesk.views.dialogs.mail_settings import TemplatesDialog
from iltdesk.views.mail import SendConfirmDialog
from iltdesk.views.outbox_page import OutboxPage
from iltdesk.views.session_detail import SessionDetailDialog
from tests.fixtures.builders import completed_session
from tests.fixtures.smtp import configure
from tests.fixtures.smtp import start_server


@pytest.fixture(autouse=True)
def no_saved_passwords(monkeypatch):
    monkeypatch.delenv("ILTDESK_SMTP_PASSWORD", raising=False)
    monkeypatch.setattr(credentials, "keyring_available", lambda: False)
    credentials.forget_for_this_run()
    yield
    credentials.forget_for_this_run()


def test_email_certificates_from_the_session_window(qtbot, ctx, server, monkeypatch):
    session = completed_session(ctx.db)
    configure(ctx.db, server.port)
    asked = []

    def confirm(parent, composed, kind):
        asked.append((kind, len(composed.drafts), composed.label))
        dialog = SendConfirmDialog(parent, composed, kind)
        qtbot.addWidget(dialog)
        dialog.recipient.setCurrentIndex(1)
        asked.append(dialog.preview.toPlainText())
        return True

    monkeypatch.setattr(mail, "ask_send_confirmation", confirm)
    window = SessionDetailDialog(None, ctx, session.id)
    qtbot.addWidget(window)
    window.email_actions[MessageKind.CERTIFICATE].trigger()
    qtbot.waitUntil(lambda: "3 messages sent" in window.email_note.text(), timeout=20_000)
    assert asked[0] == (MessageKind.CERTIFICATE, 3, "Forklift Safety — 12 Mar 2026")
    assert "Attached:" in asked[1]
    assert ".pdf" in asked[1]
    assert len(server.recorder.received) == 3
    # Asked again: nothing new to send, and nothing is sent twice.
    window.email_actions[MessageKind.CERTIFICATE].trigger()
    qtbot.waitUntil(lambda: "already have" in window.email_note.text(), timeout=20_000)
    assert len(server.recorder.received) == 3


def test_declining_sends_and_queues_nothing(qtbot, ctx, server, monkeypatch):
    session = completed_session(ctx.db)
    configure(ctx.db, server.port)
    monkeypatch.setattr(mail, "ask_send_confirmation", lambda *a: False)
    window = SessionDetailDialog(None, ctx, session.id)
    qtbot.addWidget(window)
    window.email_actions[MessageKind.CERTIFICATE].trigger()
    qtbot.wait(300)
    window.session_actions.mailer.tasks.wait_for_done()
    qtbot.wait(100)
    assert outbox.list_outbox(ctx.db) == []
    assert server.recorder.received == []


def test_refused_password_pauses_and_asks_again(qtbot, ctx, tmp_path, monkeypatch):
    tls = start_server(tls_dir=tmp_path, user="coord", password="s3cret")
    try:
        session = completed_session(ctx.db)
        configure(
            ctx.db,
            tls.port,
            **{"mail.security": "starttls", "mail.username": "coord", "mail.ca_file": tls.ca_file},
        )
        answers = iter(["wrong", "s3cret"])
        asked = []

        def password(parent, user, host):
            asked.append((user, host))
            return next(answers)

        monkeypatch.setattr(mail, "ask_password", password)
        monkeypatch.setattr(mail, "ask_send_confirmation", lambda *a: True)
        window = SessionDetailDialog(None, ctx, session.id)
        qtbot.addWidget(window)
        window.email_actions[MessageKind.CERTIFICATE].trigger()
        qtbot.waitUntil(lambda: "3 messages sent" in window.email_note.text(), timeout=30_000)
        assert asked == [("coord", "127.0.0.1")] * 2
        assert len(tls.recorder.received) == 3
    finally:
        tls.stop()


def test_outbox_page_retry_cancel_export_and_open(
    qtbot, ctx, server, tmp_path, monkeypatch, qtmodeltester
):
    session = completed_session(ctx.db)
    configure(ctx.db, server.port)
    server.recorder.refuse.add("zoe@example.com")
    composed = outbox.compose(ctx.db, MessageKind.CERTIFICATE, session.id)
    ids = outbox.queue(ctx.db, composed.drafts).value
    page = OutboxPage(ctx)
    qtbot.addWidget(page)
    assert page.model.rowCount() == 0  # not read on the GUI thread while the screen is built
    qtbot.waitUntil(lambda: page.model.rowCount() == 3, timeout=10_000)
    qtmodeltester.check(page.model)
    assert page.send_button.isEnabled()
    monkeypatch.setattr(mail, "ask_yes", lambda parent, question: "3 pending" in question)
    page.send_pending()
    qtbot.waitUntil(lambda: "2 messages sent. 1 failed" in page.status.text(), timeout=20_000)
    qtbot.waitUntil(page.export_button.isEnabled, timeout=10_000)  # once the list is read again
    target = tmp_path / "failed.csv"
    monkeypatch.setattr(document_preview, "ask_save_path", lambda *a: target)
    page.export_failed()
    assert "zoe@example.com" in target.read_text(encoding="utf-8-sig")
    with qtbot.waitSignal(page.loaded, timeout=10_000):
        page.filter.setCurrentIndex(2)  # failed only
    assert page.model.rowCount() == 1
    page.table.selectRow(0)
    page.open_selected()
    assert "Zoë" in page.message_dialog.findChildren(mail.QPlainTextEdit)[0].toPlainText()
    page.message_dialog.close()
    server.recorder.refuse.clear()
    page.retry_button.click()
    assert outbox.outbox_counts(ctx.db)[OutboxStatus.PENDING] == 1
    with qtbot.waitSignal(page.loaded, timeout=10_000):
        page.filter.setCurrentIndex(1)  # pending
    qtbot.waitUntil(lambda: page.tasks.wait_for_done(50), timeout=10_000)  # the retry's reload
    qtbot.wait(50)
    assert [r.status for r in page.model.rows()] == [OutboxStatus.PENDING]
    page.table.selectRow(0)
    page.cancel_button.click()
    assert outbox.outbox_counts(ctx.db)[OutboxStatus.CANCELLED] == 1
    assert len(ids) == 3


def test_mail_settings_dialog_saves_and_sends_a_test(qtbot, ctx, server):
    dialog = MailSettingsDialog(None, ctx)
    qtbot.addWidget(dialog)
    dialog.host.setText("127.0.0.1")
    dialog.port.setValue(server.port)
    dialog.security.setCurrentIndex(dialog.security.findData("none"))
    assert "Without encryption" in dialog.security_warning.text()
    dialog.sender_address.setText("training@example.com")
    dialog.test_to.setText("me@example.com")
    dialog.send_test()
    qtbot.waitUntil(lambda: dialog.test_result.text().startswith("Sent"), timeout=20_000)
    assert server.recorder.received[0].recipients == ["me@example.com"]
    assert outbox.mail_settings(ctx.db).port == server.port
    dialog.port.setValue(1)  # nothing listens there
    dialog.send_test()
    qtbot.waitUntil(lambda: dialog.test_result.text().startswith("Not sent"), timeout=20_000)
    assert "mail server" in dialog.test_result.text()


def test_templates_dialog_refuses_unknown_placeholders(qtbot, ctx):
    dialog = TemplatesDialog(None, ctx)
    qtbot.addWidget(dialog)
    dialog.kind.setCurrentIndex(dialog.kind.findData("reminder"))
    dialog.subject.setText("Soon: {course} with {trainer}")
    assert "{trainer}" in dialog.errors.text()
    assert not dialog.save_button.isEnabled()
    dialog.subject.setText("Soon: {course}")
    assert dialog.save_button.isEnabled()
    dialog.save()
    assert outbox.get_template(ctx.db, MessageKind.REMINDER, "en").subject == "Soon: {course}"
    dialog.reset()
    assert dialog.subject.text().startswith("Reminder:")


def test_outbox_model_passes_the_tester(qtmodeltester, db):
    model = OutboxTableModel()
    model.set_rows(outbox.list_outbox(db))
    qtmodeltester.check(model)


def test_a_reschedule_offers_the_change_to_invited_learners(qtbot, ctx, server, monkeypatch):
    from dataclasses import replace
    from datetime import timedelta

    from iltdesk.services import enrollment
    from iltdesk.services import scheduling
    from iltdesk.views.sessions_view import SessionsPage
    from tests.fixtures.builders import make_learner
    from tests.fixtures.builders import make_session

    configure(ctx.db, server.port)
    session = make_session(ctx.db, capacity=3)
    ann = make_learner(ctx.db, "Ann", "Lee", email="ann@example.com")
    enrollment.enroll_learner(ctx.db, session.id, ann.id)
    outbox.queue(ctx.db, outbox.compose(ctx.db, MessageKind.CONFIRMATION, session.id).drafts)
    questions = []
    monkeypatch.setattr(mail, "ask_yes", lambda parent, q: questions.append(q) or True)
    monkeypatch.setattr(mail, "ask_send_confirmation", lambda *a: True)
    page = SessionsPage(ctx)
    qtbot.addWidget(page)
    before = scheduling.get_session(ctx.db, session.id)
    day = before.days[0]
    after = replace(before, days=(replace(day, start=day.start + timedelta(hours=1)),))
    page.session_actions.offer_change_notice(before, after)
    assert "1 learner has a calendar invitation" in questions[0]
    qtbot.waitUntil(lambda: len(server.recorder.received) == 1, timeout=20_000)
    (received,) = server.recorder.received
    assert received.message["Subject"].startswith("Changed:")
    assert "SEQUENCE:1" in received.data.decode()
    page.session_actions.offer_change_notice(before, before)  # nothing moved: nothing asked
    assert len(questions) == 1


def test_reminders_are_offered_once_and_only_when_switched_on(qtbot, ctx, server, monkeypatch):
    from datetime import UTC
    from datetime import datetime
    from datetime import timedelta

    from PySide6.QtWidgets import QWidget

    from iltdesk.services import enrollment
    from tests.fixtures.builders import day_spec
    from tests.fixtures.builders import make_learner
    from tests.fixtures.builders import make_session

    configure(ctx.db, server.port)
    tomorrow = (datetime.now(UTC) + timedelta(days=1)).date()
    session = make_session(ctx.db, days=(day_spec(tomorrow, "09:00", "17:00", "UTC"),), zone="UTC")
    ann = make_learner(ctx.db, "Ann", "Lee", email="ann@example.com")
    enrollment.enroll_learner(ctx.db, session.id, ann.id)
    asked = []
    monkeypatch.setattr(
        mail, "ask_send_confirmation", lambda parent, composed, kind: asked.append(kind) or True
    )
    parent = QWidget()
    qtbot.addWidget(parent)
    from iltdesk.tasks.runner import TaskRunner

    mailer = mail.Mailer(ctx, parent, TaskRunner(parent))
    watch = mail.ReminderWatch(ctx, parent, mailer)
    watch.check()
    assert asked == []  # reminders are off until the coordinator turns them on
    outbox.set_mail_settings(ctx.db, {"mail.reminders_enabled": "true"})
    watch.check()
    assert asked == [MessageKind.REMINDER]
    qtbot.waitUntil(lambda: len(server.recorder.received) == 1, timeout=20_000)
    assert server.recorder.received[0].message["Subject"].startswith("Reminder:")
    watch.check()  # the hourly check: already sent, nothing to ask
    assert asked == [MessageKind.REMINDER]


def test_choosing_no_security_does_not_move_the_fields(qtbot, ctx):
    dialog = MailSettingsDialog(None, ctx)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.security.setCurrentIndex(dialog.security.findData("starttls"))
    before = dialog.password.mapTo(dialog, dialog.password.rect().topLeft())
    dialog.security.setCurrentIndex(dialog.security.findData("none"))
    qtbot.wait(10)
    assert "Without encryption" in dialog.security_warning.text()
    assert dialog.password.mapTo(dialog, dialog.password.rect().topLeft()) == before
