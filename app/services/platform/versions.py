"""Concurrent edits are refused, never merged: the one place that turns a failed version check into a refusal.

Rows that people edit carry a version column (``version_id_col``): SQLAlchemy's UPDATE says ``WHERE version = n``
and raises ``StaleDataError`` when another transaction changed the row first.
"""

from sqlalchemy.orm.exc import StaleDataError
from sqlmodel import Session

from app.services.platform.errors import DomainError, StaleEdit


def flush_versioned(session: Session, refusal: DomainError | None = None) -> None:
    """Flush; a row changed meanwhile by someone else refuses the action with ``refusal`` (:class:`StaleEdit`)."""
    try:
        session.flush()
    except StaleDataError:
        raise (refusal or StaleEdit()) from None
