"""Live updates: tell the pages open on a candidate's applications that they changed.

A service that changes an application calls ``notify_candidate(session, candidate_id)`` inside its transaction;
the candidate id is kept in ``session.info`` and announced only after the transaction commits (a SQLAlchemy
``after_commit`` listener), so a change that rolls back is never announced. Pages ``subscribe`` a callback when
they are drawn and ``unsubscribe`` it when their client goes away.

Two audiences: the candidate's pages, and the staff pages of the candidate's applications. A change only staff
see (a post-it, tags, a decision entered but not published) is announced with ``staff_only=True``: it reaches the
pages subscribed with ``staff=True`` and leaves the candidate's pages alone (a redraw there would wipe what the
candidate is typing, for nothing they can see).

Callbacks run synchronously in the committing thread (a page action, a job thread) or the Redis relay's: quick and
thread-safe — a page only schedules its refresh on the event loop (``loop.call_soon_threadsafe``).

Several instances: the local subscribers are always called at once; when ``ECANDIDAT_REDIS_URL`` is set, the
commit hook also hands each candidate id to a broadcaster (``set_broadcaster``, installed by the relay of
``app.services.platform.notifications_redis``), which publishes it on Redis for the other instances to relay to theirs.
"""

import logging
import threading
from collections.abc import Callable
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session, SessionTransaction

log = logging.getLogger(__name__)

Callback = Callable[[], None]
Broadcaster = Callable[[int, bool], None]  # (candidate id, staff only)

_PENDING_KEY = "ecandidat.notify_candidates"


class Subscribers:
    """The callbacks of one instance, by candidate id (a test may build a second one to play another instance)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._callbacks: dict[int, dict[Callback, bool]] = {}  # callback → also told of staff-only changes

    def subscribe(self, candidate_id: int, callback: Callback, *, staff: bool = False) -> None:
        """``staff``: a staff page, told of every change (the candidate's pages only of what they show)."""
        with self._lock:
            self._callbacks.setdefault(candidate_id, {})[callback] = staff

    def unsubscribe(self, candidate_id: int, callback: Callback) -> None:
        with self._lock:
            callbacks = self._callbacks.get(candidate_id)
            if callbacks is not None:
                callbacks.pop(callback, None)
                if not callbacks:
                    del self._callbacks[candidate_id]

    def count(self, candidate_id: int) -> int:
        with self._lock:
            return len(self._callbacks.get(candidate_id, ()))

    def publish(self, candidate_id: int, staff_only: bool = False) -> None:
        """Call every callback subscribed for ``candidate_id`` now (only the staff pages' for a staff-only change)."""
        with self._lock:
            subscribed = self._callbacks.get(candidate_id, {})
            callbacks = [callback for callback, staff in subscribed.items() if staff or not staff_only]
        for callback in callbacks:
            try:
                callback()
            except Exception:  # one broken page must not stop the others, nor fail the committed action
                log.exception("live-update callback for candidate %s failed", candidate_id)


_local = Subscribers()
_broadcaster: Broadcaster | None = None


def subscribe(candidate_id: int, callback: Callback, *, staff: bool = False) -> None:
    _local.subscribe(candidate_id, callback, staff=staff)


def unsubscribe(candidate_id: int, callback: Callback) -> None:
    _local.unsubscribe(candidate_id, callback)


def subscriber_count(candidate_id: int) -> int:
    return _local.count(candidate_id)


def notify_candidate(session: Session, candidate_id: int, *, staff_only: bool = False) -> None:
    """Announce, once this session's transaction commits, that ``candidate_id``'s applications changed.

    ``staff_only``: nothing the candidate's pages show changed (a post-it, tags, a decision not published yet);
    one change they do show in the same transaction makes the whole announcement reach them too."""
    pending: dict[int, bool] = session.info.setdefault(_PENDING_KEY, {})
    pending[candidate_id] = pending.get(candidate_id, True) and staff_only


def publish(candidate_id: int, staff_only: bool = False) -> None:
    """Call every callback of this process subscribed for ``candidate_id`` now (the commit hook does this)."""
    _local.publish(candidate_id, staff_only)


def set_broadcaster(broadcaster: Broadcaster | None) -> Broadcaster | None:
    """Hand committed candidate ids (and whether the change is staff-only) to ``broadcaster`` too (None: this
    process only); returns the previous one."""
    global _broadcaster
    previous, _broadcaster = _broadcaster, broadcaster
    return previous


def install_redis_relay(app: Any) -> None:
    """Relay through Redis between instances with the application's life when ``ECANDIDAT_REDIS_URL`` is set."""
    from app.config import get_settings

    if get_settings().redis_url:
        from app.services.platform.notifications_redis import install  # needs the redis package: only then

        install(app)


@event.listens_for(Session, "after_commit")
def _publish_after_commit(session: Session) -> None:
    broadcaster = _broadcaster
    for candidate_id, staff_only in sorted(session.info.pop(_PENDING_KEY, {}).items()):
        publish(candidate_id, staff_only)  # this instance first, whatever becomes of the broker
        if broadcaster is not None:
            try:
                broadcaster(candidate_id, staff_only)
            except Exception:  # the commit is done: a broker problem only loses the other instances' refresh
                log.exception("broadcasting the change of candidate %s failed", candidate_id)


@event.listens_for(Session, "after_transaction_end")
def _forget_after_rollback(session: Session, transaction: SessionTransaction) -> None:
    # The outermost transaction ended without a commit (after_commit already emptied the set otherwise).
    if transaction.parent is None and not transaction.nested:
        session.info.pop(_PENDING_KEY, None)
