"""The rules a candidate's input must follow: the password policy, e-mail addresses and names.

Pure functions (no database): account creation and the credential changes share them.
"""

import re
from dataclasses import dataclass

from app.i18n import N_
from app.services.platform import parameters
from app.services.platform.errors import DomainError
from app.services.platform.text_rules import check_text

PASSWORD_MAX_LENGTH = 128  # argon2 hashes anything, but a cap keeps a megabyte "password" from costing CPU
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
SPECIAL_RE = re.compile(r"[^0-9A-Za-z]")


# --- Password policy --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PasswordRule:
    code: str
    label: str  # French msgid shown as a checklist item on the screen
    message: str  # French msgid shown next to the field when the rule is broken
    params: dict[str, int]


def password_rules() -> list[PasswordRule]:
    """The rules, at least as strict as eCandidat's (10 characters, lower, upper, digit, special)."""
    n = parameters.current("password_min_length")
    return [
        PasswordRule(
            "length",
            N_("Au moins {n} caractères"),
            N_("Le mot de passe doit contenir au moins {n} caractères."),
            {"n": n},
        ),
        PasswordRule(
            "lower", N_("Une lettre minuscule"), N_("Le mot de passe doit contenir une lettre minuscule."), {}
        ),
        PasswordRule(
            "upper", N_("Une lettre majuscule"), N_("Le mot de passe doit contenir une lettre majuscule."), {}
        ),
        PasswordRule("digit", N_("Un chiffre"), N_("Le mot de passe doit contenir un chiffre."), {}),
        PasswordRule(
            "special",
            N_("Un caractère spécial (par exemple ! ? # @ % -)"),
            N_("Le mot de passe doit contenir un caractère spécial (par exemple ! ? # @ % -)."),
            {},
        ),
    ]


def _rule_holds(code: str, password: str, n: int) -> bool:
    match code:
        case "length":
            return len(password) >= n
        case "lower":
            return any(c.islower() for c in password)
        case "upper":
            return any(c.isupper() for c in password)
        case "digit":
            return any(c.isdigit() for c in password)
        case _:
            return bool(SPECIAL_RE.search(password))


def broken_password_rules(password: str) -> list[PasswordRule]:
    n = parameters.current("password_min_length")
    return [rule for rule in password_rules() if not _rule_holds(rule.code, password, n)]


def check_new_password(password: str, confirm: str, *, personal: tuple[str, ...] = (), field: str = "password") -> None:
    """Refuse a new password with the message of the first broken rule, next to the right field."""
    if len(password) > PASSWORD_MAX_LENGTH:
        raise DomainError(
            "password_too_long",
            N_("Le mot de passe ne doit pas dépasser {n} caractères."),
            field=field,
            n=PASSWORD_MAX_LENGTH,
        )
    for rule in broken_password_rules(password):
        raise DomainError(f"password_{rule.code}", rule.message, field=field, **rule.params)
    lowered = password.lower()
    if any(len(word) >= 3 and word.lower() in lowered for word in personal):
        raise DomainError(
            "password_personal",
            N_("Le mot de passe ne doit contenir ni votre nom, ni votre prénom, ni votre adresse e-mail."),
            field=field,
        )
    if password != confirm:
        raise DomainError(
            "password_mismatch", N_("Les deux mots de passe saisis ne sont pas identiques."), field=f"{field}_confirm"
        )


# --- Addresses and names ----------------------------------------------------------------------------------------------


def normalise_email(email: str) -> str:
    return email.strip().lower()


def typed_email(email: str, *, field: str = "email") -> str:
    """An address typed to look an account up: normalised, refused if it holds a control character."""
    return normalise_email(check_text(email, field=field))


def check_email(email: str, confirm: str, *, field: str = "email") -> str:
    """The normalised address, or a message next to the field."""
    value = typed_email(email, field=field)
    if not value:
        raise DomainError("email_required", N_("Saisissez votre adresse e-mail."), field=field)
    if len(value) > 254 or not EMAIL_RE.match(value):
        raise DomainError(
            "email_invalid", N_("Cette adresse e-mail n'est pas valide (exemple : prenom.nom@exemple.fr)."), field=field
        )
    if normalise_email(confirm) != value:
        raise DomainError(
            "email_mismatch", N_("Les deux adresses e-mail saisies ne sont pas identiques."), field=f"{field}_confirm"
        )
    return value


def check_new_email(current: str, email: str, confirm: str, *, unchanged: str) -> str:
    """:func:`check_email` for ``new_email``, refused with ``unchanged`` (a msgid) when it is ``current`` again."""
    address = check_email(email, confirm, field="new_email")
    if address == current:
        raise DomainError("email_unchanged", unchanged, field="new_email")
    return address


def check_name(value: str, field: str) -> str:
    value = " ".join(check_text(value, field=field, names=True).split())
    if not value:
        message = N_("Saisissez votre nom.") if field == "last_name" else N_("Saisissez votre prénom.")
        raise DomainError(f"{field}_required", message, field=field)
    return check_text(value, field=field, max_length=100)
