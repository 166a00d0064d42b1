"""How enums are stored: by value, as plain strings, on both engines."""

from __future__ import annotations

from sqlalchemy import Enum
from sqlalchemy import String


def stored_enum(cls: type, name: str) -> Enum:
    """An enum column stored by value as a plain string (no native enum type)."""
    # Stored by value as plain strings (no native enum type) so PostgreSQL migrations stay simple.
    return Enum(
        cls,
        name=name,
        native_enum=False,
        create_constraint=False,
        length=32,
        values_callable=lambda e: [m.value for m in e],
    )


def search_key() -> String:
    """A folded search or sort key: compared byte by byte on both engines.

    SQLite compares text as bytes (BINARY); on PostgreSQL the column takes the "C" collation,
    so its plain b-tree index serves prefix searches (`LIKE 'mül%'`) and `ORDER BY` alike, and
    lists sort the same on both engines.
    """
    return String().with_variant(String(collation="C"), "postgresql")
