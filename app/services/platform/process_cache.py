"""A small in-process cache of something read from the database, for what is read on every page.

The value is reloaded after ``seconds`` (so that several instances converge) and dropped as soon as a
transaction that changed it commits (so that this instance shows the change at once). It belongs to the engine
it was read from: a new engine (another database) reads again. With ``ECANDIDAT_REDIS_URL`` set, that commit also
broadcasts the cache's name (``set_broadcaster``, see app.services.platform.notifications_redis) and the other instances
drop their copy at once (``invalidate_named``); the reload after ``seconds`` stays the fallback.
"""

import asyncio
import logging
import threading
import time
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, Protocol, TypeVar

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session

from app.config import get_settings

T = TypeVar("T")
log = logging.getLogger(__name__)

_by_name: "weakref.WeakValueDictionary[str, Invalidatable]" = weakref.WeakValueDictionary()
_broadcaster: Callable[[str], None] | None = None
_all: "weakref.WeakSet[EngineCache[Any]]" = weakref.WeakSet()
_DROPPED = float("-inf")  # the loaded_at of a dropped value: stale for get, absent for peek


def set_broadcaster(broadcaster: Callable[[str], None] | None) -> Callable[[str], None] | None:
    """Hand the name of each cache a commit invalidated to ``broadcaster`` too; returns the previous one."""
    global _broadcaster
    previous, _broadcaster = _broadcaster, broadcaster
    return previous


def _event_loop() -> asyncio.AbstractEventLoop | None:
    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        return None


def warm_all() -> None:
    """Read every cache that is empty or stale (blocking: pages call it in a worker thread before drawing)."""
    for cache in list(_all):
        if not cache.is_fresh():
            cache.get()


def all_fresh() -> bool:
    return all(cache.is_fresh() for cache in list(_all))


class Invalidatable(Protocol):
    def invalidate(self) -> None: ...


def register_named(name: str, target: Invalidatable) -> None:
    """Let ``invalidate_named(name)`` (a broadcast from another instance) reach ``target``; keep it referenced."""
    _by_name[name] = target


def broadcast(name: str) -> None:
    """Tell the other instances (when a broadcaster is installed) that the cache called ``name`` is stale."""
    broadcaster = _broadcaster
    if broadcaster is not None:
        try:
            broadcaster(name)
        except Exception:  # the commit is done; the other instances fall back on their reload delay
            log.exception("broadcasting the invalidation of %s failed", name)


def invalidate_named(name: str) -> None:
    """Drop the cache called ``name`` (another instance committed a change to it); unknown names are ignored."""
    cache = _by_name.get(name)
    if cache is not None:
        cache.invalidate()


@dataclass
class _Entry(Generic[T]):
    engine: Engine
    url: str
    loaded_at: float
    value: T


class EngineCache(Generic[T]):
    def __init__(self, name: str, loader: Callable[[Session], T], fallback: Callable[[], T], seconds: float) -> None:
        self.name = name
        self.loader = loader
        self.fallback = fallback
        self.seconds = seconds
        self._entry: _Entry[T] | None = None
        self._lock = threading.Lock()
        self._reloading = False
        _by_name[name] = self
        _all.add(self)

    def get(self) -> T:
        """The cached value, read again when stale or when the database changed.

        On the event loop a stale value of the same database is returned at once and read again in a worker
        thread: a page never waits for this query (pages warm every cache first, see ``warm_all``).
        """
        from app.db import get_engine  # the engine of the current settings

        engine = get_engine()
        entry = self._entry
        if entry is not None and entry.engine is engine:
            if time.monotonic() - entry.loaded_at < self.seconds:
                return entry.value
            if _event_loop() is not None:
                self._reload_soon()
                return entry.value
        return self._load(engine)

    def _reload_soon(self) -> None:
        loop = _event_loop()
        if loop is None or self._reloading:
            return
        self._reloading = True

        def reload() -> None:
            from app.db import get_engine

            try:
                self._load(get_engine())
            finally:
                self._reloading = False

        loop.run_in_executor(None, reload)

    def _load(self, engine: Engine) -> T:
        with self._lock:
            try:
                with Session(engine) as session:
                    value = self.loader(session)
            except sa.exc.SQLAlchemyError:
                # The table is not there (yet): the fallback holds; read again next time.
                log.warning("%s unreadable; using the fallback", self.name, exc_info=True)
                return self.fallback()
            self._entry = _Entry(engine, get_settings().database_url, time.monotonic(), value)
        return value

    def is_fresh(self) -> bool:
        """Whether :meth:`get` would answer from memory, without a query (pages load it off the event loop first)."""
        from app.db import get_engine

        entry = self._entry
        return entry is not None and entry.engine is get_engine() and time.monotonic() - entry.loaded_at < self.seconds

    def peek(self) -> T | None:
        """The cached value of the current database, without touching it (None when nothing is cached)."""
        entry = self._entry
        if entry is not None and entry.url == get_settings().database_url and entry.loaded_at != _DROPPED:
            return entry.value
        return None

    def invalidate(self) -> None:
        """Read again at the next :meth:`get`; on the event loop the previous value serves until then (see get)."""
        entry = self._entry
        if entry is not None:
            self._entry = _Entry(entry.engine, entry.url, _DROPPED, entry.value)

    def invalidate_on_commit(self, session: Session) -> None:
        """Drop the value when ``session``'s transaction commits (a rolled-back change keeps it)."""
        sa.event.listen(session, "after_commit", lambda _session: self._committed(), once=True)

    def _committed(self) -> None:
        self.invalidate()
        broadcast(self.name)
