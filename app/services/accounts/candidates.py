"""Candidate accounts: creation with a dossier number, activation, reminders, and the purge of unactivated ones.

No answer of these services tells whether an address has an account: requests about an unknown
address succeed silently, and creating an account with a taken address mails its owner instead.
Passwords and e-mail changes are in app/services/accounts/credentials.py; the input rules in
app/services/accounts/rules.py.
"""

import secrets
import string
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any

from sqlalchemy import delete, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from app import clock
from app.config import get_settings
from app.i18n import LANGUAGES, N_
from app.models import Account, AccountToken, AuditEvent, Candidate, IssuedDossierNumber, OutboxMail, TokenPurpose
from app.services.accounts.auth import purge_throttles
from app.services.accounts.passwords import hash_password
from app.services.accounts.rules import check_email, check_name, check_new_password, typed_email
from app.services.accounts.tokens import consume_token, issue_token, revoke_tokens
from app.services.platform import parameters
from app.services.platform.actors import Actor, require_account
from app.services.platform.audit import audit_row
from app.services.platform.errors import DomainError, NotFound
from app.services.platform.form_checks import FieldChecks
from app.services.platform.jobs import register_job

DOSSIER_ALPHABET = string.digits + string.ascii_uppercase
DOSSIER_NUMBER_LENGTH = 8  # prefix included, as in eCandidat

# --- Helpers shared with accounts_credentials -------------------------------------------------------------------------


def mail_context(account: Account) -> dict[str, str]:
    return {
        "first_name": account.first_name,
        "last_name": account.last_name,
        "dossier_number": account.dossier_number,
        "email": account.email,
    }


def enqueue_mail(session: Session, **kwargs: Any) -> None:
    """Enqueue through the mail service (imported at call time: the outbox module is loaded on demand)."""
    from app.services.mail.outbox import enqueue_mail as enqueue

    enqueue(session, **kwargs)


def mail_account(
    session: Session,
    account: Account,
    code: str,
    extra: dict[str, Any] | None = None,
    *,
    to: str | None = None,
    keep_account: bool = True,
) -> None:
    """Mail ``code`` to the account (or to ``to``, an address it leaves or takes), in its language.

    The ``account`` variable's e-mail is the address written to; ``keep_account`` False leaves the mail unlinked
    from an account about to be deleted.
    """
    address = to or account.email
    enqueue_mail(
        session,
        code=code,
        to=address,
        context={"account": mail_context(account) | {"email": address}} | (extra or {}),
        language=account.language,
        account_id=account.id if keep_account else None,
    )


def link(path: str) -> str:
    return f"{get_settings().base_url}{path}"


# The pages a mailed single-use link opens (app.ui.routes' ACCOUNT_ACTIVATE, PASSWORD_RESET and EMAIL_CHANGE: services
# do not import the screen kit, tests/ui/test_links.py keeps them equal).
ACTIVATION_PATH = "/compte/activer/{token}"
PASSWORD_RESET_PATH = "/compte/mot-de-passe/{token}"
EMAIL_CHANGE_PATH = "/compte/email/{token}"


def token_link(path: str, secret: str, token: AccountToken) -> dict[str, Any]:
    """The ``link`` and ``expires_at`` variables of a mail carrying a single-use link to ``path``."""
    return {"link": link(path.format(token=secret)), "expires_at": token.expires_at}


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


def send_activation(session: Session, account: Account, *, code: str) -> None:
    days = parameters.current("activation_days")
    secret, token = issue_token(
        session, account_id=account.id or 0, purpose=TokenPurpose.ACTIVATION, lifetime=timedelta(days=days)
    )
    mail_account(session, account, code, token_link(ACTIVATION_PATH, secret, token))


def get_account(session: Session, account_id: int | None) -> Account:
    account = session.get(Account, account_id) if account_id else None
    if account is None or account.deleted_at is not None:
        raise NotFound("account")
    return account


def own_account(session: Session, actor: Actor, *, write: bool = False) -> Account:
    """The actor's own account: checked before any look-up, so another candidate's id is never read."""
    require_account(actor, actor.account_id or 0, write=write)
    return get_account(session, actor.account_id)


def get_own_account(session: Session, *, actor: Actor) -> Account:
    return own_account(session, actor)


UNKNOWN_LANGUAGE = N_("Choisissez une langue dans la liste.")


def set_preferred_language(session: Session, *, actor: Actor, language: str) -> Account:
    """The language of the candidate's mails (« Langue préférée »), one of ``LANGUAGES``; audited."""
    account = own_account(session, actor, write=True)
    if language not in LANGUAGES:
        raise DomainError("unknown_language", UNKNOWN_LANGUAGE, field="language")
    if account.language != language:
        before, account.language = account.language, language
        session.add(account)
        session.flush()
        audit_row(
            session,
            actor,
            "account.language_changed",
            account,
            before={"language": before},
            after={"language": language},
        )
    return account


# --- Creation, activation and reminders -------------------------------------------------------------------------------


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
    """Create an unactivated account with a new dossier number and mail its activation link; every field in
    error is named at once."""
    checks = FieldChecks()
    checked_last = checks(check_name, last_name, "last_name")
    checked_first = checks(check_name, first_name, "first_name")
    address = checks(check_email, email, email_confirm)
    personal = (checked_last or last_name, checked_first or first_name, (address or email).split("@")[0])
    checks(check_new_password, password, password_confirm, personal=personal)
    checks.raise_refusals()
    assert checked_last is not None and checked_first is not None and address is not None
    last_name, first_name = checked_last, checked_first

    existing = session.exec(select(Account).where(Account.email == address)).first()
    if existing is not None:
        return _answer_a_taken_address(session, actor, existing, address)

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
    send_activation(session, account, code="account_created")
    audit_row(
        session,
        actor,
        "account.created",
        account,
        after={"dossier_number": account.dossier_number, "email": account.email},
    )
    return AccountCreated(dossier_number=account.dossier_number, email=address)


def _answer_a_taken_address(session: Session, actor: Actor, existing: Account, address: str) -> AccountCreated:
    """Do not reveal the account: mail its owner and show a decoy number, burnt so it is never issued."""
    number = issue_dossier_number(session)
    if existing.deleted_at is None and existing.is_activated:
        mail_account(session, existing, "dossier_number_reminder")
    elif existing.deleted_at is None:
        send_activation(session, existing, code="activation_resent")
    audit_row(session, actor, "account.create_refused_duplicate", existing)
    return AccountCreated(dossier_number=number, email=address)


def activate_account(session: Session, *, actor: Actor, token: str) -> Account:
    """Activate the account of an activation link (a used, expired or unknown link raises TokenError)."""
    row = consume_token(session, secret=token, purpose=TokenPurpose.ACTIVATION)
    account = get_account(session, row.account_id)
    if account.activated_at is None:
        account.activated_at = clock.now()
        session.add(account)
        audit_row(session, actor, "account.activated", account)
    revoke_tokens(session, account_id=account.id or 0, purpose=TokenPurpose.ACTIVATION)
    return account


def resend_activation(session: Session, *, actor: Actor, email: str) -> None:
    """Mail a new activation link if ``email`` has an unactivated account; silent otherwise."""
    account = session.exec(select(Account).where(Account.email == typed_email(email))).first()
    if account is None or account.deleted_at is not None or account.is_activated:
        return
    send_activation(session, account, code="activation_resent")
    audit_row(session, actor, "account.activation_resent", account)


def send_dossier_number_reminder(session: Session, *, actor: Actor, email: str) -> None:
    """Mail the dossier number to ``email`` if it has an account; silent otherwise."""
    account = session.exec(select(Account).where(Account.email == typed_email(email))).first()
    if account is None or account.deleted_at is not None:
        return
    mail_account(session, account, "dossier_number_reminder")
    audit_row(session, actor, "account.dossier_number_reminded", account)


# --- Purge ------------------------------------------------------------------------------------------------------------


def purge_unactivated_accounts(session: Session, *, actor: Actor) -> int:
    """Delete accounts never activated within ``activation_days``; their dossier numbers stay burnt."""
    limit = clock.now() - timedelta(days=parameters.current("activation_days"))
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
        mail_account(session, account, "account_deleted", keep_account=False)
        audit_row(
            session,
            actor,
            "account.purged_unactivated",
            account,
            before={"dossier_number": account.dossier_number, "email": account.email},
        )
    # Rows pointing at the accounts without cascading: keep the history, drop the link.
    session.exec(update(OutboxMail).where(OutboxMail.account_id.in_(ids)).values(account_id=None))  # type: ignore
    session.exec(update(AuditEvent).where(AuditEvent.actor_account_id.in_(ids)).values(actor_account_id=None))  # type: ignore
    session.exec(delete(AccountToken).where(AccountToken.account_id.in_(ids)))  # type: ignore[union-attr]
    session.exec(delete(Candidate).where(Candidate.account_id.in_(ids)))  # type: ignore[attr-defined]
    session.exec(delete(Account).where(Account.id.in_(ids)))  # type: ignore[union-attr]
    return len(ids)


def purge_job(session: Session, now: datetime) -> tuple[int, str]:
    """The daily purge: accounts never activated in time, and sign-in counters gone quiet."""
    purged = purge_unactivated_accounts(session, actor=Actor.system())
    counters = purge_throttles(session, now=now)
    return purged, f"Comptes jamais activés supprimés : {purged} ; compteurs de connexion effacés : {counters}."


register_job(
    "purge_unactivated_accounts", purge_job, daily_at=time(3, 30), label=N_("Purge des comptes jamais activés")
)
