"""Mailed single-use links: a random secret goes in the mail, only its SHA-256 is stored.

A link is refused with a distinct error when it is unknown, already used or expired, so that the
screen can say which and offer a new one.
"""

import hashlib
import secrets
from datetime import timedelta

from sqlmodel import Session, select, update

from app import clock
from app.i18n import N_
from app.models import AccountToken, TokenPurpose
from app.services.platform.errors import DomainError


class TokenError(DomainError):
    """A link that cannot be used; ``code`` is ``token_unknown``, ``token_used`` or ``token_expired``."""


def _unknown() -> TokenError:
    return TokenError("token_unknown", N_("Ce lien n'est pas valide. Vérifiez qu'il a été copié en entier."))


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def issue_token(
    session: Session,
    *,
    account_id: int,
    purpose: TokenPurpose,
    lifetime: timedelta,
    new_email: str | None = None,
) -> tuple[str, AccountToken]:
    """Create a link for ``account_id``; return the secret (to mail) and the stored row."""
    secret = secrets.token_urlsafe(32)  # 256 bits: not guessable, unlike eCandidat's predictable links
    token = AccountToken(
        account_id=account_id,
        purpose=purpose,
        token_hash=hash_secret(secret),
        new_email=new_email,
        expires_at=clock.now() + lifetime,
    )
    session.add(token)
    session.flush()
    return secret, token


def check_token(session: Session, *, secret: str, purpose: TokenPurpose, lock: bool = False) -> AccountToken:
    """The token matching ``secret`` for ``purpose``, if it can still be used; otherwise a TokenError."""
    if not secret or len(secret) > 200:
        raise _unknown()
    query = select(AccountToken).where(AccountToken.token_hash == hash_secret(secret))
    if lock:
        query = query.with_for_update()
    token = session.exec(query).first()
    if token is None or token.purpose != purpose:
        raise _unknown()
    if token.used_at is not None:
        raise TokenError("token_used", N_("Ce lien a déjà été utilisé. Vous pouvez en demander un nouveau."))
    if token.expires_at <= clock.now():
        raise TokenError("token_expired", N_("Ce lien a expiré. Vous pouvez en demander un nouveau."))
    return token


def consume_token(session: Session, *, secret: str, purpose: TokenPurpose) -> AccountToken:
    """Check the token and mark it used, atomically: two clicks at once cannot both succeed."""
    token = check_token(session, secret=secret, purpose=purpose, lock=True)
    now = clock.now()
    # Conditional update: only the first of two concurrent transactions changes the row.
    result = session.exec(
        update(AccountToken).where(AccountToken.id == token.id, AccountToken.used_at.is_(None)).values(used_at=now)
    )
    if result.rowcount != 1:
        raise TokenError("token_used", N_("Ce lien a déjà été utilisé. Vous pouvez en demander un nouveau."))
    token.used_at = now
    return token


def revoke_tokens(session: Session, *, account_id: int, purpose: TokenPurpose) -> None:
    """Mark every unused token of ``account_id`` for ``purpose`` as used (after a reset, say)."""
    session.exec(
        update(AccountToken)
        .where(
            AccountToken.account_id == account_id,
            AccountToken.purpose == purpose,
            AccountToken.used_at.is_(None),
        )
        .values(used_at=clock.now())
    )
