"""Addresses that bounce: a mail refused for good (SMTP 5xx) flags the account whose address it was sent to.

The flag (``Account.email_bounced_at`` and ``email_bounce_reason``) is set by the delivery worker right after it
records the failure (in a transaction of its own), and cleared when a later mail to the same address is delivered
or when the candidate changes their address (``app.services.accounts.credentials``). Staff see it on the dossier,
the candidate on their home page.
"""

import logging
from datetime import datetime

from sqlalchemy import update
from sqlmodel import Session, col, select

from app.db import transaction
from app.models import Account
from app.services.platform.errors import DomainError

log = logging.getLogger(__name__)

REASON_MAX = 500  # Account.email_bounce_reason


def note_outcome(address: str, error: str | None, when: datetime) -> None:
    """After the worker recorded a delivery (``error`` None) or a permanent refusal: set or clear the flag, in a
    transaction of its own so that a refusal here (the portal in read-only mode) never undoes the mail's outcome.
    Nothing is written when nothing changes (the usual delivery to an address that never bounced)."""
    address = address.strip().lower()
    try:
        with transaction() as session:
            flagged = select(Account.id).where(Account.email == address)
            if error is None:
                flagged = flagged.where(col(Account.email_bounced_at).is_not(None))
            if session.exec(flagged).first() is None:
                return
            if error is None:
                clear_after_delivery(session, address)
            else:
                flag(session, address, error, when)
    except DomainError as refusal:
        log.warning("bounce flag of %s not updated: %s", address, refusal)


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
