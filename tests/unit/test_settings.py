"""Preferences: declared once, validated, and the options documents take from them."""

from __future__ import annotations

from pathlib import Path

import pytest

from iltdesk.settings import Preferences


def test_defaults_validation_and_round_trip(tmp_path):
    prefs = Preferences(tmp_path / "p.json")
    assert prefs.get("paper_size") == "A4"
    with pytest.raises(ValueError, match="paper_size takes one of"):
        prefs.set("paper_size", "A5")
    with pytest.raises(TypeError):
        prefs.set("completion_threshold", "80")
    prefs.set("organisation_name", "Acme")
    prefs.set("signature_image", str(tmp_path / "sig.png"))
    prefs.save()
    (tmp_path / "p.json").write_text(
        (tmp_path / "p.json").read_text().replace('"Acme"', '"Acme Ltd"')
    )
    again = Preferences(tmp_path / "p.json")
    assert again.get("organisation_name") == "Acme Ltd"
    assert again.document_options() == {"organisation": "Acme Ltd", "logo": None, "paper": "A4"}
    options = again.certificate_options()
    assert options["signature"] == Path(tmp_path / "sig.png")
    assert options["fallback_language"] == "en_GB"
    assert options["verify_pattern"] == ""


def test_unreadable_or_wrongly_typed_values_fall_back(tmp_path):
    path = tmp_path / "p.json"
    path.write_text('{"paper_size": "A5", "completion_threshold": "lots", "unknown": 1}')
    prefs = Preferences(path)
    assert prefs.get("paper_size") == "A4"
    assert prefs.get("completion_threshold") == 80
    path.write_text("{not json")
    assert Preferences(path).get("language") == "en"
