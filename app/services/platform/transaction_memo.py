"""What one transaction has already read, kept for the rest of it: a bulk action asks the same question for each of
its rows (the programme's examining committees, the actor's role), and the answer cannot change under it but by its
own writes. Every memo of a session is forgotten when its transaction ends (commit or rollback), so a session kept
across transactions (a job's, a test's) reads again; a writer that changes what a memo holds forgets it (``forget``).
"""

from typing import Any

from sqlalchemy import event
from sqlmodel import Session

_MEMOS = "transaction_memo"


def memo(session: Session, name: str) -> dict[Any, Any]:
    """The dict ``name`` of this session's current transaction (empty at its start)."""
    return session.info.setdefault(_MEMOS, {}).setdefault(name, {})


def forget(session: Session, name: str) -> None:
    session.info.get(_MEMOS, {}).pop(name, None)


@event.listens_for(Session, "after_commit")
@event.listens_for(Session, "after_rollback")
def _transaction_ended(session: Session) -> None:
    session.info.pop(_MEMOS, None)
