"""The INE (identifiant national étudiant): normalisation, the three formats and their keys.

- INE-RNIE (since 2018): 9 digits + 2 letters; no public key, only the format is checked.
- INE-BEA (rectorats): 10 digits + 1 letter; the letter is ``BEA_KEYS[number mod 23]``;
  ten identical digits are refused.
- INE-Base (universities): 10 characters of 0-9A-Z + 1 digit; the digit is the last digit of
  6 × (sum of the base-36 values of the first 9 characters) + the base-36 value of the 10th;
  ten identical digits or ten letters are refused.

Candidates confuse the letter O and the digit 0: when exchanging them makes the value valid,
the error proposes the corrected value.
"""

import itertools
import re
from enum import StrEnum

from app.i18n import N_
from app.services.errors import DomainError

BEA_KEYS = "ABCDEFGHJKLMNPRSTUVWXYZ"
INE_LENGTH = 11
_MAX_O_ZERO_POSITIONS = 11  # 2**11 variants at most: cheap


class IneKind(StrEnum):
    RNIE = "rnie"
    BEA = "bea"
    BASE = "base"


def normalise_ine(text: str) -> str:
    """Spaces removed, upper case: the form stored and sent to the student information system."""
    return re.sub(r"\s+", "", text or "").upper()


def _base36(char: str) -> int:
    return int(char, 36)


def _check(ine: str) -> IneKind:
    """The kind of a normalised INE, or a DomainError naming the rule it breaks."""
    if ine and not (ine.isascii() and ine.isalnum()):
        raise DomainError(
            "ine_characters", N_("L'INE ne contient que des chiffres et des lettres, sans tiret ni point."), field="ine"
        )
    if len(ine) != INE_LENGTH:
        raise DomainError(
            "ine_length",
            N_("L'INE compte 11 caractères (espaces non compris) ; vous en avez saisi {count}."),
            field="ine",
            count=len(ine),
        )
    head, key = ine[:10], ine[10]
    if re.fullmatch(r"\d{9}[A-Z]{2}", ine):
        return IneKind.RNIE
    if head.isdigit() and len(set(head)) == 1:
        raise DomainError("ine_repeated", N_("Un INE ne peut pas être fait de dix chiffres identiques."), field="ine")
    if head.isdigit() and key.isalpha():
        if BEA_KEYS[int(head) % 23] != key:
            raise DomainError(
                "ine_bea_key",
                N_("La clé de cet INE (la lettre finale) ne correspond pas à ses dix chiffres : vérifiez-les."),
                field="ine",
            )
        return IneKind.BEA
    if key.isdigit():
        if head.isalpha():
            raise DomainError("ine_letters_only", N_("Un INE ne peut pas être fait de dix lettres."), field="ine")
        expected = (6 * sum(_base36(c) for c in head[:9]) + _base36(head[9])) % 10
        if expected != int(key):
            raise DomainError(
                "ine_base_key",
                N_("La clé de cet INE (le chiffre final) ne correspond pas aux dix premiers caractères : vérifiez."),
                field="ine",
            )
        return IneKind.BASE
    raise DomainError(
        "ine_format",
        N_(
            "Ce numéro n'a la forme d'aucun INE : 9 chiffres et 2 lettres (depuis 2018), 10 chiffres et 1 lettre, "
            "ou 10 chiffres et lettres suivis d'1 chiffre."
        ),
        field="ine",
    )


def _o_zero_variants(ine: str) -> list[str]:
    """Every value obtained by exchanging some letters O and digits 0."""
    positions = [i for i, c in enumerate(ine) if c in "O0"][:_MAX_O_ZERO_POSITIONS]
    variants = []
    for swaps in itertools.product((False, True), repeat=len(positions)):
        if not any(swaps):
            continue
        chars = list(ine)
        for position, swap in zip(positions, swaps, strict=True):
            if swap:
                chars[position] = "0" if chars[position] == "O" else "O"
        variants.append("".join(chars))
    return variants


def ine_kind(text: str) -> IneKind:
    """The kind of a valid INE (raises like :func:`validate_ine` otherwise)."""
    return _check(validate_ine(text))


def validate_ine(text: str) -> str:
    """The normalised 11-character INE, or a DomainError saying which rule failed.

    When exchanging letters O and digits 0 would make it valid, the error proposes that value.
    """
    ine = normalise_ine(text)
    try:
        _check(ine)
    except DomainError as error:
        for variant in _o_zero_variants(ine):
            try:
                _check(variant)
            except DomainError:
                continue
            raise DomainError(
                "ine_o_zero",
                N_(
                    "Cet INE n'est pas valide, mais {suggestion} l'est : la lettre O et le chiffre 0 (zéro) "
                    "se confondent facilement. Vérifiez sur votre relevé de notes."
                ),
                field="ine",
                suggestion=variant,
            ) from error
        raise
    return ine
