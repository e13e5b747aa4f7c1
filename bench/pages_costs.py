"""What one request of a page costs, measured alone, for ``bench/pages.py``: SQL statements (their count, their time,
the pool's checkouts) and CPU time (the whole process, and its event-loop thread for the portal).

Requests per second and p99 move with whatever else the machine runs; these figures do not: ``N`` requests are sent
one after the other with nothing else in flight, the server's statement counter (``GET /_bench/statements``:
``app/bench_probe.py`` in the portal, the same counter in the reference) and its CPU clocks (``/proc/<pid>/stat``,
``/proc/<pid>/task/<pid>/stat``: the main thread runs the event loop) are read before and after, and divided by
``N``. Work a server does beside the requests (the portal's pruning tick, its jobs) is counted too: a few per cent
at most over the 40 requests of a batch.
"""

import os
import time
import urllib.request
from json import loads
from pathlib import Path
from typing import Any

import httpx

STATEMENTS_PATH = "/_bench/statements"
REQUESTS = 40
_TICK = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int, *, thread: bool = False) -> float:
    """user + system CPU seconds of process ``pid`` (or of its main thread: ``thread=True``)."""
    path = Path(f"/proc/{pid}/task/{pid}/stat" if thread else f"/proc/{pid}/stat")
    fields = path.read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / _TICK  # utime, stime (fields 14 and 15 of stat(5))


def statements(base: str, *, reset: bool) -> dict[str, Any] | None:
    """The server's statement counter (None when this revision has none)."""
    try:
        with urllib.request.urlopen(f"{base}{STATEMENTS_PATH}?reset={int(reset)}", timeout=60) as response:
            return loads(response.read())
    except OSError:
        return None


def per_request(base: str, url: str, headers: dict[str, str], pid: int, *, loop_thread: bool) -> dict[str, Any]:
    """Statements, statement time, checkouts, CPU (and event-loop CPU) per request of ``url``, requests sent alone."""
    with httpx.Client(base_url=base, timeout=60, headers=headers) as client:
        for _ in range(3):  # first-use costs (imports, caches, prepared statements) are not the page's
            client.get(url).raise_for_status()
        time.sleep(0.5)  # what the warm-up left (its pages' last steps) is done before the clocks are read
        statements(base, reset=True)
        cpu, loop = cpu_seconds(pid), cpu_seconds(pid, thread=True) if loop_thread else 0.0
        started = time.perf_counter()
        for _ in range(REQUESTS):
            client.get(url).raise_for_status()
        wall = time.perf_counter() - started
        cpu, loop = cpu_seconds(pid) - cpu, (cpu_seconds(pid, thread=True) - loop) if loop_thread else None
    counted = statements(base, reset=True)
    figures: dict[str, Any] = {
        "requests": REQUESTS,
        "wall_ms_per_request": round(wall * 1000 / REQUESTS, 1),
        "cpu_ms_per_request": round(cpu * 1000 / REQUESTS, 1),
        "loop_cpu_ms_per_request": round(loop * 1000 / REQUESTS, 1) if loop is not None else None,
    }
    if counted is not None:
        figures |= {
            "statements_per_request": round(counted["statements"] / REQUESTS, 2),
            "statement_ms_per_request": round(counted["statement_ms"] / REQUESTS, 2),
            "checkouts_per_request": round(counted["checkouts"] / REQUESTS, 2),
        }
    return figures
