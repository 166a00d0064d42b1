"""A note of long work in progress, so that work a crash cut short is reported, not forgotten.

A long job (an import) writes a small note before it starts and removes it when it ends, well
or badly. The database keeps nothing of a job that did not finish (one transaction), but the
person who started it should hear so: if a note is still there at the next start, the app
logs it and says "an import of hr.xlsx was interrupted at 10:14; nothing of it was kept".
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from contextlib import suppress
from datetime import UTC
from datetime import datetime
from pathlib import Path

from iltdesk import formatting
from iltdesk import paths
from iltdesk.db.engine import Database
from iltdesk.i18n import N_
from iltdesk.i18n import _

log = logging.getLogger(__name__)

JOBS = {"import": N_("An import of {name} was interrupted at {when}; nothing of it was kept.")}


def _note_path(db: Database) -> Path:
    where = db.path or Path(db.url.render_as_string(hide_password=True).replace("/", "_"))
    return paths.data_dir() / "work" / f"{where.name}.in-progress.json"


@contextmanager
def in_progress(db: Database, job: str, name: str) -> Iterator[None]:
    """Note `job` on `name` while the block runs; a failure is logged, the note removed."""
    note = _note_path(db)
    try:
        note.parent.mkdir(parents=True, exist_ok=True)
        note.write_text(
            json.dumps({"job": job, "name": name, "started": datetime.now(UTC).isoformat()}),
            encoding="utf-8",
        )
    except OSError:
        log.warning("could not note the %s of %s as in progress", job, name, exc_info=True)
    try:
        yield
    except BaseException as error:
        log.warning("the %s of %s did not finish (%s); nothing of it was kept", job, name, error)
        raise
    finally:
        with suppress(OSError):
            os.unlink(note)


def left_over(db: Database, zone: str) -> str | None:
    """The sentence for work a crash cut short since the last start (said once), or None."""
    note = _note_path(db)
    try:
        found = json.loads(note.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    with suppress(OSError):
        os.unlink(note)
    template = JOBS.get(str(found.get("job")))
    if template is None:
        return None
    started = datetime.fromisoformat(str(found.get("started")))
    text = _(template).format(
        name=found.get("name", "?"), when=formatting.format_datetime(started, zone)
    )
    log.warning("%s", text)
    return text
