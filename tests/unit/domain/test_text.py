from hypothesis import given
from hypothesis import strategies as st

from iltdesk.domain.text import PREFIX_END
from iltdesk.domain.text import clean_text
from iltdesk.domain.text import prefix_range
from iltdesk.domain.text import search_key


def test_accents_and_case_fold_away():
    assert search_key("Müller") == "muller"
    assert search_key("ZOË", "Łukasz") == "zoe łukasz"  # Ł has no decomposition: kept, lower-cased
    assert search_key("François") == "francois"


def test_apostrophes_of_every_kind_vanish():
    assert search_key("O’Brien") == search_key("o'brien") == search_key("OBrien") == "obrien"


def test_punctuation_becomes_space_but_email_characters_stay():
    assert search_key("Smith-Jones") == "smith jones"
    assert search_key("anna.m+x@example.com") == "anna.m+x@example.com"


def test_german_sharp_s_folds_to_ss():
    assert search_key("Weiß") == "weiss"


def test_clean_text_trims_and_composes():
    assert clean_text("  Zoe\u0308  ") == "Zoë"
    assert clean_text(None) == ""


@given(st.text())
def test_search_key_is_idempotent(value: str) -> None:
    once = search_key(value)
    assert search_key(once) == once


@given(st.text())
def test_search_key_has_no_surrounding_or_double_spaces(value: str) -> None:
    key = search_key(value)
    assert key == key.strip()
    assert "  " not in key


@given(st.text(min_size=1))
def test_prefix_range_holds_every_extension(value: str) -> None:
    low, high = prefix_range(value)
    assert low <= value + "zzz" < high
    assert high == value + PREFIX_END


def _whole_text_key(*parts):
    """The key as first defined: the parts joined, then normalised as one text."""
    import re
    import unicodedata

    text = " ".join(p for p in parts if p)
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).casefold()
    for mark in "'’‘`´ʼ":
        text = text.replace(mark, "")
    return " ".join(re.sub(r"[^\w@.+]+", " ", text).split())


@given(st.lists(st.one_of(st.none(), st.text()), max_size=3))
def test_part_by_part_keys_equal_whole_text_keys(parts):
    # Stored keys were computed on the whole text; the cached per-part path must match them.
    assert search_key(*parts) == _whole_text_key(*parts)
