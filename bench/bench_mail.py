"""500 certificate emails through the outbox to a local SMTP server (issue 6 target).

Both runs send the same prepared messages (rendered once, certificate PDFs attached) to the
same aiosmtpd server over one connection: ours through `outbox.send_queue` (claim, send, mark
sent — two small transactions per message), the baseline a bare `smtplib` loop. Target: at
least 0.8x the baseline's messages per second.
"""

from __future__ import annotations

import json
import smtplib
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from common import ROOT

sys.path.insert(0, str(ROOT))

from tests.fixtures.builders import day_spec, make_course, make_session  # noqa: E402
from tests.fixtures.smtp import start_server  # noqa: E402

from iltdesk.db.engine import database_url  # noqa: E402
from iltdesk.db.opening import open_database  # noqa: E402
from iltdesk.domain.enums import AttendanceStatus, MessageKind  # noqa: E402
from iltdesk.domain.specs import LearnerSpec  # noqa: E402
from iltdesk.mail.transport import SmtpTransport  # noqa: E402
from iltdesk.services import certificates, enrollment, learners, outbox  # noqa: E402
from iltdesk.services.attendance import MarkSpec, record_marks  # noqa: E402

COUNT = 500


def main() -> None:
    server = start_server()
    with tempfile.TemporaryDirectory() as folder:
        db = open_database(database_url(Path(folder) / "mail.sqlite3"), backup_dir=Path(folder))
        course = make_course(db, title="Forklift Safety", completion_threshold=80)
        day = day_spec(date(2026, 3, 12), "09:00", "17:00", "Europe/London")
        session = make_session(db, course.id, days=(day,), capacity=COUNT)
        marks = []
        for n in range(COUNT):
            learner = learners.create_learner(
                db, LearnerSpec(f"First{n}", f"Last{n}", f"person{n}@example.com")
            ).value
            row = enrollment.enroll_learner(db, session.id, learner.id, allow_clash=True).value.row
            marks.append(
                MarkSpec(row.enrollment_id, session.days[0].id, AttendanceStatus.PRESENT, None)
            )
        record_marks(db, session.id, marks)
        certificates.issue_certificates(db, session.id)
        outbox.set_mail_settings(
            db,
            {
                "mail.host": "127.0.0.1",
                "mail.port": str(server.port),
                "mail.security": "none",
                "mail.sender_address": "training@example.com",
            },
        )
        start = time.perf_counter()
        composed = outbox.compose(db, MessageKind.CERTIFICATE, session.id)
        compose_s = time.perf_counter() - start
        outbox.queue(db, composed.drafts)
        settings = outbox.mail_settings(db)

        # Baseline: the same prepared messages, a bare smtplib loop on one connection.
        start = time.perf_counter()
        with smtplib.SMTP("127.0.0.1", server.port) as smtp:
            for draft in composed.drafts:
                smtp.sendmail("training@example.com", [draft.recipient], draft.content)
        raw = time.perf_counter() - start

        start = time.perf_counter()
        summary = outbox.send_queue(
            db, SmtpTransport(settings.smtp), settings.sender_address, rate_per_minute=0
        )
        ours = time.perf_counter() - start
        assert summary.sent == COUNT, summary
        db.close()
    server.stop()
    assert len(server.recorder.received) == 2 * COUNT
    result = {
        "bench": f"outbox_send_{COUNT}_certificates",
        "ours_msgs_per_s": round(COUNT / ours, 1),
        "raw_msgs_per_s": round(COUNT / raw, 1),
        "throughput_ratio": round(raw / ours, 2),
        "target_ratio_at_least": 0.8,
        "compose_500_s": round(compose_s, 2),
        "mean_message_kb": round(sum(len(d.content) for d in composed.drafts) / COUNT / 1024, 1),
    }
    result["ok"] = result["throughput_ratio"] >= 0.8
    print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
