"""The INE (identifiant national étudiant): normalisation, the three kinds and their rules.

- INE-RNIE (since 2018): 9 digits + 2 letters; no public key, only the format is checked.
- INE-BEA (rectorats): 10 digits + 1 letter; the letter is ``BEA_KEYS[number mod 23]``;
  ten identical digits are refused.
- INE-Base (universities): 10 characters of 0-9A-Z + 1 digit; the digit is the last digit of
  6 × (sum of the base-36 values of the first 9 characters) + the base-36 value of the 10th;
  ten identical digits or ten letters are refused.

The three forms never overlap (the 10th and 11th characters tell them apart), so a value has at most one kind.

Candidates confuse the letter O and the digit 0. The error proposes a value with some of them exchanged only when a
key vouches for it. The typed value is of the kind its form says, or, when it has none, of the kind the fewest
exchanges give it; that kind must have a key (BEA or Base), and exactly one exchange must give a value of that kind
whose key checks. Exchanging can also turn a value into another kind (a BEA with a wrong key becomes a well-formed
RNIE, which has no key): that is never proposed; the rule that failed is named instead.
"""

import itertools
import re
from enum import StrEnum

from app.i18n import N_
from app.services.platform.errors import DomainError, passes

BEA_KEYS = "ABCDEFGHJKLMNPRSTUVWXYZ"
INE_LENGTH = 11
_MAX_O_ZERO_POSITIONS = 11  # 2**11 variants at most: cheap


class IneKind(StrEnum):
    RNIE = "rnie"
    BEA = "bea"
    BASE = "base"


# The official names, the same in every language.
KIND_NAMES = {IneKind.RNIE: "INE-RNIE", IneKind.BEA: "INE-BEA", IneKind.BASE: "INE-Base"}
_SHAPES = {
    IneKind.RNIE: re.compile(r"\d{9}[A-Z]{2}"),
    IneKind.BEA: re.compile(r"\d{10}[A-Z]"),
    IneKind.BASE: re.compile(r"[0-9A-Z]{10}\d"),
}
_KEYED = frozenset({IneKind.BEA, IneKind.BASE})


def normalise_ine(text: str) -> str:
    """Spaces removed, upper case: the form stored and sent to the student information system."""
    return re.sub(r"\s+", "", text or "").upper()


def _base36(char: str) -> int:
    return int(char, 36)


def _shape(ine: str) -> IneKind | None:
    return next((kind for kind, shape in _SHAPES.items() if shape.fullmatch(ine)), None)


def _check_characters(ine: str) -> None:
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


def _check_rules(ine: str, kind: IneKind) -> None:
    """The rules of ``kind`` for a value of its form: a DomainError naming the first one it breaks."""
    head, key = ine[:10], ine[10]
    if kind is IneKind.RNIE:
        return
    if head.isdigit() and len(set(head)) == 1:
        raise DomainError("ine_repeated", N_("Un INE ne peut pas être fait de dix chiffres identiques."), field="ine")
    if kind is IneKind.BEA:
        if BEA_KEYS[int(head) % 23] != key:
            raise DomainError(
                "ine_bea_key",
                N_(
                    "La clé de contrôle de cet INE-BEA (10 chiffres et 1 lettre) ne correspond pas : la lettre "
                    "finale ne va pas avec les dix chiffres. Vérifiez-les sur votre relevé de notes."
                ),
                field="ine",
            )
        return
    if head.isalpha():
        raise DomainError("ine_letters_only", N_("Un INE ne peut pas être fait de dix lettres."), field="ine")
    if (6 * sum(_base36(c) for c in head[:9]) + _base36(head[9])) % 10 != int(key):
        raise DomainError(
            "ine_base_key",
            N_(
                "La clé de contrôle de cet INE-Base (10 chiffres ou lettres et 1 chiffre) ne correspond pas : le "
                "chiffre final ne va pas avec les dix premiers caractères. Vérifiez-les sur votre relevé de notes."
            ),
            field="ine",
        )


def _check(ine: str) -> IneKind:
    """The kind of a normalised INE, or a DomainError naming the rule it breaks."""
    _check_characters(ine)
    kind = _shape(ine)
    if kind is None:
        raise DomainError(
            "ine_format",
            N_(
                "Ce numéro n'a la forme d'aucun INE : 9 chiffres et 2 lettres (depuis 2018), 10 chiffres et 1 "
                "lettre, ou 10 chiffres et lettres suivis d'1 chiffre."
            ),
            field="ine",
        )
    _check_rules(ine, kind)
    return kind


def _passes(ine: str, kind: IneKind) -> bool:
    return passes(_check_rules, ine, kind)


def _o_zero_variants(ine: str) -> list[tuple[str, int]]:
    """Every value obtained by exchanging some letters O and digits 0, with the number of exchanges."""
    positions = [i for i, c in enumerate(ine) if c in "O0"][:_MAX_O_ZERO_POSITIONS]
    variants = []
    for swaps in itertools.product((False, True), repeat=len(positions)):
        if not any(swaps):
            continue
        chars = list(ine)
        for position, swap in zip(positions, swaps, strict=True):
            if swap:
                chars[position] = "0" if chars[position] == "O" else "O"
        variants.append(("".join(chars), sum(swaps)))
    return variants


def _nearest_kinds(ine: str) -> set[IneKind]:
    """The kind of the value's form or, when it has none, the kinds the fewest O/0 exchanges give it."""
    kind = _shape(ine)
    if kind is not None:
        return {kind}
    by_exchanges: dict[int, set[IneKind]] = {}
    for variant, exchanges in _o_zero_variants(ine):
        if (variant_kind := _shape(variant)) is not None:
            by_exchanges.setdefault(exchanges, set()).add(variant_kind)
    return by_exchanges[min(by_exchanges)] if by_exchanges else set()


def _vouched_variant(ine: str) -> tuple[str, IneKind] | None:
    """The one O/0 exchange a key vouches for: the value is of a single kind, which has a key, and exactly one
    exchange gives a value of that kind that passes its rules. None when the guess would be unsure."""
    kinds = _nearest_kinds(ine)
    if len(kinds) != 1 or not kinds <= _KEYED:
        return None
    (kind,) = kinds
    passing = [v for v, _n in _o_zero_variants(ine) if _shape(v) is kind and _passes(v, kind)]
    return (passing[0], kind) if len(passing) == 1 else None


def ine_kind(text: str) -> IneKind:
    """The kind of a valid INE (raises like :func:`validate_ine` otherwise)."""
    return _check(validate_ine(text))


def validate_ine(text: str) -> str:
    """The normalised 11-character INE, or a DomainError saying which rule failed.

    When a key vouches for one exchange of letters O and digits 0, the error proposes that value instead.
    """
    ine = normalise_ine(text)
    try:
        _check(ine)
    except DomainError as error:
        if error.code in ("ine_characters", "ine_length"):
            raise
        vouched = _vouched_variant(ine)
        if vouched is not None:
            suggestion, kind = vouched
            raise DomainError(
                "ine_o_zero",
                N_(
                    "Cet INE n'est pas valide, mais {suggestion} est un {kind} dont la clé de contrôle correspond : "
                    "la lettre O et le chiffre 0 (zéro) se confondent facilement. Vérifiez sur votre relevé de notes."
                ),
                field="ine",
                suggestion=suggestion,
                kind=KIND_NAMES[kind],
            ) from error
        if error.code == "ine_format" and _nearest_kinds(ine):
            raise DomainError(
                "ine_o_zero_format",
                N_(
                    "Tel qu'il est saisi, ce numéro n'a la forme d'aucun INE : une lettre O y occupe la place d'un "
                    "chiffre, ou un chiffre 0 (zéro) celle d'une lettre. Recopiez-le exactement depuis votre relevé "
                    "de notes."
                ),
                field="ine",
            ) from error
        raise
    return ine
