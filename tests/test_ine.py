"""INE validation: the three formats, their keys, normalisation and the O/0 confusion."""

import pytest

from app.services.errors import DomainError
from app.services.ine import IneKind, ine_kind, validate_ine

# Keys worked out by hand: 1234567890 mod 23 = 18 -> V; 2012345678 mod 23 = 8 -> J;
# INE-Base 1A2B3C4D5E: 6 x (1+10+2+11+3+12+4+13+5) + 14 = 380 -> 0.
VALID = {
    "123456789AB": IneKind.RNIE,
    "1234567890V": IneKind.BEA,
    "2012345678J": IneKind.BEA,
    "1A2B3C4D5E0": IneKind.BASE,
    "0Z9Y8X7W6V5": IneKind.BASE,
    "12345678900": IneKind.BASE,
    "1O2B3C4D5E4": IneKind.BASE,  # a real letter O: 6 x 75 + 14 = 464 -> 4
}


@pytest.mark.parametrize(("ine", "kind"), VALID.items())
def test_valid_ines_of_every_kind_are_accepted(ine: str, kind: IneKind) -> None:
    assert validate_ine(ine) == ine
    assert ine_kind(ine) is kind


@pytest.mark.parametrize(
    ("typed", "normalised"),
    [("1234567890 v", "1234567890V"), (" 123 456 789 ab ", "123456789AB"), ("1a2b3c4d5e0", "1A2B3C4D5E0")],
)
def test_spaces_and_lower_case_are_normalised(typed: str, normalised: str) -> None:
    assert validate_ine(typed) == normalised


def code_of(text: str) -> DomainError:
    with pytest.raises(DomainError) as caught:
        validate_ine(text)
    assert caught.value.field == "ine"
    return caught.value


@pytest.mark.parametrize(
    ("ine", "code"),
    [
        ("9876543211A", "ine_bea_key"),
        ("2012345678K", "ine_bea_key"),
        ("1A2B3C4D5E1", "ine_base_key"),
        ("12345678901", "ine_base_key"),
        ("1111111111A", "ine_repeated"),
        ("77777777777", "ine_repeated"),
        ("ABCDEFGHJK1", "ine_letters_only"),
        ("12345678ABC", "ine_format"),
        ("1234567890", "ine_length"),
        ("123456789012", "ine_length"),
        ("", "ine_length"),
        ("12345-67890", "ine_characters"),
        ("12345678é0V", "ine_characters"),
    ],
)
def test_each_broken_rule_is_named(ine: str, code: str) -> None:
    assert code_of(ine).code == code


def test_the_error_says_how_many_characters_were_typed() -> None:
    error = code_of("1234 5678 90")
    assert error.params == {"count": 10}
    assert "10" in error.translate(lambda s: s)


@pytest.mark.parametrize(
    ("typed", "suggestion"),
    [
        ("2O12345678J", "2012345678J"),  # letter O typed for the digit zero
        ("O12345678AB", "012345678AB"),
        ("102B3C4D5E4", "1O2B3C4D5E4"),  # digit zero typed for the letter O
    ],
)
def test_o_and_zero_confusion_proposes_the_corrected_value(typed: str, suggestion: str) -> None:
    error = code_of(typed)
    assert error.code == "ine_o_zero"
    assert error.params["suggestion"] == suggestion
    assert suggestion in error.translate(lambda s: s)
    assert validate_ine(suggestion) == suggestion


def test_an_invalid_value_without_o_or_zero_gets_no_suggestion() -> None:
    assert code_of("1234567891A").code == "ine_bea_key"


def test_a_swap_that_yields_another_valid_format_is_still_proposed() -> None:
    # 9 digits then "OV" is a well-formed INE-RNIE: the candidate is asked to check, not refused blindly.
    assert code_of("1234567890W").params["suggestion"] == "123456789OW"
