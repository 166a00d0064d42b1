"""Maintenance commands: demo data, the database check, backups."""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path

from iltdesk import paths
from iltdesk.cli.common import EXIT_OK, EXIT_PROBLEMS, Commands, Handler, open_for_cli
from iltdesk.i18n import _


def register(commands: Commands) -> dict[str, Handler]:
    demo = commands.add_parser("demo", help=_("fill an empty database with demo data"))
    demo.add_argument("--learners", type=int, default=600, help=_("number of learners"))
    demo.add_argument("--sessions", type=int, default=40, help=_("number of sessions"))
    demo.add_argument("--seats", type=int, help=_("seats per session (default: realistic)"))
    demo.add_argument("--today", type=date.fromisoformat, help=_("anchor date, YYYY-MM-DD"))
    demo.add_argument("--seed", type=int, default=2026, help=_("random seed"))

    commands.add_parser("check-db", help=_("check the database; exit 1 on problems"))

    backup = commands.add_parser("backup", help=_("take a verified backup"))
    backup.add_argument("-o", "--output", type=Path, help=_("backup file to write"))
    return {"demo": cmd_demo, "check-db": cmd_check_db, "backup": cmd_backup}


def cmd_demo(args: argparse.Namespace) -> int:
    from iltdesk.services.demo import DemoSize, load_demo

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
    from iltdesk.services.health import check_database

    with open_for_cli(args.db) as db:
        problems = check_database(db)
    for problem in problems:
        print(problem.message)
    if problems:
        return EXIT_PROBLEMS
    print(_("No problems found."))
    return EXIT_OK


def cmd_backup(args: argparse.Namespace) -> int:
    from iltdesk.db import backup

    with open_for_cli(args.db) as db:
        if args.output is not None:
            target = args.output.expanduser().resolve()
            backup.copy_verified(db, target)
        else:
            folder = paths.backup_dir_for(db.path) if db.path else paths.data_dir() / "backups"
            target = backup.back_up(db, folder, reason="manual").path
            backup.thin_backups(folder)
    print(_("Backup written to {path} and verified.").format(path=target))
    return EXIT_OK
