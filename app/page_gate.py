"""The page gate: at most ``ECANDIDAT_CONCURRENT_PAGES`` page views are in the works at once on one process.

A page view is a few milliseconds of Python on the event loop between its queries: NiceGUI's ``Client``, the page
function's elements, the page's HTML (``build_response``) and its compression. With fifty views in the works, each
turn of the event loop runs a step of every one of them, and every open page's websocket messages wait behind
them all. So page views take turns, first come first served, from the moment the waiting room admits them
(``app/waiting_room.py``) to the moment their response starts: the turns of the loop stay short and the pages come
out just as fast.

Measured with ``bench/pages.py`` and ``wrk -c50``: a gate around the page function alone (its first form) brought
the event-loop lag p99 on « Mes candidatures » from 194 to 21 ms, but not on the public pages, where NiceGUI's
``Client`` and the page's HTML are a third of a view; around the whole view, ``/`` went from a lag p50/p99 of
13–73/40–186 ms to 3–4/15–19 ms at the same requests per second. Two places by default: on an application's page
at 50 connections, 1, 2 and 4 places gave 55, 46 and 46 req/s on SQLite but 34, 37 and 36 on PostgreSQL, whose
queries wait on the network.

The place is given back when the response starts, not when it is sent: a slow connection receiving a large page
never holds it. A view that gets no place within ``ECANDIDAT_PAGE_TIMEOUT_SECONDS`` is answered the waiting page.
"""

import asyncio
import weakref
from typing import Any

from app.config import get_settings

# One gate per event loop (the screen tests run several loops in one process).
_gates: "weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Semaphore]" = weakref.WeakKeyDictionary()


def page_gate() -> asyncio.Semaphore:
    loop = asyncio.get_running_loop()
    gate = _gates.get(loop)
    if gate is None:
        gate = _gates[loop] = asyncio.Semaphore(get_settings().concurrent_pages)
    return gate


async def through_gate(app: Any, scope: dict[str, Any], receive: Any, send: Any) -> bool:
    """Run ``app`` for a page view holding a place at the gate until its response starts. False when no place came
    within ``page_timeout_seconds``: nothing of ``app`` ran, the caller answers."""
    gate = page_gate()
    try:
        async with asyncio.timeout(get_settings().page_timeout_seconds):
            await gate.acquire()
    except TimeoutError:
        return False
    held = True

    def give_back() -> None:
        nonlocal held
        if held:
            held = False
            gate.release()

    async def send_then_give_back(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            give_back()  # the page is built; sending it is the connection's business
        await send(message)

    try:
        await app(scope, receive, send_then_give_back)
    finally:
        give_back()
    return True
