"""How enums are stored: by value, as plain strings, on both engines."""

from __future__ import annotations

from sqlalchemy import Enum


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
