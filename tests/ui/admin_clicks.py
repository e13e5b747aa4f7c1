"""Clicks on the administration screens whose handlers are async: they save off the event loop, in a worker thread.

NiceGUI runs an async handler as a background task, so ``user.find(...).click()`` returns before it has finished.
``await click(user, marker)`` clicks, then waits until the tasks the click started (the handler, the refreshes it
fires) are done, so that what the handler shows, or stored, can be checked right after.
"""

import asyncio

from nicegui import background_tasks
from nicegui.testing import User

SETTLE_SECONDS = 10.0


def _page_loop(task: asyncio.Task) -> bool:
    """A page's message loop (NiceGUI's outbox), which lives as long as the page: a click that opens a page (a
    sign-in, a sign-out, a link) starts one, and it never ends while the page is open. Waiting for it only ever
    waited out the timeout (10 s per such click); the navigation itself is a task of its own, waited for."""
    return task.get_name().startswith("outbox loop ")


async def settled(before: set[asyncio.Task], timeout: float = SETTLE_SECONDS) -> None:
    """Wait until the background tasks started since ``before`` are done (at most ``timeout`` seconds)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        pending = {t for t in background_tasks.running_tasks if t not in before and not t.done() and not _page_loop(t)}
        remaining = deadline - loop.time()
        if not pending or remaining <= 0:
            return
        await asyncio.wait(pending, timeout=remaining)
        await asyncio.sleep(0)  # let the tasks they started be created


async def click(user: User, marker: str) -> None:
    """Click the element marked ``marker`` and wait for its handler (and what it started) to finish."""
    before = set(background_tasks.running_tasks)
    user.find(marker=marker).click()
    await settled(before)
