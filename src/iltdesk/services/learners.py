"""The learner directory: create, edit, look up, and search by name or email prefix.

The directory can hold tens of thousands of learners, so search and paging happen in SQL on
indexed normalised keys (see `domain/text.py`), never by loading everyone.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import ColumnElement
from sqlalchemy import and_
from sqlalchemy import func
from sqlalchemy import or_
from sqlalchemy import select
from sqlalchemy.orm import InstrumentedAttribute
from sqlalchemy.orm import Session as OrmSession

from iltdesk.db.base import utcnow
from iltdesk.db.engine import Database
from iltdesk.db.entities import Certificate
from iltdesk.db.entities import Course
from iltdesk.db.entities import Enrollment
from iltdesk.db.entities import Exemption
from iltdesk.db.entities import InterestEntry
from iltdesk.db.entities import Learner
from iltdesk.db.entities import RequirementMember
from iltdesk.db.entities import TrainingSession
from iltdesk.domain.changes import Changes
from iltdesk.domain.changes import Entity
from iltdesk.domain.differences import learner_differences
from iltdesk.domain.emails import email_key
from iltdesk.domain.emails import normalise_email
from iltdesk.domain.people import MERGE_FILLS
from iltdesk.domain.rows import LearnerHistoryRow
from iltdesk.domain.rows import LearnerRow
from iltdesk.domain.specs import LearnerSpec
from iltdesk.domain.text import clean_text
from iltdesk.domain.text import prefix_range
from iltdesk.domain.text import search_key
from iltdesk.errors import ValidationError
from iltdesk.i18n import _
from iltdesk.services.common import Outcome
from iltdesk.services.common import audit
from iltdesk.services.common import check_unchanged
from iltdesk.services.common import get_or_fail


def learner_row(learner: Learner) -> LearnerRow:
    """A learner as a row."""
    return LearnerRow(
        id=learner.id,
        first_name=learner.first_name,
        last_name=learner.last_name,
        email=learner.email,
        employee_id=learner.employee_id,
        department=learner.department,
        manager_name=learner.manager_name,
        manager_email=learner.manager_email,
        location=learner.location,
        job_title=learner.job_title,
        preferred_language=learner.preferred_language,
        hire_date=learner.hire_date,
        version=learner.version,
    )


def learner_keys(first_name: str, last_name: str, email: str) -> dict[str, str]:
    """The normalised key columns stored beside a learner's name and email."""
    return {
        "first_key": search_key(first_name),
        "last_key": search_key(last_name),
        "sort_key": search_key(last_name, first_name),
        "email_key": email_key(email),
    }


def validate_learner(spec: LearnerSpec) -> dict[str, object]:
    """Clean a spec into column values, or raise a `ValidationError` saying what is wrong."""
    first, last = clean_text(spec.first_name), clean_text(spec.last_name)
    if not first and not last:
        raise ValidationError(_("Give the learner a first or last name."))
    email = normalise_email(spec.email)
    if email is None:
        raise ValidationError(
            _("“{email}” is not a valid email address.").format(email=spec.email.strip())
        )
    manager_email = clean_text(spec.manager_email)
    if manager_email and normalise_email(manager_email) is None:
        raise ValidationError(
            _("The manager's email “{email}” is not a valid email address.").format(
                email=manager_email
            )
        )
    employee_id = clean_text(spec.employee_id) or None
    return {
        "first_name": first,
        "last_name": last,
        "email": email,
        "employee_id": employee_id,
        "department": clean_text(spec.department),
        "manager_name": clean_text(spec.manager_name),
        "manager_email": manager_email,
        "location": clean_text(spec.location),
        "job_title": clean_text(spec.job_title),
        "preferred_language": clean_text(spec.preferred_language),
        "hire_date": spec.hire_date,
        **learner_keys(first, last, email),
    }


def _check_unique(tx: OrmSession, values: dict[str, object], learner_id: int | None) -> None:
    other = tx.scalar(select(Learner.id).where(Learner.email_key == values["email_key"]))
    if other is not None and other != learner_id:
        raise ValidationError(
            _("Another learner already has the email address {email}.").format(
                email=values["email"]
            )
        )
    if values["employee_id"] is not None:
        other = tx.scalar(select(Learner.id).where(Learner.employee_id == values["employee_id"]))
        if other is not None and other != learner_id:
            raise ValidationError(
                _("Another learner already has the employee ID {employee_id}.").format(
                    employee_id=values["employee_id"]
                )
            )


def create_learner(db: Database, spec: LearnerSpec) -> Outcome[LearnerRow]:
    """Add a learner to the directory."""
    values = validate_learner(spec)
    with db.transaction() as tx:
        _check_unique(tx, values, None)
        learner = Learner(**values)
        tx.add(learner)
        tx.flush()  # the audit trail records the new learner field by field
        return Outcome(learner_row(learner), Changes.of(Entity.LEARNER, learner.id))


def update_learner(
    db: Database, learner_id: int, spec: LearnerSpec, *, seen: LearnerRow | None = None
) -> Outcome[LearnerRow]:
    """Change a learner's details.

    With `seen` (the row the form was filled from), a learner changed since then (by another
    coordinator, or an import) is refused with `StaleEditError` instead of overwritten.
    """
    values = validate_learner(spec)
    with db.transaction() as tx:
        learner = get_or_fail(
            tx, Learner, learner_id, _("That learner no longer exists."), lock=seen is not None
        )
        if seen is not None and seen.version != learner.version:
            now = learner_row(learner)
            check_unchanged(tx, "learner", learner, seen.version, learner_differences(seen, now))
        _check_unique(tx, values, learner_id)
        for key, value in values.items():  # the audit trail records what changed
            setattr(learner, key, value)
        return Outcome(learner_row(learner), Changes.of(Entity.LEARNER, learner.id))


def set_hire_date(db: Database, learner_id: int, hire_date: date | None) -> Outcome[LearnerRow]:
    """Record when the learner joined (requirements "within N days of hire" count from it)."""
    with db.transaction() as tx:
        learner = get_or_fail(tx, Learner, learner_id, _("That learner no longer exists."))
        learner.hire_date = hire_date
        return Outcome(learner_row(learner), Changes.of(Entity.LEARNER, learner.id))


def find_by_email(db: Database, email: str) -> LearnerRow | None:
    """The learner with this email (any case), or None."""
    with db.reading() as tx:
        found = tx.scalar(select(Learner).where(Learner.email_key == email_key(email)))
        return learner_row(found) if found is not None else None


def get_learner(db: Database, learner_id: int) -> LearnerRow:
    """One learner."""
    with db.reading() as tx:
        return learner_row(get_or_fail(tx, Learner, learner_id, _("That learner does not exist.")))


def _prefix(
    column: InstrumentedAttribute[str] | ColumnElement[str], token: str
) -> ColumnElement[bool]:
    low, high = prefix_range(token)
    return and_(column >= low, column < high)


_KEY_COLUMNS = (Learner.last_key, Learner.first_key, Learner.email_key)


def _any_key_starts(token: str, *, indexed: bool = True) -> ColumnElement[bool]:
    """Last name, first name or email starting with `token`.

    `indexed=False` keeps the ranges out of the key indexes (tested row by row), so a
    query can walk another index in order instead.
    """
    return or_(
        *(_prefix(column if indexed else column.concat(""), token) for column in _KEY_COLUMNS)
    )


def _search_condition(text_filter: str) -> ColumnElement[bool] | None:
    """What typing `text_filter` finds, using only index-friendly prefix ranges.

    The whole text may start the last name, "last first" or the email ("lee smith" finds
    Lee-Smith); or every word may start one of first name, last name or email ("zoe mull"
    finds Zoë Müller).
    """
    phrase = search_key(text_filter)
    tokens = phrase.split()
    if not tokens:
        return None
    if len(tokens) == 1:
        return _any_key_starts(tokens[0])
    rest = [_any_key_starts(token) for token in tokens[1:]]
    # The first word is spread over the columns, so every branch of the OR starts with an
    # indexed range: SQLite then reads each branch from its index and unions them, instead
    # of walking all 50,000 names in order ("muller a" took 130 ms, now a few).
    per_word = [and_(_prefix(column, tokens[0]), *rest) for column in _KEY_COLUMNS]
    return or_(
        _prefix(Learner.last_key, phrase),
        _prefix(Learner.sort_key, phrase),
        _prefix(Learner.email_key, phrase),
        *per_word,
    )


# What a learner row shows, read as plain columns: a search page of 200 learners built from
# them costs a third of loading 200 entities.
_ROW_COLUMNS = (
    Learner.id,
    Learner.first_name,
    Learner.last_name,
    Learner.email,
    Learner.employee_id,
    Learner.department,
    Learner.manager_name,
    Learner.manager_email,
    Learner.location,
    Learner.job_title,
    Learner.preferred_language,
    Learner.hire_date,
    Learner.version,
)


def search_learners(
    db: Database, text_filter: str = "", *, limit: int = 200, offset: int = 0
) -> list[LearnerRow]:
    """Learners matching `text_filter`, ordered by last then first name, one page at a time."""
    phrase = search_key(text_filter)
    condition = _search_condition(text_filter)
    order: ColumnElement[str] | InstrumentedAttribute[str] = Learner.sort_key
    if len(phrase.split()) > 1 or (condition is not None and db.is_server):
        # Several words match few people: sorting them is cheaper than walking the name
        # index in order, which SQLite would otherwise choose (it cannot see the ranges).
        # PostgreSQL walks that index for any prefix it expects to be common, and a rare
        # one ("mul": 25,000 rows read for 200) takes 11 ms; reading the matches through
        # the three key indexes and sorting them takes under 5 ms for any prefix.
        order = Learner.sort_key.concat("")
    elif len(phrase) == 1:
        # One letter starts thousands of names ("m": 8,000 of 50,000): SQLite would read
        # them all through the three key indexes and sort them (12 ms); with the ranges
        # kept out of the indexes it walks the names in order and stops at the page's
        # 200th (2 ms; 7 ms for the rarest letters).
        condition = _any_key_starts(phrase, indexed=False)
    query = select(*_ROW_COLUMNS).where(Learner.merged_into_id.is_(None))
    if condition is not None:
        query = query.where(condition)
    query = query.order_by(order, Learner.id).limit(limit).offset(offset)
    with db.reading() as tx:  # no write lock: typing in the search box never waits on a writer
        return [LearnerRow(*row) for row in tx.connection().execute(query).all()]


def count_learners(db: Database, text_filter: str = "") -> int:
    """How many learners match the filter."""
    with db.reading() as tx:
        query = select(func.count()).select_from(Learner).where(Learner.merged_into_id.is_(None))
        condition = _search_condition(text_filter)
        if condition is not None:
            query = query.where(condition)
        return int(tx.scalar(query) or 0)


def learner_history(db: Database, learner_id: int) -> list[LearnerHistoryRow]:
    """Every session the learner was ever placed on, newest first, with any certificate."""
    with db.reading() as tx:
        get_or_fail(tx, Learner, learner_id, _("That learner does not exist."))
        certificate = (
            select(Certificate.code)
            .where(Certificate.enrollment_id == Enrollment.id, Certificate.revoked_at.is_(None))
            .order_by(Certificate.issued_at.desc())
            .limit(1)
            .scalar_subquery()
        )
        query = (
            select(
                Enrollment.id,
                TrainingSession.id,
                Course.code,
                Course.title,
                TrainingSession.first_start,
                TrainingSession.timezone,
                Enrollment.status,
                certificate,
            )
            .join(TrainingSession, TrainingSession.id == Enrollment.session_id)
            .join(Course, Course.id == TrainingSession.course_id)
            .where(Enrollment.learner_id == learner_id)
            .order_by(TrainingSession.first_start.desc())
        )
        return [LearnerHistoryRow(*row) for row in tx.execute(query)]


def merge_learners(db: Database, keep_id: int, duplicate_id: int) -> Outcome[LearnerRow]:
    """Fold a duplicate learner into `keep_id`, keeping all history.

    The duplicate's enrollments (with their attendance and certificates) move to the kept
    learner; where both were placed on the same session, the kept learner's place stays and
    the duplicate's is refused with a sentence (the coordinator decides which to cancel). The
    duplicate is kept as a record marked merged, so audit entries still resolve.
    """
    if keep_id == duplicate_id:
        raise ValidationError(_("Choose two different learners to merge."))
    with db.transaction() as tx:
        keep = get_or_fail(tx, Learner, keep_id, _("That learner does not exist."))
        duplicate = get_or_fail(tx, Learner, duplicate_id, _("That learner does not exist."))
        if duplicate.merged_into_id is not None:
            raise ValidationError(_("That learner was already merged into another one."))
        theirs = tx.scalars(select(Enrollment).where(Enrollment.learner_id == duplicate_id)).all()
        mine = set(
            tx.scalars(select(Enrollment.session_id).where(Enrollment.learner_id == keep_id))
        )
        both = [e for e in theirs if e.session_id in mine]
        if both:
            raise ValidationError(
                _(
                    "Both records are on the same session ({count} in all). Cancel one of "
                    "the two places first, then merge."
                ).format(count=len(both))
            )
        for enrollment in theirs:
            enrollment.learner_id = keep_id
        moved = _move_compliance(tx, keep_id, duplicate_id)
        for field in MERGE_FILLS:
            if not getattr(keep, field) and getattr(duplicate, field):
                value = getattr(duplicate, field)
                if field == "employee_id":
                    duplicate.employee_id = None
                    tx.flush()
                setattr(keep, field, value)
        duplicate.merged_into_id = keep_id
        # Free the duplicate's unique email for future use, keeping it readable in the record.
        duplicate.email_key = f"merged-{duplicate.id}:{duplicate.email_key}"
        duplicate.employee_id = None
        audit(
            tx,
            "learner",
            keep_id,
            "merge",
            {"from": duplicate_id, "enrollments": [e.id for e in theirs], **moved},
        )
        return Outcome(
            learner_row(keep),
            Changes.of(Entity.LEARNER, keep_id, duplicate_id)
            | Changes.of(Entity.ENROLLMENT, *(e.id for e in theirs))
            | Changes.of(Entity.REQUIREMENT, *moved["requirements"]),
        )


def _move_compliance(tx: OrmSession, keep_id: int, duplicate_id: int) -> dict[str, list[int]]:
    """The duplicate's places on requirement lists, exemptions and interest lists, to `keep_id`.

    Left on the merged record they were hidden: the kept learner showed overdue where the
    duplicate was exempt, and vanished from lists the duplicate was on. Where both had one, the
    earlier list place and the earlier wait are kept and the kept learner's exemption stands
    (the duplicate's is moved, lifted). Returns what moved, for the audit entry.
    """
    members = {
        m.requirement_id: m
        for m in tx.scalars(
            select(RequirementMember).where(RequirementMember.learner_id == keep_id)
        )
    }
    requirement_ids = set()
    for theirs in tx.scalars(
        select(RequirementMember).where(RequirementMember.learner_id == duplicate_id)
    ).all():
        requirement_ids.add(theirs.requirement_id)
        mine = members.get(theirs.requirement_id)
        if mine is None:
            tx.add(
                RequirementMember(
                    requirement_id=theirs.requirement_id,
                    learner_id=keep_id,
                    added_on=theirs.added_on,
                )
            )
        else:
            mine.added_on = min(mine.added_on, theirs.added_on)
        tx.delete(theirs)
    standing = set(
        tx.scalars(
            select(Exemption.requirement_id).where(
                Exemption.learner_id == keep_id, Exemption.revoked_at.is_(None)
            )
        )
    )
    exemptions = tx.scalars(select(Exemption).where(Exemption.learner_id == duplicate_id)).all()
    for exemption in exemptions:
        requirement_ids.add(exemption.requirement_id)
        exemption.learner_id = keep_id
        if exemption.revoked_at is None and exemption.requirement_id in standing:
            exemption.revoked_at = utcnow()
    waits = tx.scalars(
        select(InterestEntry)
        .where(InterestEntry.learner_id.in_((keep_id, duplicate_id)))
        .order_by(InterestEntry.added_at, InterestEntry.id)
    ).all()
    moved_waits = [e.id for e in waits if e.learner_id == duplicate_id]
    open_courses: set[int] = set()
    for entry in waits:
        if entry.closed_at is None:
            if entry.course_id in open_courses:  # a later wait for the same course
                entry.closed_at = utcnow()
                entry.closed_reason = _("Merged with an earlier wait of the same learner.")
            open_courses.add(entry.course_id)
        entry.learner_id = keep_id
    tx.flush()
    return {
        "requirements": sorted(requirement_ids),
        "exemptions": [e.id for e in exemptions],
        "interest": moved_waits,
    }


def get_learners(db: Database, learner_ids: list[int]) -> dict[int, LearnerRow]:
    """Several learners at once, by id."""
    with db.reading() as tx:
        rows = tx.scalars(select(Learner).where(Learner.id.in_(learner_ids)))
        return {learner.id: learner_row(learner) for learner in rows}


_CHOICE_COLUMNS = frozenset({"department", "job_title", "location", "manager_name"})


def distinct_values(db: Database, column_name: str, limit: int = 500) -> list[str]:
    """The values learners have in one directory column (department, job title…), sorted."""
    if column_name not in _CHOICE_COLUMNS:
        raise ValueError(f"not a directory column: {column_name}")
    column = getattr(Learner, column_name)
    with db.reading() as tx:
        return list(
            tx.scalars(select(column).where(column != "").distinct().order_by(column).limit(limit))
        )
