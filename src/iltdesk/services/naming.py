"""What to say when a course, instructor or room named on the command line is not found.

One sentence each, naming the one most likely meant: a misspelt code or name ("FA-20" for
FA-200, "Danial Kim"), or a course's title typed where its code goes.
"""

from __future__ import annotations

import difflib

from sqlalchemy import select

from iltdesk.db.engine import Database
from iltdesk.db.entities import Course
from iltdesk.db.entities import Instructor
from iltdesk.db.entities import Room
from iltdesk.domain.text import search_key
from iltdesk.i18n import _

_CUTOFF = 0.6  # how alike a typed word and a known one must be to be suggested


def _nearest(typed: str, known: list[str]) -> str | None:
    keys = {search_key(k): k for k in known}
    near = difflib.get_close_matches(search_key(typed), list(keys), n=1, cutoff=_CUTOFF)
    return keys[near[0]] if near else None


def no_course(db: Database, code: str) -> str:
    """There is no course with `code`, and the one meant where it can be told."""
    with db.reading() as tx:
        courses = {c: t for c, t in tx.execute(select(Course.code, Course.title))}
    typed = code.strip()
    titled = next((c for c, t in courses.items() if search_key(t) == search_key(typed)), None)
    if titled is not None:
        return _("There is no course with the code {code}; “{title}” has the code {known}.").format(
            code=typed, title=courses[titled], known=titled
        )
    near = _nearest(typed, list(courses))
    if near is not None:
        return _("There is no course with the code {code}. Did you mean {known} ({title})?").format(
            code=typed, known=near, title=courses[near]
        )
    return _("There is no course with the code {code}.").format(code=typed)


def no_instructor(db: Database, name: str) -> str:
    """There is no instructor called `name`, and the one meant where it can be told."""
    with db.reading() as tx:
        names = list(tx.scalars(select(Instructor.name)))
    near = _nearest(name, names)
    if near is not None:
        return _("There is no instructor called {name}. Did you mean {known}?").format(
            name=name.strip(), known=near
        )
    return _("There is no instructor called {name}.").format(name=name.strip())


def no_room(db: Database, name: str) -> str:
    """There is no room called `name`, and the one meant where it can be told."""
    with db.reading() as tx:
        names = list(tx.scalars(select(Room.name)))
    near = _nearest(name, names)
    if near is not None:
        return _("There is no room called {name}. Did you mean {known}?").format(
            name=name.strip(), known=near
        )
    return _("There is no room called {name}.").format(name=name.strip())
