"""The learner fields an import can fill, their header synonyms, and finding the header row.

Headers are matched after `cells.header_key` (case, accents and punctuation ignored) against
English, German, French and Spanish synonyms: first an exact match, then the longest synonym
the header contains ("Work E-mail" → email, "Manager E-mail" → manager's email).
"""

from __future__ import annotations

from collections.abc import Mapping
from collections.abc import Sequence
from enum import StrEnum

from iltdesk.i18n import N_
from iltdesk.i18n import _
from iltdesk.importers.cells import cell_text
from iltdesk.importers.cells import header_key


class Field(StrEnum):
    """A learner field a roster column can map to."""

    FIRST_NAME = "first_name"
    LAST_NAME = "last_name"
    FULL_NAME = "full_name"
    EMAIL = "email"
    EMPLOYEE_ID = "employee_id"
    DEPARTMENT = "department"
    MANAGER = "manager_name"
    MANAGER_EMAIL = "manager_email"
    LOCATION = "location"
    JOB_TITLE = "job_title"
    HIRE_DATE = "hire_date"

    def label(self) -> str:
        return _(_LABELS[self])


_LABELS = {
    Field.FIRST_NAME: N_("First name"),
    Field.LAST_NAME: N_("Last name"),
    Field.FULL_NAME: N_("Full name"),
    Field.EMAIL: N_("Email"),
    Field.EMPLOYEE_ID: N_("Employee ID"),
    Field.DEPARTMENT: N_("Department"),
    Field.MANAGER: N_("Manager"),
    Field.MANAGER_EMAIL: N_("Manager's email"),
    Field.LOCATION: N_("Location"),
    Field.JOB_TITLE: N_("Job title"),
    Field.HIRE_DATE: N_("Hire date"),
}

_SYNONYMS: dict[Field, tuple[str, ...]] = {
    Field.FIRST_NAME: (
        "first name",
        "firstname",
        "first",
        "given name",
        "givenname",
        "given names",
        "forename",
        "forenames",
        "christian name",
        "preferred name",
        "name first",
        "vorname",
        "rufname",
        "vornamen",
        "prenom",
        "prenoms",
        "nombre",
        "nombres",
        "nombre de pila",
    ),
    Field.LAST_NAME: (
        "last name",
        "lastname",
        "last",
        "surname",
        "family name",
        "familyname",
        "name last",
        "nachname",
        "familienname",
        "zuname",
        "nom",
        "nom de famille",
        "nom de naissance",
        "apellido",
        "apellidos",
        "primer apellido",
    ),
    Field.FULL_NAME: (
        "name",
        "full name",
        "fullname",
        "employee name",
        "learner name",
        "learner",
        "participant",
        "participant name",
        "attendee",
        "attendee name",
        "display name",
        "delegate",
        "trainee",
        "staff name",
        "employee",
        "teilnehmer",
        "teilnehmerin",
        "teilnehmername",
        "mitarbeiter",
        "mitarbeitername",
        "vollstandiger name",
        "name vorname",
        "nachname vorname",
        "nom complet",
        "nom et prenom",
        "nom prenom",
        "participant e",
        "employe",
        "nombre completo",
        "nombre y apellidos",
        "empleado",
        "participante",
        "asistente",
    ),
    Field.EMAIL: (
        "email",
        "e mail",
        "email address",
        "e mail address",
        "emailaddress",
        "mail",
        "work email",
        "business email",
        "email work",
        "corporate email",
        "office email",
        "email adresse",
        "e mail adresse",
        "mail adresse",
        "emailadresse",
        "dienstliche e mail",
        "courriel",
        "adresse e mail",
        "adresse email",
        "adresse electronique",
        "mel",
        "correo",
        "correo electronico",
        "email corporativo",
        "correo corporativo",
    ),
    Field.EMPLOYEE_ID: (
        "employee id",
        "employee number",
        "employee no",
        "emp",
        "emp no",
        "emp id",
        "emp number",
        "empid",
        "staff id",
        "staff number",
        "staff no",
        "personnel number",
        "payroll number",
        "payroll id",
        "badge",
        "badge number",
        "id",
        "worker id",
        "personalnummer",
        "pers nr",
        "personal nr",
        "persnr",
        "mitarbeiter id",
        "mitarbeiternummer",
        "ma nr",
        "matricule",
        "numero d employe",
        "id employe",
        "numero employe",
        "no employe",
        "numero de empleado",
        "id empleado",
        "legajo",
        "numero de personal",
        "n empleado",
    ),
    Field.DEPARTMENT: (
        "department",
        "dept",
        "dep",
        "division",
        "business unit",
        "team",
        "cost centre",
        "cost center",
        "abteilung",
        "bereich",
        "kostenstelle",
        "departement",
        "service",
        "direction",
        "departamento",
        "area",
        "unidad",
        "division",
    ),
    Field.MANAGER: (
        "manager",
        "line manager",
        "manager name",
        "supervisor",
        "reports to",
        "reporting to",
        "direct manager",
        "vorgesetzter",
        "vorgesetzte",
        "fuhrungskraft",
        "teamleiter",
        "responsable",
        "manager direct",
        "superieur hierarchique",
        "n 1",
        "gerente",
        "jefe",
        "jefe directo",
        "responsable directo",
    ),
    Field.MANAGER_EMAIL: (
        "manager email",
        "manager e mail",
        "manager mail",
        "supervisor email",
        "line manager email",
        "email manager",
        "manager email address",
        "vorgesetzter e mail",
        "e mail vorgesetzter",
        "e mail fuhrungskraft",
        "courriel du responsable",
        "email responsable",
        "email du manager",
        "correo del jefe",
        "email jefe",
        "correo del gerente",
    ),
    Field.LOCATION: (
        "location",
        "office",
        "site",
        "city",
        "work location",
        "office location",
        "branch",
        "standort",
        "ort",
        "buro",
        "niederlassung",
        "arbeitsort",
        "lieu",
        "bureau",
        "ville",
        "etablissement",
        "site de travail",
        "ubicacion",
        "oficina",
        "sede",
        "ciudad",
        "centro de trabajo",
    ),
    Field.JOB_TITLE: (
        "job title",
        "title",
        "position",
        "role",
        "job",
        "designation",
        "job role",
        "jobtitel",
        "stellenbezeichnung",
        "funktion",
        "berufsbezeichnung",
        "stelle",
        "intitule de poste",
        "poste",
        "fonction",
        "titre",
        "cargo",
        "puesto",
        "titulo del puesto",
    ),
    Field.HIRE_DATE: (
        "hire date",
        "date of hire",
        "hired",
        "hired on",
        "hiring date",
        "date hired",
        "start date",
        "employment start",
        "employment start date",
        "date joined",
        "joining date",
        "join date",
        "joined",
        "seniority date",
        "eintrittsdatum",
        "eintritt",
        "einstellungsdatum",
        "beschaftigungsbeginn",
        "beginn beschaftigung",
        "date d embauche",
        "date dembauche",
        "date embauche",
        "date d entree",
        "date dentree",
        "fecha de contratacion",
        "fecha de ingreso",
        "fecha de alta",
        "fecha alta",
    ),
}

# Keys as `header_key` makes them, so matching compares like with like.
_EXACT: dict[str, Field] = {}
for _field, _words in _SYNONYMS.items():
    for _word in _words:
        _EXACT.setdefault(header_key(_word), _field)
# Longest first: "manager e mail" must win over "e mail" inside "Manager E-mail".
_CONTAINED = sorted(_EXACT.items(), key=lambda item: -len(item[0]))


def match_header(value: object) -> Field | None:
    """The field a header names, or None."""
    key = header_key(value)
    if not key:
        return None
    if key in _EXACT:
        return _EXACT[key]
    padded = f" {key} "
    for word, field in _CONTAINED:
        if len(word) >= 3 and f" {word} " in padded:
            return field
    return None


def guess_mapping(headers: Sequence[object]) -> dict[int, Field]:
    """Column index → field for the headers it recognises; each field used once, leftmost wins."""
    mapping: dict[int, Field] = {}
    used: set[Field] = set()
    for index, header in enumerate(headers):
        field = match_header(header)
        if field is not None and field not in used:
            mapping[index] = field
            used.add(field)
    return mapping


HEADER_SEARCH_ROWS = 30


def find_header_row(
    rows: Sequence[Sequence[object]], merged_rows: frozenset[int] = frozenset()
) -> int | None:
    """The index of the row that looks most like a header, or None when none does.

    Title rows (one filled cell, or merged across), blank rows and rows of numbers are skipped;
    a row scores by how many of its cells name a known field, then by how many hold text.
    """
    best: tuple[int, int] | None = None
    best_index: int | None = None
    for index, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        if index in merged_rows:
            continue
        texts = [cell_text(cell) for cell in row if isinstance(cell, str) and cell_text(cell)]
        if len(texts) < 2 or len({t.casefold() for t in texts}) < len(texts):
            continue
        known = len({f for f in map(match_header, texts) if f is not None})
        score = (known, len(texts))
        if known and (best is None or score > best):
            best, best_index = score, index
    return best_index


def mapping_problem(mapping: Mapping[int, Field]) -> str | None:
    """Why the mapping cannot import learners, or None when it can."""
    fields = set(mapping.values())
    if len(fields) < len(mapping):
        return _("Two columns are mapped to the same field. Map each field once.")
    if Field.EMAIL not in fields:
        return _("Map a column to Email: every learner needs an email address.")
    if not fields & {Field.FIRST_NAME, Field.LAST_NAME, Field.FULL_NAME}:
        return _("Map a column to a name (first, last or full name).")
    return None
