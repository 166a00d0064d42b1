"""Maintenance commands: demo data, the database check, backups."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from iltdesk.cli.common import EXIT_OK
from iltdesk.cli.common import EXIT_PROBLEMS
from iltdesk.cli.common import EXIT_USER_ERROR
from iltdesk.cli.common import Commands
from iltdesk.cli.common import Handler
from iltdesk.cli.common import confirm
from iltdesk.cli.common import iso_date
from iltdesk.cli.common import open_for_cli
from iltdesk.cli.common import print_table
from iltdesk.errors import UserError
from iltdesk.i18n import _
from iltdesk.paths import resolve_database


def register(commands: Commands) -> dict[str, Handler]:
    """Add the maintenance commands; returns each command's handler."""
    demo = commands.add_parser("demo", help=_("fill an empty database with demo data"))
    demo.add_argument("--learners", type=int, default=600, help=_("number of learners"))
    demo.add_argument("--sessions", type=int, default=360, help=_("number of sessions"))
    demo.add_argument("--seats", type=int, help=_("seats per session (default: realistic)"))
    demo.add_argument("--today", type=iso_date, help=_("anchor date, YYYY-MM-DD"))
    demo.add_argument("--seed", type=int, default=2026, help=_("random seed"))

    commands.add_parser("check-db", help=_("check the database; exit 6 on problems"))

    backup = commands.add_parser("backup", help=_("take a verified backup"))
    backup.add_argument("-o", "--output", type=Path, help=_("backup file to write"))
    backup.add_argument(
        "--force", action="store_true", help=_("replace an existing file that is not a database")
    )

    copy = commands.add_parser(
        "save-copy", help=_("save the whole database as a new local file (for offline use)")
    )
    copy.add_argument("output", type=Path, metavar="FILE", help=_("the SQLite file to write"))
    copy.add_argument("--force", action="store_true", help=_("replace an existing file"))

    upgrade = commands.add_parser(
        "upgrade-db", help=_("bring a team database on a server up to this version's schema")
    )
    upgrade.add_argument("--yes", action="store_true", help=_("upgrade without asking"))

    listing = commands.add_parser("backups", help=_("list the database's backups"))
    listing.add_argument("--json", action="store_true", help=_("print JSON"))

    restore = commands.add_parser(
        "restore", help=_("replace the database with a backup (the current file is kept)")
    )
    restore.add_argument(
        "backup", metavar="BACKUP", help=_("a number from `backups`, “newest”, or a file")
    )
    restore.add_argument("--yes", action="store_true", help=_("restore without asking"))
    return {
        "demo": cmd_demo,
        "check-db": cmd_check_db,
        "backup": cmd_backup,
        "backups": cmd_backups,
        "restore": cmd_restore,
        "save-copy": cmd_save_copy,
        "upgrade-db": cmd_upgrade_db,
    }


def cmd_demo(args: argparse.Namespace) -> int:
    """`iltdesk demo`: fill an empty database with the demo organisation."""
    from iltdesk.services.demo import DemoSize
    from iltdesk.services.demo import load_demo

    with open_for_cli(args.db) as db:
        outcome = load_demo(
            db, DemoSize(args.learners, args.sessions, args.seats), today=args.today, seed=args.seed
        )
    s = outcome.value
    print(
        _(
            "Demo data loaded: {courses} courses, {sessions} sessions, {learners} learners, "
            "{enrollments} enrollments, {attendance} attendance marks."
        ).format(
            courses=s.courses,
            sessions=s.sessions,
            learners=s.learners,
            enrollments=s.enrollments,
            attendance=s.attendance,
        )
    )
    return EXIT_OK


def cmd_check_db(args: argparse.Namespace) -> int:
    """`iltdesk check-db`: check the database's integrity and our own rules."""
    from iltdesk.services.health import check_database
    from iltdesk.services.health import checked_by_server

    with open_for_cli(args.db) as db:
        problems = check_database(db)
        note = checked_by_server(db)
    if note:
        print(note)
    for problem in problems:
        print(problem.message)
    if problems:
        return EXIT_PROBLEMS
    print(_("No problems found."))
    return EXIT_OK


def cmd_backup(args: argparse.Namespace) -> int:
    """`iltdesk backup` and `iltdesk backups`: take a verified backup, or list them."""
    from iltdesk.db.engine import database_url
    from iltdesk.db.engine import sqlite_path
    from iltdesk.documents.files import check_target
    from iltdesk.services import maintenance

    on_file = sqlite_path(database_url(resolve_database(args.db))) is not None
    if args.output is not None and on_file:  # refused before the database is even opened
        check_target(args.output.expanduser(), "sqlite", force=args.force)
    with open_for_cli(args.db) as db:
        if args.output is not None:
            target = maintenance.back_up_to(db, args.output, force=args.force)
        else:
            target = maintenance.back_up_now(db).path
    print(_("Backup written to {path} and verified.").format(path=target))
    return EXIT_OK


def cmd_save_copy(args: argparse.Namespace) -> int:
    """`iltdesk save-copy FILE`: the whole database as a new SQLite file."""
    from iltdesk.services import maintenance

    with open_for_cli(args.db) as db:
        target = maintenance.save_local_copy(db, args.output, force=args.force)
    print(_("A copy of the database was saved to {path}.").format(path=target))
    return EXIT_OK


def cmd_upgrade_db(args: argparse.Namespace) -> int:
    """`iltdesk upgrade-db`: migrate a team database on a server, after asking."""
    from iltdesk.db import migrate
    from iltdesk.db.engine import Database
    from iltdesk.db.engine import database_url
    from iltdesk.db.opening import open_database

    url = database_url(resolve_database(args.db))
    with Database.connect(url, lock=False) as probe:
        if not probe.is_server:
            print(_("A database file is upgraded by itself when ILT Desk opens it."))
            return EXIT_OK
        with probe.engine.connect() as conn:
            state = migrate.schema_state(conn)
        label = probe.label
    if not state.needs_upgrade:
        print(_("The team database {server} is up to date.").format(server=label))
        return EXIT_OK
    question = _(
        "Upgrade the team database {server} from schema {current} to {head}? Every coordinator "
        "must then use this version of ILT Desk. Take a backup first (`iltdesk backup`)."
    ).format(server=label, current=state.current, head=state.head)
    if not confirm(question, args.yes, _("Nothing was changed. Add --yes to upgrade.")):
        return EXIT_USER_ERROR
    open_database(url, upgrade_server=True).close()
    print(
        _("The team database {server} is now at schema {head}.").format(
            server=label, head=state.head
        )
    )
    return EXIT_OK


def _database_file(option: str | None) -> Path:
    from iltdesk.db.engine import database_url
    from iltdesk.db.engine import sqlite_path

    path = sqlite_path(database_url(resolve_database(option)))
    if path is None:
        raise UserError(
            _(
                "Backups of a database server are the server's own (pg_dump); ILT Desk lists "
                "and restores backups of database files."
            )
        )
    return path


def cmd_backups(args: argparse.Namespace) -> int:
    """List backups without opening the database: it works when the database is damaged."""
    from iltdesk import formatting
    from iltdesk.services import backups
    from iltdesk.settings import Preferences

    database = _database_file(args.db)
    rows = backups.list_backups(database)
    if args.json:
        print(
            json.dumps(
                [
                    {
                        "number": r.number,
                        "path": str(r.path),
                        "taken_at": r.taken_at.isoformat(),
                        "size": r.size,
                        "reason": r.reason,
                    }
                    for r in rows
                ],
                indent=2,
            )
        )
        return EXIT_OK
    if not rows:
        print(_("There are no backups of {path} yet.").format(path=database))
        return EXIT_OK
    zone = str(Preferences().get("default_timezone"))
    print_table(
        ["#", _("Taken"), _("Why"), _("Size"), _("File")],
        [
            [
                r.number,
                formatting.format_datetime(r.taken_at, zone),
                r.reason_label,
                _("{n} KB").format(n=formatting.format_number(r.size // 1024)),
                r.path.name,
            ]
            for r in rows
        ],
    )
    return EXIT_OK


def cmd_restore(args: argparse.Namespace) -> int:
    """`iltdesk restore`: put a backup in place, keeping the current file aside."""
    from iltdesk import formatting
    from iltdesk.services import backups
    from iltdesk.settings import Preferences

    database = _database_file(args.db)
    chosen = backups.find_backup(database, args.backup)
    zone = str(Preferences().get("default_timezone"))
    when = formatting.format_datetime(chosen.taken_at, zone)
    question = _(
        "Replace {path} with the backup from {when}? The current file is moved aside and kept."
    ).format(path=database, when=when)
    if not confirm(question, args.yes, _("Nothing was restored. Add --yes to restore.")):
        return EXIT_USER_ERROR
    moved = backups.restore(database, chosen.path)
    print(_("Restored {path} from the backup of {when}.").format(path=database, when=when))
    if moved is not None:
        print(_("The file it replaced was kept as {moved}.").format(moved=moved))
    return EXIT_OK
