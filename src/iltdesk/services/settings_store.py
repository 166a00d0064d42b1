"""Domain settings kept in the database, shared by everyone who uses it.

Per-user preferences (window sizes, language) live in `settings.py`; what belongs to the
organisation's data — its name, default completion threshold — lives here.
"""

from __future__ import annotations

import json

from sqlalchemy.orm import Session as OrmSession

from iltdesk.db.engine import Database
from iltdesk.db.entities import Setting
from iltdesk.domain.changes import Changes
from iltdesk.domain.changes import Entity
from iltdesk.domain.jsontypes import JsonObject
from iltdesk.domain.jsontypes import JsonValue
from iltdesk.services.common import Outcome

DOMAIN_DEFAULTS: JsonObject = {
    "organisation_name": "",
    "completion_threshold": 80,
    "default_timezone": "Europe/London",
}


def get_setting(db: Database, key: str) -> JsonValue:
    """A shared setting's value (or its default)."""
    with db.reading() as tx:
        row = tx.get(Setting, key)
        return json.loads(row.value) if row is not None else DOMAIN_DEFAULTS.get(key)


def set_setting(db: Database, key: str, value: JsonValue) -> Outcome[None]:
    """Store a shared setting (retried when another coordinator stores it at the same moment)."""
    encoded = json.dumps(value)

    def work(tx: OrmSession) -> Outcome[None]:
        row = tx.get(Setting, key)
        if row is None:
            tx.add(Setting(key=key, value=encoded))
        else:
            row.value = encoded
        return Outcome(None, Changes.of(Entity.SETTING, 0))

    return db.write(work)
