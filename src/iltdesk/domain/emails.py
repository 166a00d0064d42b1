"""Email address checks (offline: syntax only, never a DNS lookup)."""

from __future__ import annotations


def normalise_email(value: str) -> str | None:
    """The address in its normal form, or None when it is not a valid address."""
    # Imported here: email_validator's tables cost ~15 ms, not worth paying at start-up.
    from email_validator import EmailNotValidError, validate_email

    try:
        result = validate_email(value.strip(), check_deliverability=False)
    except EmailNotValidError:
        return None
    return str(result.normalized)


def email_key(value: str) -> str:
    """The case-insensitive key under which an address is unique."""
    return value.strip().casefold()
