"""`sessions confirm | complete | reopen`: a session's status moves, as the Session menu makes them.

Completing locks the marks (and closes any waitlist); before the last day has ended it needs
`--reason`, kept on the session and in the audit trail. Reopening unlocks a completed session
for corrections, with a reason.
"""

from __future__ import annotations

import argparse
import json
from datetime import UTC
from datetime import datetime

from iltdesk.cli.common import EXIT_OK
from iltdesk.cli.common import Commands
from iltdesk.cli.common import open_for_cli
from iltdesk.cli.session_output import print_session
from iltdesk.cli.session_output import session_json
from iltdesk.db.engine import Database
from iltdesk.domain.enums import SessionStatus
from iltdesk.errors import ValidationError
from iltdesk.i18n import _
from iltdesk.i18n import ngettext

ACTIONS = ("confirm", "complete", "reopen")


def register(actions: Commands) -> None:
    """Add the status moves to `sessions`' sub-commands."""
    confirm = actions.add_parser("confirm", help=_("confirm a planned session: it will run"))
    confirm.add_argument("session_id", type=int, metavar="ID")
    confirm.add_argument("--json", action="store_true", help=_("print JSON"))

    complete = actions.add_parser(
        "complete", help=_("complete a session and lock its marks (closes any waitlist)")
    )
    complete.add_argument("session_id", type=int, metavar="ID")
    complete.add_argument(
        "--reason",
        default="",
        metavar="TEXT",
        help=_("why it is completed before its last day has ended (needed then, and kept)"),
    )
    complete.add_argument("--json", action="store_true", help=_("print JSON"))

    reopen = actions.add_parser(
        "reopen", help=_("unlock a completed session so its marks can change")
    )
    reopen.add_argument("session_id", type=int, metavar="ID")
    reopen.add_argument("--reason", required=True, metavar="TEXT", help=_("why (kept)"))
    reopen.add_argument("--json", action="store_true", help=_("print JSON"))


def cmd_state(args: argparse.Namespace) -> int:
    """Run `sessions confirm`, `complete` or `reopen`."""
    from iltdesk.services import lifecycle

    action = args.sessions_command
    with open_for_cli(args.db) as db:
        if action == "confirm":
            row = lifecycle.confirm_session(db, args.session_id).value
            print_session(row, args.json, _("Session {id} confirmed.").format(id=row.id))
            return EXIT_OK
        if action == "reopen":
            row = lifecycle.reopen_session(db, args.session_id, args.reason).value
            print_session(
                row,
                args.json,
                _("Session {id} unlocked: its marks can change again.").format(id=row.id),
            )
            return EXIT_OK
        try:
            result = lifecycle.complete_session(db, args.session_id, early_reason=args.reason).value
        except ValidationError as error:
            if args.reason or not _not_ended(db, args.session_id):
                raise
            raise ValidationError(
                _("{problem} To record it now, add --reason TEXT.").format(problem=error)
            ) from None
    if args.json:
        closed = {
            "session": session_json(result.session),
            "waitlist_closed": result.waitlist_closed,
        }
        print(json.dumps(closed, ensure_ascii=False, indent=2))
        return EXIT_OK
    print_session(
        result.session,
        False,
        _("Session {id} completed; its marks are locked.").format(id=result.session.id),
    )
    if result.waitlist_closed:
        print(
            ngettext(
                "{n} learner was still on the waitlist; their place was closed with a note.",
                "{n} learners were still on the waitlist; their places were closed with a note.",
                result.waitlist_closed,
            ).format(n=result.waitlist_closed)
        )
    return EXIT_OK


def _not_ended(db: Database, session_id: int) -> bool:
    """The session could be completed but for its last day still to come."""
    from iltdesk.services import scheduling

    row = scheduling.get_session(db, session_id)
    still_open = row.status in (SessionStatus.PLANNED, SessionStatus.CONFIRMED)
    return still_open and (row.last_end is None or row.last_end > datetime.now(UTC))
