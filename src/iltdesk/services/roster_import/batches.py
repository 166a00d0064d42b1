"""Import history, remembered column mappings, preparing a file, and the problem rows."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from collections.abc import Sequence

from sqlalchemy import ColumnElement
from sqlalchemy import select
from sqlalchemy.orm import Session as OrmSession

from iltdesk.db.engine import Database
from iltdesk.db.entities import Course
from iltdesk.db.entities import ImportBatch
from iltdesk.db.entities import Setting
from iltdesk.db.entities import TrainingSession
from iltdesk.domain.imports import ImportBatchRow
from iltdesk.domain.imports import ImportPlan
from iltdesk.domain.imports import ProblemRow
from iltdesk.domain.imports import RowAction
from iltdesk.errors import ValidationError
from iltdesk.i18n import _
from iltdesk.importers.cells import cell_text
from iltdesk.importers.cells import header_key
from iltdesk.importers.fields import Field
from iltdesk.importers.fields import find_header_row
from iltdesk.importers.fields import guess_mapping
from iltdesk.importers.fields import mapping_problem
from iltdesk.importers.reading import SourceFile
from iltdesk.importers.roster import ParsedRoster
from iltdesk.importers.roster import parse_rows
from iltdesk.services.roster_import.lookup import Report
from iltdesk.services.settings_store import DOMAIN_DEFAULTS
from iltdesk.services.settings_store import get_setting
from iltdesk.services.settings_store import set_setting


def _batch_rows(tx: OrmSession, where: ColumnElement[bool], limit: int) -> list[ImportBatchRow]:
    from iltdesk import formatting

    query = (
        select(ImportBatch, Course.code, TrainingSession.first_start, TrainingSession.timezone)
        .outerjoin(TrainingSession, TrainingSession.id == ImportBatch.session_id)
        .outerjoin(Course, Course.id == TrainingSession.course_id)
        .where(where)
        .order_by(ImportBatch.created_at.desc(), ImportBatch.id.desc())
        .limit(limit)
    )
    setting = tx.get(Setting, "default_timezone")
    home = json.loads(setting.value) if setting is not None else DOMAIN_DEFAULTS["default_timezone"]
    rows = []
    for batch, code, start, zone in tx.execute(query):
        label = f"{code} · {formatting.format_date(start, zone)}" if start is not None else ""
        rows.append(
            ImportBatchRow(
                batch.id,
                batch.file_name,
                batch.sheet_name,
                batch.created_at,
                batch.session_id,
                label,
                json.loads(batch.counts or "{}"),
                batch.undone_at,
                str(home),
            )
        )
    return rows


def list_import_batches(db: Database, limit: int = 200) -> list[ImportBatchRow]:
    """Recent imports, newest first."""
    with db.reading() as tx:
        return _batch_rows(tx, ImportBatch.id.is_not(None), limit)


def earlier_import(db: Database, sha256: str) -> ImportBatchRow | None:
    """The latest batch (not undone) that imported a file with exactly this content, if any."""
    with db.reading() as tx:
        where = (ImportBatch.sha256 == sha256) & ImportBatch.undone_at.is_(None)
        rows = _batch_rows(tx, where, 1)
        return rows[0] if rows else None


def _mapping_key(headers: Sequence[str]) -> str:
    joined = "\x1f".join(header_key(h) for h in headers)
    return "import_mapping:" + hashlib.sha1(joined.encode()).hexdigest()


def remembered_mapping(db: Database, headers: Sequence[str]) -> dict[int, Field] | None:
    """The mapping last used for a file with exactly these headers, if any."""
    stored = get_setting(db, _mapping_key(headers))
    if not isinstance(stored, dict):
        return None
    try:
        return {int(k): Field(v) for k, v in stored.items() if int(k) < len(headers)}
    except ValueError:
        return None


def remember_mapping(db: Database, headers: Sequence[str], mapping: Mapping[int, Field]) -> None:
    """Remember how these headers were mapped, for the next file like it."""
    set_setting(db, _mapping_key(headers), {str(k): f.value for k, f in mapping.items()})


def prepare(
    db: Database,
    source: SourceFile,
    *,
    sheet: str | None = None,
    header_row: int | None = None,
    mapping: Mapping[int, Field] | None = None,
    report: Report | None = None,
) -> ParsedRoster:
    """Parse one sheet of a read file into rows with their problems.

    The header row is found unless given; the mapping is the one given, else the one remembered
    for these headers, else guessed from them.
    """
    raw = source.sheet(sheet)
    if header_row is None:
        header_row = find_header_row(raw.rows, raw.merged_rows)
        if header_row is None:
            raise ValidationError(
                _(
                    "No row in “{sheet}” looks like a header (a row naming columns such as "
                    "Email, First name, Last name). Add one above the learners and import again."
                ).format(sheet=raw.name)
            )
    headers = [cell_text(c) for c in raw.rows[header_row]] if header_row < len(raw.rows) else []
    if mapping is None:
        mapping = remembered_mapping(db, headers) or guess_mapping(headers)
    problem = mapping_problem(mapping)
    if problem is not None:
        raise ValidationError(problem)

    def progress(done: int, total: int) -> None:
        if report is not None:
            report(done, total, _("Reading rows…"))

    parsed = parse_rows(raw, header_row, mapping, progress)
    if not parsed.rows:
        raise ValidationError(
            _(
                "“{sheet}” has a header row (row {row}) but no learners below it: there is "
                "nothing to import."
            ).format(sheet=raw.name, row=header_row + 1)
        )
    return parsed


def problem_rows(parsed: ParsedRoster, plan: ImportPlan) -> list[ProblemRow]:
    """The rows that will not be imported, with every blocking problem of each, in file order."""
    rejected = {p.row for p in plan.rows if p.action is RowAction.REJECTED}
    messages: dict[int, list[str]] = {}
    for problem in plan.problems:
        if problem.blocking and problem.row in rejected:
            where = f"{problem.column}: " if problem.column else ""
            messages.setdefault(problem.row, []).append(where + problem.message)
    return [
        ProblemRow(row.row, row.cells, tuple(messages.get(row.row, ())))
        for row in parsed.rows
        if row.row in rejected
    ]
