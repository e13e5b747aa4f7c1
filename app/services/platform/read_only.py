"""The portal's read-only mode (« lecture seule »), for results day and for a database that refuses writes.

Two switches make the portal read-only:

- **the central office's**, a ``PortalParameter`` row named ``read_only`` (no new table: the parameters' table
  already carries who and when, its version and its cross-instance cache invalidation); stored by :func:`switch`,
  which the central office's screen calls (``admin/read_only_switch.py``: who may, and the audit);
- **the automatic one**, per process: when the database refuses a write (PostgreSQL ``read_only_sql_transaction``,
  SQLSTATE 25006 — a standby, ``default_transaction_read_only``; SQLite "attempt to write a readonly database"),
  the engine's ``handle_error`` hook calls :func:`note_refused_write` with the reason and the time. It cannot be
  stored in the database that refuses writes, hence in memory; each instance finds out on its own first refused
  write. It clears itself when a probe write succeeds (at most every ``PROBE_SECONDS``, off the event loop) or
  when the central office's switch commits (that commit proves writes work again). "database is locked" and lost
  connections do not flip it: the first is ordinary contention past the busy timeout, the second is a database
  down, which read-only mode cannot help.

Enforcement is in **one place**: :func:`guard` hooks every session that ``app.db.transaction()`` opens; before a
flush or an ORM ``insert``/``update``/``delete`` sends anything, a write is refused with ``READ_ONLY``
(``DomainError("portal_read_only")``) and the whole transaction rolls back — nothing is half-done, no mail is
enqueued (the outbox is in the same transaction), no audit row is left. What still goes through:

- a transaction marked with :func:`allow` and its purpose: ``"answer"`` (``confirm_offer``, ``withdraw``: the one
  write that must never be refused on results day, with all that follows it — the history row, the hand-off,
  the mails, the audit, the waiting-list call after a withdrawal); ``"sign_in"`` (password and SSO sign-in: failure
  counters, throttling, last sign-in, their audit; a candidate's first SSO sign-in creates the account it signs
  into; an API token's last use, so that the REST API still reads); ``"switch"`` (the central office turning the
  mode on or off);
- writes that touch only bookkeeping (``TECHNICAL_TABLES``): job runs, sign-in throttles, editing leases, audit
  events (the audit of views, the role switch), the staff list's columns and page size (how one reads, not what
  is read), and *updates* of outbox mails (the worker delivering the answers' mails; new mails are not
  bookkeeping). A transaction that also writes anything else is refused whole.

A mark lasts for its session: pages open one ``transaction()`` per action and call one service in it.

Services with side effects outside the database check :func:`require_portal_writable` first (an upload would
otherwise normalise and store bytes before its flush is refused).
"""

import asyncio
import logging
import sqlite3
import threading
import time
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

import sqlalchemy as sa
from sqlmodel import Session, select

from app import clock
from app.db import TransactionHooks, get_engine, set_transaction_hooks
from app.i18n import N_
from app.models import (
    AuditEvent,
    EditLease,
    JobRun,
    OutboxMail,
    PortalParameter,
    SignInThrottle,
    StaffListPreference,
    StaffMember,
)
from app.services.platform import parameters
from app.services.platform.errors import DomainError
from app.services.platform.process_cache import EngineCache

log = logging.getLogger(__name__)

PARAMETER = "read_only"  # the PortalParameter row of the central office's switch
CACHE_SECONDS = 30.0
PROBE_SECONDS = 30.0
Purpose = Literal["answer", "sign_in", "switch"]
_ALLOWED_KEY = "read_only_allowed"

READ_ONLY = N_(
    "Le portail est en lecture seule : cette modification n'est pas possible pour le moment. Vous pouvez "
    "consulter vos candidatures et répondre aux propositions d'admission."
)
BANNER = N_(
    "Le portail est en lecture seule : vous pouvez consulter vos candidatures et répondre aux propositions "
    "d'admission ; les autres modifications sont suspendues."
)
TECHNICAL_TABLES = frozenset(
    model.__tablename__  # type: ignore[attr-defined]
    for model in (JobRun, SignInThrottle, EditLease, AuditEvent, StaffListPreference)
)
_UPDATED_ONLY = frozenset({OutboxMail.__tablename__})  # type: ignore[attr-defined]


class PortalReadOnly(DomainError):
    def __init__(self) -> None:
        super().__init__("portal_read_only", READ_ONLY)


@dataclass(frozen=True)
class ReadOnlyState:
    on: bool
    automatic: bool = False  # the database refused a write (else the central office switched it)
    since: datetime | None = None
    by: str = ""  # the staff member who switched it on
    reason: str = ""  # the database's words, for staff (automatic switch)


OFF = ReadOnlyState(on=False)


# --- The central office's switch (cached like the parameters) ------------------------------------------------------


def read_switch(session: Session) -> ReadOnlyState:
    row = session.get(PortalParameter, PARAMETER)
    if row is None or not row.value.get("value"):
        return OFF
    member = session.get(StaffMember, row.updated_by_staff_id) if row.updated_by_staff_id else None
    return ReadOnlyState(on=True, since=row.updated_at, by=member.display_name if member else "")


_cache: EngineCache[ReadOnlyState] = EngineCache("read-only mode", read_switch, lambda: OFF, CACHE_SECONDS)


def invalidate() -> None:
    _cache.invalidate()


# --- The automatic switch ------------------------------------------------------------------------------------------


@dataclass
class _Automatic:
    since: datetime
    reason: str
    probed_at: float


_automatic: _Automatic | None = None
_lock = threading.Lock()
_probing = False


def refuses_writes(error: BaseException) -> bool:
    """Whether a driver error says the database refuses writes (not contention, not a lost connection)."""
    if getattr(error, "sqlstate", None) == "25006" or getattr(error, "pgcode", None) == "25006":
        return True
    if isinstance(error, sqlite3.Error):
        code = getattr(error, "sqlite_errorcode", None)
        return (code is not None and code & 0xFF == sqlite3.SQLITE_READONLY) or "readonly database" in str(error)
    return False


def note_refused_write(reason: str) -> None:
    """The database refused a write: switch to read-only in this process (the first reason and time stay)."""
    global _automatic
    with _lock:
        if _automatic is None:
            log.error("the database refuses writes (%s): the portal is read-only until a write succeeds", reason)
            _automatic = _Automatic(clock.now(), reason[:300], time.monotonic())


def on_database_error(context: Any) -> None:
    """The engine's ``handle_error`` hook (app.db.make_engine)."""
    error = context.original_exception
    if refuses_writes(error):
        note_refused_write(str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__)


def clear_automatic() -> None:
    global _automatic
    with _lock:
        if _automatic is not None:
            log.warning("the database accepts writes again: the automatic read-only mode ends")
        _automatic = None


def probe() -> bool:
    """Try a write that changes nothing (rolled back); ends the automatic switch when it passes."""
    table = PortalParameter.__table__  # type: ignore[attr-defined]
    statement = sa.update(table).where(table.c.name == "~probe~").values(updated_by_staff_id=None)
    try:
        with get_engine().connect() as connection:
            connection.execute(statement)
            connection.rollback()
    except sa.exc.DBAPIError:
        with _lock:
            if _automatic is not None:
                _automatic.probed_at = time.monotonic()
        return False
    clear_automatic()
    return True


def _probe_if_due() -> None:
    """Probe when the automatic switch is on and the last probe is old; on the event loop, in a worker thread."""
    global _probing
    automatic = _automatic
    if automatic is None or _probing or time.monotonic() - automatic.probed_at < PROBE_SECONDS:
        return
    _probing = True
    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:
        _probe_then_release()
        return
    loop.run_in_executor(None, _probe_then_release)  # a page never waits for the probe: it answers next time


def _probe_then_release() -> None:
    global _probing
    try:
        probe()
    finally:
        _probing = False


# --- What the portal is now ----------------------------------------------------------------------------------------


def _automatic_state() -> ReadOnlyState | None:
    """The automatic switch when it is on (probing the database first when a probe is due), else None."""
    _probe_if_due()
    automatic = _automatic
    if automatic is None:
        return None
    return ReadOnlyState(on=True, automatic=True, since=automatic.since, reason=automatic.reason)


def state() -> ReadOnlyState:
    """The mode now: the automatic switch first (it says why), else the central office's."""
    automatic = _automatic_state()
    return automatic if automatic is not None else _cache.get()


def state_in(session: Session) -> ReadOnlyState:
    """Like :func:`state`, the central office's switch read straight from the database (its screen)."""
    automatic = _automatic_state()
    return automatic if automatic is not None else read_switch(session)


def is_on() -> bool:
    return state().on


def require_portal_writable() -> None:
    """Refuse early, before any side effect outside the database (see the module's docstring)."""
    if is_on():
        raise PortalReadOnly()


# --- Enforcement on the sessions of app.db.transaction() -----------------------------------------------------------


def allow(session: Session, purpose: Purpose) -> None:
    """Let this transaction write while the portal is read-only (the purposes are listed in the docstring)."""
    session.info[_ALLOWED_KEY] = purpose


def _bookkeeping(table: str, new: bool) -> bool:
    return table in TECHNICAL_TABLES or (table in _UPDATED_ONLY and not new)


def _table_of(instance: Any) -> str:
    return str(sa.inspect(instance).mapper.local_table.name)


def _before_flush(session: Session, _context: Any, _instances: Any) -> None:
    if session.info.get(_ALLOWED_KEY):
        return
    changes = [(o, True) for o in session.new] + [(o, False) for o in session.deleted]
    changes += [(o, False) for o in session.dirty if session.is_modified(o)]
    if changes and not all(_bookkeeping(_table_of(o), new) for o, new in changes) and is_on():
        raise PortalReadOnly()


def _before_execute(state: Any) -> None:
    if not (state.is_insert or state.is_update or state.is_delete) or state.session.info.get(_ALLOWED_KEY):
        return
    table = getattr(state.statement, "table", None)
    name = str(getattr(table, "name", ""))
    if not _bookkeeping(name, state.is_insert) and is_on():
        raise PortalReadOnly()


def guard(session: Session) -> None:
    """Refuse this session's writes while the portal is read-only (``app.db.transaction`` calls it)."""
    sa.event.listen(session, "before_flush", _before_flush)
    sa.event.listen(session, "do_orm_execute", _before_execute)


def translate_refusal(error: BaseException) -> DomainError | None:
    """The clear error for a write the database itself refused (the automatic switch has flipped meanwhile)."""
    original = getattr(error, "orig", None)
    if isinstance(error, sa.exc.DBAPIError) and original is not None and refuses_writes(original):
        return PortalReadOnly()
    return None


# --- The central office's switch, stored ---------------------------------------------------------------------------


def switch(session: Session, *, on: bool, staff_id: int) -> tuple[bool, PortalParameter]:
    """Store the central office's switch as set by ``staff_id`` (the caller checks the right and audits); return
    whether it was on before, and its row. It applies on commit, on every instance; switching off also ends the
    automatic switch then (that commit is a write the database accepted)."""
    allow(session, "switch")
    row = session.exec(select(PortalParameter).where(PortalParameter.name == PARAMETER).with_for_update()).first()
    before = bool(row is not None and row.value.get("value"))
    row = parameters.stage_row(session, row, PARAMETER, on, staff_id)
    session.flush()
    _cache.invalidate_on_commit(session)
    if not on:
        sa.event.listen(session, "after_commit", lambda _s: clear_automatic(), once=True)
    return before, row


def install() -> None:
    """Make every ``transaction()`` and engine of this process refuse writes while the portal is read-only (app.db
    may not import services: it calls these hooks). Done on import; ``prepare_database`` names it at start-up."""
    set_transaction_hooks(TransactionHooks(guard=guard, translate=translate_refusal, on_error=on_database_error))


install()
