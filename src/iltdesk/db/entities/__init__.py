"""The ILT Desk schema as SQLAlchemy 2 entities.

History is never deleted: cancelling, moving and withdrawing change a status and keep the row
and its attendance. Names and emails carry a normalised `*_key` beside them for forgiving search.
"""

from __future__ import annotations

from iltdesk.db.entities.catalogue import AgendaItem
from iltdesk.db.entities.catalogue import Course
from iltdesk.db.entities.catalogue import CourseBudget
from iltdesk.db.entities.catalogue import CourseMaterial
from iltdesk.db.entities.catalogue import ExchangeRate
from iltdesk.db.entities.catalogue import LearningObjective
from iltdesk.db.entities.compliance import AuditEntry
from iltdesk.db.entities.compliance import Exemption
from iltdesk.db.entities.compliance import InterestEntry
from iltdesk.db.entities.compliance import PrintedDocument
from iltdesk.db.entities.compliance import Requirement
from iltdesk.db.entities.compliance import RequirementCourse
from iltdesk.db.entities.compliance import RequirementMember
from iltdesk.db.entities.compliance import SessionScan
from iltdesk.db.entities.feedback import FeedbackAnswer
from iltdesk.db.entities.feedback import FeedbackResponse
from iltdesk.db.entities.mail import OutboxContent
from iltdesk.db.entities.mail import OutboxMessage
from iltdesk.db.entities.mail import Setting
from iltdesk.db.entities.people import ImportBatch
from iltdesk.db.entities.people import Instructor
from iltdesk.db.entities.people import InstructorQualification
from iltdesk.db.entities.people import InstructorTimeOff
from iltdesk.db.entities.people import Learner
from iltdesk.db.entities.people import Room
from iltdesk.db.entities.sessions import Attendance
from iltdesk.db.entities.sessions import Certificate
from iltdesk.db.entities.sessions import CostLine
from iltdesk.db.entities.sessions import Enrollment
from iltdesk.db.entities.sessions import SessionDay
from iltdesk.db.entities.sessions import SessionInstructor
from iltdesk.db.entities.sessions import SessionSeries
from iltdesk.db.entities.sessions import TrainingSession

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
