"""Event-loop lag probe for ``bench/pages.py``, installed by ``build_app`` only with ``ECANDIDAT_BENCH_PROBE=1``.

A task sleeps 10 ms in a loop and records how late it wakes up: the time every other visitor's websocket message
and page waits behind whatever holds the event loop. ``GET /_bench/loop-lag`` gives the percentiles (ms) of the
samples since the last ``?reset=1``.

``GET /_bench/views`` counts the page views alive, connected or not, and those whose outbox still polls.

``GET /_bench/statements`` counts the SQL statements sent (and their time, connection checkouts and pings) since
the last ``?reset=1``, the ten most frequent first: ``bench/pages.py`` divides them by the requests it sent alone.

``POST /_bench/export/{job_id}`` builds a queued export in this process's export threads, as the list's « Exporter »
does in a process that builds its own exports (role ``all``): ``bench/export_latency.py`` measures what that costs
the pages served beside it, against the same export built by ``python -m app.worker``.
"""

import asyncio
import contextlib
import threading
import time
from collections import Counter
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlalchemy.pool import Pool

PATH = "/_bench/loop-lag"
STATEMENTS_PATH = "/_bench/statements"
VIEWS_PATH = "/_bench/views"
EXPORT_PATH = "/_bench/export/{job_id}"
INTERVAL_S = 0.010
MAX_SAMPLES = 1_000_000

_samples: list[float] = []
_task: asyncio.Task | None = None


async def _probe() -> None:
    loop = asyncio.get_running_loop()
    while True:
        start = loop.time()
        await asyncio.sleep(INTERVAL_S)
        _samples.append(max(0.0, loop.time() - start - INTERVAL_S))
        if len(_samples) > MAX_SAMPLES:
            del _samples[: MAX_SAMPLES // 2]


def _percentile(ordered: list[float], q: float) -> float:
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def summary(samples: list[float]) -> dict[str, float | int | None]:
    ordered = sorted(samples)
    if not ordered:
        return {"samples": 0, "p50_ms": None, "p99_ms": None, "max_ms": None}
    return {
        "samples": len(ordered),
        "p50_ms": round(_percentile(ordered, 0.50) * 1000, 2),
        "p99_ms": round(_percentile(ordered, 0.99) * 1000, 2),
        "max_ms": round(ordered[-1] * 1000, 2),
    }


class StatementCounter:
    """Every statement any engine of this process sends, its time, and the pool's checkouts (each one pings a
    PostgreSQL connection first: ``pool_pre_ping``)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._started = threading.local()
        self.reset()

    def reset(self) -> None:
        with self._lock:
            self.count, self.seconds, self.checkouts = 0, 0.0, 0
            self.by_text: Counter[str] = Counter()

    def install(self) -> None:
        sa.event.listen(Engine, "before_cursor_execute", self._before)
        sa.event.listen(Engine, "after_cursor_execute", self._after)
        sa.event.listen(Pool, "checkout", self._checkout)

    def _before(self, *_args: Any) -> None:
        self._started.at = time.perf_counter()

    def _after(self, _conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        elapsed = time.perf_counter() - getattr(self._started, "at", time.perf_counter())
        with self._lock:
            self.count += 1
            self.seconds += elapsed
            self.by_text[" ".join(statement.split())[:160]] += 1

    def _checkout(self, *_args: Any) -> None:
        with self._lock:
            self.checkouts += 1

    def summary(self) -> dict[str, Any]:
        with self._lock:
            return {
                "statements": self.count,
                "statement_ms": round(self.seconds * 1000, 2),
                "checkouts": self.checkouts,
                "top": self.by_text.most_common(10),
            }


statements = StatementCounter()


def views_summary() -> dict[str, Any]:
    """The page views alive: connected or not, and how many never-connected ones have their outbox polling."""
    from nicegui import Client

    views = list(Client.instances.values())
    socketless = [c for c in views if not c.has_socket_connection]
    polling = [c for c in socketless if c.outbox._enqueue_event is not None and c.outbox._enqueue_event.is_set()]
    return {
        "views": len(views),
        "socketless": len(socketless),
        "socketless_polling": len(polling),
        "polling_with_updates": sum(1 for c in polling if c.outbox.updates),
        "polling_with_messages": sum(1 for c in polling if c.outbox.messages),
        "polling_paths": Counter(c.page.path for c in polling).most_common(5),
        "polling_messages": Counter(m[1] for c in polling for m in c.outbox.messages).most_common(5),
    }


def install() -> None:
    from nicegui import app  # here: bench/pages_reference.py imports the statement counter without NiceGUI

    async def start() -> None:
        global _task
        _task = asyncio.get_running_loop().create_task(_probe())

    async def stop() -> None:
        if _task is not None:
            _task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await _task

    app.on_startup(start)
    app.on_shutdown(stop)
    statements.install()

    @app.get(PATH, include_in_schema=False)
    async def loop_lag(reset: int = 0) -> dict[str, float | int | None]:
        result = summary(_samples)
        if reset:
            _samples.clear()
        return result

    @app.get(STATEMENTS_PATH, include_in_schema=False)
    async def sql_statements(reset: int = 0) -> dict[str, Any]:
        result = statements.summary()
        if reset:
            statements.reset()
        return result

    @app.get(VIEWS_PATH, include_in_schema=False)
    async def page_views() -> dict[str, Any]:
        return views_summary()

    @app.post(EXPORT_PATH, include_in_schema=False)
    async def start_export(job_id: int) -> dict[str, int]:
        from app.services.exports import jobs  # the probe's only service: imported when a bench asks for it

        jobs.start(job_id)
        return {"started": job_id}
