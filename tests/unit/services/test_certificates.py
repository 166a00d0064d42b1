"""Certificates issued, listed, revoked and re-issued, straight through the service."""

from __future__ import annotations

from datetime import UTC
from datetime import date
from datetime import datetime

import pytest

from iltdesk.domain.enums import AttendanceStatus
from iltdesk.errors import NotFoundError
from iltdesk.errors import ValidationError
from iltdesk.services import certificates
from iltdesk.services import enrollment
from iltdesk.services.attendance import MarkSpec
from iltdesk.services.attendance import record_marks
from tests.fixtures.builders import completed_session
from tests.fixtures.builders import day_spec
from tests.fixtures.builders import make_course
from tests.fixtures.builders import make_learner
from tests.fixtures.builders import make_session


def test_completed_learners_get_one_certificate_each_valid_for_the_course_months(db):
    course = make_course(db, certificate_validity_months=24)
    session = make_session(
        db, course.id, days=(day_spec(date(2026, 3, 12), "09:00", "17:00", "Europe/London"),)
    )
    came, stayed_away = make_learner(db, "Ann", "Lee"), make_learner(db, "Bo", "Chen")
    places = [
        enrollment.enroll_learner(db, session.id, p.id).value.row for p in (came, stayed_away)
    ]
    day = session.days[0].id
    record_marks(
        db,
        session.id,
        [
            MarkSpec(places[0].enrollment_id, day, AttendanceStatus.PRESENT),
            MarkSpec(places[1].enrollment_id, day, AttendanceStatus.ABSENT),
        ],
    )
    issued = certificates.issue_certificates(db, session.id)
    assert [c.learner_id for c in issued.value] == [came.id]  # the no-show gets none
    assert issued.changes
    [certificate] = issued.value
    assert certificate.expires_at is not None
    assert certificate.expires_at.astimezone(UTC).date().isoformat() == "2028-03-12"
    assert certificates.issue_certificates(db, session.id).value == []  # nothing new twice


def test_session_certificates_lists_the_valid_ones_by_name(db):
    session = completed_session(db)
    names = [c.learner_name for c in certificates.session_certificates(db, session.id)]
    assert names == ["Bo Chen", "Ann Lee", "Zoë Müller"]


def test_revoking_needs_a_reason_and_happens_once(db):
    session = completed_session(db)
    code = certificates.session_certificates(db, session.id)[0].code
    with pytest.raises(ValidationError, match="Say why"):
        certificates.revoke_certificate(db, code, "  ")
    revoked = certificates.revoke_certificate(db, code, "Attended another course").value
    assert revoked.revoked_at is not None
    assert revoked.revoke_reason == "Attended another course"
    with pytest.raises(ValidationError, match="already revoked"):
        certificates.revoke_certificate(db, code, "again")
    with pytest.raises(NotFoundError):
        certificates.revoke_certificate(db, "NOPE-NOPE-NOPE", "why")
    assert code not in {c.code for c in certificates.session_certificates(db, session.id)}


def test_reissuing_gives_a_new_code_that_replaces_the_old_and_keeps_the_expiry(db):
    session = completed_session(db)
    old = certificates.session_certificates(db, session.id)[0]
    new = certificates.reissue_certificate(db, old.code, "Name corrected").value
    assert new.code != old.code
    assert new.replaces_id == old.id
    assert new.expires_at == old.expires_at
    valid = {c.code for c in certificates.session_certificates(db, session.id)}
    assert new.code in valid
    assert old.code not in valid
    assert new.issued_at <= datetime.now(UTC)
