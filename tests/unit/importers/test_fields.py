"""Header synonyms in four languages and finding the header row under titles."""

from __future__ import annotations

import pytest

from iltdesk.importers.fields import Field
from iltdesk.importers.fields import find_header_row
from iltdesk.importers.fields import guess_mapping
from iltdesk.importers.fields import mapping_problem
from iltdesk.importers.fields import match_header


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("Given Name", Field.FIRST_NAME),
        ("Vorname", Field.FIRST_NAME),
        ("Prénom", Field.FIRST_NAME),
        ("Nombre", Field.FIRST_NAME),
        ("Family name", Field.LAST_NAME),
        ("Nachname", Field.LAST_NAME),
        ("Nom de famille", Field.LAST_NAME),
        ("Apellidos", Field.LAST_NAME),
        ("Name", Field.FULL_NAME),
        ("Teilnehmer", Field.FULL_NAME),
        ("Nom complet", Field.FULL_NAME),
        ("Nombre completo", Field.FULL_NAME),
        ("E-mail Address", Field.EMAIL),
        ("Work Email", Field.EMAIL),
        ("E-Mail-Adresse", Field.EMAIL),
        ("Courriel", Field.EMAIL),
        ("Correo electrónico", Field.EMAIL),
        ("Emp #", Field.EMPLOYEE_ID),
        ("Personalnummer", Field.EMPLOYEE_ID),
        ("Matricule", Field.EMPLOYEE_ID),
        ("Número de empleado", Field.EMPLOYEE_ID),
        ("Dept.", Field.DEPARTMENT),
        ("Abteilung", Field.DEPARTMENT),
        ("Manager", Field.MANAGER),
        ("Vorgesetzter", Field.MANAGER),
        ("Manager E-mail", Field.MANAGER_EMAIL),
        ("Office", Field.LOCATION),
        ("Standort", Field.LOCATION),
        ("Job Title", Field.JOB_TITLE),
        ("Puesto", Field.JOB_TITLE),
        ("Favourite colour", None),
    ],
)
def test_headers_match_their_field(header, field):
    assert match_header(header) is field


def test_mapping_uses_each_field_once_and_reports_what_is_missing():
    mapping = guess_mapping(["Name", "E-mail", "Email (private)", "Notes"])
    assert mapping == {0: Field.FULL_NAME, 1: Field.EMAIL}
    assert mapping_problem(mapping) is None
    assert "Email" in mapping_problem({0: Field.FULL_NAME})
    assert "name" in mapping_problem({0: Field.EMAIL})
    assert "same field" in mapping_problem({0: Field.EMAIL, 1: Field.EMAIL})


def test_header_row_found_under_title_date_and_blank_rows():
    rows = [
        ["Q3 nominations", "", ""],
        ["Exported:", 46000.0, ""],
        ["", "", ""],
        ["Emp #", "Given Name", "E-mail"],
        ["1", "Ann", "ann@example.com"],
    ]
    assert find_header_row(rows) == 3


def test_merged_rows_are_not_headers_and_no_header_is_none():
    rows = [["First name", "Last name"], ["First name", "Email"]]
    assert find_header_row(rows, frozenset({0})) == 1
    assert find_header_row([[1, 2, 3], [4, 5, 6]]) is None
    assert find_header_row([["just a title"]]) is None
