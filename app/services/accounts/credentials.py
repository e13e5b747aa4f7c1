"""A candidate's credentials: forgotten and changed passwords, and the confirmed change of e-mail address."""

from datetime import timedelta

from sqlmodel import Session, select

from app.config import get_settings
from app.i18n import N_
from app.models import Account, TokenPurpose
from app.services.accounts.auth import find_account_by_login
from app.services.accounts.candidates import (
    EMAIL_CHANGE_PATH,
    PASSWORD_RESET_PATH,
    get_account,
    mail_account,
    own_account,
    send_activation,
    token_link,
)
from app.services.accounts.passwords import hash_password, verify_password
from app.services.accounts.rules import check_new_email, check_new_password
from app.services.accounts.tokens import check_token, consume_token, issue_token, revoke_tokens
from app.services.mail import bounces
from app.services.platform import parameters
from app.services.platform.actors import Actor
from app.services.platform.audit import audit_row
from app.services.platform.errors import DomainError
from app.services.platform.text_rules import check_text


def _check_new_password(account: Account, password: str, password_confirm: str) -> None:
    """The password rules, the account's names and address being too guessable to be part of it."""
    check_new_password(
        password, password_confirm, personal=(account.last_name, account.first_name, account.email.split("@")[0])
    )


def _own_account_confirmed(session: Session, actor: Actor, current_password: str) -> Account:
    """The signed-in candidate's account, once its current password (if it has one: SSO) is typed again."""
    account = own_account(session, actor, write=True)
    if account.password_hash and not verify_password(account.password_hash, current_password):
        raise DomainError("bad_password", N_("Mot de passe actuel incorrect."), field="current_password")
    return account


# --- Forgotten password -----------------------------------------------------------------------------------------------


def request_password_reset(session: Session, *, actor: Actor, login: str) -> None:
    """Mail a reset link (valid ``reset_hours``) to the account of ``login``; silent when there is none."""
    account = find_account_by_login(session, check_text(login, field="login"))
    if account is None or (account.sso_subject is not None and account.password_hash is None):
        return
    if not account.is_activated:
        send_activation(session, account, code="activation_resent")  # a reset would not let them in anyway
        return
    secret, token = issue_token(
        session,
        account_id=account.id or 0,
        purpose=TokenPurpose.PASSWORD_RESET,
        lifetime=timedelta(hours=parameters.current("reset_hours")),
    )
    mail_account(session, account, "password_reset", token_link(PASSWORD_RESET_PATH, secret, token))
    audit_row(session, actor, "account.password_reset_requested", account)


def reset_password(session: Session, *, actor: Actor, token: str, password: str, password_confirm: str) -> Account:
    """Set a new password through a reset link; the link and any other pending reset link stop working."""
    row = check_token(session, secret=token, purpose=TokenPurpose.PASSWORD_RESET)
    account = get_account(session, row.account_id)
    # Check the password before spending the link, so a refused password leaves the link usable.
    _check_new_password(account, password, password_confirm)
    consume_token(session, secret=token, purpose=TokenPurpose.PASSWORD_RESET)
    revoke_tokens(session, account_id=account.id or 0, purpose=TokenPurpose.PASSWORD_RESET)
    account.password_hash = hash_password(password)
    account.failed_sign_ins = 0
    account.throttled_until = None
    session.add(account)
    audit_row(session, actor, "account.password_reset", account)
    return account


# --- The signed-in candidate's own account ----------------------------------------------------------------------------


def change_password(
    session: Session, *, actor: Actor, current_password: str, password: str, password_confirm: str
) -> Account:
    account = _own_account_confirmed(session, actor, current_password)
    _check_new_password(account, password, password_confirm)
    account.password_hash = hash_password(password)
    session.add(account)
    revoke_tokens(session, account_id=account.id or 0, purpose=TokenPurpose.PASSWORD_RESET)
    audit_row(session, actor, "account.password_changed", account)
    return account


def request_email_change(
    session: Session, *, actor: Actor, new_email: str, new_email_confirm: str, current_password: str
) -> None:
    """Mail a confirmation link to the new address; nothing changes until it is clicked."""
    account = _own_account_confirmed(session, actor, current_password)
    address = check_new_email(
        account.email, new_email, new_email_confirm, unchanged=N_("C'est déjà votre adresse e-mail.")
    )
    # Whether the address is taken is only said when its owner clicks the link, never here.
    send_email_change_link(session, account, address)
    audit_row(session, actor, "account.email_change_requested", account, after={"new_email": address})


def send_email_change_link(session: Session, account: Account, address: str) -> None:
    """Mail ``address`` the link that moves the account to it (an earlier pending link stops working)."""
    revoke_tokens(session, account_id=account.id or 0, purpose=TokenPurpose.EMAIL_CHANGE)
    secret, token = issue_token(
        session,
        account_id=account.id or 0,
        purpose=TokenPurpose.EMAIL_CHANGE,
        lifetime=timedelta(hours=get_settings().email_change_hours),
        new_email=address,
    )
    mail_account(session, account, "email_change_new_address", token_link(EMAIL_CHANGE_PATH, secret, token), to=address)


def confirm_email_change(session: Session, *, actor: Actor, token: str) -> Account:
    """Apply the e-mail change of a confirmation link and tell the old address."""
    row = consume_token(session, secret=token, purpose=TokenPurpose.EMAIL_CHANGE)
    account = get_account(session, row.account_id)
    new_email = row.new_email or ""
    taken = session.exec(select(Account.id).where(Account.email == new_email, Account.id != account.id)).first()
    if taken is not None:
        raise DomainError("email_taken", N_("Cette adresse e-mail est déjà celle d'un autre compte."))
    old_email = account.email
    account.email = new_email
    bounces.clear(account)
    session.add(account)
    session.flush()
    mail_account(session, account, "email_change_old_address", {"new_email": new_email}, to=old_email)
    audit_row(session, actor, "account.email_changed", account, before={"email": old_email}, after={"email": new_email})
    return account
