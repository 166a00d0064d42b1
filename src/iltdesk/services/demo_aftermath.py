"""The demo's aftermath: certificates for those who completed, their mail, budgets.

The newest completed session has no certificates yet and the one before has them unsent, and
one reminder failed: the dashboard has something to point at.
"""

from __future__ import annotations

from datetime import UTC
from datetime import datetime
from datetime import time
from datetime import timedelta
from decimal import Decimal

from iltdesk.db.entities import Certificate
from iltdesk.db.entities import Course
from iltdesk.db.entities import CourseBudget
from iltdesk.db.entities import Enrollment
from iltdesk.db.entities import ExchangeRate
from iltdesk.db.entities import Learner
from iltdesk.db.entities import OutboxContent
from iltdesk.db.entities import OutboxMessage
from iltdesk.db.entities import Setting
from iltdesk.db.entities import TrainingSession
from iltdesk.db.expressions import ColumnValues
from iltdesk.domain.attention import CERTIFICATE_WINDOW_DAYS
from iltdesk.domain.dates import add_months
from iltdesk.domain.enums import EnrollmentStatus
from iltdesk.domain.enums import MessageKind
from iltdesk.domain.enums import OutboxStatus
from iltdesk.domain.enums import SessionStatus
from iltdesk.domain.register import ALPHABET
from iltdesk.services.demo_directory import DEMO_RATES
from iltdesk.services.demo_history import HistoryBuilder


class AftermathBuilder(HistoryBuilder):
    """The history's builder, with what followed the sessions."""

    def certificates(self) -> None:
        """Certificates for completed learners, emailed for recent sessions.

        The newest session has none yet and the one before is issued but not emailed: both
        show on the dashboard.
        """
        sessions = self.rows[TrainingSession]
        completed = sorted(
            (row for row in sessions if row["status"] is SessionStatus.COMPLETED),
            key=lambda row: row["last_end"],
        )
        newest = completed[-1]["id"] if completed else None
        unsent = completed[-2]["id"] if len(completed) > 1 else None
        validity = {row["id"]: row["certificate_validity_months"] for row in self.rows[Course]}
        learners = self.rows[Learner]
        recent = datetime.combine(self.today, time(0), UTC) - timedelta(
            days=CERTIFICATE_WINDOW_DAYS + 30
        )
        for enrollment in self.rows[Enrollment]:
            session = sessions[enrollment["session_id"] - 1]
            if enrollment["status"] is not EnrollmentStatus.COMPLETED or session["id"] == newest:
                continue
            if session["status"] is not SessionStatus.COMPLETED:
                continue
            ended = session["last_end"]
            months = validity[session["course_id"]]
            code = "".join(self.rng.choice(ALPHABET) for _ in range(12))
            self.add(
                Certificate,
                enrollment_id=enrollment["id"],
                code=f"{code[:4]}-{code[4:8]}-{code[8:]}",
                issued_at=self.settled(ended + timedelta(days=1)),
                expires_at=add_months(ended, months) if months else None,
                revoked_at=None,
                revoke_reason="",
                replaces_id=None,
            )
            if ended >= recent and session["id"] != unsent:
                learner = learners[enrollment["learner_id"] - 1]
                self._mail(
                    MessageKind.CERTIFICATE,
                    session["id"],
                    enrollment["id"],
                    learner,
                    OutboxStatus.SENT,
                    when=self.settled(ended + timedelta(days=1)),
                )

    def _mail(
        self,
        kind: MessageKind,
        session_id: int,
        enrollment_id: int,
        learner: ColumnValues,
        status: OutboxStatus,
        *,
        when: datetime,
        error: str = "",
    ) -> None:
        """An outbox row as sending would have left it (a short stand-in message)."""
        number = len(self.rows.get(OutboxMessage, [])) + 1
        message_id = f"<demo-{number}@iltdesk.invalid>"
        subject = kind.label()
        content = (
            f"From: training@example.com\r\nTo: {learner['email']}\r\nSubject: {subject}\r\n"
            f"Message-ID: {message_id}\r\n\r\n{subject}\r\n"
        ).encode()
        outbox_id = self.add(
            OutboxMessage,
            dedupe_key=f"{kind.value}:demo:{enrollment_id}",
            kind=kind,
            session_id=session_id,
            enrollment_id=enrollment_id,
            recipient=learner["email"],
            recipient_name=f"{learner['first_name']} {learner['last_name']}",
            subject=subject,
            message_id=message_id,
            status=status,
            attempts=1,
            last_error=error,
            created_at=when,
            updated_at=when,
            next_attempt_at=None,
            sent_at=when if status is OutboxStatus.SENT else None,
            invited_days=None,
        )
        self.link(OutboxContent, message_id=outbox_id, content=content)

    def failed_reminder(self) -> None:
        """One reminder the mail server refused, for the Outbox item on the dashboard."""
        sessions = self.rows[TrainingSession]
        for enrollment in self.rows[Enrollment]:
            session = sessions[enrollment["session_id"] - 1]
            upcoming = session["first_start"].date() > self.today
            if upcoming and enrollment["status"] is EnrollmentStatus.ENROLLED:
                learner = self.rows[Learner][enrollment["learner_id"] - 1]
                when = self.settled(datetime.combine(self.today, time(7), UTC))
                self._mail(
                    MessageKind.REMINDER,
                    session["id"],
                    enrollment["id"],
                    learner,
                    OutboxStatus.FAILED,
                    when=when,
                    error="550 5.1.1 Mailbox unavailable",
                )
                return

    def budgets(self) -> None:
        """A budget per course and year near what was spent; a few courses run over."""
        for (course_id, year), spend in sorted(self.spend.items()):
            factor = Decimal(str(round(self.rng.uniform(0.95, 1.3), 2)))
            if course_id % 5 == 2:
                factor = Decimal("0.8")  # over budget, for the cost report to show
            budget = (spend * factor / 100).quantize(Decimal(1)) * 100
            self.add(CourseBudget, course_id=course_id, year=year, amount=budget, currency="GBP")
        self.link(Setting, key="reports.currency", value='"GBP"')
        for code, rate in DEMO_RATES.items():
            if code != "GBP":
                self.link(ExchangeRate, currency=code, rate=rate)
