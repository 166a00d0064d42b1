"""The JSON objects the app stores and reads back: audit details, undo data, settings."""

from __future__ import annotations

from typing import Any

# Any: a JSON value is text, a number, a boolean, None, or a list or object of such values.
# `json.loads` returns Any, and a recursive union would need a check at every read of a field
# whose type the code writing it already fixed.
JsonObject = dict[str, Any]
# One value of such an object, as a setting holds it (Any for the reason above).
JsonValue = Any
