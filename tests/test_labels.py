"""The offer's bilingual values: one rule everywhere, English falling back to French when it is empty."""

from types import SimpleNamespace

from app.services.platform.labels import in_language, label_in


def test_english_is_read_when_given_and_french_otherwise() -> None:
    assert in_language("Licence", "Bachelor", "en") == "Bachelor"
    assert in_language("Licence", "Bachelor", "fr") == "Licence"


def test_an_empty_english_value_falls_back_to_french() -> None:
    assert in_language("Licence", "", "en") == "Licence"
    assert in_language("Licence", None, "en") == "Licence"


def test_label_in_reads_a_rows_two_labels() -> None:
    row = SimpleNamespace(label_fr="Relevé de notes", label_en="Transcript")
    assert label_in(row, "en") == "Transcript"
    assert label_in(row, "fr") == "Relevé de notes"
    assert label_in(SimpleNamespace(label_fr="Relevé de notes", label_en=""), "en") == "Relevé de notes"
