"""Blocks that public pages draw the same for every visitor, built once per language and kept while they hold.

On results day thousands of visitors open the home page and « Formations » within minutes: the offer they see is
the same for each of them. A block is built in a worker thread (its queries and its HTML), then served from memory
until the first of: a committed change of the offer (``offer_changes.generation``), the moment its content
changes by itself (a window opens or closes, a day passes: ``valid_until``), ``MAX_SECONDS``, another database
(tests), or the clock set back (tests).
"""

from collections.abc import Callable, Hashable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from nicegui import run
from sqlalchemy.engine import Engine

from app import clock
from app.db import get_engine
from app.services.offer import changes as offer_changes

MAX_SECONDS = 60  # instances without Redis converge within a minute
_LIMIT = 64  # keys are (block, language[, path]): a handful; never let a bug grow it without bound


@dataclass(frozen=True)
class _Entry:
    engine: Engine
    generation: int
    built_at: datetime
    valid_until: datetime
    value: Any


_entries: dict[Hashable, _Entry] = {}


def _fresh(entry: _Entry | None, now: datetime) -> bool:
    return (
        entry is not None
        and entry.engine is get_engine()
        and entry.generation == offer_changes.generation()
        and entry.built_at <= now < entry.valid_until
    )


async def shared(key: Hashable, build: Callable[[datetime], tuple[Any, datetime | None]]) -> Any:
    """The block called ``key``; ``build(now)`` (blocking, run off the event loop) returns it and until when it
    holds (None: no limit but ``MAX_SECONDS``)."""
    now = clock.now()
    entry = _entries.get(key)
    if entry is not None and _fresh(entry, now):
        return entry.value
    generation = offer_changes.generation()  # read before building: a change during the build wins
    value, until = await run.io_bound(build, now)
    cap = now + timedelta(seconds=MAX_SECONDS)
    if len(_entries) >= _LIMIT:
        _entries.clear()
    _entries[key] = _Entry(get_engine(), generation, now, min(until, cap) if until else cap, value)
    return value


def forget_all() -> None:
    """Drop every block (tests; a language catalogue reloaded)."""
    _entries.clear()
