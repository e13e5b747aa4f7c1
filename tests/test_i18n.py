"""Screens speak French first and English completely: every message in the code has a translation."""

from app.i18n import _, use_language
from app.i18n.catalog import extract, load_english, untranslated


def test_every_message_in_the_code_has_an_english_translation() -> None:
    missing = untranslated(load_english(), extract())
    assert missing == [], f"run `python -m app.i18n.catalog` and translate: {missing}"


def test_french_is_the_reference_and_english_is_served() -> None:
    with use_language("fr"):
        assert _("Vous n'avez pas accès à cet élément.") == "Vous n'avez pas accès à cet élément."
    with use_language("en"):
        assert _("Vous n'avez pas accès à cet élément.") == "You do not have access to this item."
