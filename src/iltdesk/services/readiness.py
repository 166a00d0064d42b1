"""A facilitator's readiness checklist for a virtual session, ticked in the session window.

Audio checked, a co-facilitator with screen-share rights, breakout rooms assigned before the
start, a backup channel the learners know: each ticked (or not) per session, kept in the
database beside the session (a shared setting), and printed in the facilitator guide.
"""

from __future__ import annotations

from dataclasses import dataclass

from iltdesk.db.engine import Database
from iltdesk.i18n import N_
from iltdesk.i18n import _
from iltdesk.services import settings_store
from iltdesk.services.common import Outcome

KEY = "readiness.{session_id}"

# (key, label): the checks a virtual session needs before learners join.
CHECKS = (
    ("audio", N_("Audio and camera tested on the delivery computer")),
    ("screen_share", N_("Co-facilitator has screen-share and host rights")),
    ("breakouts", N_("Breakout rooms pre-assigned")),
    ("backup_channel", N_("Backup channel (phone or chat) shared with learners")),
    ("links", N_("Meeting link and dial-in sent with the invitation")),
)


@dataclass(frozen=True)
class ReadinessItem:
    """One check: its key, its label in the user's language, and whether it is done."""

    key: str
    label: str
    done: bool


def readiness(db: Database, session_id: int) -> list[ReadinessItem]:
    """The checklist for the session, with what has been ticked."""
    stored = settings_store.get_setting(db, KEY.format(session_id=session_id)) or []
    ticked = {str(k) for k in stored} if isinstance(stored, list) else set()
    return [ReadinessItem(key, _(label), key in ticked) for key, label in CHECKS]


def set_ready(db: Database, session_id: int, key: str, done: bool) -> Outcome[None]:
    """Tick (or untick) one check."""
    known = {k for k, _label in CHECKS}
    if key not in known:
        raise ValueError(f"unknown readiness check {key!r}")
    ticked = {i.key for i in readiness(db, session_id) if i.done}
    ticked = ticked | {key} if done else ticked - {key}
    ordered = [k for k, _label in CHECKS if k in ticked]
    return settings_store.set_setting(db, KEY.format(session_id=session_id), ordered)
