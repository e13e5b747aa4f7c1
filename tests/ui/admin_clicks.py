"""Clicks on the administration screens whose handlers are async: they save off the event loop, in a worker thread.

NiceGUI runs an async handler as a background task, so ``user.find(...).click()`` returns before it has finished.
``await click(user, marker)`` clicks, then waits until the tasks the click started (the handler, the refreshes it
fires) are done, so that what the handler shows, or stored, can be checked right after.
"""

import asyncio

from nicegui import background_tasks
from nicegui.testing import User

SETTLE_SECONDS = 10.0


async def settled(before: set[asyncio.Task], timeout: float = SETTLE_SECONDS) -> None:
    """Wait until the background tasks started since ``before`` are done (at most ``timeout`` seconds)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        pending = {t for t in background_tasks.running_tasks if t not in before and not t.done()}
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
