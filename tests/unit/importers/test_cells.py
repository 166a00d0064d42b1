"""Cell normalisers: examples from real exports, and properties over any input."""

from __future__ import annotations

import unicodedata
from datetime import date
from datetime import datetime
from datetime import time

from hypothesis import given
from hypothesis import strategies as st

from iltdesk.importers.cells import cell_text
from iltdesk.importers.cells import clean_row
from iltdesk.importers.cells import header_key
from iltdesk.importers.cells import serial_date
from iltdesk.importers.cells import split_full_name

cells = st.one_of(
    st.none(),
    st.text(),
    st.integers(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.dates(),
    st.datetimes(),
)


def test_ids_keep_leading_zeros_and_lose_excel_float_tails():
    assert cell_text("007") == "007"
    assert cell_text(12345.0) == "12345"
    assert cell_text(12345) == "12345"
    assert cell_text(1.5) == "1.5"
    assert cell_text(float("nan")) == ""


def test_whitespace_and_invisible_characters_are_cleaned():
    assert cell_text("  Liam\u00a0 O’Brien \t") == "Liam O’Brien"
    assert cell_text("\ufeffZo\u200be") == "Zoe"
    decomposed = "Zoe\u0308"
    assert cell_text(decomposed) == "Zoë"
    assert len(cell_text(decomposed)) == 3


def test_dates_become_iso_text_and_serials_convert():
    assert cell_text(datetime(2026, 3, 1)) == "2026-03-01"
    assert cell_text(datetime(2026, 3, 1, 9, 30)) == "2026-03-01 09:30"
    assert cell_text(date(2026, 3, 1)) == "2026-03-01"
    assert cell_text(time(9, 5)) == "09:05"
    assert serial_date(46082) == date(2026, 3, 1)
    assert serial_date("46082") == date(2026, 3, 1)
    assert serial_date(1) == date(1900, 1, 1)
    assert serial_date(61) == date(1900, 3, 1)
    assert serial_date("Sales") is None
    assert serial_date(0) is None
    assert serial_date(True) is None


def test_full_names_split_both_ways():
    assert split_full_name("Müller, Zoë") == ("Zoë", "Müller")
    assert split_full_name("Zoë Müller") == ("Zoë", "Müller")
    assert split_full_name("Mary Ann Smith") == ("Mary Ann", "Smith")
    assert split_full_name("Maria de la Cruz") == ("Maria", "de la Cruz")
    assert split_full_name("Ludwig van Beethoven") == ("Ludwig", "van Beethoven")
    assert split_full_name("Cher") == ("Cher", "")
    assert split_full_name("  ") == ("", "")


def test_header_keys_ignore_case_accents_and_punctuation():
    assert header_key("E-mail Address") == "e mail address"
    assert header_key("Emp #") == "emp"
    assert header_key("Dept.") == "dept"
    assert header_key(" Prénom ") == "prenom"


@given(cells)
def test_cell_text_is_total_trimmed_nfc_and_idempotent(value):
    text = cell_text(value)
    assert text == text.strip()
    assert "  " not in text
    assert unicodedata.is_normalized("NFC", text)
    assert cell_text(text) == text


@given(st.text())
def test_split_name_keeps_every_word(value):
    first, last = split_full_name(value)
    words = cell_text(value).replace(",", " ").split()
    assert sorted((first + " " + last).replace(",", " ").split()) == sorted(words)


@given(st.floats(min_value=1, max_value=2_958_465))
def test_serials_in_range_are_dates(value):
    assert isinstance(serial_date(value), date)


@given(st.text())
def test_header_key_is_idempotent(value):
    assert header_key(header_key(value)) == header_key(value)


@given(st.lists(st.one_of(st.text(), st.text(alphabet=" \tab\u00a0é\u0301\u200b"), cells)))
def test_clean_row_is_cell_text_of_each_cell(row):
    assert clean_row(row) == tuple(cell_text(v) for v in row)
