"""The ILT Desk schema as SQLAlchemy 2 entities.

History is never deleted: cancelling, moving and withdrawing change a status and keep the row
and its attendance. Names and emails carry a normalised `*_key` beside them for forgiving search.
"""

from __future__ import annotations

from iltdesk.db.entities.catalogue import (
    AgendaItem,
    Course,
    CourseBudget,
    CourseMaterial,
    ExchangeRate,
    LearningObjective,
)
from iltdesk.db.entities.compliance import (
    AuditEntry,
    Exemption,
    InterestEntry,
    PrintedDocument,
    Requirement,
    RequirementCourse,
    RequirementMember,
    SessionScan,
)
from iltdesk.db.entities.feedback import FeedbackAnswer, FeedbackResponse
from iltdesk.db.entities.mail import OutboxContent, OutboxMessage, Setting
from iltdesk.db.entities.people import (
    ImportBatch,
    Instructor,
    InstructorQualification,
    InstructorTimeOff,
    Learner,
    Room,
)
from iltdesk.db.entities.sessions import (
    Attendance,
    Certificate,
    CostLine,
    Enrollment,
    SessionDay,
    SessionInstructor,
    SessionSeries,
    TrainingSession,
)

__all__ = [
    "AgendaItem",
    "Attendance",
    "AuditEntry",
    "Certificate",
    "CostLine",
    "Course",
    "CourseBudget",
    "CourseMaterial",
    "Enrollment",
    "ExchangeRate",
    "Exemption",
    "FeedbackAnswer",
    "FeedbackResponse",
    "ImportBatch",
    "Instructor",
    "InstructorQualification",
    "InstructorTimeOff",
    "InterestEntry",
    "Learner",
    "LearningObjective",
    "OutboxContent",
    "OutboxMessage",
    "PrintedDocument",
    "Requirement",
    "RequirementCourse",
    "RequirementMember",
    "Room",
    "SessionDay",
    "SessionInstructor",
    "SessionScan",
    "SessionSeries",
    "Setting",
    "TrainingSession",
]
