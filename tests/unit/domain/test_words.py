"""Labels and counts in words, in English and German: compliance states, labels in sentences."""

from __future__ import annotations

import pytest

from iltdesk.domain.compliance import count_words
from iltdesk.domain.enums import ComplianceState


def test_counts_read_as_phrases_in_english():
    assert count_words(ComplianceState.CURRENT, 212) == "212 current"
    assert count_words(ComplianceState.HIRE_DATE_MISSING, 1) == "1 hire date missing"
    assert count_words(ComplianceState.HIRE_DATE_MISSING, 9) == "9 hire dates missing"
    assert count_words(ComplianceState.OVERDUE, 1_234) == "1,234 overdue"


@pytest.mark.usefixtures("german")
def test_counts_keep_their_capitals_and_plurals_in_german():
    """The state's label lower-cased read "9 eintrittsdatum fehlt"."""
    assert count_words(ComplianceState.HIRE_DATE_MISSING, 9) == "9 Eintrittsdaten fehlen"
    assert count_words(ComplianceState.HIRE_DATE_MISSING, 1) == "1 Eintrittsdatum fehlt"
    assert count_words(ComplianceState.EXPIRING, 2) == "2 laufen bald ab"
    assert count_words(ComplianceState.OVERDUE, 1_234) == "1.234 überfällig"
    # The state, as the matrix shows it: "exempt", not the verb "to exempt" of the dialog.
    assert ComplianceState.EXEMPT.label() == "Befreit"


@pytest.mark.parametrize("state", list(ComplianceState))
def test_every_state_has_its_phrase(state):
    assert count_words(state, 3).startswith("3 ")


def test_a_label_inside_a_sentence_keeps_a_german_nouns_capital(german):
    from iltdesk.domain.enums import EnrollmentStatus
    from iltdesk.domain.enums import MessageKind
    from iltdesk.i18n import in_sentence

    assert in_sentence(EnrollmentStatus.WAITLISTED.label()) == "Warteliste"
    assert in_sentence(MessageKind.CONFIRMATION.label()) == "Anmeldebestätigung"


def test_a_label_inside_an_english_sentence_is_lower_case():
    from iltdesk.domain.enums import EnrollmentStatus
    from iltdesk.i18n import in_sentence

    assert in_sentence(EnrollmentStatus.WAITLISTED.label()) == "waitlisted"
