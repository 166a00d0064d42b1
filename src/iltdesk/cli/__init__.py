"""The command line: `iltdesk [--db PATH_OR_URL] COMMAND …`; without a command, the GUI.

Every command prints its result on stdout and, on failure, one sentence on stderr with a
non-zero exit status — never a traceback (that goes to the log file). One module per group of
commands registers its parsers and handlers.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Sequence

from iltdesk.cli import compliance
from iltdesk.cli import documents
from iltdesk.cli import feedback
from iltdesk.cli import imports
from iltdesk.cli import interest
from iltdesk.cli import mail
from iltdesk.cli import maintenance
from iltdesk.cli import planning
from iltdesk.cli import prework
from iltdesk.cli import reports
from iltdesk.cli import rosters
from iltdesk.cli import sessions
from iltdesk.cli.common import EXIT_BUG
from iltdesk.cli.common import EXIT_DATABASE
from iltdesk.cli.common import EXIT_OK
from iltdesk.cli.common import EXIT_USER_ERROR
from iltdesk.cli.common import Handler
from iltdesk.cli.common import open_for_cli
from iltdesk.errors import DatabaseError
from iltdesk.errors import UserError
from iltdesk.i18n import _
from iltdesk.paths import resolve_database

__all__ = ["build_parser", "open_for_cli", "run"]

log = logging.getLogger(__name__)


class _VersionAction(argparse.Action):
    """`--version`, looking the version up only when asked (it costs start-up time)."""

    def __call__(self, parser: argparse.ArgumentParser, *_args: object, **_kw: object) -> None:
        from iltdesk import __version__

        print(f"ILT Desk {__version__}")
        parser.exit()


def recovery_hint(error: DatabaseError, option: str | None) -> str:
    """The way back from a damaged database: the newest sound backup and the command."""
    from iltdesk import formatting
    from iltdesk.db.engine import database_url
    from iltdesk.db.engine import sqlite_path
    from iltdesk.errors import DamagedDatabaseError
    from iltdesk.services import backups

    if not isinstance(error, DamagedDatabaseError):
        return ""
    path = error.path or sqlite_path(database_url(resolve_database(option)))
    if path is None:
        return ""
    from iltdesk.settings import Preferences

    found = backups.newest_sound(path)
    if found is None:
        return _("There is no backup of it to restore.")
    zone = str(Preferences().get("default_timezone"))
    return _(
        "The newest sound backup is from {when}: restore it with `iltdesk restore newest` "
        "(the damaged file is moved aside and kept)."
    ).format(when=formatting.format_datetime(found.taken_at, zone))


def build_parser() -> tuple[argparse.ArgumentParser, dict[str, Handler]]:
    """The parser, and the handler of each command."""
    parser = argparse.ArgumentParser(
        prog="iltdesk",
        description=_("ILT Desk: plan, run and record instructor-led training."),
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=_(
            "Exit status: 0 done; 1 refused: a sentence on stderr says why; 2 the command line "
            "or an input file could not be read; 3 a bug (details in the log file); 4 the "
            "database cannot be opened or written (damaged, read-only, full, locked); 5 mail "
            "is left unsent; 6 a check found problems (check-db, audit verify, a certificate "
            "that is not valid)."
        ),
    )
    parser.add_argument("--version", action=_VersionAction, nargs=0, help=_("show the version"))
    parser.add_argument(
        "--self-test",
        action="store_true",
        help=_("check that this installation works (database, documents, fonts, Qt) and exit"),
    )
    parser.add_argument(
        "--db",
        metavar="PATH_OR_URL",
        help=_("database file or URL (default: $ILTDESK_DATABASE_URL, else your data folder)"),
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    handlers: dict[str, Handler] = {}
    for module in (
        maintenance,
        sessions,
        rosters,
        prework,
        documents,
        imports,
        feedback,
        interest,
        planning,
        mail,
        reports,
        compliance,
    ):
        handlers.update(module.register(commands))
    return parser, handlers


def _refuse_unknown_options(parser: argparse.ArgumentParser, argv: Sequence[str]) -> None:
    """Name an unknown option before the command, and the known one nearest it.

    argparse takes the value after a misspelt option (`--databse team.sqlite3 demo`) for the
    command and says only "invalid choice: 'team.sqlite3'".
    """
    import difflib

    takes_value = {
        s: action.nargs != 0 for action in parser._actions for s in action.option_strings
    }
    index = 0
    while index < len(argv):
        word = argv[index]
        if word == "--" or not word.startswith("-") or word == "-":
            return  # the command: its own parser names what it does not know
        name = word.split("=", 1)[0]
        if name not in takes_value:
            near = difflib.get_close_matches(name, takes_value, n=1, cutoff=0.5)
            if near:
                parser.error(
                    _("unknown option {option}; did you mean {known}?").format(
                        option=name, known=near[0]
                    )
                )
            parser.error(_("unknown option {option}").format(option=name))
        index += 2 if takes_value[name] and "=" not in word else 1


def _command_parser(
    parser: argparse.ArgumentParser, args: argparse.Namespace
) -> argparse.ArgumentParser:
    """The parser of the command (and its action) that `args` chose."""
    current = parser
    while True:
        chosen = next(
            (
                action.choices[getattr(args, action.dest)]
                for action in current._actions
                if isinstance(action, argparse._SubParsersAction)
                and getattr(args, action.dest, None) in (action.choices or {})
            ),
            None,
        )
        if chosen is None:
            return current
        current = chosen


def _refuse_extra_words(
    parser: argparse.ArgumentParser, command: argparse.ArgumentParser, extra: Sequence[str]
) -> None:
    """Name a word the command does not take, under that command's own usage.

    argparse said "unrecognized arguments" under the usage of `iltdesk` itself, which does not
    show what the command takes (`find-slot --course X`: its course is its first word).
    """
    import difflib

    word = extra[0]
    if not word.startswith("-") or word == "-":
        command.error(_("unexpected word {word}").format(word=word))
    name = word.split("=", 1)[0]
    general = {s for action in parser._actions for s in action.option_strings}
    if name in general:
        command.error(
            _("{option} goes before the command: iltdesk {option} … {command} …").format(
                option=name, command=command.prog.removeprefix(parser.prog).strip()
            )
        )
    bare = name.lstrip("-").replace("-", "_").upper()
    for action in command._actions:  # `--course X` for a command whose course is a word
        word = str(action.metavar or action.dest).upper()
        if not action.option_strings and bare and bare in word:
            command.error(
                _("unknown option {option}: give {word} as a word of its own").format(
                    option=name, word=action.metavar or action.dest
                )
            )
    known = {s.lstrip("-"): s for action in command._actions for s in action.option_strings}
    near = difflib.get_close_matches(name.lstrip("-"), known, n=1, cutoff=0.7)
    if near:
        command.error(
            _("unknown option {option}; did you mean {known}?").format(
                option=name, known=known[near[0]]
            )
        )
    command.error(_("unknown option {option}").format(option=name))


def run(argv: Sequence[str] | None = None) -> int:
    """Parse `argv` and run the command; returns the exit status."""
    from iltdesk.collector import release_collector
    from iltdesk.logsetup import configure_logging
    from iltdesk.logsetup import log_file

    parser, handlers = build_parser()
    _refuse_unknown_options(parser, sys.argv[1:] if argv is None else argv)
    args, extra = parser.parse_known_args(argv)
    if extra:
        _refuse_extra_words(parser, _command_parser(parser, args), extra)
    if args.command is not None or args.self_test:
        release_collector()  # the window releases it once it is shown
    if args.self_test:
        from iltdesk.selftest import run_self_test

        return run_self_test()
    configure_logging()
    if args.command is None:
        from iltdesk.app import run_gui

        return run_gui(args.db)
    try:
        return handlers[args.command](args)
    except DatabaseError as error:
        print(str(error), file=sys.stderr)
        hint = recovery_hint(error, args.db)
        if hint:
            print(hint, file=sys.stderr)
        return EXIT_DATABASE
    except UserError as error:
        print(str(error), file=sys.stderr)
        return EXIT_USER_ERROR
    except BrokenPipeError:
        # The reader (e.g. `head`) went away; nothing more to say.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK
    except KeyboardInterrupt:
        print(_("Stopped."), file=sys.stderr)
        return 130
    except Exception:
        log.exception("command %s failed", args.command)
        print(
            _("Something went wrong — details were saved to the log: {path}").format(
                path=log_file()
            ),
            file=sys.stderr,
        )
        return EXIT_BUG
