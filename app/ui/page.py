"""``page``: NiceGUI's ``ui.page`` for our screens, with what the frame needs loaded off the event loop first.

Every screen registers with ``@page("/path")`` instead of ``@ui.page``. Before the page function runs, the frame's
data (the banners, a staff member's roles) is read in a worker thread; the page function itself may be ``async``
and load its own data with ``run.io_bound``. No query runs on the event loop, so one slow query never stalls the
websockets of every other visitor (the tests set ``ECANDIDAT_LOOP_GUARD=1``, which makes such a query fail).

Page views take turns: at most ``ECANDIDAT_CONCURRENT_PAGES`` are built at the same time by one process, the others
wait for a place, first come, first served. Building a page is a few milliseconds of Python on the event loop
between its queries; with fifty views in progress those steps pile up in each turn of the loop, and every open
page's websocket messages wait behind them (bench/pages.py, ``/candidat/candidatures`` at 50 connections: event-loop
lag p99 194 → 21 ms with 4 places, the same requests per second: the loop was the bottleneck either way). Two places
by default: on an application's page at 50 connections, 1, 2 and 4 places gave 55, 46 and 46 req/s on SQLite but
34, 37 and 36 on PostgreSQL, whose queries wait on the network; lag p99 stayed under 40 ms. A view may wait and build
for ``ECANDIDAT_PAGE_TIMEOUT_SECONDS`` (NiceGUI's default, 3 s, would answer an error page under load).
"""

import asyncio
import functools
import inspect
import weakref
from collections.abc import Callable
from typing import Any, TypeVar

from nicegui import ui

from app.config import get_settings
from app.ui.frame import prepare_frame
from app.waiting_room import register_page_path

F = TypeVar("F", bound=Callable[..., Any])


# One gate per event loop (the screen tests run several loops in one process).
_gates: "weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Semaphore]" = weakref.WeakKeyDictionary()


def page_gate() -> asyncio.Semaphore:
    loop = asyncio.get_running_loop()
    gate = _gates.get(loop)
    if gate is None:
        gate = _gates[loop] = asyncio.Semaphore(get_settings().concurrent_pages)
    return gate


async def breathe() -> None:
    """Give the event loop one turn between two parts of a long page view. A page's drawing runs in one go once its
    data is loaded: the staff list's took 10 ms or more of the loop, during which no other visitor's message,
    request or page step moved. Only in the page function's first drawing (no handler or live redraw of the page
    can run yet); the page's slot stack belongs to its own task. Not for pages of small parts: on an application's
    page, a turn after each piece card made page views slower (p99 at 10 connections 0.7 → 1.1 s) for no lag gained."""
    await asyncio.sleep(0)


def page(path: str, **kwargs: Any) -> Callable[[F], F]:
    kwargs.setdefault("response_timeout", get_settings().page_timeout_seconds)

    def decorator(func: F) -> F:
        @functools.wraps(func)  # NiceGUI reads the path and query parameters from the wrapped signature
        async def draw(*args: Any, **kw: Any) -> Any:
            async with page_gate():
                await prepare_frame()
                result = func(*args, **kw)
                if inspect.isawaitable(result):
                    result = await result
                return result

        ui.page(path, **kwargs)(draw)
        register_page_path(path)  # a page view the waiting room may hold back (app/waiting_room.py)
        return func

    return decorator
