"""The learner's fields, declared once: the form, the importer, the preview and merges use them."""

from __future__ import annotations

# What a person types or a sheet holds about a learner, in the order forms and previews show.
LEARNER_TEXT_FIELDS: tuple[str, ...] = (
    "first_name",
    "last_name",
    "email",
    "employee_id",
    "department",
    "manager_name",
    "manager_email",
    "location",
    "job_title",
)
# Everything an import can set: the text fields and the hire date (an ISO date, or "").
LEARNER_FIELDS: tuple[str, ...] = (*LEARNER_TEXT_FIELDS, "hire_date")
# Who the learner is: never filled in from a duplicate when two records are merged.
IDENTITY_FIELDS: frozenset[str] = frozenset({"first_name", "last_name", "email"})
# What a merge copies from the duplicate where the kept record is blank.
MERGE_FILLS: tuple[str, ...] = (
    *(f for f in LEARNER_FIELDS if f not in IDENTITY_FIELDS),
    "preferred_language",
)
