"""Live updates: tell the pages a candidate has open that their applications changed.

A service that changes an application calls ``notify_candidate(session, candidate_id)`` inside its transaction;
the candidate id is kept in ``session.info`` and announced only after the transaction commits (a SQLAlchemy
``after_commit`` listener), so a change that rolls back is never announced. Pages ``subscribe`` a callback when
they are drawn and ``unsubscribe`` it when their client goes away.

Callbacks run synchronously in the committing thread (a page action, a job thread): they must be quick and
thread-safe — a page only schedules its refresh on the event loop (``loop.call_soon_threadsafe``).

In-process only: with several instances behind a proxy, a change committed by instance A does not reach a
page drawn by instance B. That setup needs a broker (Redis pub/sub on a ``candidate:{id}`` channel, published
from the same ``after_commit`` hook and relayed to the local subscribers); the settings have no Redis yet.
"""

import logging
import threading
from collections.abc import Callable

from sqlalchemy import event
from sqlalchemy.orm import Session, SessionTransaction

log = logging.getLogger(__name__)

Callback = Callable[[], None]

_PENDING_KEY = "ecandidat.notify_candidates"
_lock = threading.Lock()
_subscribers: dict[int, set[Callback]] = {}


def subscribe(candidate_id: int, callback: Callback) -> None:
    with _lock:
        _subscribers.setdefault(candidate_id, set()).add(callback)


def unsubscribe(candidate_id: int, callback: Callback) -> None:
    with _lock:
        callbacks = _subscribers.get(candidate_id)
        if callbacks is not None:
            callbacks.discard(callback)
            if not callbacks:
                del _subscribers[candidate_id]


def subscriber_count(candidate_id: int) -> int:
    with _lock:
        return len(_subscribers.get(candidate_id, ()))


def notify_candidate(session: Session, candidate_id: int) -> None:
    """Announce, once this session's transaction commits, that ``candidate_id``'s applications changed."""
    session.info.setdefault(_PENDING_KEY, set()).add(candidate_id)


def publish(candidate_id: int) -> None:
    """Call every callback subscribed for ``candidate_id`` now (the commit hook does this)."""
    with _lock:
        callbacks = list(_subscribers.get(candidate_id, ()))
    for callback in callbacks:
        try:
            callback()
        except Exception:  # one broken page must not stop the others, nor fail the committed action
            log.exception("live-update callback for candidate %s failed", candidate_id)


@event.listens_for(Session, "after_commit")
def _publish_after_commit(session: Session) -> None:
    for candidate_id in sorted(session.info.pop(_PENDING_KEY, ())):
        publish(candidate_id)


@event.listens_for(Session, "after_transaction_end")
def _forget_after_rollback(session: Session, transaction: SessionTransaction) -> None:
    # The outermost transaction ended without a commit (after_commit already emptied the set otherwise).
    if transaction.parent is None and not transaction.nested:
        session.info.pop(_PENDING_KEY, None)
