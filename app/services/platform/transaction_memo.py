"""What one transaction has already read, kept for the rest of it: a bulk action asks the same question for each of
its rows (the programme's examining committees, the actor's role), and the answer cannot change under it but by its
own writes. Every memo of a session is forgotten when its transaction ends (commit or rollback), so a session kept
across transactions (a job's, a test's) reads again; a writer that changes what a memo holds forgets it (``forget``).

A session that only reads (a page's load: ``only_reads``) may also keep rows that writes change often, such as an
application's latest published decision (``view_memo``): the page reads it in one service and asks again in the
next ones (the answer, the letter). Nothing keeps them in a session that may write.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event
from sqlmodel import Session

_MEMOS = "transaction_memo"


def memo(session: Session, name: str) -> dict[Any, Any]:
    """The dict ``name`` of this session's current transaction (empty at its start)."""
    return session.info.setdefault(_MEMOS, {}).setdefault(name, {})


_READ_ONLY = "transaction_memo.read_only"
LATEST_PUBLISHED = "latest_published"  # application id → its latest published Decision row, or None


@contextmanager
def only_reads(session: Session) -> Iterator[Session]:
    """While inside, ``session`` only reads: services keep what they read in ``view_memo`` for the rest of it."""
    session.info[_READ_ONLY] = {}
    try:
        yield session
    finally:
        session.info.pop(_READ_ONLY, None)


def view_memo(session: Session, name: str) -> dict[Any, Any] | None:
    """The dict ``name`` of a session that only reads (``only_reads``); None in any other session."""
    kept = session.info.get(_READ_ONLY)
    return None if kept is None else kept.setdefault(name, {})


def forget(session: Session, name: str) -> None:
    session.info.get(_MEMOS, {}).pop(name, None)


@event.listens_for(Session, "after_commit")
@event.listens_for(Session, "after_rollback")
def _transaction_ended(session: Session) -> None:
    session.info.pop(_MEMOS, None)
