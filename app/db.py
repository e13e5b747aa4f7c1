"""Engine, sessions and the transaction helper every service uses."""

import asyncio
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine, make_url
from sqlmodel import Session, create_engine

from app.config import get_settings
from app.services.platform.text_fold import register_sqlite_function

_engine: Engine | None = None


@dataclass(frozen=True)
class TransactionHooks:
    """What the read-only mode (``app.services.platform.read_only``, which registers them when imported) adds to
    every ``transaction()`` and engine: services sit above this module, so it calls them instead of importing them."""

    guard: Callable[[Session], None]  # attaches the refusal of writes to a new session
    translate: Callable[[BaseException], BaseException | None]  # a write the database refused, as a clear error
    on_error: Callable[[Any], None]  # SQLAlchemy's handle_error: notes a database that refuses writes


_hooks: TransactionHooks | None = None


def set_transaction_hooks(hooks: TransactionHooks) -> None:
    global _hooks
    _hooks = hooks


def _on_database_error(context: Any) -> None:
    if _hooks is not None:
        _hooks.on_error(context)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=15000")
    cursor.close()
    register_sqlite_function(dbapi_connection)  # names searched accents aside (app.services.platform.text_fold)


# Statements a page ran on the event loop while LOOP_GUARD_VARIABLE was set (the tests read and clear it).
loop_violations: list[str] = []
LOOP_GUARD_VARIABLE = "ECANDIDAT_LOOP_GUARD"


def _in_page_on_event_loop() -> bool:
    """Whether this thread runs the event loop *and* the current task is drawing a page or handling its event.

    NiceGUI keeps a slot stack per asyncio task: it is non-empty exactly while a page or one of its handlers
    runs; a test body or a background task calling services has none.
    """
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    from nicegui.slot import Slot, get_task_id  # only with the guard on: the data layer needs no NiceGUI

    return bool(Slot.stacks.get(get_task_id()))


def _refuse_on_event_loop(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
    if _in_page_on_event_loop():
        loop_violations.append(statement.split("\n", 1)[0][:200])
        raise RuntimeError(f"database call on the event loop from a page: {statement[:120]!r}")


def make_engine(url: str) -> Engine:
    """Build an engine for ``url``; SQLite gets WAL, foreign keys and a busy timeout.

    With ``ECANDIDAT_LOOP_GUARD=1`` (the tests) a statement sent from a page on the event loop fails: pages
    load and save through ``run.io_bound`` so that one slow query never stalls every visitor's websocket.
    """
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 15})
        event.listen(engine, "connect", _sqlite_pragmas)
    else:
        engine = create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=20)
    if os.environ.get(LOOP_GUARD_VARIABLE) == "1":
        event.listen(engine, "before_cursor_execute", _refuse_on_event_loop)
    # A write the database refuses switches the portal to read-only (app.services.platform.read_only).
    event.listen(engine, "handle_error", _on_database_error)
    return engine


def get_engine() -> Engine:
    """The process-wide engine, created on first use from the settings."""
    global _engine
    if _engine is None:
        _engine = make_engine(get_settings().database_url)
    return _engine


def reset_engine() -> None:
    """Dispose of the engine so the next call rebuilds it from the (possibly changed) settings."""
    global _engine
    if _engine is not None:
        _engine.dispose()
    _engine = None


def new_session() -> Session:
    """A session whose objects stay usable after commit (pages bind them detached)."""
    return Session(get_engine(), expire_on_commit=False)


@contextmanager
def transaction() -> Iterator[Session]:
    """One unit of work: commit on success, roll back on any exception.

    While the portal is read-only its writes are refused before any is sent, unless the work is allowed
    (``read_only.allow``); a write the database itself refused reads as the same clear error (``TransactionHooks``).
    """
    hooks = _hooks
    with new_session() as session:
        if hooks is not None:
            hooks.guard(session)
        try:
            yield session
            session.commit()
        except BaseException as error:
            session.rollback()
            if hooks is not None and (refusal := hooks.translate(error)) is not None:
                raise refusal from error
            raise
