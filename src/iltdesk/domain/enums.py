"""Enumerations stored in the database by value and shown to users through `label()`."""

from __future__ import annotations

from enum import StrEnum

from iltdesk.i18n import N_
from iltdesk.i18n import _


class _Labelled(StrEnum):
    """A string enum whose members carry a translatable label."""

    def label(self) -> str:
        return _(_LABELS.get((type(self), self.value), self.value))

    def source_label(self) -> str:
        """The untranslated (English) label: the msgid its translations are keyed by."""
        return _LABELS.get((type(self), self.value), self.value)


class DeliveryFormat(_Labelled):
    """How a course is designed to be delivered."""

    IN_PERSON = "in_person"
    VIRTUAL = "virtual"
    BLENDED = "blended"


class DeliveryMode(_Labelled):
    """How one session is delivered."""

    IN_PERSON = "in_person"
    VIRTUAL = "virtual"
    HYBRID = "hybrid"


class SessionStatus(_Labelled):
    """Where a session is in its life: planned, confirmed, completed or cancelled."""

    PLANNED = "planned"
    CONFIRMED = "confirmed"
    COMPLETED = "completed"
    CANCELLED = "cancelled"


class CancelCause(_Labelled):
    """Why a session was cancelled, as the fill report counts it (the reason is free text)."""

    LOW_NUMBERS = "low_numbers"
    INSTRUCTOR = "instructor"
    VENUE = "venue"
    OTHER = "other"


class CostCategory(_Labelled):
    """What a session's cost line pays for."""

    INSTRUCTOR_FEE = "instructor_fee"
    ROOM = "room"
    CATERING = "catering"
    TRAVEL = "travel"
    MATERIALS = "materials"
    PLATFORM = "platform"
    OTHER = "other"


class CostBasis(_Labelled):
    """What a cost line's amount is multiplied by."""

    PER_SESSION = "per_session"
    PER_DAY = "per_day"
    PER_LEARNER = "per_learner"


class RequirementAnchor(_Labelled):
    """What a requirement's "within N days" counts from."""

    HIRE = "hire"
    ELIGIBLE = "eligible"


class ComplianceState(_Labelled):
    """Where one learner stands against one requirement."""

    CURRENT = "current"
    EXPIRING = "expiring"
    OVERDUE = "overdue"
    NEVER = "never"  # not done yet, not yet due
    EXEMPT = "exempt"
    HIRE_DATE_MISSING = "hire_date_missing"


class CertificateStatus(_Labelled):
    """What a certificate is worth today."""

    VALID = "valid"
    EXPIRED = "expired"
    REVOKED = "revoked"
    SUPERSEDED = "superseded"  # replaced, or renewed by a newer one for the same course


class InstructorRole(_Labelled):
    """How an instructor takes part in a session."""

    LEAD = "lead"
    CO_FACILITATOR = "co_facilitator"
    BACKUP = "backup"
    OBSERVER = "observer"  # a trainee watching the session (train-the-trainer)


class EnrollmentStatus(_Labelled):
    """A place's state: holding a seat, waiting, gone, or its result once marked."""

    ENROLLED = "enrolled"
    WAITLISTED = "waitlisted"
    CANCELLED = "cancelled"
    MOVED = "moved"
    COMPLETED = "completed"
    INCOMPLETE = "incomplete"
    NO_SHOW = "no_show"

    @property
    def holds_seat(self) -> bool:
        """Whether a learner with this status occupies one of the session's seats."""
        return self in SEAT_HOLDING

    @property
    def is_active(self) -> bool:
        """Whether the learner is still on the session (seat or waitlist)."""
        return self not in (EnrollmentStatus.CANCELLED, EnrollmentStatus.MOVED)


SEAT_HOLDING = frozenset(
    {
        EnrollmentStatus.ENROLLED,
        EnrollmentStatus.COMPLETED,
        EnrollmentStatus.INCOMPLETE,
        EnrollmentStatus.NO_SHOW,
    }
)


class EnrollmentSource(_Labelled):
    """How a place came about: by hand, by import, as a walk-in, or a move."""

    MANUAL = "manual"
    IMPORT = "import"
    WALK_IN = "walk_in"


class AttendanceStatus(_Labelled):
    """A day's mark: present, late, left early, absent or excused."""

    PRESENT = "present"
    LATE = "late"
    LEFT_EARLY = "left_early"
    ABSENT = "absent"
    EXCUSED = "excused"


# One letter per mark: the key typed on the attendance grid, what its cell shows, what the
# command line prints and a workbook may hold. F for left early: L is late.
MARK_LETTERS: dict[AttendanceStatus, str] = {
    AttendanceStatus.PRESENT: "P",
    AttendanceStatus.LATE: "L",
    AttendanceStatus.LEFT_EARLY: "F",
    AttendanceStatus.ABSENT: "A",
    AttendanceStatus.EXCUSED: "E",
}


class MaterialKind(_Labelled):
    """What a course material is (slides, guide, handout, other)."""

    FACILITATOR_GUIDE = "facilitator_guide"
    SLIDES = "slides"
    PARTICIPANT_WORKBOOK = "participant_workbook"
    JOB_AID = "job_aid"
    OTHER = "other"


class Audience(_Labelled):
    """Who a course material is for: learners or facilitators."""

    FACILITATOR = "facilitator"
    PARTICIPANT = "participant"


class ActivityType(_Labelled):
    """The kind of activity an agenda block is."""

    PRESENTATION = "presentation"
    DEMONSTRATION = "demonstration"
    DISCUSSION = "discussion"
    ROLE_PLAY = "role_play"
    EXERCISE = "exercise"
    POLL = "poll"
    ASSESSMENT = "assessment"
    BREAK = "break"


class OutboxStatus(_Labelled):
    """Where one outgoing message stands."""

    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"
    UNCERTAIN = "uncertain"  # was being sent when the app stopped: may have gone out
    CANCELLED = "cancelled"


class MessageKind(_Labelled):
    """The kinds of email ILT Desk sends, each with its own template."""

    CONFIRMATION = "confirmation"
    WAITLIST = "waitlist"
    PROMOTED = "promoted"
    REMINDER = "reminder"
    CHANGED = "changed"
    DAYS_REMOVED = "days_removed"  # a change that took days away: cancels their calendar entries
    CANCELLED = "cancelled"
    CERTIFICATE = "certificate"
    FEEDBACK = "feedback"
    PREWORK_REMINDER = "prework_reminder"  # to those with a seat who have not done the pre-work
    REQUIREMENT_DUE = "requirement_due"  # a learner's required training is due or overdue
    MANAGER_SUMMARY = "manager_summary"  # one message per manager listing their people due
    INTEREST_OFFER = "interest_offer"  # a session's seats offered to the course's interest list
    TEST = "test"


# (member, label) pairs, not a dict: members of different enums with the same value
# ("other") are equal as strings and would overwrite each other's labels as dict keys.
_LABEL_PAIRS: tuple[tuple[StrEnum, str], ...] = (
    (OutboxStatus.PENDING, N_("Pending")),
    (OutboxStatus.SENDING, N_("Sending")),
    (OutboxStatus.SENT, N_("Sent")),
    (OutboxStatus.FAILED, N_("Failed")),
    (OutboxStatus.UNCERTAIN, N_("Uncertain — may have been sent")),
    (OutboxStatus.CANCELLED, N_("Cancelled")),
    (MessageKind.CONFIRMATION, N_("Enrolment confirmation")),
    (MessageKind.WAITLIST, N_("Waitlist notice")),
    (MessageKind.PROMOTED, N_("Promoted from the waitlist")),
    (MessageKind.REMINDER, N_("Reminder")),
    (MessageKind.CHANGED, N_("Session changed")),
    (MessageKind.DAYS_REMOVED, N_("Days removed")),
    (MessageKind.CANCELLED, N_("Session cancelled")),
    (MessageKind.CERTIFICATE, N_("Certificate")),
    (MessageKind.FEEDBACK, N_("Feedback request")),
    (MessageKind.PREWORK_REMINDER, N_("Pre-work reminder")),
    (MessageKind.REQUIREMENT_DUE, N_("Training due")),
    (MessageKind.MANAGER_SUMMARY, N_("Training due: summary for a manager")),
    (MessageKind.INTEREST_OFFER, N_("Seat offer to the interest list")),
    (MessageKind.TEST, N_("Test message")),
    (DeliveryFormat.IN_PERSON, N_("In person")),
    (DeliveryFormat.VIRTUAL, N_("Virtual")),
    (DeliveryFormat.BLENDED, N_("Blended")),
    (DeliveryMode.IN_PERSON, N_("In person")),
    (DeliveryMode.VIRTUAL, N_("Virtual")),
    (DeliveryMode.HYBRID, N_("Hybrid")),
    (SessionStatus.PLANNED, N_("Planned")),
    (SessionStatus.CONFIRMED, N_("Confirmed")),
    (SessionStatus.COMPLETED, N_("Completed")),
    (SessionStatus.CANCELLED, N_("Cancelled")),
    (CancelCause.LOW_NUMBERS, N_("Too few learners")),
    (CancelCause.INSTRUCTOR, N_("Instructor not available")),
    (CancelCause.VENUE, N_("Venue or platform not available")),
    (CancelCause.OTHER, N_("Other reason")),
    (CostCategory.INSTRUCTOR_FEE, N_("Instructor fee")),
    (CostCategory.ROOM, N_("Room")),
    (CostCategory.CATERING, N_("Catering")),
    (CostCategory.TRAVEL, N_("Travel")),
    (CostCategory.MATERIALS, N_("Materials")),
    (CostCategory.PLATFORM, N_("Platform licence")),
    (CostCategory.OTHER, N_("Other")),
    (CostBasis.PER_SESSION, N_("per session")),
    (CostBasis.PER_DAY, N_("per day")),
    (CostBasis.PER_LEARNER, N_("per learner")),
    (RequirementAnchor.HIRE, N_("of the hire date")),
    (RequirementAnchor.ELIGIBLE, N_("of becoming eligible")),
    (ComplianceState.CURRENT, N_("Current")),
    (ComplianceState.EXPIRING, N_("Expiring")),
    (ComplianceState.OVERDUE, N_("Overdue")),
    (ComplianceState.NEVER, N_("Not done yet")),
    (ComplianceState.EXEMPT, N_("Exempt")),
    (ComplianceState.HIRE_DATE_MISSING, N_("Hire date missing")),
    (CertificateStatus.VALID, N_("Valid")),
    (CertificateStatus.EXPIRED, N_("Expired")),
    (CertificateStatus.REVOKED, N_("Revoked")),
    (CertificateStatus.SUPERSEDED, N_("Superseded")),
    (InstructorRole.LEAD, N_("Lead")),
    (InstructorRole.CO_FACILITATOR, N_("Co-facilitator")),
    (InstructorRole.BACKUP, N_("Backup")),
    (InstructorRole.OBSERVER, N_("Observer (in training)")),
    (EnrollmentStatus.ENROLLED, N_("Enrolled")),
    (EnrollmentStatus.WAITLISTED, N_("Waitlisted")),
    (EnrollmentStatus.CANCELLED, N_("Cancelled")),
    (EnrollmentStatus.MOVED, N_("Moved")),
    (EnrollmentStatus.COMPLETED, N_("Completed")),
    (EnrollmentStatus.INCOMPLETE, N_("Incomplete")),
    (EnrollmentStatus.NO_SHOW, N_("No-show")),
    (EnrollmentSource.MANUAL, N_("Manual")),
    (EnrollmentSource.IMPORT, N_("Import")),
    (EnrollmentSource.WALK_IN, N_("Walk-in")),
    (AttendanceStatus.PRESENT, N_("Present")),
    (AttendanceStatus.LATE, N_("Late")),
    (AttendanceStatus.LEFT_EARLY, N_("Left early")),
    (AttendanceStatus.ABSENT, N_("Absent")),
    (AttendanceStatus.EXCUSED, N_("Excused")),
    (MaterialKind.FACILITATOR_GUIDE, N_("Facilitator guide")),
    (MaterialKind.SLIDES, N_("Slides")),
    (MaterialKind.PARTICIPANT_WORKBOOK, N_("Participant workbook")),
    (MaterialKind.JOB_AID, N_("Job aid")),
    (MaterialKind.OTHER, N_("Other")),
    (Audience.FACILITATOR, N_("Facilitator")),
    (Audience.PARTICIPANT, N_("Participant")),
    (ActivityType.PRESENTATION, N_("Presentation")),
    (ActivityType.DEMONSTRATION, N_("Demonstration")),
    (ActivityType.DISCUSSION, N_("Discussion")),
    (ActivityType.ROLE_PLAY, N_("Role-play")),
    (ActivityType.EXERCISE, N_("Exercise")),
    (ActivityType.POLL, N_("Poll")),
    (ActivityType.ASSESSMENT, N_("Assessment")),
    (ActivityType.BREAK, N_("Break")),
)
_LABELS: dict[tuple[type, str], str] = {(type(m), m.value): t for m, t in _LABEL_PAIRS}
