"""Addresses that bounce: a mail refused for good (SMTP 5xx) flags the account whose address it was sent to.

The flag (``Account.email_bounced_at`` and ``email_bounce_reason``) is set by the delivery worker in the transaction
that records the failure, and cleared when a later mail to the same address is delivered or when the candidate
changes their address (``app.services.accounts.credentials``). Staff see it on the dossier, the candidate on their
home page.
"""

from datetime import datetime

from sqlalchemy import update
from sqlmodel import Session, col

from app.models import Account

REASON_MAX = 500  # Account.email_bounce_reason


def flag(session: Session, address: str, reason: str, when: datetime) -> None:
    """Flag the account whose address is ``address`` (stored lower-cased), if any."""
    session.execute(
        update(Account)
        .where(col(Account.email) == address.strip().lower())
        .values(email_bounced_at=when, email_bounce_reason=reason[:REASON_MAX])
        .execution_options(synchronize_session=False)
    )


def clear_after_delivery(session: Session, address: str) -> None:
    """A mail to ``address`` arrived: the address works again."""
    session.execute(
        update(Account)
        .where(col(Account.email) == address.strip().lower(), col(Account.email_bounced_at).is_not(None))
        .values(email_bounced_at=None, email_bounce_reason="")
        .execution_options(synchronize_session=False)
    )


def clear(account: Account) -> None:
    """The account's address changed: the flag was about the old one."""
    account.email_bounced_at = None
    account.email_bounce_reason = ""
