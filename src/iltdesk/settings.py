"""Per-user preferences, each declared once (type, default, label), stored as JSON.

Domain settings shared by everyone on a database (organisation name) live in the database
(`services/settings_store.py`); these are this user's choices on this machine. Secrets never
go here (the SMTP password goes to the system keyring).
"""

from __future__ import annotations

import json
import logging
import os
from dataclasses import dataclass
from pathlib import Path

from iltdesk import paths
from iltdesk.domain.jsontypes import JsonObject
from iltdesk.domain.jsontypes import JsonValue
from iltdesk.i18n import N_

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Preference:
    """One per-user preference: its default and the values it accepts."""

    key: str
    kind: type
    default: JsonValue
    label: str
    choices: tuple[str, ...] = ()


PREFERENCES: tuple[Preference, ...] = (
    Preference("language", str, "en", N_("Language"), ("en", "de")),
    Preference("color_scheme", str, "system", N_("Colours"), ("system", "light", "dark")),
    Preference("locale", str, "en_GB", N_("Date and number format")),
    Preference("default_timezone", str, "Europe/London", N_("Default time zone")),
    Preference("paper_size", str, "A4", N_("Paper size"), ("A4", "Letter")),
    Preference("completion_threshold", int, 80, N_("Default completion threshold (%)")),
    Preference("organisation_name", str, "", N_("Organisation name")),
    Preference("coordinator_name", str, "", N_("Your name (the audit trail records it)")),
    Preference("organisation_logo", str, "", N_("Organisation logo")),
    Preference("certificate_verify_pattern", str, "", N_("Certificate verification link ({code})")),
    Preference("signature_image", str, "", N_("Signature image on certificates")),
    # The team database the window opens (a URL without its password; "" for the own file),
    # and the servers connected to lately (File › Connect to team database…).
    Preference("database", str, "", N_("Team database")),
    Preference("recent_databases", list, [], N_("Recent team databases")),
)
_BY_KEY = {p.key: p for p in PREFERENCES}


class Preferences:
    """The user's preferences; unknown keys and wrongly typed values fall back to defaults."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path or paths.config_dir() / "preferences.json"
        self._values: JsonObject = {}
        self.load()

    def load(self) -> None:
        try:
            raw = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raw = {}
        except (OSError, ValueError):
            log.warning("preferences at %s unreadable; using defaults", self.path, exc_info=True)
            raw = {}
        self._values = {}
        for key, value in raw.items() if isinstance(raw, dict) else ():
            declared = _BY_KEY.get(key)
            if (
                declared is not None
                and isinstance(value, declared.kind)
                and (not declared.choices or value in declared.choices)
            ):
                self._values[key] = value

    def get(self, key: str) -> JsonValue:
        return self._values.get(key, _BY_KEY[key].default)

    def set(self, key: str, value: JsonValue) -> None:
        declared = _BY_KEY[key]
        if not isinstance(value, declared.kind):
            raise TypeError(f"{key} takes {declared.kind.__name__}")
        if declared.choices and value not in declared.choices:
            raise ValueError(f"{key} takes one of {declared.choices}")
        self._values[key] = value

    def _path(self, key: str) -> Path | None:
        value = str(self.get(key))
        return Path(value) if value else None

    def document_options(self) -> JsonObject:
        """What printed documents take from preferences: organisation, logo, paper."""
        return {
            "organisation": str(self.get("organisation_name")),
            "logo": self._path("organisation_logo"),
            "paper": str(self.get("paper_size")),
        }

    def remember_database(self, url: str, *, limit: int = 6) -> None:
        """Open `url` from now on, and put it first among the recent connections."""
        recent = [u for u in self.get("recent_databases") if isinstance(u, str) and u != url]
        self.set("database", url)
        self.set("recent_databases", [url, *recent][:limit] if url else recent)

    def actor(self) -> str:
        """Who the audit trail names for this user ("" lets the database use the OS user)."""
        return str(self.get("coordinator_name")).strip()

    def certificate_options(self) -> JsonObject:
        """What `certificates.certificate_docs` takes from preferences."""
        return {
            "organisation": str(self.get("organisation_name")),
            "logo": self._path("organisation_logo"),
            "signature": self._path("signature_image"),
            "verify_pattern": str(self.get("certificate_verify_pattern")),
            "fallback_language": str(self.get("locale")),
        }

    def save(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(json.dumps(self._values, indent=2, sort_keys=True), encoding="utf-8")
        os.replace(tmp, self.path)
