"""Candidate accounts: creation with a dossier number, activation, passwords, reminders, e-mail change, purge.

No answer of these services tells whether an address has an account: requests about an unknown
address succeed silently, and creating an account with a taken address mails its owner instead.
"""

import re
import secrets
import string
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import delete, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from app import clock
from app.config import get_settings
from app.i18n import N_
from app.models import Account, AccountToken, AuditEvent, Candidate, IssuedDossierNumber, OutboxMail, TokenPurpose
from app.services.actors import Actor, require_account
from app.services.audit import audit
from app.services.auth import find_account_by_login
from app.services.errors import DomainError, NotFound
from app.services.passwords import hash_password, verify_password
from app.services.tokens import consume_token, issue_token, revoke_tokens

DOSSIER_ALPHABET = string.digits + string.ascii_uppercase
DOSSIER_NUMBER_LENGTH = 8  # prefix included, as in eCandidat
PASSWORD_MAX_LENGTH = 128  # argon2 hashes anything, but a cap keeps a megabyte "password" from costing CPU
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
SPECIAL_RE = re.compile(r"[^0-9A-Za-z]")


# --- Password policy ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PasswordRule:
    code: str
    label: str  # French msgid shown as a checklist item on the screen
    message: str  # French msgid shown next to the field when the rule is broken
    params: dict[str, int]


def password_rules() -> list[PasswordRule]:
    """The rules, at least as strict as eCandidat's (10 characters, lower, upper, digit, special)."""
    n = get_settings().password_min_length
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
    n = get_settings().password_min_length
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


# --- Helpers -----------------------------------------------------------------------------------------------------


def normalise_email(email: str) -> str:
    return email.strip().lower()


def check_email(email: str, confirm: str, *, field: str = "email") -> str:
    """The normalised address, or a message next to the field."""
    value = normalise_email(email)
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


def _check_name(value: str, field: str) -> str:
    value = " ".join(value.split())
    if not value:
        message = N_("Saisissez votre nom.") if field == "last_name" else N_("Saisissez votre prénom.")
        raise DomainError(f"{field}_required", message, field=field)
    if len(value) > 100:
        raise DomainError("name_too_long", N_("100 caractères au maximum."), field=field)
    return value


def _mail_context(account: Account) -> dict[str, str]:
    return {
        "first_name": account.first_name,
        "last_name": account.last_name,
        "dossier_number": account.dossier_number,
        "email": account.email,
    }


def enqueue_mail(session: Session, **kwargs: Any) -> None:
    """Enqueue through the mail service (imported at call time: the outbox module is loaded on demand)."""
    from app.services.mail import enqueue_mail as enqueue

    enqueue(session, **kwargs)


def _link(path: str) -> str:
    return f"{get_settings().base_url}{path}"


def issue_dossier_number(session: Session) -> str:
    """A fresh dossier number, recorded in IssuedDossierNumber so that it is never issued again."""
    prefix = get_settings().dossier_number_prefix
    for _ in range(50):
        number = prefix + "".join(secrets.choice(DOSSIER_ALPHABET) for _ in range(DOSSIER_NUMBER_LENGTH - len(prefix)))
        # The primary key is the guarantee; this look-up only avoids failing the transaction on a collision.
        if session.get(IssuedDossierNumber, number) is None:
            session.add(IssuedDossierNumber(number=number, issued_at=clock.now()))
            session.flush()
            return number
    raise RuntimeError("no free dossier number: lengthen the random part or shorten the prefix")


def _send_activation(session: Session, account: Account, *, code: str) -> None:
    days = get_settings().activation_days
    secret, token = issue_token(
        session, account_id=account.id or 0, purpose=TokenPurpose.ACTIVATION, lifetime=timedelta(days=days)
    )
    enqueue_mail(
        session,
        code=code,
        to=account.email,
        context={
            "account": _mail_context(account),
            "link": _link(f"/compte/activer/{secret}"),
            "expires_at": token.expires_at,
        },
        language=account.language,
        account_id=account.id,
    )


def _get_account(session: Session, account_id: int | None) -> Account:
    account = session.get(Account, account_id) if account_id else None
    if account is None or account.deleted_at is not None:
        raise NotFound("account")
    return account


# --- Creation and activation -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AccountCreated:
    """What the screen shows after creation; the same shape whether or not the address was already taken."""

    dossier_number: str
    email: str


def create_account(
    session: Session,
    *,
    actor: Actor,
    last_name: str,
    first_name: str,
    email: str,
    email_confirm: str,
    password: str,
    password_confirm: str,
    language: str = "fr",
) -> AccountCreated:
    """Create an unactivated account with a new dossier number and mail its activation link."""
    last_name = _check_name(last_name, "last_name")
    first_name = _check_name(first_name, "first_name")
    address = check_email(email, email_confirm)
    check_new_password(password, password_confirm, personal=(last_name, first_name, address.split("@")[0]))

    existing = session.exec(select(Account).where(Account.email == address)).first()
    if existing is not None:
        # Do not reveal the account: mail its owner and show a decoy number, burnt so it is never issued.
        number = issue_dossier_number(session)
        if existing.deleted_at is None and existing.is_activated:
            enqueue_mail(
                session,
                code="dossier_number_reminder",
                to=existing.email,
                context={"account": _mail_context(existing)},
                language=existing.language,
                account_id=existing.id,
            )
        elif existing.deleted_at is None:
            _send_activation(session, existing, code="activation_resent")
        audit(
            session,
            actor=actor,
            action="account.create_refused_duplicate",
            entity_type="account",
            entity_id=existing.id,
        )
        return AccountCreated(dossier_number=number, email=address)

    account = Account(
        dossier_number=issue_dossier_number(session),
        email=address,
        last_name=last_name,
        first_name=first_name,
        password_hash=hash_password(password),
        language=language,
        created_at=clock.now(),
    )
    session.add(account)
    try:
        session.flush()
    except IntegrityError as exc:  # the same address created at the same instant
        raise DomainError("email_taken_race", N_("Une erreur est survenue : veuillez réessayer.")) from exc
    _send_activation(session, account, code="account_created")
    audit(
        session,
        actor=actor,
        action="account.created",
        entity_type="account",
        entity_id=account.id,
        after={"dossier_number": account.dossier_number, "email": account.email},
    )
    return AccountCreated(dossier_number=account.dossier_number, email=address)


def activate_account(session: Session, *, actor: Actor, token: str) -> Account:
    """Activate the account of an activation link (a used, expired or unknown link raises TokenError)."""
    row = consume_token(session, secret=token, purpose=TokenPurpose.ACTIVATION)
    account = _get_account(session, row.account_id)
    if account.activated_at is None:
        account.activated_at = clock.now()
        session.add(account)
        audit(session, actor=actor, action="account.activated", entity_type="account", entity_id=account.id)
    revoke_tokens(session, account_id=account.id or 0, purpose=TokenPurpose.ACTIVATION)
    return account


def resend_activation(session: Session, *, actor: Actor, email: str) -> None:
    """Mail a new activation link if ``email`` has an unactivated account; silent otherwise."""
    account = session.exec(select(Account).where(Account.email == normalise_email(email))).first()
    if account is None or account.deleted_at is not None or account.is_activated:
        return
    _send_activation(session, account, code="activation_resent")
    audit(session, actor=actor, action="account.activation_resent", entity_type="account", entity_id=account.id)


# --- Forgotten password and dossier number -----------------------------------------------------------------------


def request_password_reset(session: Session, *, actor: Actor, login: str) -> None:
    """Mail a reset link (valid ``reset_hours``) to the account of ``login``; silent when there is none."""
    account = find_account_by_login(session, login)
    if account is None or (account.sso_subject is not None and account.password_hash is None):
        return
    if not account.is_activated:
        _send_activation(session, account, code="activation_resent")  # a reset would not let them in anyway
        return
    secret, token = issue_token(
        session,
        account_id=account.id or 0,
        purpose=TokenPurpose.PASSWORD_RESET,
        lifetime=timedelta(hours=get_settings().reset_hours),
    )
    enqueue_mail(
        session,
        code="password_reset",
        to=account.email,
        context={
            "account": _mail_context(account),
            "link": _link(f"/compte/mot-de-passe/{secret}"),
            "expires_at": token.expires_at,
        },
        language=account.language,
        account_id=account.id,
    )
    audit(session, actor=actor, action="account.password_reset_requested", entity_type="account", entity_id=account.id)


def reset_password(session: Session, *, actor: Actor, token: str, password: str, password_confirm: str) -> Account:
    """Set a new password through a reset link; the link and any other pending reset link stop working."""
    from app.services.tokens import check_token

    row = check_token(session, secret=token, purpose=TokenPurpose.PASSWORD_RESET)
    account = _get_account(session, row.account_id)
    # Check the password before spending the link, so a refused password leaves the link usable.
    check_new_password(
        password, password_confirm, personal=(account.last_name, account.first_name, account.email.split("@")[0])
    )
    consume_token(session, secret=token, purpose=TokenPurpose.PASSWORD_RESET)
    revoke_tokens(session, account_id=account.id or 0, purpose=TokenPurpose.PASSWORD_RESET)
    account.password_hash = hash_password(password)
    account.failed_sign_ins = 0
    account.throttled_until = None
    session.add(account)
    audit(session, actor=actor, action="account.password_reset", entity_type="account", entity_id=account.id)
    return account


def send_dossier_number_reminder(session: Session, *, actor: Actor, email: str) -> None:
    """Mail the dossier number to ``email`` if it has an account; silent otherwise."""
    account = session.exec(select(Account).where(Account.email == normalise_email(email))).first()
    if account is None or account.deleted_at is not None:
        return
    enqueue_mail(
        session,
        code="dossier_number_reminder",
        to=account.email,
        context={"account": _mail_context(account)},
        language=account.language,
        account_id=account.id,
    )
    audit(session, actor=actor, action="account.dossier_number_reminded", entity_type="account", entity_id=account.id)


# --- The signed-in candidate's own account -----------------------------------------------------------------------


def _own_account(session: Session, actor: Actor, *, write: bool = False) -> Account:
    """The actor's own account: checked before any look-up, so another candidate's id is never read."""
    require_account(actor, actor.account_id or 0, write=write)
    return _get_account(session, actor.account_id)


def get_own_account(session: Session, *, actor: Actor) -> Account:
    return _own_account(session, actor)


def change_password(
    session: Session, *, actor: Actor, current_password: str, password: str, password_confirm: str
) -> Account:
    account = _own_account(session, actor, write=True)
    if account.password_hash and not verify_password(account.password_hash, current_password):
        raise DomainError("bad_password", N_("Mot de passe actuel incorrect."), field="current_password")
    check_new_password(
        password, password_confirm, personal=(account.last_name, account.first_name, account.email.split("@")[0])
    )
    account.password_hash = hash_password(password)
    session.add(account)
    revoke_tokens(session, account_id=account.id or 0, purpose=TokenPurpose.PASSWORD_RESET)
    audit(session, actor=actor, action="account.password_changed", entity_type="account", entity_id=account.id)
    return account


def request_email_change(
    session: Session, *, actor: Actor, new_email: str, new_email_confirm: str, current_password: str
) -> None:
    """Mail a confirmation link to the new address; nothing changes until it is clicked."""
    account = _own_account(session, actor, write=True)
    if account.password_hash and not verify_password(account.password_hash, current_password):
        raise DomainError("bad_password", N_("Mot de passe actuel incorrect."), field="current_password")
    address = check_email(new_email, new_email_confirm, field="new_email")
    if address == account.email:
        raise DomainError("email_unchanged", N_("C'est déjà votre adresse e-mail."), field="new_email")
    # Whether the address is taken is only said when its owner clicks the link, never here.
    revoke_tokens(session, account_id=account.id or 0, purpose=TokenPurpose.EMAIL_CHANGE)
    secret, token = issue_token(
        session,
        account_id=account.id or 0,
        purpose=TokenPurpose.EMAIL_CHANGE,
        lifetime=timedelta(hours=get_settings().email_change_hours),
        new_email=address,
    )
    enqueue_mail(
        session,
        code="email_change_new_address",
        to=address,
        context={
            "account": _mail_context(account) | {"email": address},
            "link": _link(f"/compte/email/{secret}"),
            "expires_at": token.expires_at,
        },
        language=account.language,
        account_id=account.id,
    )
    audit(
        session,
        actor=actor,
        action="account.email_change_requested",
        entity_type="account",
        entity_id=account.id,
        after={"new_email": address},
    )


def confirm_email_change(session: Session, *, actor: Actor, token: str) -> Account:
    """Apply the e-mail change of a confirmation link and tell the old address."""
    row = consume_token(session, secret=token, purpose=TokenPurpose.EMAIL_CHANGE)
    account = _get_account(session, row.account_id)
    new_email = row.new_email or ""
    taken = session.exec(select(Account.id).where(Account.email == new_email, Account.id != account.id)).first()
    if taken is not None:
        raise DomainError("email_taken", N_("Cette adresse e-mail est déjà celle d'un autre compte."))
    old_email = account.email
    account.email = new_email
    session.add(account)
    session.flush()
    enqueue_mail(
        session,
        code="email_change_old_address",
        to=old_email,
        context={"account": _mail_context(account) | {"email": old_email}, "new_email": new_email},
        language=account.language,
        account_id=account.id,
    )
    audit(
        session,
        actor=actor,
        action="account.email_changed",
        entity_type="account",
        entity_id=account.id,
        before={"email": old_email},
        after={"email": new_email},
    )
    return account


# --- Purge -------------------------------------------------------------------------------------------------------


def purge_unactivated_accounts(session: Session, *, actor: Actor) -> int:
    """Delete accounts never activated within ``activation_days``; their dossier numbers stay burnt."""
    limit = clock.now() - timedelta(days=get_settings().activation_days)
    accounts = session.exec(
        select(Account).where(
            Account.activated_at.is_(None),  # type: ignore[union-attr]
            Account.sso_subject.is_(None),  # type: ignore[union-attr]
            Account.created_at < limit,
        )
    ).all()
    ids = [a.id for a in accounts]
    if not ids:
        return 0
    for account in accounts:
        enqueue_mail(
            session,
            code="account_deleted",
            to=account.email,
            context={"account": _mail_context(account)},
            language=account.language,
        )
        audit(
            session,
            actor=actor,
            action="account.purged_unactivated",
            entity_type="account",
            entity_id=account.id,
            before={"dossier_number": account.dossier_number, "email": account.email},
        )
    # Rows pointing at the accounts without cascading: keep the history, drop the link.
    session.exec(update(OutboxMail).where(OutboxMail.account_id.in_(ids)).values(account_id=None))  # type: ignore
    session.exec(update(AuditEvent).where(AuditEvent.actor_account_id.in_(ids)).values(actor_account_id=None))  # type: ignore
    session.exec(delete(AccountToken).where(AccountToken.account_id.in_(ids)))  # type: ignore[union-attr]
    session.exec(delete(Candidate).where(Candidate.account_id.in_(ids)))  # type: ignore[attr-defined]
    session.exec(delete(Account).where(Account.id.in_(ids)))  # type: ignore[union-attr]
    return len(ids)
