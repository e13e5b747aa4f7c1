"""INE validation: the three formats, their keys, normalisation and the O/0 confusion."""

import pytest

from app.i18n import gettext
from app.services.dossier.ine import IneKind, ine_kind, validate_ine
from app.services.platform.errors import DomainError

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
    ("typed", "suggestion", "kind"),
    [
        ("2O12345678J", "2012345678J", "INE-BEA"),  # letter O typed for a digit zero: the BEA key vouches for it
        ("O912345678K", "0912345678K", "INE-BEA"),
        ("102B3C4D5E4", "1O2B3C4D5E4", "INE-Base"),  # digit zero typed for the letter O: the Base key vouches
    ],
)
def test_an_o_and_zero_confusion_is_proposed_when_a_key_vouches_for_it(typed: str, suggestion: str, kind: str) -> None:
    error = code_of(typed)
    assert error.code == "ine_o_zero"
    assert error.params == {"suggestion": suggestion, "kind": kind}
    assert f"{suggestion} est un {kind} dont la clé de contrôle correspond" in error.translate(lambda s: s)
    assert validate_ine(suggestion) == suggestion


def test_an_invalid_value_without_o_or_zero_gets_no_suggestion() -> None:
    assert code_of("1234567891A").code == "ine_bea_key"


@pytest.mark.parametrize("typed", ["5260181590A", "1234567890W"])
def test_a_bea_with_a_wrong_key_is_not_turned_into_a_keyless_rnie(typed: str) -> None:
    # 526018159OA is a well-formed INE-RNIE, but no key vouches for it: the BEA's key is what failed.
    error = code_of(typed)
    assert error.code == "ine_bea_key" and "suggestion" not in error.params
    assert "INE-BEA" in error.translate(lambda s: s)


def test_a_value_only_an_rnie_reading_fits_is_not_guessed() -> None:
    # 012345678AB would be an INE-RNIE, which has no key to confirm the guess.
    assert code_of("O12345678AB").code == "ine_o_zero_format"


def test_a_value_two_kinds_are_as_near_to_is_not_guessed() -> None:
    # One exchange makes O23456789A0 an INE-Base, another 023456789AO an INE-RNIE: nothing tells which one it is.
    assert code_of("O23456789AO").code == "ine_o_zero_format"


def test_the_kind_fewer_exchanges_give_is_the_one_checked() -> None:
    # One exchange gives the INE-BEA 1204000000C, whose key checks; the RNIE 120400000OC would take two.
    error = code_of("12O4000000C")
    assert error.params == {"suggestion": "1204000000C", "kind": "INE-BEA"}


def test_two_exchanges_that_both_pass_the_key_are_not_guessed() -> None:
    # 1AOB3C0D5E8 and 1A0B3COD5E8 both pass the INE-Base key: proposing one would be a coin toss.
    assert code_of("1A0B3C0D5E8").code == "ine_base_key"


RULE_MESSAGES = {
    # code: (a value breaking the rule, French words of its message, English words of its message)
    "ine_characters": ("12345-67890", "sans tiret ni point", "no hyphen or full stop"),
    "ine_length": ("1234567890", "vous en avez saisi 10", "you typed 10"),
    "ine_repeated": ("1111111111A", "dix chiffres identiques", "ten identical digits"),
    "ine_letters_only": ("ABCDEFGHJK1", "dix lettres", "ten letters"),
    "ine_bea_key": ("5260181590A", "La clé de contrôle de cet INE-BEA", "check key of this INE-BEA"),
    "ine_base_key": ("1A2B3C4D5E1", "La clé de contrôle de cet INE-Base", "check key of this INE-Base"),
    "ine_format": ("12345678ABC", "n'a la forme d'aucun INE", "none of the INE formats"),
    "ine_o_zero_format": ("O12345678AB", "une lettre O y occupe la place d'un chiffre", "a letter O stands where"),
    "ine_o_zero": ("2O12345678J", "mais 2012345678J est un INE-BEA", "but 2012345678J is an INE-BEA"),
}


@pytest.mark.parametrize("code", RULE_MESSAGES)
def test_each_rule_is_explained_in_french_and_in_english(code: str) -> None:
    typed, french, english = RULE_MESSAGES[code]
    error = code_of(typed)
    assert error.code == code
    assert french in error.translate(lambda message: gettext(message, "fr"))
    assert english in error.translate(lambda message: gettext(message, "en"))
